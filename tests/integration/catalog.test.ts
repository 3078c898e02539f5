import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { listProducts, ListQuerySchema } from "~/domain/catalog/product-list.server";
import { createProduct, draftFromProduct, getProduct, updateProduct, validateDraft } from "~/domain/catalog/products.server";
import { codedText } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { makeDraft, makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";

let owner: { id: string };
let shopA: { id: string };
let shopB: { id: string };
const actor = () => ({ userId: owner.id, ip: "127.0.0.1", userAgent: "vitest" });

beforeAll(async () => {
  owner = await makeUser();
  shopA = await makeShop(owner.id);
  shopB = await makeShop(owner.id);
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const save = async (shopId: string, input: Parameters<typeof makeDraft>[0]) => {
  const validated = validateDraft(makeDraft(input), "MYR", { regenerate: false });
  if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
  return createProduct(shopId, validated.input, actor());
};

describe("products and variants", () => {
  it("creates a product with its option combinations as variants, each with a stock record and ledger entry", async () => {
    const saved = await makeProduct(shopA.id, owner.id, {
      title: "Kenanga Batik Shirt",
      options: [
        ["Size", ["S", "M", "L"]],
        ["Colour", ["Indigo", "Maroon"]],
      ],
      price: "129.00",
      sku: unique("BTK"),
      stock: 4,
      status: "active",
    });
    expect(saved.handle).toBe("kenanga-batik-shirt");
    const product = (await getProduct(shopA.id, saved.productId))!;
    expect(product.product.options).toEqual([
      { name: "Size", values: ["S", "M", "L"] },
      { name: "Colour", values: ["Indigo", "Maroon"] },
    ]);
    expect(product.variants.map((v) => v.title)).toEqual([
      "S / Indigo",
      "S / Maroon",
      "M / Indigo",
      "M / Maroon",
      "L / Indigo",
      "L / Maroon",
    ]);
    expect(product.variants.every((v) => v.priceMinor === 12900 && v.currency === "MYR" && v.onHand === 4)).toBe(true);
    expect(product.product.stockOnHand).toBe(24);
    expect(product.product.publishedAt).toBeInstanceOf(Date);
    const ledger = await withShop(shopA.id, (tx) =>
      tx
        .select()
        .from(schema.inventoryMovements)
        .where(sql`${schema.inventoryMovements.variantId} in ${product.variants.map((v) => v.id)}`),
    );
    expect(ledger.map((m) => [m.delta, m.reason, m.onHandAfter, m.actorUserId])).toEqual(Array(6).fill([4, "initial", 4, owner.id]));
  });

  it("keeps handles unique per shop: a free one is made from the title, a taken one is refused, another shop may use it", async () => {
    const title = `Songket ${unique()}`;
    const first = await save(shopA.id, { title });
    const second = await save(shopA.id, { title });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.handle).toBe(`${first.handle}-2`);
    const explicit = await save(shopA.id, { title: "Other", extra: { handle: first.handle } });
    expect(explicit).toEqual({ ok: false, errors: { handle: { key: "catalog:fieldErrors.handleTaken" } } });
    const elsewhere = await save(shopB.id, { title: "Other", extra: { handle: first.handle } });
    expect(elsewhere.ok).toBe(true);
  });

  it("keeps SKUs unique per shop, naming the variant that clashes; another shop may use the same SKU", async () => {
    const sku = unique("SKU");
    const taken = await makeProduct(shopA.id, owner.id, { title: "Kopi Tenom", options: [["Size", ["250 g", "500 g"]]], sku });
    const clash = await save(shopA.id, { title: "Kopi Sabah", options: [["Size", ["1 kg", "500 g"]]], sku });
    expect(clash).toEqual({
      ok: false,
      errors: {
        "variants.0.sku": { key: "catalog:fieldErrors.skuTaken", values: { sku: `${sku}-1`, title: "Kopi Tenom" } },
        "variants.1.sku": { key: "catalog:fieldErrors.skuTaken", values: { sku: `${sku}-2`, title: "Kopi Tenom" } },
      },
    });
    expect((await save(shopB.id, { title: "Kopi Tenom", options: [["Size", ["250 g", "500 g"]]], sku })).ok).toBe(true);
    const [{ n }] = await withShop(shopA.id, (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.products)
        .where(eq(schema.products.title, "Kopi Sabah")),
    );
    expect(n).toBe(0); // refused whole: no product, no variants
    expect(taken.ok).toBe(true);
  });

  it("saves option changes by matching variants on their values: kept variants keep their id and stock, new ones start at zero", async () => {
    const saved = await makeProduct(shopA.id, owner.id, { title: "Sambal Garing", options: [["Heat", ["Mild", "Hot"]]], stock: 7 });
    const before = (await getProduct(shopA.id, saved.productId))!;
    const draft = draftFromProduct(before);
    draft.options = [{ name: "Heat", values: "Hot, Extra hot" }];
    const validated = validateDraft(draft, "MYR", { regenerate: true });
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    expect(await updateProduct(shopA.id, saved.productId, validated.input, actor())).toMatchObject({ ok: true });
    const after = (await getProduct(shopA.id, saved.productId))!;
    expect(after.variants.map((v) => [v.title, v.onHand])).toEqual([
      ["Hot", 7],
      ["Extra hot", 0],
    ]);
    expect(after.variants[0].id).toBe(before.variants.find((v) => v.title === "Hot")!.id);
    expect(after.product.stockOnHand).toBe(7);
  });

  it("refuses a new product at the plan's product limit, with a clear message", async () => {
    const shop = await makeShop(owner.id);
    const plan = unique("tiny");
    await asPlatform(async (tx) => {
      await tx.insert(schema.plans).values({ id: plan, name: "Tiny", productLimit: 2, storageLimitBytes: 1000 });
      await tx.insert(schema.shopPlans).values({ shopId: shop.id, planId: plan });
    });
    expect((await save(shop.id, { title: "One" })).ok).toBe(true);
    expect((await save(shop.id, { title: "Two" })).ok).toBe(true);
    const refused = await save(shop.id, { title: "Three" });
    expect(refused).toEqual({
      ok: false,
      errors: { form: { key: "billing:limits.products", values: { plan: "Tiny", allowed: 2, count: 2 } } },
    });
    // Coded, so the page words it in its reader's language.
    if (refused.ok) throw new Error("saved past the limit");
    expect(codedText("en", refused.errors.form!)).toBe(
      "Your Tiny plan allows 2 products and this shop has 2. Delete products you no longer sell, or upgrade your plan to add more.",
    );
  });
});

describe("the admin product list", () => {
  let shop: { id: string };
  beforeAll(async () => {
    shop = await makeShop(owner.id);
    for (let i = 0; i < 23; i++) {
      await makeProduct(shop.id, owner.id, {
        title: `Tudung ${String(i).padStart(2, "0")}`,
        sku: `TD${i}`,
        stock: i % 4 === 0 ? 0 : i,
        status: i % 3 ? "active" : "draft",
      });
    }
    await makeProduct(shop.id, owner.id, { title: "Rattan Tote", sku: "RTN-TOTE" });
  });
  const list = (q: Record<string, string>) => listProducts(shop.id, ListQuerySchema.parse(q));

  it("walks every page with keyset cursors, forwards and back, without repeats or gaps", async () => {
    for (const sort of ["updated", "title", "stock", "created"]) {
      const query = ListQuerySchema.parse({ sort });
      const forward = [await listProducts(shop.id, query, 10)];
      while (forward.at(-1)!.nextCursor) forward.push(await listProducts(shop.id, { ...query, after: forward.at(-1)!.nextCursor }, 10));
      const ids = forward.flatMap((p) => p.items.map((i) => i.id));
      expect(forward.map((p) => p.items.length)).toEqual([10, 10, 4]);
      expect(new Set(ids).size).toBe(24);
      expect(forward[0].prevCursor).toBeUndefined();
      // Back from the last page gives the same pages again.
      const back = await listProducts(shop.id, { ...query, before: forward[2].prevCursor }, 10);
      expect(back.items.map((i) => i.id)).toEqual(forward[1].items.map((i) => i.id));
      const first = await listProducts(shop.id, { ...query, before: back.prevCursor }, 10);
      expect(first.items.map((i) => i.id)).toEqual(forward[0].items.map((i) => i.id));
      expect(first.prevCursor).toBeUndefined();
    }
    // A search pages the same way, with the total of all its matches on every page.
    const search = ListQuerySchema.parse({ q: "tudung", sort: "title" });
    const pages = [await listProducts(shop.id, search, 10)];
    while (pages.at(-1)!.nextCursor) pages.push(await listProducts(shop.id, { ...search, after: pages.at(-1)!.nextCursor }, 10));
    expect(pages.map((p) => [p.items.length, p.total])).toEqual([
      [10, 23],
      [10, 23],
      [3, 23],
    ]);
    expect(pages.flatMap((p) => p.items.map((i) => i.title))).toEqual(
      Array.from({ length: 23 }, (_, i) => `Tudung ${String(i).padStart(2, "0")}`),
    );
    const backAgain = await listProducts(shop.id, { ...search, before: pages[2].prevCursor }, 10);
    expect(backAgain.items.map((i) => i.id)).toEqual(pages[1].items.map((i) => i.id));
    const titles = (await list({ sort: "title" })).items.map((i) => i.title);
    expect(titles[0]).toBe("Rattan Tote");
    expect(titles).toEqual([...titles].sort());
    const stocks = (await list({ sort: "stock" })).items.map((i) => i.stockOnHand);
    expect(stocks).toEqual([...stocks].sort((a, b) => a! - b!));
  });

  it("searches by title and by SKU prefix, and filters by status and stock level", async () => {
    expect((await list({ q: "tote" })).items.map((i) => i.title)).toEqual(["Rattan Tote"]);
    expect((await list({ q: "rtn-to" })).items.map((i) => i.title)).toEqual(["Rattan Tote"]);
    expect((await list({ q: "tudung 1" })).total).toBe(10);
    expect((await list({ status: "draft" })).total).toBe(9); // every third Tudung, and the Rattan Tote
    expect((await list({ stock: "out" })).items.every((i) => i.stockOnHand === 0)).toBe(true);
    expect((await list({ stock: "out" })).total).toBe(7);
    expect((await list({ stock: "low" })).items.map((i) => i.stockOnHand).sort()).toEqual([1, 2, 3, 5]);
    expect((await list({ stock: "untracked" })).total).toBe(0);
    expect((await list({ q: "100%_\\" })).total).toBe(0); // LIKE wildcards are literal
  });
});
