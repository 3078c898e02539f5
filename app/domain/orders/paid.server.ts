import { and, eq } from "drizzle-orm";

import { schema, type Tx } from "~db/client";

import { nextShopNumber } from "./counters.server";
import { transitionOrder } from "./status.server";

export interface OrderPaidInput {
  shopId: string;
  orderId: string;
  /** The payments row (a charge) that paid it; null for a payment recorded by hand. */
  paymentId: string | null;
  /** A person who recorded the payment by hand; null for the gateway. */
  actorUserId?: string | null;
}

/**
 * The order's own part of being paid, inside the caller's transaction: moves it along the status
 * machine, gives it the shop's next tax invoice number (gapless under concurrent payments: the
 * counter row stays locked until commit) and marks the payment succeeded. Only the order-paid
 * flow (app/flows/order-paid.server.ts) calls this: what follows a payment is listed there.
 *
 * Idempotent: an order already paid returns `alreadyPaid` and changes nothing.
 */
export type OrderPaidResult = { alreadyPaid: true; invoiceNumber: number | null } | { alreadyPaid: false; invoiceNumber: number };

export async function recordOrderPaid(tx: Tx, input: OrderPaidInput): Promise<OrderPaidResult> {
  const where = and(eq(schema.orders.shopId, input.shopId), eq(schema.orders.id, input.orderId));
  const [order] = await tx
    .select({ paymentStatus: schema.orders.paymentStatus, invoiceNumber: schema.orders.invoiceNumber })
    .from(schema.orders)
    .where(where)
    .for("update");
  if (!order) throw new Error(`order ${input.orderId} not found`);
  if (order.paymentStatus !== "unpaid") return { alreadyPaid: true, invoiceNumber: order.invoiceNumber };

  await transitionOrder(tx, {
    shopId: input.shopId,
    orderId: input.orderId,
    to: "paid",
    actorUserId: input.actorUserId ?? null,
    data: input.paymentId ? { paymentId: input.paymentId } : { manual: true },
  });
  if (input.paymentId) {
    await tx
      .update(schema.payments)
      .set({ status: "succeeded", completedAt: new Date() })
      .where(and(eq(schema.payments.shopId, input.shopId), eq(schema.payments.id, input.paymentId)));
  }
  const invoiceNumber = await nextShopNumber(tx, input.shopId, "invoice");
  await tx.update(schema.orders).set({ paymentStatus: "paid", invoiceNumber, invoicedAt: new Date() }).where(where);
  return { alreadyPaid: false, invoiceNumber };
}
