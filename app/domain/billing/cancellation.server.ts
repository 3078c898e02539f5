/**
 * Ending a paid subscription (the `cancelled` status; subscription-status.ts):
 * - the owner cancels: at the period's end (nothing more is invoiced; the renewal already issued
 *   is withdrawn), or at once when the subscription is past due; until then "keep my plan" undoes it;
 * - an operator cancels with a reason: at once, the owner told;
 * - the trial's end without a payment is not a cancellation: the shop simply moves to Free.
 * A cancelled shop carries on with the Free plan's limits; choosing a plan again makes it active.
 */
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { type Tx, withShop } from "~db/client";

import { voidOpenInvoices } from "./invoices.server";
import { priceFor } from "./periods";
import { planById } from "./plans.server";
import { lockSubscription, moveSubscription, ON_FREE, type Subscription } from "./subscriptions.server";

type Actor = { userId: string | null; reason: string } & RequestInfo;

/** The (locked) subscription ends now: cancelled, on Free, its unpaid renewal and change invoices withdrawn. */
export async function endSubscription(tx: Tx, sub: Subscription, actor: Actor, now: Date): Promise<Subscription> {
  const ended = await moveSubscription(
    tx,
    sub,
    "cancelled",
    { ...ON_FREE, cancelledAt: now, suspendedAt: null, suspensionReason: null },
    actor,
  );
  await voidOpenInvoices(tx, sub.shopId, ["renewal", "change"]);
  return ended;
}

/** `message` is a key of the billing namespace. */
export type CancelResult =
  | { ok: true; outcome: "at_period_end" | "cancelled" | "resumed" }
  | { ok: false; status: 409; message: "cancel.nothingToCancel" | "cancel.nothingToResume" };

/** The owner cancels (`intent` cancel) or takes it back (`intent` resume). */
export async function ownerCancel(
  shopId: string,
  actor: { userId: string } & RequestInfo,
  intent: "cancel" | "resume",
  now: Date = new Date(),
): Promise<CancelResult> {
  return withShop(shopId, async (tx) => {
    const sub = await lockSubscription(tx, shopId);
    const who = { userId: actor.userId, ip: actor.ip, userAgent: actor.userAgent };
    if (intent === "resume") {
      if (!sub.cancelAtPeriodEnd) return { ok: false as const, status: 409 as const, message: "cancel.nothingToResume" };
      await moveSubscription(tx, sub, sub.status, { cancelAtPeriodEnd: false }, { ...who, reason: "owner kept the plan" });
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "billing.cancel_withdrawn",
        targetType: "subscription",
        targetId: shopId,
        ...who,
      });
      return { ok: true as const, outcome: "resumed" as const };
    }
    const plan = await planById(tx, sub.planId);
    const paid = plan && priceFor(plan, sub.interval) > 0 && sub.currentPeriodEnd;
    if (sub.status === "past_due") {
      await endSubscription(tx, sub, { ...who, reason: "owner cancelled while past due" }, now);
      return { ok: true as const, outcome: "cancelled" as const };
    }
    if (sub.status !== "active" || !paid) return { ok: false as const, status: 409 as const, message: "cancel.nothingToCancel" };
    if (sub.cancelAtPeriodEnd) return { ok: true as const, outcome: "at_period_end" as const };
    await moveSubscription(
      tx,
      sub,
      "active",
      { cancelAtPeriodEnd: true, scheduledPlanId: null, scheduledInterval: null },
      { ...who, reason: "owner cancelled at the period's end" },
    );
    await voidOpenInvoices(tx, shopId, ["renewal"]);
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "billing.cancel_scheduled",
      targetType: "subscription",
      targetId: shopId,
      after: { at: sub.currentPeriodEnd!.toISOString() },
      ...who,
    });
    return { ok: true as const, outcome: "at_period_end" as const };
  });
}
