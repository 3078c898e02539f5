/**
 * The demo data `npm start` seeds on the embedded default: a demo owner and their shop with a
 * small catalog (db/seed-catalog.ts), created through the same domain code as a real sign-up and
 * the admin. Idempotent.
 */
import { eq, sql } from "drizzle-orm";

import { signUp } from "~/domain/accounts/signup.server";
import { startTrial } from "~/domain/billing/subscriptions.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { createShop } from "~/domain/shops/shops.server";

import { asPlatform, schema, withShop } from "./client";
import { seedDemoCatalog } from "./seed-catalog";
import { seedDropshipDemo } from "./seed-dropship";
import { seedOperatorDemo } from "./seed-operator";

export const DEMO = {
  name: "Aisyah Rahman",
  email: "demo@netshop.local",
  phone: "012-345 6789",
  companyName: "Kedai Aisyah Sdn. Bhd.",
  password: "batik-and-kopi-2026",
  shop: { name: "Kedai Aisyah", slug: "kedai-aisyah" },
};

export async function seedDemo(): Promise<{ created: boolean; products: number; email: string; password: string; slug: string }> {
  const info = { email: DEMO.email, password: DEMO.password, slug: DEMO.shop.slug };
  const [existing] = await asPlatform((tx) =>
    tx
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, DEMO.email)),
  );
  let userId = existing?.id;
  let created = false;
  const seedRequest = { ip: "127.0.0.1", userAgent: "netshop-seed" };
  if (!userId) {
    const result = await signUp(
      {
        name: DEMO.name,
        email: DEMO.email,
        phone: DEMO.phone,
        companyName: DEMO.companyName,
        password: DEMO.password,
        adult: "on",
        terms: "on",
        // The demo person is shown the versions in force.
        ...(await shownPoliciesField(["privacy", "terms"])),
      },
      seedRequest,
    );
    if (!result.ok) throw new Error(`demo sign-up failed: ${JSON.stringify(result.errors)}`);
    userId = result.userId;
    created = true;
  }
  const [shop] = await asPlatform((tx) =>
    tx.select({ id: schema.shops.id }).from(schema.shops).where(eq(schema.shops.slug, DEMO.shop.slug)),
  );
  let shopId = shop?.id;
  if (!shopId) {
    const result = await createShop(userId, { ...DEMO.shop, currency: "MYR", timezone: "Asia/Kuala_Lumpur", language: "en" }, seedRequest);
    if (!result.ok) throw new Error(`demo shop failed: ${JSON.stringify(result.errors)}`);
    shopId = result.shop.id;
    // Like a shop opened in the admin: 14 days of Growth (own domain, dropshipping, AutoCount).
    await withShop(result.shop.id, (tx) => startTrial(tx, result.shop.id));
    created = true;
  }
  const catalog = await seedDemoCatalog(shopId, userId);
  await seedDropshipDemo({ userId, shopId, password: DEMO.password });
  await seedOperatorDemo(DEMO.password);
  return { created, products: catalog.created, ...info };
}
