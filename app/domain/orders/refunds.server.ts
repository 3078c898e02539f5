/**
 * Refunds, the orders area's part: full, by line (quantities) or by amount; through the gateway's
 * refund API where it has one (idempotency key = our refund's payments id, so a retried call
 * never pays twice), otherwise recorded as a manual refund with its reason. Optional restock
 * through the inventory ledger. The order's refunded_minor, payment_status and lines follow.
 *
 * Never more than was paid, also under concurrent clicks: the refund is first reserved as a
 * pending payments row under the order's row lock (reserveRefund: a second click waits, then
 * sees it), the gateway is called outside any transaction, and the result is recorded in a
 * second one (applyRefund). The steps, and what else follows (the books, the suppliers, the
 * customer), are the order-refunded flow's: app/flows/order-refunded.server.ts.
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { formatMoney, parseMoney } from "~/domain/catalog/catalog-rules";
import { adjustInventory, InventoryError } from "~/domain/catalog/inventory.server";
import type { PaymentGateway } from "~/integrations/payment-gateway";
import { type Coded } from "~/lib/forms";
import { schema, type Tx } from "~db/client";

import { gatewayForPayment } from "./gateways.server";
import { type Actor, orderProblem } from "./order-admin.server";
import { canTransition, type OrderStatus } from "./order-status";
import { recordOrderEvent } from "./timeline.server";
import type { TimelineWording } from "./timeline-wording";

/** The gateway a shop's payment went through, with the shop's own credentials (gatewayForPayment). */
export async function refundGateway(tx: Tx, shopId: string, gatewayName: string): Promise<PaymentGateway | undefined> {
  if (gatewayName !== "payseller" && gatewayName !== "billplz") return undefined;
  return gatewayForPayment(tx, shopId, gatewayName);
}

export type RefundResult =
  { ok: true; paymentId: string; amountMinor: number; manual: boolean } | { ok: false; errors: Record<string, string | Coded> };

/** A refund reserved (a pending payments row): what to ask the gateway, or to record by hand. */
export interface RefundPlan {
  paymentId: string;
  /** Who asked for it (the settler of an interrupted refund acts for them). */
  actorUserId?: string | null;
  amountMinor: number;
  currency: string;
  manual: boolean;
  gatewayName: string;
  chargeReference: string | null;
  reason: string | null;
}

export const truthy = (v: unknown) => v === "on" || v === "true" || v === true;

/**
 * Reserves a refund under the order's lock, inside the caller's transaction: checks the form
 * against what is left to refund and writes a pending payments row (with its lines). Form: `mode`
 * full | lines | amount, `amount` ("12.50"), `rq_<lineId>` quantities, `manual` (recorded by hand
 * even where the gateway could refund), `reason`. With `cancel`, a full refund of a paid order
 * that is then cancelled. A refusal returns `{ ok: false, errors }`; undefined when the order is
 * not this shop's.
 */
export async function reserveRefund(
  tx: Tx,
  shopId: string,
  orderId: string,
  actor: Actor,
  form: Record<string, unknown>,
  options: { cancel?: boolean } = {},
): Promise<RefundResult | RefundPlan | undefined> {
  const mode = options.cancel ? "full" : String(form.mode ?? "full");
  const wantManual = truthy(form.manual);
  const reason =
    String(form.reason ?? "")
      .trim()
      .slice(0, 500) || null;
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  if (!order) return undefined;
  const fail = (errors: Record<string, Coded>) => ({ ok: false as const, errors });
  if (order.paymentStatus === "unpaid") return fail({ form: orderProblem("unpaidRefund") });
  if (options.cancel && !canTransition(order.status, "cancelled"))
    return fail({ form: orderProblem("noCancel", { status: order.status }) });

  const refunds = await tx
    .select({ id: schema.payments.id, amount: schema.payments.amountMinor, status: schema.payments.status })
    .from(schema.payments)
    .where(ofOrder(shopId, orderId, "refund", inArray(schema.payments.status, ["pending", "succeeded"])));
  const taken = refunds.reduce((sum, r) => sum + r.amount, 0);
  const available = order.totalMinor - taken;
  const pendingIds = refunds.filter((r) => r.status === "pending").map((r) => r.id);
  const pendingLines = pendingIds.length
    ? await tx
        .select({ lineId: schema.refundLines.orderLineId, qty: sql<number>`sum(${schema.refundLines.quantity})::int` })
        .from(schema.refundLines)
        .where(and(eq(schema.refundLines.shopId, shopId), inArray(schema.refundLines.paymentId, pendingIds)))
        .groupBy(schema.refundLines.orderLineId)
    : [];
  const lines = await tx
    .select()
    .from(schema.orderLines)
    .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)));
  const openQty = (l: (typeof lines)[number]) => l.quantity - l.refundedQuantity - (pendingLines.find((p) => p.lineId === l.id)?.qty ?? 0);

  if (available <= 0) return fail({ form: orderProblem("refundedAll") });
  let amount: number;
  const lineQty = new Map<string, number>();
  const errors: Record<string, Coded> = {};
  if (mode === "full") {
    amount = available;
    for (const l of lines) if (openQty(l) > 0) lineQty.set(l.id, openQty(l));
  } else if (mode === "lines") {
    amount = 0;
    for (const l of lines) {
      const text = String(form[`rq_${l.id}`] ?? "").trim();
      if (text === "" || text === "0") continue;
      if (!/^\d{1,6}$/.test(text)) {
        errors[`rq_${l.id}`] = orderProblem("wholeNumber");
        continue;
      }
      const q = Number(text);
      if (q > openQty(l)) {
        errors[`rq_${l.id}`] = openQty(l) === 0 ? orderProblem("lineRefunded") : orderProblem("atMostRefundQty", { count: openQty(l) });
        continue;
      }
      lineQty.set(l.id, q);
      amount += l.unitPriceMinor * q - Math.round((l.discountMinor * q) / l.quantity);
    }
    if (lineQty.size === 0 && Object.keys(errors).length === 0) errors.form = orderProblem("chooseRefundLines");
    if (amount > available && !errors.form) errors.form = orderProblem("atMostRefund", { amount: formatMoney(available, order.currency) });
  } else if (mode === "amount") {
    const parsed = parseMoney(String(form.amount ?? ""), order.currency);
    if (parsed === undefined || parsed <= 0) errors.amount = orderProblem("refundAmount");
    else if (parsed > available) errors.amount = orderProblem("atMostRefund", { amount: formatMoney(available, order.currency) });
    amount = parsed ?? 0;
  } else {
    return fail({ mode: orderProblem("refundMode") });
  }
  if (Object.keys(errors).length > 0) return fail(errors);

  const charge = await succeededCharge(tx, shopId, orderId);
  const gateway = charge?.reference ? await refundGateway(tx, shopId, charge.gateway) : undefined;
  const viaApi =
    !wantManual &&
    !!gateway &&
    gateway.capabilities.refunds === "api" &&
    (gateway.capabilities.partialRefunds || amount === order.totalMinor);
  if (!viaApi && !reason) {
    return fail({
      reason: !wantManual && gateway ? orderProblem("refundReasonGateway", { gateway: charge!.gateway }) : orderProblem("refundReason"),
    });
  }
  const [payment] = await tx
    .insert(schema.payments)
    .values({
      shopId,
      orderId,
      kind: "refund",
      gateway: viaApi ? charge!.gateway : "manual",
      amountMinor: amount,
      currency: order.currency,
      status: "pending",
      reason,
      actorUserId: actor.userId,
    })
    .returning({ id: schema.payments.id });
  for (const [lineId, quantity] of lineQty) {
    await tx.insert(schema.refundLines).values({ shopId, paymentId: payment.id, orderLineId: lineId, quantity });
  }
  return {
    paymentId: payment.id,
    amountMinor: amount,
    currency: order.currency,
    manual: !viaApi,
    gatewayName: charge?.gateway ?? "manual",
    chargeReference: charge?.reference ?? null,
    reason,
  };
}

/**
 * Records a reserved refund the gateway made (or one made by hand), inside the caller's
 * transaction: the payments row succeeded (once: null when another settler recorded it first),
 * the lines' refunded quantities, the restock, the order's amounts and payment status, the
 * timeline and the audit log. Returns the order as it was before, whether it is now refunded in
 * full and the amount as text; the status move and the customer's message are the caller's.
 */
export async function applyRefund(
  tx: Tx,
  shopId: string,
  orderId: string,
  actor: Actor,
  plan: RefundPlan,
  reference: string | null,
  options: { restock: boolean },
): Promise<{ status: OrderStatus; full: boolean; money: string } | null> {
  const restock = options.restock;
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  // Recorded once: a second settler (two refund clicks finding the same interrupted refund) finds it done.
  const claimed = await tx
    .update(schema.payments)
    .set({ status: "succeeded", gatewayReference: reference, completedAt: new Date() })
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, plan.paymentId), eq(schema.payments.status, "pending")))
    .returning({ id: schema.payments.id });
  if (claimed.length === 0) return null;
  const refundLines = await tx
    .select({
      id: schema.refundLines.id,
      lineId: schema.refundLines.orderLineId,
      quantity: schema.refundLines.quantity,
      variantId: schema.orderLines.variantId,
      title: schema.orderLines.title,
    })
    .from(schema.refundLines)
    .innerJoin(
      schema.orderLines,
      and(eq(schema.orderLines.shopId, schema.refundLines.shopId), eq(schema.orderLines.id, schema.refundLines.orderLineId)),
    )
    .where(and(eq(schema.refundLines.shopId, shopId), eq(schema.refundLines.paymentId, plan.paymentId)));
  const restocked: string[] = [];
  for (const rl of refundLines) {
    await tx
      .update(schema.orderLines)
      .set({ refundedQuantity: sql`${schema.orderLines.refundedQuantity} + ${rl.quantity}` })
      .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.id, rl.lineId)));
    if (restock && rl.variantId) {
      try {
        await adjustInventory(tx, shopId, {
          variantId: rl.variantId,
          reason: "returned",
          delta: rl.quantity,
          note: `Refund of order #${order.number}`,
          actorUserId: actor.userId,
        });
        await tx
          .update(schema.refundLines)
          .set({ restocked: true })
          .where(and(eq(schema.refundLines.shopId, shopId), eq(schema.refundLines.id, rl.id)));
        restocked.push(`${rl.quantity} × ${rl.title}`);
      } catch (error) {
        if (!(error instanceof InventoryError)) throw error;
      }
    }
  }
  const refunded = order.refundedMinor + plan.amountMinor;
  const full = refunded >= order.totalMinor;
  await tx
    .update(schema.orders)
    .set({ refundedMinor: refunded, paymentStatus: full ? "refunded" : "partially_refunded", updatedAt: new Date() })
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  const money = formatMoney(plan.amountMinor, plan.currency);
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: "refunded",
    summary: `Refunded ${money}${plan.manual ? " (recorded by hand)" : ` through ${plan.gatewayName}`}${plan.reason ? `: ${plan.reason}` : ""}${restocked.length ? `. Restocked ${restocked.join(", ")}` : ""}`,
    wording: {
      key: "refunded",
      values: {
        amount: money,
        gateway: plan.manual ? null : plan.gatewayName,
        reason: plan.reason || null,
        restocked: restocked.length ? restocked.join(", ") : null,
      },
    },
    data: { paymentId: plan.paymentId, amountMinor: plan.amountMinor, gatewayReference: reference, manual: plan.manual, restocked },
    actorUserId: actor.userId,
  });
  await audit(tx, {
    shopId,
    actorUserId: actor.userId,
    action: "order.refunded",
    targetType: "order",
    targetId: orderId,
    before: { refundedMinor: order.refundedMinor },
    after: { refundedMinor: refunded, amountMinor: plan.amountMinor, manual: plan.manual, reason: plan.reason },
    ip: actor.ip,
    userAgent: actor.userAgent,
  });
  return { status: order.status, full, money };
}

/** A reserved refund that did not happen: failed, on the timeline. `onlyIfPending` leaves one another settler recorded alone. */
export async function refundFailed(
  tx: Tx,
  input: {
    shopId: string;
    orderId: string;
    paymentId: string;
    actorUserId: string;
    summary: string;
    wording: TimelineWording;
    onlyIfPending?: boolean;
  },
): Promise<void> {
  const { shopId, orderId, paymentId } = input;
  const changed = await tx
    .update(schema.payments)
    .set({ status: "failed", completedAt: new Date() })
    .where(
      and(
        eq(schema.payments.shopId, shopId),
        eq(schema.payments.id, paymentId),
        input.onlyIfPending ? eq(schema.payments.status, "pending") : undefined,
      ),
    )
    .returning({ id: schema.payments.id });
  if (changed.length === 0) return; // another settler got there first
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: "refund_failed",
    summary: input.summary,
    wording: input.wording,
    data: { paymentId },
    actorUserId: input.actorUserId,
  });
}

/** A reserved refund younger than this may still be in progress (the gateway's client times out well before). */
export const INTERRUPTED_REFUND_AFTER_MS = 2 * 60_000;

/**
 * Refunds reserved but never recorded (the process stopped between the gateway call and the
 * record), older than two minutes at `now` (not one still in progress), as plans to settle.
 */
export async function staleRefunds(tx: Tx, shopId: string, orderId: string, now = new Date()): Promise<RefundPlan[]> {
  const before = new Date(now.getTime() - INTERRUPTED_REFUND_AFTER_MS);
  const rows = await tx
    .select({
      id: schema.payments.id,
      actorUserId: schema.payments.actorUserId,
      gateway: schema.payments.gateway,
      amount: schema.payments.amountMinor,
      currency: schema.payments.currency,
      reason: schema.payments.reason,
    })
    .from(schema.payments)
    .where(
      ofOrder(
        shopId,
        orderId,
        "refund",
        eq(schema.payments.status, "pending"),
        sql`${schema.payments.createdAt} < ${before.toISOString()}::timestamptz`,
      ),
    );
  const charge = await succeededCharge(tx, shopId, orderId);
  return rows.map((row) => ({
    paymentId: row.id,
    actorUserId: row.actorUserId,
    amountMinor: row.amount,
    currency: row.currency,
    manual: row.gateway === "manual",
    gatewayName: row.gateway,
    chargeReference: charge?.reference ?? null,
    reason: row.reason,
  }));
}

/** The order's succeeded charge (its gateway and reference), if it has one. */
async function succeededCharge(tx: Tx, shopId: string, orderId: string) {
  const [charge] = await tx
    .select({ gateway: schema.payments.gateway, reference: schema.payments.gatewayReference })
    .from(schema.payments)
    .where(ofOrder(shopId, orderId, "charge", eq(schema.payments.status, "succeeded")))
    .limit(1);
  return charge;
}

/** The order's payments of one kind, and whatever else is asked of them. */
const ofOrder = (shopId: string, orderId: string, kind: "charge" | "refund", ...also: SQL[]) =>
  and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, orderId), eq(schema.payments.kind, kind), ...also);
