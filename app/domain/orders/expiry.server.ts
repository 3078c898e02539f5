/**
 * Unpaid orders expire: the `maintenance` queue's `expire-orders` job (a BullMQ job scheduler,
 * every minute) finds pending_payment orders past expires_at across shops and cancels each in
 * its own tenant transaction with expireOrder().
 */
import { and, asc, eq, lte } from "drizzle-orm";
import { asPlatform, schema, withShop, type Tx } from "~db/client";
import { logger } from "~/lib/logger.server";
import { cancelOpenCharges } from "./payments.server";
import { releaseFlashSaleClaims } from "~/domain/storefront/flash-sales.server";
import { releaseOrderStock } from "./stock.server";
import { transitionOrder } from "./status.server";

export const EXPIRY_REASON = "Not paid in time";

/**
 * Cancels one unpaid order whose time is up, inside the caller's transaction: moves it to
 * cancelled (with the reason, on the timeline), gives its reserved stock back. Returns false when
 * the order is no longer pending or not yet due (a payment that arrived first wins).
 *
 * The gateway's open charges are withdrawn after the commit (expireDueOrders), as that is a call
 * to the gateway.
 */
export async function expireOrder(tx: Tx, shopId: string, orderId: string, now = new Date()): Promise<boolean> {
  const [order] = await tx
    .select({ status: schema.orders.status, expiresAt: schema.orders.expiresAt })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  if (!order || order.status !== "pending_payment" || !order.expiresAt || order.expiresAt > now) return false;
  await transitionOrder(tx, { shopId, orderId, to: "cancelled", actorUserId: null, reason: EXPIRY_REASON, data: { expired: true } });
  await releaseUnpaidOrder(tx, shopId, orderId);
  return true;
}

/**
 * What an unpaid order held and gives back when it is cancelled, by expiry or by a person, in the
 * transaction that cancels it: its reserved stock and its flash-sale claims. Idempotent.
 */
export async function releaseUnpaidOrder(tx: Tx, shopId: string, orderId: string): Promise<void> {
  await releaseOrderStock(tx, shopId, orderId);
  await releaseFlashSaleClaims(tx, { shopId, orderId });
}

/** Withdraws a cancelled order's open charges at the gateway, after the commit; best effort. */
export async function withdrawOpenCharges(shopId: string, orderId: string): Promise<void> {
  // A charge the gateway still takes is caught by the late-payment path.
  await cancelOpenCharges(shopId, orderId).catch((error: unknown) =>
    logger().warn(
      { err: error instanceof Error ? error.message : String(error), orderId },
      "could not withdraw a cancelled order's open charges",
    ),
  );
}

/** Expires every due order (a batch at a time); returns how many were cancelled. */
export async function expireDueOrders(options: { now?: Date; batch?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 200;
  let total = 0;
  for (;;) {
    // Platform-level by nature: the scan spans shops (orders_pending_expiry_idx).
    const due = await asPlatform((tx) =>
      tx
        .select({ shopId: schema.orders.shopId, id: schema.orders.id })
        .from(schema.orders)
        .where(and(eq(schema.orders.status, "pending_payment"), lte(schema.orders.expiresAt, now)))
        .orderBy(asc(schema.orders.expiresAt))
        .limit(batch),
    );
    let expired = 0;
    for (const order of due) {
      if (!(await withShop(order.shopId, (tx) => expireOrder(tx, order.shopId, order.id, now)))) continue;
      expired++;
      await withdrawOpenCharges(order.shopId, order.id);
    }
    total += expired;
    if (due.length < batch || expired === 0) return total;
  }
}
