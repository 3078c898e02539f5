/**
 * AI credits: each plan grants a monthly allowance per kind (copy, try-on, video). A job's credits
 * are held from the moment it is queued (so a burst of requests cannot overspend) and charged
 * once, when it succeeds (`ai_credit_usage` is unique per job); a failed or cancelled job holds
 * nothing. Months follow the shop's timezone.
 *
 * Top-up packs (billing's `ai_credit_grants`, bought or granted by an operator) are used after the
 * month's plan credits and never expire: a job is charged to the month when it fits in what the
 * month has left, otherwise wholly to the packs (its usage row's period is then `pack`).
 */
import { and, eq, inArray, sql } from "drizzle-orm";

import { currentPlan, type Plan, PlanLimitReached } from "~/domain/billing/plans.server";
import { schema, type Tx } from "~db/client";

export type AiKind = (typeof schema.aiJobKindEnum.enumValues)[number];

function allowance(plan: Plan, kind: AiKind): number {
  return kind === "copy" ? plan.aiCopyCredits : kind === "tryon" ? plan.aiTryonCredits : plan.aiVideoCredits;
}

/** "2026-12": the billing month of `at` in the shop's timezone. */
export async function creditPeriod(tx: Tx, shopId: string, at: Date = new Date()): Promise<string> {
  const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId));
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: shop?.timezone ?? "Asia/Kuala_Lumpur",
    year: "numeric",
    month: "2-digit",
  }).formatToParts(at);
  return `${parts.find((p) => p.type === "year")!.value}-${parts.find((p) => p.type === "month")!.value}`;
}

export interface CreditBalance {
  kind: AiKind;
  allowance: number;
  /** Charged this month (jobs that succeeded). */
  used: number;
  /** Held by jobs queued or running. */
  held: number;
  /** Top-up pack credits not used yet. */
  pack: number;
  /** What new jobs can still use: the month's rest, then the packs, less what is held. */
  left: number;
}

/** The usage period of credits charged to top-up packs rather than to a month. */
export const PACK_PERIOD = "pack";

/** Credits per kind for this month. Call inside withShop. */
export async function creditBalances(tx: Tx, shopId: string): Promise<Record<AiKind, CreditBalance>> {
  const plan = await currentPlan(tx, shopId);
  const period = await creditPeriod(tx, shopId);
  const used = await tx
    .select({ kind: schema.aiCreditUsage.kind, credits: sql<number>`sum(${schema.aiCreditUsage.credits})::int` })
    .from(schema.aiCreditUsage)
    .where(and(eq(schema.aiCreditUsage.shopId, shopId), eq(schema.aiCreditUsage.period, period)))
    .groupBy(schema.aiCreditUsage.kind);
  const held = await tx
    .select({ kind: schema.aiJobs.kind, credits: sql<number>`sum(${schema.aiJobs.credits})::int` })
    .from(schema.aiJobs)
    .where(and(eq(schema.aiJobs.shopId, shopId), inArray(schema.aiJobs.status, ["queued", "running"])))
    .groupBy(schema.aiJobs.kind);
  const packUsed = await tx
    .select({ kind: schema.aiCreditUsage.kind, credits: sql<number>`sum(${schema.aiCreditUsage.credits})::int` })
    .from(schema.aiCreditUsage)
    .where(and(eq(schema.aiCreditUsage.shopId, shopId), eq(schema.aiCreditUsage.period, PACK_PERIOD)))
    .groupBy(schema.aiCreditUsage.kind);
  const granted = await tx
    .select({ kind: schema.aiCreditGrants.kind, credits: sql<number>`sum(${schema.aiCreditGrants.credits})::int` })
    .from(schema.aiCreditGrants)
    .where(eq(schema.aiCreditGrants.shopId, shopId))
    .groupBy(schema.aiCreditGrants.kind);
  const out = {} as Record<AiKind, CreditBalance>;
  for (const kind of schema.aiJobKindEnum.enumValues) {
    const u = used.find((r) => r.kind === kind)?.credits ?? 0;
    const h = held.find((r) => r.kind === kind)?.credits ?? 0;
    const a = allowance(plan, kind);
    const pack = Math.max(0, (granted.find((r) => r.kind === kind)?.credits ?? 0) - (packUsed.find((r) => r.kind === kind)?.credits ?? 0));
    out[kind] = { kind, allowance: a, used: u, held: h, pack, left: Math.max(0, Math.max(0, a - u) + pack - h) };
  }
  return out;
}

/**
 * Refuses (PlanLimitReached, with words for the merchant) when `credits` more of `kind` would go
 * over this month's allowance. Call in the transaction that inserts the queued ai_jobs rows:
 * checks are serialised per shop until it commits, so concurrent requests cannot both pass.
 */
export async function assertAiCredits(tx: Tx, shopId: string, kind: AiKind, credits: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`ai-credits:${shopId}`}, 0))`);
  const balance = (await creditBalances(tx, shopId))[kind];
  if (credits > balance.left) {
    const plan = await currentPlan(tx, shopId);
    throw new PlanLimitReached({
      limit: "credits",
      plan: plan.name,
      kind,
      allowance: balance.allowance,
      left: balance.left,
      held: balance.held,
      needs: credits,
    });
  }
}

/** Charges a succeeded job's credits, once (a retried success changes nothing). Returns whether it charged. */
export async function chargeAiCredits(tx: Tx, job: { shopId: string; id: string; kind: AiKind; credits: number }): Promise<boolean> {
  if (job.credits <= 0) return false;
  // The month's credits first; a job that no longer fits in them is charged to the packs.
  const month = await creditPeriod(tx, job.shopId);
  const balance = (await creditBalances(tx, job.shopId))[job.kind];
  const period = job.credits <= balance.allowance - balance.used || balance.pack < job.credits ? month : PACK_PERIOD;
  const rows = await tx
    .insert(schema.aiCreditUsage)
    .values({ shopId: job.shopId, jobId: job.id, kind: job.kind, credits: job.credits, period })
    .onConflictDoNothing()
    .returning({ id: schema.aiCreditUsage.id });
  return rows.length > 0;
}
