import { and, eq } from "drizzle-orm";
import { schema, type Tx } from "~db/client";
import { forwardOnPaid } from "~/domain/dropship/forwarding.server";
import { queueInvoiceSync } from "~/domain/accounting/sync.server";
import { nextShopNumber } from "./counters.server";
import { commitOrderStock } from "./stock.server";
import { notifyOrderPaid } from "./paid-notifications.server";
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
 * The one place an order becomes paid, inside the caller's transaction: moves it along the
 * status machine, gives it the shop's next tax invoice number (gapless under concurrent
 * payments: the counter row stays locked until commit) and marks the payment succeeded.
 * Everything that follows a payment hangs off here, in the same transaction, so it happens
 * exactly once: stock, notifications, forwarding to suppliers, accounting.
 *
 * Idempotent: an order already paid returns `alreadyPaid` and changes nothing.
 */
export async function markOrderPaid(tx: Tx, input: OrderPaidInput): Promise<{ alreadyPaid: boolean; invoiceNumber: number | null }> {
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
  // Dropship lines go to their suppliers (a `dropship:forward-order` outbox entry, once per order).
  await forwardOnPaid(tx, input.shopId, input.orderId);
  // Stock: the reserved units (or, without a reservation, what is on hand) become sold.
  await commitOrderStock(tx, input.shopId, input.orderId);
  // The customer ("confirmed") and the owner are told, through the outbox: exactly once.
  await notifyOrderPaid(tx, input.shopId, input.orderId);
  // Accounting: the sales invoice, receipt and knock-off go to AutoCount after commit.
  await queueInvoiceSync(tx, { shopId: input.shopId, orderId: input.orderId, invoiceNumber });
  return { alreadyPaid: false, invoiceNumber };
}
