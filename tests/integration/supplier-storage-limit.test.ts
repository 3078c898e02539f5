/**
 * A supplier's shop has a plan too: an image upload over its storage is refused with the plan's
 * words in the supplier's language (never a 500), and the object already put in the bucket goes
 * with the refusal, so nothing is stored that no row points to.
 */
import { eq } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";

import { limitsIn, planLimitMessage } from "~/domain/billing/limit-refusals.server";
import { addSupplierImage } from "~/domain/dropship/supplier-portal.server";
import { listKeys } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { makePng } from "../helpers/catalog";
import { makeSupplier, makeSupplierProduct } from "../helpers/dropship";
import { unique } from "../helpers/factories";

afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

it("refuses a supplier's image over the plan's storage in the supplier's language and keeps no object of it", async () => {
  const { user, shopId } = await makeSupplier();
  const product = await makeSupplierProduct(shopId, user.id, { title: "Kopi Ipoh", cost: "10.00", price: "15.00", stock: 5 });
  const planId = unique("tiny-storage");
  await asPlatform(async (tx) => {
    await tx.insert(schema.plans).values({ id: planId, name: "Tiny", productLimit: 10, storageLimitBytes: 100 });
    // A supplier's shop is on Free (1 GB) unless it has a plan of its own: give it a tiny one.
    await tx.insert(schema.shopPlans).values({ shopId, planId }).onConflictDoUpdate({ target: schema.shopPlans.shopId, set: { planId } });
  });
  const png = await makePng(400, 400);

  const refused = await addSupplierImage(shopId, product.productId, { body: png, contentType: "image/png", filename: "kopi.png" });
  if (!refused || refused.ok || !("planLimit" in refused)) throw new Error(`not a plan-limit refusal: ${JSON.stringify(refused)}`);
  const limit = refused.planLimit.limit;
  expect(limit).toMatchObject({ limit: "storage", plan: "Tiny", allowed: 100, used: 0 });
  expect(refused.planLimit.field).toBe("image");
  expect(limitsIn("ms", refused).errors.image).toBe(planLimitMessage("ms", limit));
  expect(planLimitMessage("ms", limit)).not.toBe(planLimitMessage("en", limit));

  // Nothing under the shop's media (a supplier product's own images would live there too).
  expect(await listKeys(`shops/${shopId}/media/`)).toEqual([]);
  expect(await asPlatform((tx) => tx.select().from(schema.media).where(eq(schema.media.shopId, shopId)))).toEqual([]);
});
