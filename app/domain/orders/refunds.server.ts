/**
 * Refunds: full, by line (quantities) or by amount; through the gateway's refund API where it
 * has one (idempotency key = our refund's payments id, so a retried call never pays twice),
 * otherwise recorded as a manual refund with its reason. Optional restock through the
 * inventory ledger. The order's refunded_minor, payment_status and status follow.
 *
 * Never more than was paid, also under concurrent clicks: the refund is first reserved as a
 * pending payments row under the order's row lock (a second click waits, then sees it), the
 * gateway is called outside any transaction, and the result is recorded in a second one.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { schema, withShop, type Tx } from "~db/client";
import { cancelOrderForwards } from "~/domain/dropship/forwarding.server";
import { audit } from "~/domain/audit/audit.server";
import { formatMoney, parseMoney } from "~/domain/catalog/catalog-rules";
import { adjustInventory, InventoryError } from "~/domain/catalog/inventory.server";
import type { PaymentGateway } from "~/integrations/payment-gateway";
import { notifyCustomer, type Actor } from "./order-admin.server";
import { canTransition } from "./order-status";
import { gatewayForPayment } from "./payments.server";
import { transitionOrder } from "./status.server";
import { recordOrderEvent } from "./timeline.server";
import { queueRefundSync } from "~/domain/accounting/sync.server";

/** The gateway a shop's payment went through, with the shop's own credentials (PAYMENTS' gatewayForPayment). */
export async function refundGateway(tx: Tx, shopId: string, gatewayName: string): Promise<PaymentGateway | null> {
  if (gatewayName !== "payseller" && gatewayName !== "billplz") return null;
  return gatewayForPayment(tx, shopId, gatewayName);
}

export type RefundResult =
  { ok: true; paymentId: string; amountMinor: number; manual: boolean } | { ok: false; errors: Record<string, string> };

interface Plan {
  paymentId: string;
  amountMinor: number;
  currency: string;
  manual: boolean;
  gatewayName: string;
  chargeReference: string | null;
  reason: string | null;
}

const truthy = (v: unknown) => v === "on" || v === "true" || v === true;

/**
 * Refunds an order. Form: `mode` full | lines | amount, `amount` ("12.50"), `rq_<lineId>`
 * quantities, `restock`, `manual` (recorded by hand even where the gateway could refund),
 * `reason`. With `cancel`, the order is cancelled instead of marked refunded (a paid order's
 * cancellation). Undefined when the order is not this shop's.
 */
export async function refundOrder(
  shopId: string,
  orderId: string,
  actor: Actor,
  form: Record<string, unknown>,
  options: { cancel?: boolean } = {},
): Promise<RefundResult | undefined> {
  const mode = options.cancel ? "full" : String(form.mode ?? "full");
  const restock = truthy(form.restock);
  const wantManual = truthy(form.manual);
  const reason =
    String(form.reason ?? "")
      .trim()
      .slice(0, 500) || null;

  await settleStaleRefunds(shopId, orderId, actor);

  // 1. Reserve the refund under the order's lock.
  const reserved = await withShop(shopId, async (tx): Promise<RefundResult | Plan | undefined> => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
      .for("update");
    if (!order) return undefined;
    const fail = (errors: Record<string, string>) => ({ ok: false as const, errors });
    if (order.paymentStatus === "unpaid") return fail({ form: "This order has not been paid: there is nothing to refund." });
    if (options.cancel && !canTransition(order.status, "cancelled"))
      return fail({ form: `The order is ${order.status.replace("_", " ")}: it can no longer be cancelled. Refund it instead.` });

    const refunds = await tx
      .select({ id: schema.payments.id, amount: schema.payments.amountMinor, status: schema.payments.status })
      .from(schema.payments)
      .where(
        and(
          eq(schema.payments.shopId, shopId),
          eq(schema.payments.orderId, orderId),
          eq(schema.payments.kind, "refund"),
          inArray(schema.payments.status, ["pending", "succeeded"]),
        ),
      );
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
    const openQty = (l: (typeof lines)[number]) =>
      l.quantity - l.refundedQuantity - (pendingLines.find((p) => p.lineId === l.id)?.qty ?? 0);

    if (available <= 0) return fail({ form: "This order has been refunded in full already." });
    let amount: number;
    const lineQty = new Map<string, number>();
    const errors: Record<string, string> = {};
    if (mode === "full") {
      amount = available;
      for (const l of lines) if (openQty(l) > 0) lineQty.set(l.id, openQty(l));
    } else if (mode === "lines") {
      amount = 0;
      for (const l of lines) {
        const text = String(form[`rq_${l.id}`] ?? "").trim();
        if (text === "" || text === "0") continue;
        if (!/^\d{1,6}$/.test(text)) {
          errors[`rq_${l.id}`] = "Enter a whole number.";
          continue;
        }
        const q = Number(text);
        if (q > openQty(l)) {
          errors[`rq_${l.id}`] = openQty(l) === 0 ? "This line is refunded already." : `At most ${openQty(l)} can be refunded.`;
          continue;
        }
        lineQty.set(l.id, q);
        amount += l.unitPriceMinor * q - Math.round((l.discountMinor * q) / l.quantity);
      }
      if (lineQty.size === 0 && Object.keys(errors).length === 0) errors.form = "Enter how many of which line to refund.";
      if (amount > available && !errors.form) errors.form = `At most ${formatMoney(available, order.currency)} can still be refunded.`;
    } else if (mode === "amount") {
      const parsed = parseMoney(String(form.amount ?? ""), order.currency);
      if (parsed === undefined || parsed <= 0) errors.amount = "Enter the amount to refund, e.g. 12.50.";
      else if (parsed > available) errors.amount = `At most ${formatMoney(available, order.currency)} can still be refunded.`;
      amount = parsed ?? 0;
    } else {
      return fail({ mode: "Choose a full refund, a refund by line or an amount." });
    }
    if (Object.keys(errors).length > 0) return fail(errors);

    const [charge] = await tx
      .select({ gateway: schema.payments.gateway, reference: schema.payments.gatewayReference })
      .from(schema.payments)
      .where(
        and(
          eq(schema.payments.shopId, shopId),
          eq(schema.payments.orderId, orderId),
          eq(schema.payments.kind, "charge"),
          eq(schema.payments.status, "succeeded"),
        ),
      )
      .limit(1);
    const gateway = charge?.reference ? await refundGateway(tx, shopId, charge.gateway) : null;
    const viaApi =
      !wantManual &&
      !!gateway &&
      gateway.capabilities.refunds === "api" &&
      (gateway.capabilities.partialRefunds || amount === order.totalMinor);
    if (!viaApi && !reason) {
      const why = wantManual ? "" : gateway ? ` (${charge!.gateway} cannot refund through NetShop)` : "";
      return fail({ reason: `Give the reason: this refund is recorded by hand${why}, after you pay the customer back yourself.` });
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
  });
  if (!reserved || "ok" in reserved) return reserved;
  const plan = reserved;

  // 2. The gateway pays the customer back (outside any transaction: it may be slow).
  let reference: string | null = null;
  if (!plan.manual) {
    try {
      const gateway = (await withShop(shopId, (tx) => refundGateway(tx, shopId, plan.gatewayName)))!;
      const result = await gateway.refund({
        gatewayReference: plan.chargeReference!,
        amountMinor: plan.amountMinor,
        reason: plan.reason ?? undefined,
        idempotencyKey: plan.paymentId,
      });
      reference = result.refundReference;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await withShop(shopId, async (tx) => {
        await tx
          .update(schema.payments)
          .set({ status: "failed", completedAt: new Date() })
          .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, plan.paymentId)));
        await recordOrderEvent(tx, {
          shopId,
          orderId,
          type: "refund_failed",
          summary: `Refund of ${formatMoney(plan.amountMinor, plan.currency)} refused by ${plan.gatewayName}: ${message}`,
          data: { paymentId: plan.paymentId },
          actorUserId: actor.userId,
        });
      });
      return {
        ok: false,
        errors: { form: `${plan.gatewayName} did not refund: ${message}. Nothing was changed; try again or record the refund by hand.` },
      };
    }
  }

  // 3. Record it: the order's amounts and statuses, stock, timeline, audit, the customer.
  await recordRefund(shopId, orderId, actor, plan, reference, { restock, cancel: options.cancel });
  return { ok: true, paymentId: plan.paymentId, amountMinor: plan.amountMinor, manual: plan.manual };
}

/** Records a refund the gateway made (or one made by hand): amounts, statuses, stock, timeline, audit, the customer. */
async function recordRefund(
  shopId: string,
  orderId: string,
  actor: Actor,
  plan: Plan,
  reference: string | null,
  options: { restock: boolean; cancel?: boolean },
) {
  const restock = options.restock;
  await withShop(shopId, async (tx) => {
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
    if (claimed.length === 0) return;
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
      data: { paymentId: plan.paymentId, amountMinor: plan.amountMinor, gatewayReference: reference, manual: plan.manual, restocked },
      actorUserId: actor.userId,
    });
    // The books follow: a credit note in AutoCount when the shop is connected (through the outbox).
    await queueRefundSync(tx, { shopId, orderId, paymentId: plan.paymentId });
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
    const who = { actorUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent };
    if (options.cancel && canTransition(order.status, "cancelled")) {
      await transitionOrder(tx, { shopId, orderId, to: "cancelled", reason: plan.reason ?? undefined, ...who });
      // Dropship lines not shipped yet: the suppliers' orders are cancelled and the wallet paid back.
      await cancelOrderForwards(tx, shopId, orderId);
      await notifyCustomer(tx, shopId, orderId, "cancelled");
      return;
    }
    const to = full ? "refunded" : "partially_refunded";
    if (canTransition(order.status, to)) await transitionOrder(tx, { shopId, orderId, to, ...who });
    await notifyCustomer(tx, shopId, orderId, to, { amount: money });
  });
}

/**
 * Refunds reserved but never recorded (the process stopped between the gateway call and the
 * record) are settled before the next refund: the gateway is asked again with the same
 * idempotency key, so it pays out at most once and tells us what it did; a manual one that never
 * completed is dropped. Only refunds older than two minutes (not one still in progress).
 */
async function settleStaleRefunds(shopId: string, orderId: string, actor: Actor): Promise<void> {
  const stale = await withShop(shopId, async (tx) => {
    const rows = await tx
      .select({
        id: schema.payments.id,
        gateway: schema.payments.gateway,
        amount: schema.payments.amountMinor,
        currency: schema.payments.currency,
        reason: schema.payments.reason,
      })
      .from(schema.payments)
      .where(
        and(
          eq(schema.payments.shopId, shopId),
          eq(schema.payments.orderId, orderId),
          eq(schema.payments.kind, "refund"),
          eq(schema.payments.status, "pending"),
          sql`${schema.payments.createdAt} < now() - interval '2 minutes'`,
        ),
      );
    const [charge] = await tx
      .select({ gateway: schema.payments.gateway, reference: schema.payments.gatewayReference })
      .from(schema.payments)
      .where(
        and(
          eq(schema.payments.shopId, shopId),
          eq(schema.payments.orderId, orderId),
          eq(schema.payments.kind, "charge"),
          eq(schema.payments.status, "succeeded"),
        ),
      )
      .limit(1);
    return { rows, charge };
  });
  for (const row of stale.rows) {
    const plan: Plan = {
      paymentId: row.id,
      amountMinor: row.amount,
      currency: row.currency,
      manual: row.gateway === "manual",
      gatewayName: row.gateway,
      chargeReference: stale.charge?.reference ?? null,
      reason: row.reason,
    };
    let reference: string | null = null;
    try {
      if (plan.manual || !plan.chargeReference) throw new Error("it was never completed");
      const gateway = await withShop(shopId, (tx) => refundGateway(tx, shopId, plan.gatewayName));
      if (!gateway) throw new Error("its gateway is not available");
      reference = (
        await gateway.refund({
          gatewayReference: plan.chargeReference,
          amountMinor: plan.amountMinor,
          reason: plan.reason ?? undefined,
          idempotencyKey: plan.paymentId,
        })
      ).refundReference;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await withShop(shopId, async (tx) => {
        await tx
          .update(schema.payments)
          .set({ status: "failed", completedAt: new Date() })
          .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, plan.paymentId), eq(schema.payments.status, "pending")));
        await recordOrderEvent(tx, {
          shopId,
          orderId,
          type: "refund_failed",
          summary: `An interrupted refund of ${formatMoney(plan.amountMinor, plan.currency)} was dropped: ${message}`,
          data: { paymentId: plan.paymentId },
          actorUserId: actor.userId,
        });
      });
      continue;
    }
    await recordRefund(shopId, orderId, actor, plan, reference, { restock: false });
  }
}

/** Cancels a paid order: refunds what is left of it (optionally restocking), then cancels it. */
export function cancelPaidOrder(shopId: string, orderId: string, actor: Actor, form: Record<string, unknown>) {
  return refundOrder(shopId, orderId, actor, form, { cancel: true });
}
