/**
 * A shop's subscription: which plan, which period, which status (the machine in
 * subscription-status.ts). The only writer of shop_plans besides the migrations.
 */
import { and, eq, sql } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { readAsPlatform, schema, type Tx } from "~db/client";
import type { BillingInterval, SubscriptionStatus } from "~db/schema/billing";

import { localDay, periodFrom, TRIAL_DAYS, TRIAL_PLAN_ID, zonedMidnight } from "./periods";
import { canMove } from "./subscription-status";

export type Subscription = typeof schema.shopPlans.$inferSelect;

export async function shopTimezone(tx: Tx, shopId: string): Promise<string> {
  const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId));
  return shop?.timezone ?? "Asia/Kuala_Lumpur";
}

/** The shop's subscription; a shop without a row is on Free, active, with no period. Call inside withShop. */
export async function subscriptionOf(tx: Tx, shopId: string): Promise<Subscription> {
  const [row] = await tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId));
  return row ?? freeSubscription(shopId);
}

function freeSubscription(shopId: string): Subscription {
  return {
    shopId,
    planId: schema.FREE_PLAN_ID,
    startedAt: new Date(0),
    status: "active",
    interval: "month",
    currentPeriodStart: null,
    currentPeriodEnd: null,
    anchorDay: null,
    trialEndsAt: null,
    scheduledPlanId: null,
    scheduledInterval: null,
    pastDueSince: null,
    suspendedAt: null,
    suspensionReason: null,
    cancelledAt: null,
    cancelAtPeriodEnd: false,
    updatedAt: new Date(0),
  };
}

/** The subscription row, created (Free) when missing, locked until the transaction ends. */
export async function lockSubscription(tx: Tx, shopId: string): Promise<Subscription> {
  await tx.insert(schema.shopPlans).values({ shopId, planId: schema.FREE_PLAN_ID }).onConflictDoNothing();
  const [row] = await tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId)).for("update");
  return row;
}

/** A new shop: 14 days of Growth, no payment details needed. Idempotent (a shop with a subscription keeps it). */
export async function startTrial(tx: Tx, shopId: string, now: Date = new Date()): Promise<void> {
  const timezone = await shopTimezone(tx, shopId);
  const today = localDay(now, timezone);
  const anchorDay = Number(today.slice(8, 10));
  const ends = zonedMidnight(addDaysLocal(today, TRIAL_DAYS), timezone);
  await tx
    .insert(schema.shopPlans)
    .values({
      shopId,
      planId: TRIAL_PLAN_ID,
      status: "trialing",
      interval: "month",
      startedAt: now,
      currentPeriodStart: zonedMidnight(today, timezone),
      currentPeriodEnd: ends,
      trialEndsAt: ends,
      anchorDay,
    })
    .onConflictDoNothing();
}

function addDaysLocal(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export class SubscriptionTransitionError extends Error {
  constructor(from: SubscriptionStatus, to: SubscriptionStatus) {
    super(`a ${from} subscription cannot become ${to}`);
    this.name = "SubscriptionTransitionError";
  }
}

/** Moves the (locked) subscription to `to` with `patch`, checked against the machine, audited. */
export async function moveSubscription(
  tx: Tx,
  current: Subscription,
  to: SubscriptionStatus,
  patch: Partial<Omit<Subscription, "shopId" | "status">>,
  actor: { userId: string | null; reason: string; ip?: string; userAgent?: string },
): Promise<Subscription> {
  if (!canMove(current.status, to)) throw new SubscriptionTransitionError(current.status, to);
  const [row] = await tx
    .update(schema.shopPlans)
    .set({ ...patch, status: to, updatedAt: sql`now()` })
    .where(eq(schema.shopPlans.shopId, current.shopId))
    .returning();
  if (current.status !== to || patch.planId !== undefined) {
    await audit(tx, {
      shopId: current.shopId,
      actorUserId: actor.userId,
      action: "billing.subscription_changed",
      targetType: "subscription",
      targetId: current.shopId,
      before: { status: current.status, planId: current.planId, interval: current.interval },
      after: { status: to, planId: row.planId, interval: row.interval, reason: actor.reason },
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
  }
  return row;
}

/** The fields that put a subscription on Free: no period, nothing scheduled, nothing owed. */
export const ON_FREE = {
  planId: schema.FREE_PLAN_ID,
  interval: "month",
  currentPeriodStart: null,
  currentPeriodEnd: null,
  anchorDay: null,
  trialEndsAt: null,
  scheduledPlanId: null,
  scheduledInterval: null,
  pastDueSince: null,
  cancelAtPeriodEnd: false,
} as const satisfies Partial<Subscription>;

/** A paid plan from `startDay` for one interval: the fields of a new period. */
export function periodFields(startDay: string, interval: BillingInterval, timezone: string) {
  const anchorDay = Number(startDay.slice(8, 10));
  const period = periodFrom(startDay, interval, anchorDay, timezone);
  return { interval, anchorDay, currentPeriodStart: period.start, currentPeriodEnd: period.end };
}

/** The status the admin and the storefront check (one primary-key read). */
export async function subscriptionStatus(shopId: string): Promise<SubscriptionStatus> {
  // Read on every admin request and action and every checkout: one statement with the shop
  // explicit (no transaction: one round trip instead of four), a shop without a row is on Free.
  const [row] = await readAsPlatform((db) =>
    db.select({ status: schema.shopPlans.status }).from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId)),
  );
  return row?.status ?? freeSubscription(shopId).status;
}

/** The shop's owner, to bill and to tell. */
export async function shopOwner(tx: Tx, shopId: string) {
  const [owner] = await tx
    .select({
      id: schema.users.id,
      name: schema.users.name,
      email: schema.users.email,
      phone: schema.users.phone,
      language: schema.users.preferredLanguage,
    })
    .from(schema.shopMemberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.shopMemberships.userId))
    .where(and(eq(schema.shopMemberships.shopId, shopId), eq(schema.shopMemberships.role, "owner")))
    .limit(1);
  return owner;
}
