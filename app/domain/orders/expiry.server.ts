/**
 * Unpaid orders expire: the `maintenance` queue's `expire-orders` job (a BullMQ job scheduler,
 * every minute) runs the order-cancelled flow's expireDueOrders (app/flows/order-cancelled.server.ts),
 * which finds them here (dueOrders) and cancels each in its own tenant transaction.
 */
import { and, asc, eq, lte } from "drizzle-orm";

import { asPlatform, schema, type Tx } from "~db/client";

import { transitionOrder } from "./status.server";

export const EXPIRY_REASON = "Not paid in time";

/**
 * Cancels one unpaid order whose time is up, inside the caller's transaction (cancelled with the
 * reason, on the timeline). Returns false when the order is no longer pending or not yet due (a
 * payment that arrived first wins).
 */
export async function cancelExpiredOrder(tx: Tx, shopId: string, orderId: string, now = new Date()): Promise<boolean> {
  const [order] = await tx
    .select({ status: schema.orders.status, expiresAt: schema.orders.expiresAt })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  if (!order || order.status !== "pending_payment" || !order.expiresAt || order.expiresAt > now) return false;
  await transitionOrder(tx, { shopId, orderId, to: "cancelled", actorUserId: null, reason: EXPIRY_REASON, data: { expired: true } });
  return true;
}

/** Pending orders past their time, across shops, the oldest first. */
export function dueOrders(now: Date, batch: number): Promise<Array<{ shopId: string; id: string }>> {
  // Platform-level by nature: the scan spans shops (orders_pending_expiry_idx).
  return asPlatform((tx) =>
    tx
      .select({ shopId: schema.orders.shopId, id: schema.orders.id })
      .from(schema.orders)
      .where(and(eq(schema.orders.status, "pending_payment"), lte(schema.orders.expiresAt, now)))
      .orderBy(asc(schema.orders.expiresAt))
      .limit(batch),
  );
}
