/** What the customer sees of their order on the storefront's order, confirmation and payment pages. */
import { and, asc, eq } from "drizzle-orm";

import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

import { chargesOf, type Order } from "./charges.server";
import { GATEWAY_LABELS, isGateway } from "./gateways.server";
import { orderWithLines } from "./order-reads.server";
import { CUSTOMER_TIMELINE, type TimelineWording } from "./timeline-wording";

export type CustomerPaymentState = "paid" | "refunded" | "partially_refunded" | "failed" | "processing" | "unpaid" | "cancelled";

export interface CustomerOrderView {
  id: string;
  number: number;
  status: Order["status"];
  payment: CustomerPaymentState;
  fulfilmentStatus: Order["fulfilmentStatus"];
  createdAt: string;
  paidAt: string | null;
  expiresAt: string | null;
  /** Can still be paid: pending and not past its time. */
  payable: boolean;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  refundedMinor: number;
  shippingMethod: string | null;
  shippingAddress: Order["shippingAddress"];
  customerName: string;
  email: string | null;
  phone: string | null;
  gateway: string | null;
  lines: Array<{ id: string; title: string; variantTitle: string; quantity: number; unitPriceMinor: number; totalMinor: number }>;
  /** The order's history as the customer is told it: only their entries, and only their wording (nothing the shop noted). */
  history: Array<{ id: string; type: string; summary: string; data: { wording: TimelineWording }; createdAt: string }>;
}

/**
 * The customer's view of their order (only references and amounts of payments: nothing else is
 * kept). The confirmation page first asks the gateway about an open charge (the
 * payment-notification flow's reconcileCustomerOrder).
 */
export async function customerOrder(shopId: string, orderId: string): Promise<CustomerOrderView | undefined> {
  if (!isUuid(orderId)) return undefined;
  const loaded = await withShop(shopId, async (tx) => {
    const found = await orderWithLines(tx, shopId, orderId);
    if (!found) return undefined;
    const { order, lines } = found;
    const events = await tx
      .select({
        id: schema.orderEvents.id,
        type: schema.orderEvents.type,
        data: schema.orderEvents.data,
        createdAt: schema.orderEvents.createdAt,
      })
      .from(schema.orderEvents)
      .where(and(eq(schema.orderEvents.shopId, shopId), eq(schema.orderEvents.orderId, orderId)))
      .orderBy(asc(schema.orderEvents.createdAt), asc(schema.orderEvents.id));
    return { order, lines, events, charges: await chargesOf(tx, shopId, orderId) };
  });
  if (!loaded) return undefined;
  const { order, lines, events, charges } = loaded;
  const latest = charges[0];
  const payment: CustomerPaymentState =
    order.paymentStatus !== "unpaid"
      ? order.paymentStatus
      : order.status === "cancelled"
        ? "cancelled"
        : latest?.status === "failed"
          ? "failed"
          : latest?.status === "pending"
            ? "processing"
            : "unpaid";
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    payment,
    fulfilmentStatus: order.fulfilmentStatus,
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    expiresAt: order.expiresAt?.toISOString() ?? null,
    payable:
      order.status === "pending_payment" &&
      order.paymentStatus === "unpaid" &&
      !(order.expiresAt && order.expiresAt.getTime() <= Date.now()),
    currency: order.currency,
    subtotalMinor: order.subtotalMinor,
    discountMinor: order.discountMinor,
    shippingMinor: order.shippingMinor,
    taxMinor: order.taxMinor,
    totalMinor: order.totalMinor,
    refundedMinor: order.refundedMinor,
    shippingMethod: order.shippingMethod,
    shippingAddress: order.shippingAddress,
    customerName: order.customerName,
    email: order.email,
    phone: order.phone,
    gateway: order.gateway && isGateway(order.gateway) ? GATEWAY_LABELS[order.gateway] : null,
    lines: lines.map((l) => ({
      id: l.id,
      title: l.title,
      variantTitle: l.variantTitle,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      totalMinor: l.totalMinor,
    })),
    history: events.flatMap((e) => {
      const wording = e.data.wording as TimelineWording | undefined;
      return wording && CUSTOMER_TIMELINE.includes(wording.key)
        ? [{ id: e.id, type: e.type, summary: "", data: { wording }, createdAt: e.createdAt.toISOString() }]
        : [];
    }),
  };
}
