/**
 * A paid order is refunded (in full, by line or by amount) or cancelled (a full refund, then
 * cancelled), from the order page. In the style of every flow:
 *
 *   0. Refunds an earlier call reserved but never recorded (the process stopped between the
 *      gateway call and the record) are settled first: they are looked up at the gateway by their
 *      idempotency key, never made again; one the gateway made is recorded, one it has not made
 *      (or a manual one that never completed) is dropped. The maintenance sweeper does the same
 *      for orders nobody touches again (app/flows/interrupted-work.server.ts).
 *   1. Claim, in a transaction: the refund is reserved as a pending payments row under the
 *      order's lock (reserveRefund), so concurrent clicks never refund more than was paid.
 *   2. The gateway pays the customer back, outside any transaction (idempotency key = the
 *      refund's payments id). A refusal marks the refund failed, on the timeline; nothing else
 *      changes. No answer (a timeout, a 5xx) is an unknown outcome: the refund is looked up by its
 *      key; while the gateway cannot say, the refund stays reserved for step 0 or the sweeper.
 *   3. Record, in a second transaction: the order's amounts, lines, restock, timeline and audit
 *      (applyRefund); the books (a credit note in AutoCount, through the outbox); then the
 *      status — refunded, or cancelled with the suppliers' orders called back and the dropship
 *      wallet paid back — and the customer is told.
 */
import { queueRefundSync } from "~/domain/accounting/sync.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { cancelOrderForwards } from "~/domain/dropship/forwarding.server";
import { type Actor, notifyCustomer } from "~/domain/orders/order-admin.server";
import { canTransition } from "~/domain/orders/order-status";
import {
  applyRefund,
  refundFailed,
  refundGateway,
  type RefundPlan,
  type RefundResult,
  reserveRefund,
  staleRefunds,
  truthy,
} from "~/domain/orders/refunds.server";
import { transitionOrder } from "~/domain/orders/status.server";
import { PaymentGatewayError } from "~/integrations/payment-gateway";
import { withShop } from "~db/client";

export type { RefundResult };

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
  const restock = truthy(form.restock);

  // 0. Interrupted refunds first.
  await settleInterruptedRefunds(shopId, orderId, actor);

  // 1. Reserve the refund under the order's lock.
  const reserved = await withShop(shopId, (tx) => reserveRefund(tx, shopId, orderId, actor, form, options));
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
      const found = outcomeUnknown(error) ? await lookUpRefund(shopId, plan) : ({ made: false } as const);
      if ("unknown" in found) {
        return {
          ok: false,
          errors: {
            form: `${plan.gatewayName} did not answer (${message}). NetShop will ask it whether the refund was made and record it if so: do not refund again.`,
          },
        };
      }
      if (found.made) {
        await recordRefund(shopId, orderId, actor, plan, found.reference, { restock, cancel: options.cancel });
        return { ok: true, paymentId: plan.paymentId, amountMinor: plan.amountMinor, manual: plan.manual };
      }
      await withShop(shopId, (tx) =>
        refundFailed(tx, {
          shopId,
          orderId,
          paymentId: plan.paymentId,
          actorUserId: actor.userId,
          summary: `Refund of ${formatMoney(plan.amountMinor, plan.currency)} refused by ${plan.gatewayName}: ${message}`,
          wording: {
            key: "refundRefused",
            values: { amount: formatMoney(plan.amountMinor, plan.currency), gateway: plan.gatewayName, message },
          },
        }),
      );
      return {
        ok: false,
        errors: { form: `${plan.gatewayName} did not refund: ${message}. Nothing was changed; try again or record the refund by hand.` },
      };
    }
  }

  // 3. Record it: the order, the books, the status, the suppliers, the customer.
  await recordRefund(shopId, orderId, actor, plan, reference, { restock, cancel: options.cancel });
  return { ok: true, paymentId: plan.paymentId, amountMinor: plan.amountMinor, manual: plan.manual };
}

/** Cancels a paid order: refunds what is left of it (optionally restocking), then cancels it. */
export function cancelPaidOrder(shopId: string, orderId: string, actor: Actor, form: Record<string, unknown>) {
  return refundOrder(shopId, orderId, actor, form, { cancel: true });
}

/** Step 3, in one transaction; recorded once (a second settler of the same refund finds it done). */
async function recordRefund(
  shopId: string,
  orderId: string,
  actor: Actor,
  plan: RefundPlan,
  reference: string | null,
  options: { restock: boolean; cancel?: boolean },
): Promise<void> {
  await withShop(shopId, async (tx) => {
    // a. The order: amounts, lines, restock, timeline, audit.
    const applied = await applyRefund(tx, shopId, orderId, actor, plan, reference, { restock: options.restock });
    if (!applied) return;
    // b. The books follow: a credit note in AutoCount when the shop is connected (through the outbox).
    await queueRefundSync(tx, { shopId, orderId, paymentId: plan.paymentId });
    const who = { actorUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent };
    if (options.cancel && canTransition(applied.status, "cancelled")) {
      // c. Cancelled; dropship lines not shipped yet: the suppliers' orders are cancelled and the wallet paid back.
      await transitionOrder(tx, { shopId, orderId, to: "cancelled", reason: plan.reason ?? undefined, ...who });
      await cancelOrderForwards(tx, shopId, orderId);
      await notifyCustomer(tx, shopId, orderId, "cancelled");
      return;
    }
    // c. Refunded in full or in part; the customer is told.
    const to = applied.full ? "refunded" : "partially_refunded";
    if (canTransition(applied.status, to)) await transitionOrder(tx, { shopId, orderId, to, ...who });
    await notifyCustomer(tx, shopId, orderId, to, { amount: applied.money });
  });
}

/** A gateway answer that does not say whether the refund was made: no answer in time, a cut connection, a 5xx. */
function outcomeUnknown(error: unknown): boolean {
  return error instanceof PaymentGatewayError && error.kind === "unavailable";
}

/** Asks the gateway whether the refund with this plan's idempotency key was made (never makes it). */
async function lookUpRefund(
  shopId: string,
  plan: RefundPlan,
): Promise<{ made: true; reference: string } | { made: false; why: string } | { unknown: string }> {
  if (plan.manual || !plan.chargeReference) return { made: false, why: "it was never completed" };
  const gateway = await withShop(shopId, (tx) => refundGateway(tx, shopId, plan.gatewayName));
  if (!gateway) return { made: false, why: "its gateway is not available" };
  try {
    const found = await gateway.findRefund(plan.chargeReference, plan.paymentId);
    return found ? { made: true, reference: found.refundReference } : { made: false, why: `${plan.gatewayName} has no such refund` };
  } catch (error) {
    return { unknown: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Step 0, and the sweeper's: each refund of the order reserved before `now` minus two minutes and
 * never recorded is looked up at its gateway: made there → recorded (without restock); not made
 * → dropped, on the timeline; the gateway cannot say → left for the next pass. Once: recording and
 * dropping both only touch a refund still pending. Returns what was done.
 */
export async function settleInterruptedRefunds(
  shopId: string,
  orderId: string,
  actor: Actor | undefined,
  now = new Date(),
): Promise<{ recorded: number; dropped: number; unknown: number }> {
  const done = { recorded: 0, dropped: 0, unknown: 0 };
  const stale = await withShop(shopId, (tx) => staleRefunds(tx, shopId, orderId, now));
  for (const plan of stale) {
    const by: Actor | undefined = actor ?? (plan.actorUserId ? { userId: plan.actorUserId } : undefined);
    const found = await lookUpRefund(shopId, plan);
    if ("unknown" in found || !by) {
      done.unknown++;
      continue;
    }
    if (found.made) {
      await recordRefund(shopId, orderId, by, plan, found.reference, { restock: false });
      done.recorded++;
      continue;
    }
    await withShop(shopId, (tx) =>
      refundFailed(tx, {
        shopId,
        orderId,
        paymentId: plan.paymentId,
        actorUserId: by.userId,
        summary: `An interrupted refund of ${formatMoney(plan.amountMinor, plan.currency)} was dropped: ${found.why}`,
        wording: { key: "refundDropped", values: { amount: formatMoney(plan.amountMinor, plan.currency), why: found.why } },
        onlyIfPending: true,
      }),
    );
    done.dropped++;
  }
  return done;
}
