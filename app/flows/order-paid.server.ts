/**
 * An order is paid: by the gateway (the payment-notification flow) or recorded by hand. Entirely
 * inside the caller's transaction, so everything that follows a payment happens exactly once,
 * or not at all if the transaction rolls back; work after commit goes through the outbox.
 */
import { queueInvoiceSync } from "~/domain/accounting/sync.server";
import { forwardOnPaid } from "~/domain/dropship/forwarding.server";
import { type OrderPaidInput, type OrderPaidResult, recordOrderPaid } from "~/domain/orders/paid.server";
import { notifyOrderPaid } from "~/domain/orders/paid-notifications.server";
import { commitOrderStock } from "~/domain/orders/stock.server";
import type { Tx } from "~db/client";

export type { OrderPaidInput, OrderPaidResult };

/**
 * The one place an order becomes paid. Idempotent: an order already paid returns `alreadyPaid`
 * and changes nothing.
 */
export async function markOrderPaid(tx: Tx, input: OrderPaidInput): Promise<OrderPaidResult> {
  const { shopId, orderId } = input;
  // 1. The order: paid, its gapless tax invoice number, the charge succeeded.
  const paid = await recordOrderPaid(tx, input);
  if (paid.alreadyPaid) return paid;
  // 2. Dropship lines go to their suppliers (a `dropship:forward-order` outbox entry, once per order).
  await forwardOnPaid(tx, shopId, orderId);
  // 3. Stock: the reserved units (or, without a reservation, what is on hand) become sold.
  await commitOrderStock(tx, shopId, orderId);
  // 4. The customer ("confirmed") and the owner are told, through the outbox.
  await notifyOrderPaid(tx, shopId, orderId);
  // 5. Accounting: the sales invoice, receipt and knock-off go to AutoCount after commit.
  await queueInvoiceSync(tx, { shopId, orderId, invoiceNumber: paid.invoiceNumber });
  return paid;
}
