/**
 * What the storefront shows of a shop's catalog: home (featured collections, deals, the running
 * flash sale), collection pages, product pages and the sitemap. Every read runs inside the
 * shop's tenant scope (withShop, row-level security) and shows active products only; prices
 * include running flash sales.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";

import { coverImages } from "~/domain/media/media.server";
import { publicObjectUrl } from "~/integrations/storage.server";
import { schema, type Tx, withShop } from "~db/client";

import { cachedForShop } from "./cache.server";
import { nextSaleChange, runningSalePrices, runningSales } from "./flash-sales.server";

export interface ProductCard {
  id: string;
  title: string;
  handle: string;
  currency: string;
  /** Lowest and highest price now (sale prices applied). */
  minPrice: number | null;
  maxPrice: number | null;
  /** The struck-through price: the regular price when on sale, else the highest compare-at. */
  compareAt: number | null;
  /** When the sale that lowers the price ends (ISO), null when not on sale. */
  saleEndsAt: string | null;
  inStock: boolean;
  image: { src: string; srcSet: string; alt: string } | null;
}

/** Product cards for active products among `ids`, in the order given. */
export async function productCards(tx: Tx, ids: string[], now = new Date()): Promise<ProductCard[]> {
  if (!ids.length) return [];
  const products = await tx
    .select({
      id: schema.products.id,
      title: schema.products.title,
      handle: schema.products.handle,
      stockOnHand: schema.products.stockOnHand,
    })
    .from(schema.products)
    .where(and(inArray(schema.products.id, ids), eq(schema.products.status, "active")));
  if (!products.length) return [];
  const found = products.map((p) => p.id);
  const variants = await tx
    .select({
      id: schema.variants.id,
      productId: schema.variants.productId,
      price: schema.variants.priceMinor,
      compareAt: schema.variants.compareAtPriceMinor,
      currency: schema.variants.currency,
      track: schema.variants.trackInventory,
      backorder: schema.variants.allowBackorder,
    })
    .from(schema.variants)
    .where(inArray(schema.variants.productId, found));
  const [sales, covers] = await Promise.all([
    runningSalePrices(
      tx,
      variants.map((v) => v.id),
      now,
    ),
    coverImages(tx, found),
  ]);
  const byId = new Map(products.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    if (!p) return [];
    const own = variants.filter((v) => v.productId === id);
    const prices = own.map((v) => sales.get(v.id)?.salePriceMinor ?? v.price);
    const onSale = own.filter((v) => sales.has(v.id));
    const cover = covers.get(id);
    const untracked = own.some((v) => !v.track || v.backorder);
    return [
      {
        id,
        title: p.title,
        handle: p.handle,
        currency: own[0]?.currency ?? "MYR",
        minPrice: prices.length ? Math.min(...prices) : null,
        maxPrice: prices.length ? Math.max(...prices) : null,
        compareAt: onSale.length
          ? Math.max(...onSale.map((v) => v.price))
          : own.reduce<number | null>(
              (m, v) => (v.compareAt !== null && v.compareAt > v.price && v.compareAt > (m ?? 0) ? v.compareAt : m),
              null,
            ),
        saleEndsAt: onSale.length ? new Date(Math.min(...onSale.map((v) => sales.get(v.id)!.endsAt.getTime()))).toISOString() : null,
        inStock: untracked || p.stockOnHand === null || p.stockOnHand > 0,
        image: cover?.renditions.length
          ? {
              alt: cover.alt || p.title,
              src: publicObjectUrl((cover.renditions.find((r) => r.width >= 480) ?? cover.renditions.at(-1)!).key),
              srcSet: cover.renditions.map((r) => `${publicObjectUrl(r.key)} ${r.width}w`).join(", "),
            }
          : null,
      },
    ];
  });
}

async function collectionProductIds(tx: Tx, collectionId: string, limit: number, offset = 0): Promise<string[]> {
  const rows = await tx
    .select({ id: schema.collectionProducts.productId })
    .from(schema.collectionProducts)
    .innerJoin(
      schema.products,
      and(eq(schema.products.shopId, schema.collectionProducts.shopId), eq(schema.products.id, schema.collectionProducts.productId)),
    )
    .where(and(eq(schema.collectionProducts.collectionId, collectionId), eq(schema.products.status, "active")))
    .orderBy(asc(schema.collectionProducts.position), asc(schema.collectionProducts.productId))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => r.id);
}

/**
 * The home page: the running flash sale, today's deals, featured collections, newest products.
 * The same for every visitor: kept per web process until the shop's catalogue, stock or sales
 * change or a sale starts or ends (cache.server.ts), like a product page.
 */
export async function storefrontHome(shopId: string) {
  return cachedForShop(shopId, "home", async () => {
    const now = new Date();
    const [value, until] = await Promise.all([loadStorefrontHome(shopId, now), saleCalendarChange(shopId, now)]);
    return { value, until };
  });
}

async function loadStorefrontHome(shopId: string, now: Date) {
  return withShop(shopId, async (tx) => {
    const sales = await runningSales(tx, now);
    const flash = sales[0] ?? null;
    const dealIds = [...new Set(sales.flatMap((s) => s.productIds))].slice(0, 12);
    const collections = await tx
      .select({ id: schema.collections.id, title: schema.collections.title, handle: schema.collections.handle })
      .from(schema.collections)
      .where(
        sql`exists (select 1 from ${schema.collectionProducts} cp join ${schema.products} p on p.shop_id = cp.shop_id and p.id = cp.product_id
                          where cp.shop_id = ${schema.collections.shopId} and cp.collection_id = ${schema.collections.id} and p.status = 'active')`,
      )
      .orderBy(asc(schema.collections.createdAt), asc(schema.collections.id))
      .limit(3);
    const featured = await Promise.all(
      collections.map(async (c) => ({ ...c, products: await productCards(tx, await collectionProductIds(tx, c.id, 4), now) })),
    );
    const newest = await tx
      .select({ id: schema.products.id })
      .from(schema.products)
      .where(eq(schema.products.status, "active"))
      .orderBy(desc(schema.products.publishedAt), desc(schema.products.id))
      .limit(12);
    return {
      flashSale: flash
        ? {
            name: flash.name,
            endsAt: flash.endsAt.toISOString(),
            remaining: flash.remaining,
            products: await productCards(tx, flash.productIds.slice(0, 8), now),
          }
        : null,
      deals: await productCards(tx, dealIds, now),
      featured,
      newest: await productCards(
        tx,
        newest.map((p) => p.id),
        now,
      ),
    };
  });
}

export const COLLECTION_PAGE_SIZE = 24;

/** A collection by handle with one page of its active products, or undefined; cached like the home page. */
export async function collectionPage(shopId: string, handle: string, page = 1) {
  return cachedForShop(shopId, `collection:${handle.toLowerCase()}:${page}`, async () => {
    const now = new Date();
    const [value, until] = await Promise.all([loadCollectionPage(shopId, handle, page, now), saleCalendarChange(shopId, now)]);
    return { value, until };
  });
}

async function loadCollectionPage(shopId: string, handle: string, page: number, now: Date) {
  return withShop(shopId, async (tx) => {
    const [collection] = await tx
      .select({
        id: schema.collections.id,
        title: schema.collections.title,
        handle: schema.collections.handle,
        description: schema.collections.description,
      })
      .from(schema.collections)
      .where(eq(schema.collections.handle, handle.toLowerCase()));
    if (!collection) return undefined;
    const ids = await collectionProductIds(tx, collection.id, COLLECTION_PAGE_SIZE + 1, (page - 1) * COLLECTION_PAGE_SIZE);
    return {
      collection,
      products: await productCards(tx, ids.slice(0, COLLECTION_PAGE_SIZE), now),
      page,
      hasNext: ids.length > COLLECTION_PAGE_SIZE,
    };
  });
}

export interface StorefrontVariant {
  id: string;
  title: string;
  options: Array<string | null>;
  sku: string | null;
  price: number;
  compareAt: number | null;
  currency: string;
  sale: { name: string; price: number; endsAt: string; remaining: number | null; perCustomerLimit: number | null } | null;
  /** Units a customer can buy now; null when stock is not tracked or backorders are allowed. */
  available: number | null;
  inStock: boolean;
}

/**
 * An active product by handle with its variants (stock and sale prices) and media, or undefined. The
 * same for every visitor: kept per web process until the shop's catalogue, stock or sales change
 * (cache.server.ts) or one of its sales starts or ends. Callers must not modify the result.
 */
export async function productPage(shopId: string, handle: string) {
  const key = `product:${handle.toLowerCase()}`;
  return cachedForShop(shopId, key, async () => {
    const now = new Date();
    const [value, until] = await Promise.all([loadProductPage(shopId, handle, now), saleCalendarChange(shopId, now)]);
    return { value, until };
  });
}

/** When the shop's running sales next change (a sale starts or ends), as epoch ms; cached like pages. */
export function saleCalendarChange(shopId: string, now: Date): Promise<number> {
  return cachedForShop(shopId, "sale-calendar", async () => {
    const next = await withShop(shopId, (tx) => nextSaleChange(tx, now));
    const at = next ? next.getTime() : Infinity;
    return { value: at, until: at };
  });
}

async function loadProductPage(shopId: string, handle: string, now: Date) {
  return withShop(shopId, async (tx) => {
    const [product] = await tx
      .select({
        id: schema.products.id,
        title: schema.products.title,
        handle: schema.products.handle,
        descriptionHtml: schema.products.descriptionHtml,
        descriptionMd: schema.products.descriptionMd,
        brand: schema.products.brand,
        seoTitle: schema.products.seoTitle,
        seoDescription: schema.products.seoDescription,
        options: schema.products.options,
        updatedAt: schema.products.updatedAt,
      })
      .from(schema.products)
      .where(and(eq(schema.products.handle, handle.toLowerCase()), eq(schema.products.status, "active")));
    if (!product) return undefined;
    const rows = await tx
      .select({
        id: schema.variants.id,
        title: schema.variants.title,
        option1: schema.variants.option1,
        option2: schema.variants.option2,
        option3: schema.variants.option3,
        sku: schema.variants.sku,
        price: schema.variants.priceMinor,
        compareAt: schema.variants.compareAtPriceMinor,
        currency: schema.variants.currency,
        track: schema.variants.trackInventory,
        backorder: schema.variants.allowBackorder,
        onHand: schema.inventoryLevels.onHand,
        reserved: schema.inventoryLevels.reserved,
      })
      .from(schema.variants)
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(eq(schema.variants.productId, product.id))
      .orderBy(asc(schema.variants.position), asc(schema.variants.id));
    // Independent reads: postgres.js pipelines them on the transaction's connection.
    const [sales, mediaRows] = await Promise.all([
      runningSalePrices(
        tx,
        rows.map((v) => v.id),
        now,
      ),
      tx
        .select()
        .from(schema.media)
        .where(and(eq(schema.media.productId, product.id), eq(schema.media.status, "ready")))
        .orderBy(asc(schema.media.position), asc(schema.media.createdAt)),
    ]);
    const variants: StorefrontVariant[] = rows.map((v) => {
      const sale = sales.get(v.id);
      const available = v.track && !v.backorder ? Math.max(0, (v.onHand ?? 0) - (v.reserved ?? 0)) : null;
      return {
        id: v.id,
        title: v.title,
        options: [v.option1, v.option2, v.option3].slice(0, product.options.length),
        sku: v.sku,
        price: v.price,
        compareAt: v.compareAt,
        currency: v.currency,
        sale: sale
          ? {
              name: sale.name,
              price: sale.salePriceMinor,
              endsAt: sale.endsAt.toISOString(),
              remaining: sale.remaining,
              perCustomerLimit: sale.perCustomerLimit,
            }
          : null,
        available,
        inStock: available === null || available > 0,
      };
    });
    const media = mediaRows.map((m) => {
      if (m.kind === "video") {
        return {
          kind: "video" as const,
          id: m.id,
          alt: m.alt || product.title,
          src: publicObjectUrl(m.originalKey),
          type: m.contentType,
          poster: m.posterKey ? publicObjectUrl(m.posterKey) : null,
          width: m.width,
          height: m.height,
        };
      }
      const main = m.renditions.find((r) => r.width >= 960) ?? m.renditions.at(-1);
      return {
        kind: "image" as const,
        id: m.id,
        alt: m.alt || product.title,
        src: main ? publicObjectUrl(main.key) : publicObjectUrl(m.originalKey),
        srcSet: m.renditions.map((r) => `${publicObjectUrl(r.key)} ${r.width}w`).join(", "),
        width: main?.width ?? m.width,
        height: main?.height ?? m.height,
      };
    });
    return { product: { ...product, updatedAt: product.updatedAt.toISOString() }, variants, media };
  });
}

/** Everything a sitemap lists: active products and collections with their last change. */
export async function sitemapEntries(shopId: string) {
  return withShop(shopId, async (tx) => {
    const products = await tx
      .select({ handle: schema.products.handle, updatedAt: schema.products.updatedAt })
      .from(schema.products)
      .where(eq(schema.products.status, "active"))
      .orderBy(asc(schema.products.handle))
      .limit(45_000);
    const collections = await tx
      .select({ handle: schema.collections.handle, updatedAt: schema.collections.updatedAt })
      .from(schema.collections)
      .orderBy(asc(schema.collections.handle))
      .limit(5_000);
    return { products, collections };
  });
}

/** The shop's collections (for the search filter); kept until they change (cache.server.ts). */
export async function collectionOptions(shopId: string) {
  return cachedForShop(shopId, "collection-options", async () => ({
    value: await withShop(shopId, (tx) =>
      tx
        .select({ title: schema.collections.title, handle: schema.collections.handle })
        .from(schema.collections)
        .orderBy(asc(schema.collections.title))
        .limit(200),
    ),
  }));
}
