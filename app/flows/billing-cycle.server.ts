/**
 * The billing cycle: renewals, dunning and suspension, run by the `maintenance:billing-cycle`
 * job scheduler (every 15 minutes) with the clock given (tests pass their own `now`; nothing
 * sleeps). Idempotent: each step checks state first, so a run repeated, overlapping or late
 * changes nothing twice (one renewal invoice per subscription and period: its key names the period).
 *
 * For each shop whose period ends within RENEWAL_LEAD_DAYS, or that is past due — one
 * transaction per shop, with its subscription row locked:
 *   0. Ends without a renewal: a cancellation the owner asked for takes effect at the period's end
 *      (cancelled, on Free); a downgrade to Free needs no invoice (the shop simply moves to Free).
 *   1. Renewal: the invoice for the next period (the scheduled downgrade's plan if any), due when
 *      the current period ends; the owner gets its pay link by WhatsApp and email. For a trial it
 *      is the offer to keep the plan.
 *   2. Period ended unpaid: a trial falls back to Free (active; its offer withdrawn, the owner
 *      told; nothing was ever owed), a paid subscription becomes past_due.
 *   3. Reminders on the due day, +3 and +7 days (only the latest owed one is sent after downtime).
 *   4. GRACE_DAYS after the due date, still unpaid → suspended (the owner told). Nothing is deleted;
 *      paying (billing-invoice-paid) restores everything at once.
 */
import { and, eq, inArray, isNotNull, lte, or } from "drizzle-orm";

import { endSubscription } from "~/domain/billing/cancellation.server";
import { tellOwner, tellOwnerText } from "~/domain/billing/dunning.server";
import { invoiceLine } from "~/domain/billing/invoice-lines.server";
import { issueInvoice, type PlatformInvoice, voidOpenInvoices } from "~/domain/billing/invoices.server";
import { DAY_MS, GRACE_DAYS, localDay, nextPeriod, priceFor, REMINDER_DAYS, RENEWAL_LEAD_DAYS } from "~/domain/billing/periods";
import { planById } from "~/domain/billing/plans.server";
import { lockSubscription, moveSubscription, ON_FREE, shopTimezone } from "~/domain/billing/subscriptions.server";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

export interface CycleResult {
  shops: number;
  invoices: number;
  pastDue: number;
  suspended: number;
  reminders: number;
  /** Trials that ended unpaid and fell back to Free. */
  trialsEnded: number;
  /** Subscriptions the owner cancelled that ended at their period's end. */
  cancelled: number;
}

/** The shops the cycle has something to do for at `now`. */
export async function shopsDue(now: Date): Promise<string[]> {
  const lead = new Date(now.getTime() + RENEWAL_LEAD_DAYS * DAY_MS);
  const p = schema.shopPlans;
  const rows = await asPlatform((tx) =>
    tx
      .select({ shopId: p.shopId })
      .from(p)
      .where(
        or(
          and(inArray(p.status, ["trialing", "active"]), isNotNull(p.currentPeriodEnd), lte(p.currentPeriodEnd, lead)),
          eq(p.status, "past_due"),
        ),
      ),
  );
  return rows.map((r) => r.shopId);
}

/**
 * One run of the cycle at `now`. Shops are independent (each its own transaction and row lock), so
 * `concurrency` of them (default 4, within the platform pool's size) are advanced at once.
 */
export async function runBillingCycle(options: { now?: Date; shopIds?: string[]; concurrency?: number } = {}): Promise<CycleResult> {
  const now = options.now ?? new Date();
  const shopIds = options.shopIds ?? (await shopsDue(now));
  const total: CycleResult = { shops: shopIds.length, invoices: 0, pastDue: 0, suspended: 0, reminders: 0, trialsEnded: 0, cancelled: 0 };
  let next = 0;
  const lane = async () => {
    while (next < shopIds.length) {
      const shopId = shopIds[next++];
      const r = await withShop(shopId, (tx) => advanceShop(tx, shopId, now));
      for (const key of Object.keys(r) as (keyof typeof r)[]) total[key] += r[key];
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, shopIds.length)) }, lane));
  return total;
}

/** One shop's step of the cycle, in the caller's transaction. */
export async function advanceShop(tx: Tx, shopId: string, now: Date): Promise<Omit<CycleResult, "shops">> {
  const out = { invoices: 0, pastDue: 0, suspended: 0, reminders: 0, trialsEnded: 0, cancelled: 0 };
  let sub = await lockSubscription(tx, shopId);
  const end = sub.currentPeriodEnd;
  if (!end || sub.status === "suspended" || sub.status === "cancelled") return out;
  const timezone = await shopTimezone(tx, shopId);
  const nextPlan = await planById(tx, sub.scheduledPlanId ?? sub.planId);
  if (!nextPlan) return out;
  const interval = sub.scheduledInterval ?? sub.interval;
  const system = { userId: null, reason: "billing cycle" };

  // 0. A cancellation, or a downgrade to Free (a plan that costs nothing): at the period's end, no invoice.
  if (sub.cancelAtPeriodEnd) {
    if (now >= end && sub.status !== "past_due") {
      await endSubscription(tx, sub, { ...system, reason: "cancelled by the owner at the period's end" }, now);
      out.cancelled++;
    }
    return out;
  }
  if (priceFor(nextPlan, interval) === 0) {
    if (now >= end && sub.status !== "past_due") await moveSubscription(tx, sub, "active", { ...ON_FREE, planId: nextPlan.id }, system);
    return out;
  }

  // 1. The renewal invoice for the next period.
  let renewal: PlatformInvoice | undefined;
  if (now.getTime() >= end.getTime() - RENEWAL_LEAD_DAYS * DAY_MS) {
    const anchorDay = sub.anchorDay ?? Number(localDay(end, timezone).slice(8, 10));
    const period = nextPeriod(end, interval, anchorDay, timezone);
    const issued = await issueInvoice(tx, shopId, {
      kind: "renewal",
      idempotencyKey: `renewal:${end.toISOString()}`,
      lines: [
        invoiceLine(
          {
            kind: "plan",
            planId: nextPlan.id,
            plan: nextPlan.name,
            interval,
            start: localDay(period.start, timezone),
            end: localDay(period.end, timezone),
          },
          priceFor(nextPlan, interval),
        ),
      ],
      planId: nextPlan.id,
      interval,
      period,
      dueAt: end,
      now,
    });
    renewal = issued.invoice;
    if (issued.created) out.invoices++;
    if (renewal.status === "open" && (await tellOwner(tx, renewal, "issued", "issued"))) out.reminders++;
  }
  if (!renewal || renewal.status !== "open") return out;

  // 2. The period ended unpaid: a trial falls back to Free, a paid plan is past due.
  if (now >= end && sub.status === "trialing") {
    await moveSubscription(tx, sub, "active", ON_FREE, { ...system, reason: "trial ended unpaid: Free plan" });
    await voidOpenInvoices(tx, shopId, ["renewal"]);
    await tellOwnerText(tx, shopId, "trialEnded", { plan: nextPlan.name });
    out.trialsEnded++;
    return out;
  }
  if (now >= end && sub.status === "active") {
    sub = await moveSubscription(tx, sub, "past_due", { pastDueSince: end }, system);
    out.pastDue++;
  }
  if (sub.status !== "past_due") return out;

  // 3. Reminders: the latest one owed (a cycle that was down does not send three at once).
  const owed = REMINDER_DAYS.filter((d) => now.getTime() >= renewal!.dueAt.getTime() + d * DAY_MS);
  if (owed.length) {
    const latest = owed[owed.length - 1];
    if (await tellOwner(tx, renewal, "reminder", `due+${latest}`)) out.reminders++;
  }

  // 4. Suspension after the grace period.
  const since = sub.pastDueSince ?? end;
  if (now.getTime() >= since.getTime() + GRACE_DAYS * DAY_MS) {
    await moveSubscription(tx, sub, "suspended", { suspendedAt: now, suspensionReason: "unpaid" }, system);
    await tellOwner(tx, renewal, "suspended", "suspended");
    out.suspended++;
  }
  return out;
}
