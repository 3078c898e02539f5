/**
 * An order's charges at its gateway (`payments` rows of kind "charge") and what gateway
 * notifications do to them: found by the gateway's reference, deduplicated by event id
 * (webhook_events), checked against the order, failed or cancelled, or — money the order can no
 * longer take — recorded and flagged to the owner for a refund. Making an order paid is the
 * order-paid flow's (app/flows/payment-notification.server.ts puts the steps together).
 */
import { and, desc, eq } from "drizzle-orm";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import {
  type GatewayName,
  PaymentGatewayError,
  type PaymentMismatchError,
  type PaymentNotification,
  type PaymentStatus,
} from "~/integrations/payment-gateway";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

import { GATEWAY_LABELS, gatewayForPayment } from "./gateways.server";
import { notifyOwnerRefundNeeded } from "./paid-notifications.server";
import { recordOrderEvent } from "./timeline.server";

export type Order = typeof schema.orders.$inferSelect;
export type Charge = typeof schema.payments.$inferSelect;

export interface NotificationOutcome {
  /** The HTTP status to answer a callback with. */
  status: number;
  outcome:
    | "paid"
    | "already_paid"
    | "late_payment"
    | "extra_payment"
    | "failed"
    | "pending"
    | "recorded"
    | "duplicate"
    | "mismatch"
    | "unconfirmed"
    | "requery_failed"
    | "unknown_payment"
    | "invalid_signature"
    | "malformed";
}

/** Our reference for the order at the gateway (shown on its hosted page, echoed back). */
export const orderReference = (order: Pick<Order, "number">) => `#${order.number}`;

/** What a notification or re-query about this charge must say: its reference, the order's reference, amount and currency. */
export function chargeExpectation(order: Order, charge: Charge) {
  return {
    gatewayReference: charge.gatewayReference ?? undefined,
    orderReference: orderReference(order),
    amountMinor: order.totalMinor,
    currency: order.currency,
  };
}

/** An order's charges, the latest first. */
export function chargesOf(tx: Tx, shopId: string, orderId: string): Promise<Charge[]> {
  return tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, orderId), eq(schema.payments.kind, "charge")))
    .orderBy(desc(schema.payments.createdAt));
}

/** The charge (and its order) the gateway knows by `reference`. */
export async function chargeByReference(tx: Tx, shopId: string, gateway: GatewayName, reference: string) {
  const [row] = await tx
    .select({ charge: schema.payments, order: schema.orders })
    .from(schema.payments)
    .innerJoin(schema.orders, and(eq(schema.orders.shopId, schema.payments.shopId), eq(schema.orders.id, schema.payments.orderId)))
    .where(
      and(
        eq(schema.payments.shopId, shopId),
        eq(schema.payments.gateway, gateway),
        eq(schema.payments.gatewayReference, reference),
        eq(schema.payments.kind, "charge"),
      ),
    );
  return row;
}

const eventProvider = (gateway: GatewayName, shopId: string) => `${gateway}:${shopId}`;

/** Records an event id once; false when it was already recorded (a retry, duplicate or replay). */
export async function claimEvent(tx: Tx, gateway: GatewayName, shopId: string, eventId: string): Promise<boolean> {
  const rows = await tx
    .insert(schema.webhookEvents)
    .values({ provider: eventProvider(gateway, shopId), eventId })
    .onConflictDoNothing()
    .returning({ eventId: schema.webhookEvents.eventId });
  return rows.length > 0;
}

/** Whether an event id was recorded already (checked before the re-query, claimed after it). */
export async function eventSeen(tx: Tx, gateway: GatewayName, shopId: string, eventId: string): Promise<boolean> {
  const rows = await tx
    .select({ eventId: schema.webhookEvents.eventId })
    .from(schema.webhookEvents)
    .where(and(eq(schema.webhookEvents.provider, eventProvider(gateway, shopId)), eq(schema.webhookEvents.eventId, eventId)));
  return rows.length > 0;
}

/** A notification or re-query that does not match the order: on the timeline, nothing paid. */
export async function recordPaymentMismatch(
  tx: Tx,
  shopId: string,
  gateway: GatewayName,
  n: PaymentNotification,
  order: Order,
  charge: Charge,
  error: PaymentMismatchError,
  source: string,
): Promise<void> {
  await recordOrderEvent(tx, {
    shopId,
    orderId: order.id,
    type: "payment_mismatch",
    summary: `${GATEWAY_LABELS[gateway]} ${source} refused: ${error.field} is ${error.actual ?? "missing"}, the order expects ${error.expected}. Not marked paid; check the payment at ${GATEWAY_LABELS[gateway]}.`,
    wording: {
      key: "paymentMismatch",
      values: { gateway: GATEWAY_LABELS[gateway], field: error.field, expected: String(error.expected), actual: error.actual ?? null },
    },
    data: { paymentId: charge.id, field: error.field, expected: error.expected, actual: error.actual ?? null, status: n.status, source },
  });
}

/** A notification said paid but the gateway, asked, does not (yet): on the timeline, nothing paid. */
export async function recordUnconfirmedPayment(
  tx: Tx,
  shopId: string,
  gateway: GatewayName,
  n: PaymentNotification,
  orderId: string,
  chargeId: string,
  gatewayStatus: PaymentStatus,
): Promise<void> {
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: "payment_unconfirmed",
    summary: `${GATEWAY_LABELS[gateway]} ${n.channel} said paid, but asking ${GATEWAY_LABELS[gateway]} gives "${gatewayStatus}": not marked paid`,
    wording: { key: "paymentUnconfirmed", values: { gateway: GATEWAY_LABELS[gateway], status: gatewayStatus } },
    data: { paymentId: chargeId, channel: n.channel, gatewayStatus },
  });
}

/** A charge that failed, was cancelled or is still pending at the gateway. A succeeded charge stays succeeded. */
export async function applyUnpaidStatus(tx: Tx, shopId: string, chargeId: string, status: PaymentStatus): Promise<NotificationOutcome> {
  const [charge] = await tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)))
    .for("update");
  // A succeeded charge stays succeeded: a late "failed" never un-pays.
  if (charge.status !== "pending" && !(charge.status === "failed" && status === "cancelled")) return { status: 200, outcome: "recorded" };
  if (status === "failed") {
    await tx
      .update(schema.payments)
      .set({ status: "failed" })
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)));
    await recordOrderEvent(tx, {
      shopId,
      orderId: charge.orderId,
      type: "payment_failed",
      summary: "A payment attempt failed at the gateway",
      wording: { key: "paymentFailed" },
      data: { paymentId: chargeId },
    });
    return { status: 200, outcome: "failed" };
  }
  if (status === "cancelled") {
    await tx
      .update(schema.payments)
      .set({ status: "cancelled", completedAt: new Date() })
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)));
    return { status: 200, outcome: "recorded" };
  }
  return { status: 200, outcome: status === "pending" ? "pending" : "recorded" };
}

/** The order and the charge a confirmed payment is for, both locked until the caller's transaction ends. */
export async function lockOrderAndCharge(
  tx: Tx,
  shopId: string,
  orderId: string,
  chargeId: string,
): Promise<{ order: Order; charge: Charge }> {
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  const [charge] = await tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)))
    .for("update");
  return { order, charge };
}

/**
 * Money the order can no longer take (it was cancelled, or another charge paid it already): the
 * charge is recorded as succeeded, put on the timeline and the owner asked to refund it.
 */
export async function recordUnwantedPayment(
  tx: Tx,
  shopId: string,
  order: Order,
  charge: Charge,
  gateway: GatewayName,
): Promise<NotificationOutcome> {
  const amount = formatMoney(charge.amountMinor, charge.currency);
  const reason = order.paymentStatus === "unpaid" ? ("cancelled" as const) : ("already_paid" as const);
  await tx
    .update(schema.payments)
    .set({ status: "succeeded", completedAt: new Date() })
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, charge.id)));
  await recordOrderEvent(tx, {
    shopId,
    orderId: order.id,
    type: reason === "cancelled" ? "late_payment" : "extra_payment",
    summary:
      reason === "cancelled"
        ? `${amount} received through ${GATEWAY_LABELS[gateway]} after the order was cancelled: refund the customer`
        : `A second payment of ${amount} received through ${GATEWAY_LABELS[gateway]} for an order already paid: refund the customer`,
    wording: { key: reason === "cancelled" ? "latePayment" : "extraPayment", values: { amount, gateway: GATEWAY_LABELS[gateway] } },
    data: { paymentId: charge.id, gateway, needsRefund: true },
  });
  await notifyOwnerRefundNeeded(tx, shopId, order.id, { minor: charge.amountMinor, currency: charge.currency }, reason);
  return { status: 200, outcome: reason === "cancelled" ? "late_payment" : "extra_payment" };
}

/**
 * The charge to ask the gateway about while the customer waits on the confirmation page: an
 * unpaid, pending order whose latest charge is open at the gateway. Null otherwise.
 */
export async function openChargeToConfirm(shopId: string, orderId: string): Promise<{ order: Order; charge: Charge } | undefined> {
  if (!isUuid(orderId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
    if (!order || order.paymentStatus !== "unpaid" || order.status !== "pending_payment") return undefined;
    const [latest] = await chargesOf(tx, shopId, orderId);
    return latest?.status === "pending" && latest.gatewayReference ? { order, charge: latest } : undefined;
  });
}

/**
 * Withdraws an order's open charges at the gateway (an expired or cancelled order), so the
 * customer cannot pay them any more where the gateway allows that. Called after the order is
 * cancelled (the order-cancelled flow). A charge already paid at the gateway is left alone: its
 * callback brings the payment in, and the late-payment path flags it for a refund. Billplz may
 * still take a payment on a deleted bill: the same path handles it.
 */
export async function cancelOpenCharges(shopId: string, orderId: string): Promise<{ cancelled: number }> {
  const open = await withShop(shopId, async (tx) =>
    (await chargesOf(tx, shopId, orderId)).filter((c) => (c.status === "pending" || c.status === "failed") && c.gatewayReference),
  );
  let cancelled = 0;
  for (const charge of open) {
    const gateway = await withShop(shopId, (tx) => gatewayForPayment(tx, shopId, charge.gateway));
    try {
      await gateway.cancelPayment(charge.gatewayReference!);
    } catch (error) {
      if (error instanceof PaymentGatewayError && (error.kind === "conflict" || error.kind === "not_found")) continue;
      throw error;
    }
    await withShop(shopId, (tx) => applyUnpaidStatus(tx, shopId, charge.id, "cancelled"));
    cancelled++;
  }
  return { cancelled };
}
