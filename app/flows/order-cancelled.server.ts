/**
 * An unpaid order is cancelled: by a person (the order page) or because its time is up (the
 * `maintenance:expire-orders` job). A paid order is cancelled with its refund
 * (app/flows/order-refunded.server.ts).
 *
 *   1. In one transaction: the order moves to cancelled, and what it held goes back — its
 *      reserved stock and its flash-sale claims (releaseUnpaidOrder); a person's cancellation
 *      also tells the customer (through the outbox).
 *   2. After the commit, outside any transaction: its open charges are withdrawn at the gateway,
 *      best effort (a charge the gateway still takes is caught by the late-payment path).
 */
import { cancelOpenCharges } from "~/domain/orders/charges.server";
import { cancelExpiredOrder, dueOrders } from "~/domain/orders/expiry.server";
import { type Actor, cancelUnpaid, type MoveResult, notifyCustomer } from "~/domain/orders/order-admin.server";
import { releaseOrderStock } from "~/domain/orders/stock.server";
import { releaseFlashSaleClaims } from "~/domain/storefront/flash-sales.server";
import { logger } from "~/lib/logger.server";
import { type Tx, withShop } from "~db/client";

/** A person cancels an unpaid order (the order page). */
export async function cancelUnpaidOrder(
  shopId: string,
  orderId: string,
  actor: Actor,
  reason: string | undefined,
): Promise<MoveResult | undefined> {
  // 1. Cancelled, what it held given back, the customer told: one transaction.
  const result = await withShop(shopId, async (tx) => {
    const cancelled = await cancelUnpaid(tx, shopId, orderId, actor, reason);
    if (!cancelled?.ok) return cancelled;
    await releaseUnpaidOrder(tx, shopId, orderId);
    await notifyCustomer(tx, shopId, orderId, "cancelled");
    return cancelled;
  });
  // 2. The gateway's open charges, after the commit.
  if (result?.ok) await withdrawOpenCharges(shopId, orderId);
  return result;
}

/**
 * Cancels one unpaid order whose time is up, inside the caller's transaction, and gives back what
 * it held. Returns false when the order is no longer pending or not yet due (a payment that
 * arrived first wins). Its open charges are withdrawn after the commit (expireDueOrders).
 */
export async function expireOrder(tx: Tx, shopId: string, orderId: string, now = new Date()): Promise<boolean> {
  if (!(await cancelExpiredOrder(tx, shopId, orderId, now))) return false;
  await releaseUnpaidOrder(tx, shopId, orderId);
  return true;
}

/** Expires every due order (a batch at a time, each in its own tenant transaction); returns how many were cancelled. */
export async function expireDueOrders(options: { now?: Date; batch?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 200;
  let total = 0;
  for (;;) {
    const due = await dueOrders(now, batch);
    let expired = 0;
    for (const order of due) {
      // 1. Cancelled and released, in the order's own tenant transaction.
      if (!(await withShop(order.shopId, (tx) => expireOrder(tx, order.shopId, order.id, now)))) continue;
      expired++;
      // 2. The gateway's open charges, after the commit.
      await withdrawOpenCharges(order.shopId, order.id);
    }
    total += expired;
    if (due.length < batch || expired === 0) return total;
  }
}

/**
 * What an unpaid order held and gives back when it is cancelled, in the transaction that cancels
 * it: its reserved stock and its flash-sale claims. Idempotent.
 */
async function releaseUnpaidOrder(tx: Tx, shopId: string, orderId: string): Promise<void> {
  await releaseOrderStock(tx, shopId, orderId);
  await releaseFlashSaleClaims(tx, { shopId, orderId });
}

/** Withdraws a cancelled order's open charges at the gateway, after the commit; best effort. */
async function withdrawOpenCharges(shopId: string, orderId: string): Promise<void> {
  // A charge the gateway still takes is caught by the late-payment path.
  await cancelOpenCharges(shopId, orderId).catch((error: unknown) =>
    logger().warn(
      { err: error instanceof Error ? error.message : String(error), orderId },
      "could not withdraw a cancelled order's open charges",
    ),
  );
}
