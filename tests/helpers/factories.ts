/** Creates real accounts and shops through the domain, with unique names per call. */
import { randomBytes } from "node:crypto";

import { signUp } from "~/domain/accounts/signup.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { createShop } from "~/domain/shops/shops.server";

import { uniquePhone } from "./phones";

const who = { ip: "127.0.0.1", userAgent: "vitest" };

export const PASSWORD = "correct horse battery staple";

export function unique(prefix = "t"): string {
  return `${prefix}${randomBytes(5).toString("hex")}`;
}

export async function makeUser(overrides: Record<string, string> = {}) {
  const email = `${unique("user")}@example.com`;
  // Each person has their own WhatsApp number, so tests can read their codes from the sandbox.
  const phone = uniquePhone();
  const input = {
    name: "Nur Aina",
    email,
    phone: phone.local,
    companyName: "Aina Trading",
    password: PASSWORD,
    adult: "on",
    terms: "on",
    ...overrides,
  };
  const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.1`;
  // The sign-up page's hidden field: the person was shown the versions in force.
  const result = await signUp({ ...input, ...(await shownPoliciesField(["privacy", "terms"])) }, { ...who, ip });
  if (!result.ok) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  return { id: result.userId, email: input.email, password: input.password, phone: overrides.phone ?? phone.e164 };
}

export async function makeShop(userId: string, overrides: Record<string, string> = {}) {
  const result = await createShop(userId, { name: "Kedai Test", slug: unique("shop-"), ...overrides }, who);
  if (!result.ok) throw new Error(`shop failed: ${JSON.stringify(result.errors)}`);
  return result.shop;
}

/**
 * Puts a shop on a plan (active, no period), as if it had paid: for tests of what a plan unlocks
 * (own domain, dropshipping, AutoCount sync). makeShop's shops are on Free, like a shop with no
 * subscription; the plan-changing flows have their own tests.
 */
export async function onPlan(shopId: string, planId: "free" | "starter" | "growth" | "pro") {
  const { withShop, schema } = await import("~db/client");
  await withShop(shopId, (tx) =>
    tx
      .insert(schema.shopPlans)
      .values({ shopId, planId, status: "active" })
      .onConflictDoUpdate({ target: schema.shopPlans.shopId, set: { planId, status: "active", updatedAt: new Date() } }),
  );
}

/** Adds a person to a shop's team directly (the invitation flow has its own tests). */
export async function addMember(shopId: string, userId: string, role: "admin" | "staff", permissions: string[] = []) {
  const { withShop, schema } = await import("~db/client");
  await withShop(shopId, (tx) => tx.insert(schema.shopMemberships).values({ shopId, userId, role, permissions }));
}
