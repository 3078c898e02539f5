import type { Worker } from "bullmq";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createCategory, saveCollection } from "~/domain/catalog/collections.server";
import { errorReportCsv } from "~/domain/catalog/csv.server";
import { emptyVariant } from "~/domain/catalog/product-draft";
import { createProduct, validateDraft } from "~/domain/catalog/products.server";
import { exportedCsv, getTransfer, startExport, startImport } from "~/domain/catalog/transfers.server";
import { addImageFromBuffer } from "~/domain/media/media.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { startCatalogCsvWorker } from "../../workers/catalog-csv";
import { startMediaWorker } from "../../workers/media";
import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { until } from "../helpers/async";
import { makeDraft, makePng } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Its own database and Redis: this file runs the CSV and media workers and the outbox dispatcher.
let stack: IsolatedStack;
let dispatcher: OutboxDispatcher;
let workers: Worker[];
let owner: { id: string };
const who = { ip: "127.0.0.1", userAgent: "vitest" };

beforeAll(async () => {
  stack = await isolatedStack();
  dispatcher = new OutboxDispatcher(200);
  await dispatcher.start();
  workers = [startCatalogCsvWorker(), startMediaWorker()];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  owner = await makeUser();
});
afterAll(async () => {
  await dispatcher?.stop();
  await Promise.all((workers ?? []).map((w) => w.close()));
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

const finished = (shopId: string, id: string) =>
  until(async () => {
    const t = await getTransfer(shopId, id);
    return t && (t.status === "succeeded" || t.status === "failed") && t;
  });

/** Everything a catalog is, in a form two shops can be compared on. */
async function catalogOf(shopId: string) {
  return withShop(shopId, async (tx) => {
    const products = await tx.select().from(schema.products).orderBy(asc(schema.products.handle));
    return Promise.all(
      products.map(async (p) => {
        const variants = await tx
          .select({ v: schema.variants, onHand: schema.inventoryLevels.onHand })
          .from(schema.variants)
          .innerJoin(schema.inventoryLevels, eq(schema.inventoryLevels.variantId, schema.variants.id))
          .where(eq(schema.variants.productId, p.id))
          .orderBy(asc(schema.variants.position));
        const [category] = p.categoryId ? await tx.select().from(schema.categories).where(eq(schema.categories.id, p.categoryId)) : [];
        const collections = await tx
          .select({ title: schema.collections.title })
          .from(schema.collectionProducts)
          .innerJoin(schema.collections, eq(schema.collections.id, schema.collectionProducts.collectionId))
          .where(eq(schema.collectionProducts.productId, p.id))
          .orderBy(asc(schema.collections.title));
        const media = await tx.select().from(schema.media).where(eq(schema.media.productId, p.id)).orderBy(asc(schema.media.position));
        return {
          title: p.title,
          handle: p.handle,
          descriptionMd: p.descriptionMd,
          descriptionHtml: p.descriptionHtml,
          status: p.status,
          brand: p.brand,
          productType: p.productType,
          tags: p.tags,
          seo: [p.seoTitle, p.seoDescription],
          options: p.options,
          stockOnHand: p.stockOnHand,
          category: category?.name ?? null,
          collections: collections.map((c) => c.title),
          images: media.map((m) => ({ alt: m.alt, width: m.width, height: m.height, status: m.status })),
          variants: variants.map(({ v, onHand }) => ({
            title: v.title,
            sku: v.sku,
            barcode: v.barcode,
            price: v.priceMinor,
            compareAt: v.compareAtPriceMinor,
            cost: v.costMinor,
            grams: v.weightGrams,
            track: v.trackInventory,
            backorder: v.allowBackorder,
            onHand,
          })),
        };
      }),
    );
  });
}

const ledgerSize = (shopId: string) =>
  withShop(shopId, async (tx) => (await tx.select({ n: sql<number>`count(*)::int` }).from(schema.inventoryMovements))[0].n);

describe("CSV export and import", () => {
  it("round-trips a catalog: export from one shop, import into another, and get the same catalog", async () => {
    const a = await makeShop(owner.id);
    const category = await createCategory(a.id, { name: "Clothing" });
    const raya = await saveCollection(a.id, null, { title: "Raya 2026" });
    const arrivals = await saveCollection(a.id, null, { title: "New arrivals" });
    if (!category.ok || !raya?.ok || !arrivals?.ok) throw new Error("setup failed");
    const actor = { userId: owner.id, ...who };

    const shirt = makeDraft({
      title: "Kenanga Batik Shirt",
      options: [
        ["Size", ["S", "M"]],
        ["Colour", ["Indigo", "Maroon"]],
      ],
      status: "active",
      extra: {
        descriptionMd: "Hand-drawn **batik tulis**.\n\n- 100% cotton\n- Hand wash",
        brand: "Kedai Aisyah",
        productType: "Shirt",
        tags: "batik, cotton",
        seoTitle: "Batik shirt",
        seoDescription: "A batik shirt from Terengganu",
        categoryId: category.id,
        collectionIds: [raya.id, arrivals.id],
      },
    });
    // A merchant may not sell every combination: drop M / Maroon.
    shirt.variants = shirt.variants.slice(0, 3).map((v, i) => ({
      ...v,
      price: ["129.00", "129.00", "139.50"][i],
      compareAt: "159.00",
      cost: "55.10",
      weight: "280",
      sku: `BTK-${i}`,
      barcode: i === 0 ? "9551234567890" : "",
      initialStock: String([4, 0, 12][i]),
    }));
    const tankard = makeDraft({ title: "Pewter Tankard", status: "draft" });
    tankard.variants = [{ ...emptyVariant([]), price: "320.00", track: false, backorder: true, sku: "PWT-1" }];
    const kopi = makeDraft({ title: "Kopi Tenom", options: [["Size", ["250 g", "500 g", "1 kg"]]], status: "archived", stock: 9 });
    kopi.variants = kopi.variants.map((v, i) => ({ ...v, price: ["22.00", "38.00", "69.00"][i] }));
    for (const draft of [shirt, tankard, kopi]) {
      const validated = validateDraft(draft, "MYR", { regenerate: false });
      if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
      const saved = await createProduct(a.id, validated.input, actor);
      if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
      if (draft === shirt) {
        await addImageFromBuffer(a.id, saved.productId, {
          body: await makePng(900, 600),
          contentType: "image/png",
          filename: "shirt.png",
          alt: "The shirt, front",
        });
        await addImageFromBuffer(a.id, saved.productId, {
          body: await makePng(600, 900),
          contentType: "image/png",
          filename: "back.png",
          alt: "The shirt, back",
        });
      }
    }
    await until(async () => (await catalogOf(a.id))[0].images.every((i) => i.status === "ready"));

    const exportId = await startExport(a.id, owner.id, who);
    const exported = await finished(a.id, exportId);
    expect(exported).toMatchObject({
      status: "succeeded",
      productCount: 3,
      processedRows: 3,
      totalRows: 3,
      message: "Exported 3 products.",
    });
    const csv = (await exportedCsv(a.id, exportId))!.csv;
    expect(csv.split("\n")[0]).toMatch(/^Handle,Title,Body \(HTML\),Body \(Markdown\),Vendor,/);

    const b = await makeShop(owner.id);
    const started = await startImport(b.id, owner.id, { name: "products.csv", text: csv }, who);
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    const imported = await finished(b.id, started.id);
    expect(imported).toMatchObject({
      status: "succeeded",
      productCount: 3,
      errorCount: 0,
      processedRows: 7,
      totalRows: 7,
      message: "Imported 3 products.",
    });
    await until(async () => (await catalogOf(b.id))[0].images.every((i) => i.status === "ready"));
    const original = await catalogOf(a.id);
    expect(await catalogOf(b.id)).toEqual(original);
    expect(original[0].variants.map((v) => v.title)).toEqual(["S / Indigo", "S / Maroon", "M / Indigo"]);

    // The same file again changes nothing: no new stock movements, no duplicate images.
    const movements = await ledgerSize(b.id);
    const again = await startImport(b.id, owner.id, { name: "products.csv", text: csv }, who);
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    expect(await finished(b.id, again.id)).toMatchObject({ status: "succeeded", productCount: 3, errorCount: 0 });
    expect(await catalogOf(b.id)).toEqual(original);
    expect(await ledgerSize(b.id)).toBe(movements);
  });

  it("imports the valid products, reports each problem by row and column, and writes nothing of a product with a problem", async () => {
    const shop = await makeShop(owner.id);
    const csv = [
      "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price,Variant Compare At Price,Image Src,Status",
      "kaya-pandan,Pandan Kaya,<p>Slow-cooked <b>kaya</b><script>alert(1)</script></p>,Dapur Mak Teh,Spread,kaya,TRUE,Size,250 ml,,,KAYA-250,300,shopify,12,deny,14.50,,,active",
      "kaya-pandan,,,,,,,,400 ml,,,KAYA-400,450,shopify,5,deny,21.00,,,",
      "sambal,Sambal Garing,,,,,,Heat,Mild,,,SMB-1,200,shopify,4,deny,18.00,,,draft",
      "sambal,,,,,,,,Hot,,,SMB-2,200,shopify,x,deny,abc,,,",
      "sambal,,,,,,,,Extra hot,,,SMB-3,200,shopify,3,deny,19.00,15.00,,",
      "tankard,Pewter Tankard,,,,,TRUE,Title,Default Title,,,PWT,700,,,continue,320.00,,https://cdn.example.com/tankard.jpg,",
      ",Missing handle,,,,,,,,,,,,,,,1.00,,,",
    ].join("\n");
    const started = await startImport(shop.id, owner.id, { name: "mixed.csv", text: csv }, who);
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    const done = await finished(shop.id, started.id);
    expect(done.errors).toEqual([
      { row: 5, column: "Variant Inventory Qty", key: "catalog:fieldErrors.wholeNumber" },
      { row: 5, column: "Variant Price", key: "catalog:fieldErrors.priceFormat" },
      { row: 6, column: "Variant Compare At Price", key: "catalog:fieldErrors.compareAtLower" },
      { row: 7, column: "Image Src", key: "catalog:fieldErrors.csvImageElsewhere" },
      { row: 8, column: "Handle", key: "catalog:fieldErrors.csvHandleMissing" },
    ]);
    // The report reads in the merchant's language: English, Malay, Chinese (the columns keep the file's names).
    expect(errorReportCsv(done.errors, "en").split("\n").slice(0, 3)).toEqual([
      "Row,Column,Problem",
      "5,Variant Inventory Qty,Enter a whole number of 0 or more.",
      "5,Variant Price,Enter a price like 49.90.",
    ]);
    expect(errorReportCsv(done.errors, "ms").split("\n").slice(0, 3)).toEqual([
      "Baris,Lajur,Masalah",
      "5,Variant Inventory Qty,Masukkan nombor bulat 0 atau lebih.",
      "5,Variant Price,Masukkan harga seperti 49.90.",
    ]);
    expect(errorReportCsv(done.errors, "zh").split("\n")[5]).toBe("8,Handle,每一行都需要 Handle（商品的网址名称，例如 batik-shirt）。");
    expect(done).toMatchObject({
      status: "succeeded",
      productCount: 2,
      errorCount: 5,
      message: "Imported 2 products; 2 not imported because of the problems listed.",
    });
    const catalog = await catalogOf(shop.id);
    expect(catalog.map((p) => p.handle)).toEqual(["kaya-pandan", "tankard"]);
    expect(catalog[0]).toMatchObject({
      title: "Pandan Kaya",
      status: "active",
      descriptionHtml: "<p>Slow-cooked <b>kaya</b></p>",
      brand: "Dapur Mak Teh",
      options: [{ name: "Size", values: ["250 ml", "400 ml"] }],
      stockOnHand: 17,
    });
    expect(catalog[0].variants.map((v) => [v.title, v.sku, v.price, v.grams, v.onHand])).toEqual([
      ["250 ml", "KAYA-250", 1450, 300, 12],
      ["400 ml", "KAYA-400", 2100, 450, 5],
    ]);
    expect(catalog[1]).toMatchObject({ title: "Pewter Tankard", options: [], stockOnHand: null, status: "active", images: [] });
    expect(catalog[1].variants).toMatchObject([{ title: "Default", track: false, backorder: true, price: 32000 }]);
    // Nothing of "sambal" was written: no product, variant, stock or ledger row.
    const [{ n }] = await withShop(shop.id, (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.variants)
        .where(sql`${schema.variants.sku} like 'SMB-%'`),
    );
    expect(n).toBe(0);
  });

  it("refuses a file that is not a product CSV, saying why", async () => {
    const shop = await makeShop(owner.id);
    expect(await startImport(shop.id, owner.id, { name: "x.csv", text: "name,price\nshirt,10" }, who)).toEqual({
      ok: false,
      errors: { form: { key: "catalog:fieldErrors.csvNoHeader" } },
    });
    expect(await startImport(shop.id, owner.id, { name: "x.csv", text: 'Handle,Title\n"unclosed,x' }, who)).toMatchObject({
      ok: false,
      errors: { form: { key: expect.stringMatching(/^catalog:fieldErrors\.csvInvalid/) } },
    });
  });
});
