/**
 * The operators' console (/platform): merchants' accounts and billing, never their customers or
 * orders. Cross-shop reads run asPlatform; a change to one shop runs in that shop's transaction,
 * audited with the operator as the actor.
 */
import { and, desc, eq, ilike, lt, or, sql } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import type { Locale } from "~/lib/i18n";
import { escapeLike } from "~/lib/like";
import { asPlatform, schema, withShop } from "~db/client";

import { endSubscription } from "./cancellation.server";
import { tellOwnerText } from "./dunning.server";
import { listInvoices } from "./invoices.server";
import { DAY_MS } from "./periods";
import { planUsage } from "./plans.server";
import { billingError, parseErrors } from "./refusals.server";
import { lockSubscription, moveSubscription, subscriptionOf } from "./subscriptions.server";

const p = schema.shopPlans;

/** Monthly recurring revenue of a subscription row, in sen (yearly prices / 12, rounded down). */
const mrrSql = sql<number>`case when ${p.status} in ('active', 'past_due') and ${p.currentPeriodEnd} is not null
  then case when ${p.interval} = 'year' then ${schema.plans.yearlyPriceMinor} / 12 else ${schema.plans.priceMinor} end else 0 end`;

export async function listMerchants(filters: { q?: string; status?: string }) {
  const q = (filters.q ?? "").trim().slice(0, 100);
  return asPlatform((tx) =>
    tx
      .select({
        shopId: schema.shops.id,
        name: schema.shops.name,
        slug: schema.shops.slug,
        planName: sql<string>`coalesce(${schema.plans.name}, 'Free')`,
        status: sql<string>`coalesce(${p.status}, 'active')`,
        mrrMinor: sql<number>`coalesce(${mrrSql}, 0)::int`,
        products: sql<number>`(select count(*)::int from ${schema.products} pr where pr.shop_id = ${schema.shops.id})`,
        ownerEmail: sql<
          string | null
        >`(select u.email from ${schema.shopMemberships} m join ${schema.users} u on u.id = m.user_id where m.shop_id = ${schema.shops.id} and m.role = 'owner' limit 1)`,
        lastSignIn: sql<Date | null>`(select max(s.authenticated_at) from ${schema.sessions} s join ${schema.shopMemberships} m on m.user_id = s.user_id where m.shop_id = ${schema.shops.id})`,
        createdAt: schema.shops.createdAt,
      })
      .from(schema.shops)
      .leftJoin(p, eq(p.shopId, schema.shops.id))
      .leftJoin(schema.plans, eq(schema.plans.id, p.planId))
      .where(
        and(
          eq(schema.shops.kind, "merchant"),
          q ? or(ilike(schema.shops.name, `%${escapeLike(q)}%`), ilike(schema.shops.slug, `%${escapeLike(q)}%`)) : undefined,
          filters.status ? eq(sql`coalesce(${p.status}, 'active')`, filters.status) : undefined,
        ),
      )
      .orderBy(desc(schema.shops.createdAt))
      .limit(200),
  );
}

/** One merchant's account and billing: no customers, no orders. */
export async function merchantAccount(shopId: string) {
  const [shop] = await asPlatform((tx) =>
    tx
      .select({
        id: schema.shops.id,
        name: schema.shops.name,
        slug: schema.shops.slug,
        kind: schema.shops.kind,
        companyName: schema.shops.companyName,
        timezone: schema.shops.timezone,
      })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId)),
  );
  if (!shop || shop.kind !== "merchant") return undefined;
  return withShop(shopId, async (tx) => {
    const usage = await planUsage(tx, shopId);
    return {
      shop,
      subscription: await subscriptionOf(tx, shopId),
      plan: usage.plan,
      usage: { products: usage.products, seats: usage.seats, storageBytes: usage.storageBytes },
      invoices: await listInvoices(tx, shopId, 50),
      grants: await tx
        .select()
        .from(schema.aiCreditGrants)
        .where(eq(schema.aiCreditGrants.shopId, shopId))
        .orderBy(desc(schema.aiCreditGrants.createdAt)),
    };
  });
}

/** The operator acting, from where, and the language their refusals are in. */
type Operator = { operatorId: string; locale?: Locale } & RequestInfo;
type Result = { ok: true } | { ok: false; errors: Record<string, string> };

// The schemas' messages are keys of the billing namespace's errors (refusals.server.ts).
const ReasonSchema = z.object({
  reason: z.string({ error: "reason" }).trim().min(3, "reason").max(300, "reason"),
});

export async function operatorSuspend(op: Operator, shopId: string, form: Record<string, unknown>): Promise<Result> {
  const parsed = ReasonSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parseErrors(op.locale, parsed.error) };
  return withShop(shopId, async (tx) => {
    const sub = await lockSubscription(tx, shopId);
    if (sub.status === "suspended") return { ok: false as const, errors: { form: billingError(op.locale, "alreadySuspended") } };
    await moveSubscription(
      tx,
      sub,
      "suspended",
      { suspendedAt: new Date(), suspensionReason: parsed.data.reason },
      {
        userId: op.operatorId,
        reason: `operator: ${parsed.data.reason}`,
        ip: op.ip,
        userAgent: op.userAgent,
      },
    );
    await tellOwnerText(tx, shopId, "operatorSuspended", { reason: parsed.data.reason });
    return { ok: true as const };
  });
}

export async function operatorUnsuspend(op: Operator, shopId: string, form: Record<string, unknown>): Promise<Result> {
  const parsed = ReasonSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parseErrors(op.locale, parsed.error) };
  return withShop(shopId, async (tx) => {
    const sub = await lockSubscription(tx, shopId);
    if (sub.status !== "suspended") return { ok: false as const, errors: { form: billingError(op.locale, "notSuspended") } };
    // Back to where it was: overdue if an invoice is still unpaid past its period, otherwise active.
    const back = sub.pastDueSince
      ? "past_due"
      : sub.trialEndsAt && sub.trialEndsAt > new Date() && sub.currentPeriodEnd?.getTime() === sub.trialEndsAt.getTime()
        ? "trialing"
        : "active";
    await moveSubscription(
      tx,
      sub,
      back,
      { suspendedAt: null, suspensionReason: null },
      {
        userId: op.operatorId,
        reason: `operator lifted suspension: ${parsed.data.reason}`,
        ip: op.ip,
        userAgent: op.userAgent,
      },
    );
    await tellOwnerText(tx, shopId, "operatorRestored");
    return { ok: true as const };
  });
}

/** An operator ends a shop's subscription at once (cancelled, on Free), with the reason the owner reads. */
export async function operatorCancel(op: Operator, shopId: string, form: Record<string, unknown>, now: Date = new Date()): Promise<Result> {
  const parsed = ReasonSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parseErrors(op.locale, parsed.error) };
  return withShop(shopId, async (tx) => {
    const sub = await lockSubscription(tx, shopId);
    if (sub.status === "cancelled") return { ok: false as const, errors: { form: billingError(op.locale, "alreadyCancelled") } };
    const actor = { userId: op.operatorId, reason: `operator: ${parsed.data.reason}`, ip: op.ip, userAgent: op.userAgent };
    await endSubscription(tx, sub, actor, now);
    await tellOwnerText(tx, shopId, "operatorCancelled", { reason: parsed.data.reason });
    return { ok: true as const };
  });
}

const ExtendSchema = z.object({
  days: z.coerce.number({ error: "days" }).int("days").min(1, "days").max(90, "days"),
});

export async function extendTrial(op: Operator, shopId: string, form: Record<string, unknown>): Promise<Result> {
  const parsed = ExtendSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parseErrors(op.locale, parsed.error) };
  return withShop(shopId, async (tx) => {
    const sub = await lockSubscription(tx, shopId);
    if (sub.status !== "trialing" || !sub.trialEndsAt || !sub.currentPeriodEnd)
      return { ok: false as const, errors: { days: billingError(op.locale, "notOnTrial") } };
    const by = parsed.data.days * DAY_MS;
    await moveSubscription(
      tx,
      sub,
      "trialing",
      { trialEndsAt: new Date(sub.trialEndsAt.getTime() + by), currentPeriodEnd: new Date(sub.currentPeriodEnd.getTime() + by) },
      {
        userId: op.operatorId,
        reason: `operator extended the trial by ${parsed.data.days} days`,
        ip: op.ip,
        userAgent: op.userAgent,
      },
    );
    await audit(tx, {
      shopId,
      actorUserId: op.operatorId,
      action: "billing.trial_extended",
      targetType: "subscription",
      targetId: shopId,
      after: { days: parsed.data.days },
      ip: op.ip,
      userAgent: op.userAgent,
    });
    return { ok: true as const };
  });
}

const GrantSchema = z.object({
  kind: z.enum(["copy", "tryon", "video"], { error: "creditKind" }),
  credits: z.coerce.number({ error: "credits" }).int("credits").min(1, "credits").max(100_000, "credits"),
  note: z.string({ error: "note" }).trim().max(200, "note").optional(),
});

export async function grantCredits(op: Operator, shopId: string, form: Record<string, unknown>): Promise<Result> {
  const parsed = GrantSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parseErrors(op.locale, parsed.error) };
  return withShop(shopId, async (tx) => {
    await tx
      .insert(schema.aiCreditGrants)
      .values({ shopId, kind: parsed.data.kind, credits: parsed.data.credits, source: "operator", note: parsed.data.note || null });
    await audit(tx, {
      shopId,
      actorUserId: op.operatorId,
      action: "billing.credits_granted",
      targetType: "shop",
      targetId: shopId,
      after: parsed.data,
      ip: op.ip,
      userAgent: op.userAgent,
    });
    return { ok: true as const };
  });
}

const PriceSchema = z.object({
  planId: z.string({ error: "noPlan" }).min(1, "noPlan"),
  priceMinor: z.coerce.number({ error: "monthlyPrice" }).int("monthlyPrice").min(0, "monthlyPrice").max(10_000_000, "monthlyPrice"),
  yearlyPriceMinor: z.coerce.number({ error: "yearlyPrice" }).int("yearlyPrice").min(0, "yearlyPrice").max(100_000_000, "yearlyPrice"),
});

/** New prices apply to invoices issued from now on; issued invoices keep theirs. */
export async function updatePlanPrices(op: Operator, form: Record<string, unknown>): Promise<Result> {
  const parsed = PriceSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parseErrors(op.locale, parsed.error) };
  return asPlatform(async (tx) => {
    const [before] = await tx.select().from(schema.plans).where(eq(schema.plans.id, parsed.data.planId));
    if (!before?.listed) return { ok: false as const, errors: { form: billingError(op.locale, "noPlan") } };
    await tx
      .update(schema.plans)
      .set({ priceMinor: parsed.data.priceMinor, yearlyPriceMinor: parsed.data.yearlyPriceMinor })
      .where(eq(schema.plans.id, before.id));
    await audit(tx, {
      shopId: null,
      actorUserId: op.operatorId,
      action: "billing.plan_prices_changed",
      targetType: "plan",
      targetId: before.id,
      before: { priceMinor: before.priceMinor, yearlyPriceMinor: before.yearlyPriceMinor },
      after: { priceMinor: parsed.data.priceMinor, yearlyPriceMinor: parsed.data.yearlyPriceMinor },
      ip: op.ip,
      userAgent: op.userAgent,
    });
    return { ok: true as const };
  });
}

export async function allPlans() {
  return asPlatform((tx) => tx.select().from(schema.plans).where(eq(schema.plans.listed, true)).orderBy(schema.plans.position));
}

/** Platform invoices across shops: all, open, overdue (open past due), paid. */
export async function platformInvoiceList(filter: "all" | "open" | "overdue" | "paid", now: Date = new Date()) {
  const i = schema.platformInvoices;
  return asPlatform((tx) =>
    tx
      .select({
        id: i.id,
        shopId: i.shopId,
        shopName: schema.shops.name,
        number: i.number,
        kind: i.kind,
        status: i.status,
        totalMinor: i.totalMinor,
        lines: i.lines,
        issuedAt: i.issuedAt,
        dueAt: i.dueAt,
        paidAt: i.paidAt,
      })
      .from(i)
      .innerJoin(schema.shops, eq(schema.shops.id, i.shopId))
      .where(
        filter === "open"
          ? eq(i.status, "open")
          : filter === "overdue"
            ? and(eq(i.status, "open"), lt(i.dueAt, now))
            : filter === "paid"
              ? eq(i.status, "paid")
              : undefined,
      )
      .orderBy(desc(i.issuedAt))
      .limit(300),
  );
}

/** Failed platform-invoice payments across shops, newest first: mismatches, failed and cancelled/expired payments. */
export async function failedPayments(limit = 200) {
  const f = schema.platformPaymentFailures;
  const i = schema.platformInvoices;
  return asPlatform((tx) =>
    tx
      .select({
        id: f.id,
        shopId: f.shopId,
        shopName: schema.shops.name,
        invoiceId: f.invoiceId,
        number: i.number,
        invoiceStatus: i.status,
        kind: f.kind,
        gateway: f.gateway,
        field: f.field,
        expected: f.expected,
        actual: f.actual,
        createdAt: f.createdAt,
      })
      .from(f)
      .innerJoin(i, and(eq(i.shopId, f.shopId), eq(i.id, f.invoiceId)))
      .innerJoin(schema.shops, eq(schema.shops.id, f.shopId))
      .orderBy(desc(f.createdAt))
      .limit(limit),
  );
}

/**
 * MRR and churn per month for the last 12 months: MRR from paid renewal and plan-change invoices
 * spread over the months their periods cover (yearly / 12); churn = paying shops lost or
 * shrunk that month (audit log of subscription changes): cancelled, suspended, or moved to a
 * cheaper plan (a downgrade, to Free included). A trial that ends unpaid was never paying: not churn.
 */
export async function revenueSeries(now: Date = new Date()) {
  return asPlatform(async (tx) => {
    const rows = await tx.execute<{ month: string; mrr: number; churned: number }>(sql`
      with months as (
        select to_char(m, 'YYYY-MM') as month, m as start, m + interval '1 month' as finish
          from generate_series(date_trunc('month', ${now.toISOString()}::timestamptz) - interval '11 months', date_trunc('month', ${now.toISOString()}::timestamptz), interval '1 month') m
      )
      select months.month,
             coalesce((select sum(case when inv.interval = 'year' then inv.subtotal_minor / 12 else inv.subtotal_minor end)
                         from platform_invoices inv
                        where inv.status = 'paid' and inv.kind in ('renewal', 'change')
                          and inv.period_start < months.finish and inv.period_end > months.start), 0)::int as mrr,
             coalesce((select count(distinct a.shop_id) from audit_log a
                         left join plans before_plan on before_plan.id = a.before->>'planId'
                         left join plans after_plan on after_plan.id = a.after->>'planId'
                        where a.action = 'billing.subscription_changed'
                          and a.created_at >= months.start and a.created_at < months.finish
                          and coalesce(a.before->>'status', '') <> 'trialing'
                          and (a.after->>'status' in ('suspended', 'cancelled')
                               or before_plan.price_minor > coalesce(after_plan.price_minor, 0))), 0)::int as churned
        from months order by months.month`);
    return [...rows].map((r) => ({ month: r.month, mrrMinor: Number(r.mrr), churned: Number(r.churned) }));
  });
}
