import { and, asc, eq, isNull, sql } from "drizzle-orm";

import { schema, type Tx } from "~db/client";

export type Plan = typeof schema.plans.$inferSelect;

/** The plan the current shop is on (Free when it has none). Call inside withShop. */
export async function currentPlan(tx: Tx, shopId: string): Promise<Plan> {
  const [row] = await tx
    .select({ plan: schema.plans })
    .from(schema.plans)
    .where(
      eq(
        schema.plans.id,
        sql`coalesce((select ${schema.shopPlans.planId} from ${schema.shopPlans} where ${schema.shopPlans.shopId} = ${shopId}), ${schema.FREE_PLAN_ID})`,
      ),
    );
  if (!row) throw new Error("the plans table has no Free plan: run the migrations");
  return row.plan;
}

/** What a plan-limit refusal says, without words (worded in the reader's language by limit-refusals.server.ts). */
export type PlanLimit =
  | { limit: "products"; plan: string; allowed: number; count: number }
  | { limit: "storage"; plan: string; allowed: number; used: number; adding: number }
  | { limit: "credits"; plan: string; kind: "copy" | "tryon" | "video"; allowance: number; left: number; held: number; needs: number };

/**
 * Thrown inside a transaction when an action would go over the shop's plan, with its facts
 * (`limit`): callers return `limitRefusal(error)` and pages word it for their reader.
 */
export class PlanLimitReached extends Error {
  constructor(readonly limit: PlanLimit) {
    super(`plan limit reached: ${JSON.stringify(limit)}`);
    this.name = "PlanLimitReached";
  }
}

/**
 * Serialises limit checks per shop until the transaction ends, so two requests at the limit
 * cannot both pass the check.
 */
async function lockShopLimits(tx: Tx, shopId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`plan-limits:${shopId}`}, 0))`);
}

/** Refuses (PlanLimitReached) when adding `adding` products would exceed the plan. */
export async function assertProductAllowance(tx: Tx, shopId: string, adding: number): Promise<void> {
  await lockShopLimits(tx, shopId);
  const plan = await currentPlan(tx, shopId);
  if (plan.productLimit === null) return;
  const [{ count }] = await tx.select({ count: sql<number>`count(*)::int` }).from(schema.products);
  if (count + adding > plan.productLimit) {
    throw new PlanLimitReached({ limit: "products", plan: plan.name, allowed: plan.productLimit, count });
  }
}

/**
 * Bytes the shop stores: its media's originals and renditions, plus uploads signed in the last
 * 20 minutes (at their declared size: their URL is still valid, so the bytes may still come).
 */
export async function storageUsed(tx: Tx): Promise<number> {
  const m = schema.media;
  const [{ used }] = await tx
    .select({
      used: sql<number>`coalesce(sum(case
        when ${m.status} <> 'uploading' then ${m.storedBytes}
        when ${m.createdAt} > now() - interval '20 minutes' then ${m.declaredBytes}
        else 0 end), 0)::bigint`,
    })
    .from(schema.media);
  return Number(used);
}

/** Refuses (PlanLimitReached) when storing `adding` more bytes would exceed the plan. */
export async function assertStorageAllowance(tx: Tx, shopId: string, adding: number): Promise<void> {
  await lockShopLimits(tx, shopId);
  const plan = await currentPlan(tx, shopId);
  if (plan.storageLimitBytes === null) return;
  const used = await storageUsed(tx);
  if (used + adding > plan.storageLimitBytes) {
    throw new PlanLimitReached({ limit: "storage", plan: plan.name, allowed: plan.storageLimitBytes, used, adding });
  }
}

/**
 * Whether the shop has a staff seat for one more person: members (not frozen) and open
 * invitations count against the plan's seats. Undefined when a seat is free; otherwise the plan
 * and its seats, for the message. Serialised with the other limit checks of the shop. Accepting an
 * invitation counts members only (`invites: false`): the invitation's own seat becomes the member's,
 * and a seat is free only if the plan (perhaps smaller since the invitation was sent) still has one.
 */
export async function seatTaken(
  tx: Tx,
  shopId: string,
  options: { invites: boolean } = { invites: true },
): Promise<{ plan: string; seats: number } | undefined> {
  await lockShopLimits(tx, shopId);
  const plan = await currentPlan(tx, shopId);
  if (plan.staffSeats === null) return undefined;
  const invites = options.invites
    ? sql`(select count(*) from ${schema.staffInvites} i
             where i.shop_id = ${shopId} and i.accepted_at is null and i.revoked_at is null and i.expires_at > now())`
    : sql`0`;
  const [{ used }] = await tx.execute<{ used: number }>(sql`
    select (select count(*) from ${schema.shopMemberships} m where m.shop_id = ${shopId} and m.frozen_at is null)
         + ${invites} as used`);
  return Number(used) >= plan.staffSeats ? { plan: plan.name, seats: plan.staffSeats } : undefined;
}

export async function planUsage(tx: Tx, shopId: string) {
  const plan = await currentPlan(tx, shopId);
  const [{ products }] = await tx.select({ products: sql<number>`count(*)::int` }).from(schema.products);
  const [{ seats }] = await tx
    .select({ seats: sql<number>`count(*)::int` })
    .from(schema.shopMemberships)
    .where(and(eq(schema.shopMemberships.shopId, shopId), isNull(schema.shopMemberships.frozenAt)));
  return { plan, products, seats, storageBytes: await storageUsed(tx) };
}

export type PlanUsage = Awaited<ReturnType<typeof planUsage>>;

/** The plans a shop can choose, cheapest first. */
export async function listedPlans(tx: Tx): Promise<Plan[]> {
  return tx.select().from(schema.plans).where(eq(schema.plans.listed, true)).orderBy(asc(schema.plans.position));
}

export async function planById(tx: Tx, planId: string): Promise<Plan | undefined> {
  const [plan] = await tx.select().from(schema.plans).where(eq(schema.plans.id, planId));
  return plan;
}

/** What the shop uses beyond `plan`'s limits, each with how much to reduce; empty when it fits. */
export type OverLimit =
  | { limit: "products"; used: number; allowed: number; reduceBy: number }
  | { limit: "storage"; used: number; allowed: number; reduceBy: number }
  | { limit: "seats"; used: number; allowed: number; reduceBy: number };

export function overLimits(usage: Pick<PlanUsage, "products" | "seats" | "storageBytes">, plan: Plan): OverLimit[] {
  const out: OverLimit[] = [];
  if (plan.productLimit !== null && usage.products > plan.productLimit) {
    out.push({ limit: "products", used: usage.products, allowed: plan.productLimit, reduceBy: usage.products - plan.productLimit });
  }
  if (plan.storageLimitBytes !== null && usage.storageBytes > plan.storageLimitBytes) {
    out.push({
      limit: "storage",
      used: usage.storageBytes,
      allowed: plan.storageLimitBytes,
      reduceBy: usage.storageBytes - plan.storageLimitBytes,
    });
  }
  if (plan.staffSeats !== null && usage.seats > plan.staffSeats) {
    out.push({ limit: "seats", used: usage.seats, allowed: plan.staffSeats, reduceBy: usage.seats - plan.staffSeats });
  }
  return out;
}

/** The features a plan switches on (the plans table's own_domain, dropshipping, autocount_sync). */
export const PLAN_FEATURES = ["ownDomain", "dropshipping", "autocountSync"] as const;
export type PlanFeature = (typeof PLAN_FEATURES)[number];

/** Whether the shop's current plan (currentPlan: the one source of truth) has `feature`, and which plans do. */
export interface FeatureAccess {
  feature: PlanFeature;
  allowed: boolean;
  /** The shop's plan, by name. */
  plan: string;
  /** The listed plans that include the feature, cheapest first, by name. */
  unlockedBy: string[];
}

/** Thrown inside a transaction when the shop's plan does not include a feature. */
export class FeatureNotInPlan extends Error {
  constructor(readonly access: FeatureAccess) {
    super(
      `The ${access.feature} feature is not part of the ${access.plan} plan (it comes with ${access.unlockedBy.join(", ")}). ` +
        `Upgrade on the Billing page (/admin/billing).`,
    );
    this.name = "FeatureNotInPlan";
  }
}

/** The shop's access to `feature`. Call inside withShop (or asPlatform). */
export async function featureAccess(tx: Tx, shopId: string, feature: PlanFeature): Promise<FeatureAccess> {
  const plan = await currentPlan(tx, shopId);
  const plans = await listedPlans(tx);
  return { feature, allowed: plan[feature], plan: plan.name, unlockedBy: plans.filter((p) => p[feature]).map((p) => p.name) };
}

export async function planAllows(tx: Tx, shopId: string, feature: PlanFeature): Promise<boolean> {
  return (await currentPlan(tx, shopId))[feature];
}

/** Refuses (FeatureNotInPlan) when the shop's plan does not include `feature`. */
export async function requireFeature(tx: Tx, shopId: string, feature: PlanFeature): Promise<void> {
  const access = await featureAccess(tx, shopId, feature);
  if (!access.allowed) throw new FeatureNotInPlan(access);
}
