/** Creates real accounts and shops through the domain, with unique names per call. */
import { randomBytes } from "node:crypto";

import { signUp } from "~/domain/accounts/signup.server";
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
  const result = await signUp(input, { ...who, ip: `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.1` });
  if (!result.ok) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  return { id: result.userId, email: input.email, password: input.password, phone: overrides.phone ?? phone.e164 };
}

export async function makeShop(userId: string, overrides: Record<string, string> = {}) {
  const result = await createShop(userId, { name: "Kedai Test", slug: unique("shop-"), ...overrides }, who);
  if (!result.ok) throw new Error(`shop failed: ${JSON.stringify(result.errors)}`);
  return result.shop;
}

/** Adds a person to a shop's team directly (the invitation flow has its own tests). */
export async function addMember(shopId: string, userId: string, role: "admin" | "staff", permissions: string[] = []) {
  const { withShop, schema } = await import("~db/client");
  await withShop(shopId, (tx) => tx.insert(schema.shopMemberships).values({ shopId, userId, role, permissions }));
}
