/**
 * Changing plan. An upgrade (a dearer plan, monthly → yearly, anything chosen during the trial or
 * from Free) is a `change` invoice: the new plan's full price for a new period starting today,
 * less a credit for the unused part of the period already paid (periods.ts: rounded down). It
 * takes effect the moment it is paid. A downgrade takes effect at the period's end and is
 * refused while the shop uses more than the smaller plan allows.
 */
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { formatBytes } from "~/lib/bytes";
import type { Locale } from "~/lib/i18n";
import { withShop } from "~db/client";
import type { BillingInterval } from "~db/schema/billing";

import { invoiceLine } from "./invoice-lines.server";
import { issueInvoice, voidOpenInvoices } from "./invoices.server";
import { localDay, priceFor, unusedCredit } from "./periods";
import { currentPlan, type OverLimit, overLimits, type Plan, planById, planUsage } from "./plans.server";
import { billingError, downgradeRefusal, parseErrors } from "./refusals.server";
import { settleInvoice } from "./settle.server";
import { lockSubscription, moveSubscription, ON_FREE, periodFields, shopTimezone } from "./subscriptions.server";

const ChangePlanSchema = z.object({
  // Keys of the billing namespace's errors (refusals.server.ts).
  planId: z.string().trim().min(1, "choosePlan").max(40, "planNotShown"),
  interval: z.enum(["month", "year"], { error: "chooseInterval" }),
});

export type ChangePlanResult =
  | { ok: true; outcome: "invoice"; invoiceId: string }
  | { ok: true; outcome: "scheduled" | "unchanged" | "switched" | "applied" }
  | { ok: false; status: 400 | 409; errors: { form: string }; over?: OverLimit[] };

/** Monthly-equivalent price, to tell an upgrade from a downgrade. */
const monthly = (plan: Plan, interval: BillingInterval) => (interval === "year" ? priceFor(plan, "year") / 12 : priceFor(plan, "month"));

export async function changePlan(
  shopId: string,
  actor: { userId: string; locale?: Locale } & RequestInfo,
  form: Record<string, unknown>,
  now: Date = new Date(),
): Promise<ChangePlanResult> {
  const parsed = ChangePlanSchema.safeParse(form);
  if (!parsed.success) return { ok: false, status: 400, errors: { form: Object.values(parseErrors(actor.locale, parsed.error))[0] } };
  const { planId, interval } = parsed.data;
  return withShop(shopId, async (tx) => {
    const target = await planById(tx, planId);
    if (!target || !target.listed)
      return { ok: false as const, status: 400 as const, errors: { form: billingError(actor.locale, "planNotShown") } };
    const sub = await lockSubscription(tx, shopId);
    const current = await currentPlan(tx, shopId);
    const timezone = await shopTimezone(tx, shopId);
    const who = { userId: actor.userId, reason: "owner changed plan", ip: actor.ip, userAgent: actor.userAgent };
    const targetPrice = priceFor(target, interval);
    const paying = sub.status !== "trialing" && current.priceMinor > 0 && sub.currentPeriodStart && sub.currentPeriodEnd;

    if (target.id === current.id && interval === sub.interval && sub.status !== "trialing") {
      if (sub.scheduledPlanId) await moveSubscription(tx, sub, sub.status, { scheduledPlanId: null, scheduledInterval: null }, who);
      return { ok: true as const, outcome: "unchanged" as const };
    }
    const upgrade =
      !paying ||
      (targetPrice > 0 && monthly(target, interval) > monthly(current, sub.interval)) ||
      (target.id === current.id && interval === "year" && sub.interval === "month");

    if (!upgrade || targetPrice === 0) {
      const over = overLimits(await planUsage(tx, shopId), target);
      if (over.length) {
        return {
          ok: false as const,
          status: 409 as const,
          errors: { form: downgradeRefusal(actor.locale, target.name, over, formatBytes) },
          over,
        };
      }
      if (!paying) {
        // From the trial (or nothing paid) to Free: at once, nothing to charge.
        await moveSubscription(tx, sub, "active", { ...ON_FREE, planId: target.id }, who);
        await voidOpenInvoices(tx, shopId, ["renewal", "change"]);
        return { ok: true as const, outcome: "switched" as const };
      }
      await moveSubscription(
        tx,
        sub,
        sub.status,
        { scheduledPlanId: target.id, scheduledInterval: interval, cancelAtPeriodEnd: false },
        who,
      );
      // A renewal already issued for the old plan is replaced at the next run of the billing cycle.
      await voidOpenInvoices(tx, shopId, ["renewal"]);
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "billing.downgrade_scheduled",
        targetType: "subscription",
        targetId: shopId,
        after: { planId: target.id, interval },
        ip: actor.ip,
        userAgent: actor.userAgent,
      });
      return { ok: true as const, outcome: "scheduled" as const };
    }

    const period = periodFields(localDay(now, timezone), interval, timezone);
    const paid = paying ? priceFor(current, sub.interval) : 0;
    const credit = Math.min(
      targetPrice,
      paying ? unusedCredit(paid, { start: sub.currentPeriodStart!, end: sub.currentPeriodEnd! }, now) : 0,
    );
    const fmtDay = (d: Date) => localDay(d, timezone);
    const lines = [
      invoiceLine(
        {
          kind: "plan",
          planId: target.id,
          plan: target.name,
          interval,
          start: fmtDay(period.currentPeriodStart),
          end: fmtDay(period.currentPeriodEnd),
        },
        targetPrice,
      ),
      ...(credit > 0
        ? [invoiceLine({ kind: "credit", planId: current.id, plan: current.name, paidMinor: paid, currency: current.currency }, -credit)]
        : []),
    ];
    // The same request twice (a double click) finds the same invoice: the key names the change and the subscription's state.
    const { invoice } = await issueInvoice(tx, shopId, {
      kind: "change",
      idempotencyKey: `change:${target.id}:${interval}:${sub.updatedAt.getTime()}`,
      lines,
      planId: target.id,
      interval,
      period: { start: period.currentPeriodStart, end: period.currentPeriodEnd },
      dueAt: now,
      now,
    });
    await voidOpenInvoices(tx, shopId, ["change"], invoice.id);
    // The credit covers the whole price: nothing to ask the gateway for (it would refuse 0). The
    // zero invoice is recorded as paid by credit and the new plan applies at once.
    if (invoice.totalMinor === 0) {
      if (invoice.status === "open") await settleInvoice(tx, invoice, { gateway: "credit", reference: invoice.number, paidAt: now });
      return { ok: true as const, outcome: "applied" as const };
    }
    return { ok: true as const, outcome: "invoice" as const, invoiceId: invoice.id };
  });
}
