import { and, eq } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { schema, type Tx } from "~db/client";

import { canTransition, ORDER_STATUS_LABELS, type OrderStatus, transitionRefusal } from "./order-status";
import { recordOrderEvent } from "./timeline.server";

export class OrderTransitionError extends Error {
  constructor(
    message: string,
    public readonly from: OrderStatus,
    public readonly to: OrderStatus,
  ) {
    super(message);
    this.name = "OrderTransitionError";
  }
}

export interface TransitionInput extends RequestInfo {
  shopId: string;
  orderId: string;
  to: OrderStatus;
  /** null when the system or the gateway moves the order. */
  actorUserId: string | null;
  reason?: string;
  data?: Record<string, unknown>;
}

/**
 * Moves an order along the status machine inside the caller's transaction: locks the order row,
 * refuses a move the machine does not allow (OrderTransitionError, with a message for people),
 * records the change on the timeline and, when a person made it, in the audit log. Side effects
 * of a status (stock, refunds, notifications) belong to the caller, in the same transaction.
 */
export async function transitionOrder(tx: Tx, input: TransitionInput): Promise<{ from: OrderStatus; to: OrderStatus }> {
  const [order] = await tx
    .select({ status: schema.orders.status, number: schema.orders.number })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, input.shopId), eq(schema.orders.id, input.orderId)))
    .for("update");
  if (!order) throw new Error(`order ${input.orderId} not found`);
  const from = order.status;
  if (!canTransition(from, input.to)) throw new OrderTransitionError(transitionRefusal(from, input.to), from, input.to);

  const now = new Date();
  await tx
    .update(schema.orders)
    .set({
      status: input.to,
      updatedAt: now,
      ...(input.to === "paid" ? { paidAt: now } : {}),
      ...(input.to === "cancelled" ? { cancelledAt: now, cancelReason: input.reason ?? null, expiresAt: null } : {}),
    })
    .where(and(eq(schema.orders.shopId, input.shopId), eq(schema.orders.id, input.orderId)));
  await recordOrderEvent(tx, {
    shopId: input.shopId,
    orderId: input.orderId,
    type: "status_changed",
    summary: `${ORDER_STATUS_LABELS[from]} → ${ORDER_STATUS_LABELS[input.to]}${input.reason ? `: ${input.reason}` : ""}`,
    wording: { key: "statusChanged", values: { from, to: input.to, reason: input.reason ?? null } },
    data: { from, to: input.to, ...(input.reason ? { reason: input.reason } : {}), ...input.data },
    actorUserId: input.actorUserId,
  });
  if (input.actorUserId) {
    await audit(tx, {
      shopId: input.shopId,
      actorUserId: input.actorUserId,
      action: `order.${input.to}`,
      targetType: "order",
      targetId: input.orderId,
      before: { status: from },
      after: { status: input.to, ...(input.reason ? { reason: input.reason } : {}) },
      ip: input.ip,
      userAgent: input.userAgent,
    });
  }
  return { from, to: input.to };
}
