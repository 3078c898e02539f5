/**
 * The network: what merchants may see of suppliers' catalogs.
 *
 * Reading the network crosses tenants by nature (a merchant looks at many suppliers), so it runs
 * asPlatform — but ONLY through the two functions below, and every query they run is pinned to
 * the same predicate (`NETWORK`): the shop is an active supplier whose profile is approved, and
 * the product is active (published). They return a fixed set of columns (titles, copy, options,
 * cost, suggested price, stock, weight, cover image, the supplier's public profile) and nothing
 * else of the supplier: no orders, no staff, no drafts, no other shop's data.
 */
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { z } from "zod";

import { requireFeature } from "~/domain/billing/plans.server";
import { publicObjectUrl } from "~/integrations/storage.server";
import { isUuid } from "~/lib/ids";
import { uuidField } from "~/lib/ids";
import { escapeLike } from "~/lib/like";
import { decimalStringToMinor } from "~/lib/money";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

const NETWORK = and(
  eq(schema.shops.kind, "supplier"),
  eq(schema.shops.status, "active"),
  eq(schema.supplierProfiles.status, "approved"),
  eq(schema.products.status, "active"),
)!;

export const NetworkQuerySchema = z.object({
  q: z.string().trim().max(100).optional().default(""),
  category: z.string().trim().max(80).optional().default(""),
  supplier: uuidField().optional().or(z.literal("")).default(""),
  shipsFrom: z.string().trim().max(80).optional().default(""),
  // "" (any) first: z.coerce.number() would read an empty field as 0.
  maxHandlingDays: z
    .union([z.literal(""), z.coerce.number().int().min(0).max(60)])
    .optional()
    .default(""),
  minCost: z
    .string()
    .trim()
    .regex(/^(\d{1,7}(\.\d{1,2})?)?$/)
    .optional()
    .default(""),
  maxCost: z
    .string()
    .trim()
    .regex(/^(\d{1,7}(\.\d{1,2})?)?$/)
    .optional()
    .default(""),
  favourites: z.enum(["", "1"]).optional().default(""),
});
export type NetworkQuery = z.infer<typeof NetworkQuerySchema>;

export interface NetworkProduct {
  id: string;
  supplierShopId: string;
  supplierName: string;
  shipsFrom: string;
  handlingDays: number;
  title: string;
  category: string | null;
  currency: string;
  minCostMinor: number;
  maxCostMinor: number;
  suggestedPriceMinor: number;
  stock: number;
  imageUrl: string | null;
  favourite: boolean;
}

const fromNetwork = (tx: Tx) =>
  tx
    .select({
      id: schema.products.id,
      supplierShopId: schema.products.shopId,
      supplierName: schema.shops.name,
      shipsFrom: schema.supplierProfiles.warehouseState,
      handlingDays: schema.supplierProfiles.handlingDays,
      title: schema.products.title,
      category: schema.products.productType,
      currency: schema.shops.currency,
      minCostMinor: sql<number>`min(coalesce(${schema.variants.costMinor}, ${schema.variants.priceMinor}))::int`,
      maxCostMinor: sql<number>`max(coalesce(${schema.variants.costMinor}, ${schema.variants.priceMinor}))::int`,
      suggestedPriceMinor: sql<number>`max(${schema.variants.priceMinor})::int`,
      stock: sql<number>`coalesce(sum(greatest(${schema.inventoryLevels.onHand} - ${schema.inventoryLevels.reserved}, 0)), 0)::int`,
    })
    .from(schema.products)
    .innerJoin(schema.shops, eq(schema.shops.id, schema.products.shopId))
    .innerJoin(schema.supplierProfiles, eq(schema.supplierProfiles.shopId, schema.products.shopId))
    .innerJoin(schema.variants, and(eq(schema.variants.shopId, schema.products.shopId), eq(schema.variants.productId, schema.products.id)))
    .leftJoin(
      schema.inventoryLevels,
      and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
    );

/** Searches the network for a merchant; favourites are the merchant's own (read under RLS). */
export async function searchNetwork(
  merchantShopId: string,
  query: NetworkQuery,
  limit = 60,
): Promise<{ products: NetworkProduct[]; categories: string[]; suppliers: Array<{ id: string; name: string }>; states: string[] }> {
  const favourites = await withShop(merchantShopId, (tx) =>
    tx.select({ id: schema.dropshipFavourites.supplierProductId }).from(schema.dropshipFavourites),
  ).then((rows) => new Set(rows.map((r) => r.id)));
  const filters: SQL[] = [NETWORK];
  if (query.q) filters.push(sql`${schema.products.title} ilike ${`%${escapeLike(query.q)}%`}`);
  if (query.category) filters.push(eq(schema.products.productType, query.category));
  if (query.supplier) filters.push(eq(schema.products.shopId, query.supplier));
  if (query.shipsFrom) filters.push(eq(schema.supplierProfiles.warehouseState, query.shipsFrom));
  if (query.maxHandlingDays !== "") filters.push(sql`${schema.supplierProfiles.handlingDays} <= ${query.maxHandlingDays}`);
  if (query.favourites === "1") {
    if (favourites.size === 0) filters.push(sql`false`);
    else filters.push(inArray(schema.products.id, [...favourites]));
  }
  const having: SQL[] = [];
  if (query.minCost)
    having.push(sql`max(coalesce(${schema.variants.costMinor}, ${schema.variants.priceMinor})) >= ${decimalStringToMinor(query.minCost)}`);
  if (query.maxCost)
    having.push(sql`min(coalesce(${schema.variants.costMinor}, ${schema.variants.priceMinor})) <= ${decimalStringToMinor(query.maxCost)}`);
  return asPlatform(async (tx) => {
    const rows = await fromNetwork(tx)
      .where(and(...filters))
      .groupBy(
        schema.products.id,
        schema.products.shopId,
        schema.shops.name,
        schema.shops.currency,
        schema.supplierProfiles.warehouseState,
        schema.supplierProfiles.handlingDays,
      )
      .having(having.length ? and(...having) : undefined)
      .orderBy(asc(schema.products.title), asc(schema.products.id))
      .limit(limit);
    const covers = await networkCovers(
      tx,
      rows.map((r) => r.id),
    );
    const facets = await tx
      .selectDistinct({
        category: schema.products.productType,
        supplierId: schema.shops.id,
        supplierName: schema.shops.name,
        state: schema.supplierProfiles.warehouseState,
      })
      .from(schema.products)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.products.shopId))
      .innerJoin(schema.supplierProfiles, eq(schema.supplierProfiles.shopId, schema.products.shopId))
      .where(NETWORK)
      .limit(2000);
    return {
      products: rows.map((r) => ({ ...r, imageUrl: covers.get(r.id) ?? null, favourite: favourites.has(r.id) })),
      categories: [...new Set(facets.map((f) => f.category).filter((c): c is string => Boolean(c)))].sort(),
      suppliers: [...new Map(facets.map((f) => [f.supplierId, { id: f.supplierId, name: f.supplierName }])).values()].sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
      states: [...new Set(facets.map((f) => f.state))].sort(),
    };
  });
}

async function networkCovers(tx: Tx, productIds: string[]): Promise<Map<string, string>> {
  if (!productIds.length) return new Map();
  const rows = await tx
    .selectDistinctOn([schema.media.productId], {
      productId: schema.media.productId,
      renditions: schema.media.renditions,
      key: schema.media.originalKey,
    })
    .from(schema.media)
    .where(and(inArray(schema.media.productId, productIds), eq(schema.media.kind, "image"), eq(schema.media.status, "ready")))
    .orderBy(schema.media.productId, asc(schema.media.position));
  return new Map(
    rows.map((r) => [r.productId, publicObjectUrl((r.renditions.find((x) => x.width >= 480) ?? r.renditions.at(-1))?.key ?? r.key)]),
  );
}

export interface NetworkProductDetail {
  id: string;
  supplierShopId: string;
  supplierName: string;
  shipsFrom: string;
  handlingDays: number;
  title: string;
  descriptionMd: string;
  category: string | null;
  tags: string[];
  currency: string;
  options: Array<{ name: string; values: string[] }>;
  variants: Array<{
    id: string;
    title: string;
    values: string[];
    costMinor: number;
    suggestedPriceMinor: number;
    weightGrams: number | null;
    stock: number;
  }>;
  images: Array<{ key: string; contentType: string; bytes: number; alt: string; filename: string }>;
}

/** One network product with its variants and images (for import). Undefined unless it is in the network. */
export async function networkProduct(productId: string): Promise<NetworkProductDetail | undefined> {
  if (!isUuid(productId)) return undefined;
  return asPlatform(async (tx) => {
    const [p] = await tx
      .select({
        id: schema.products.id,
        supplierShopId: schema.products.shopId,
        supplierName: schema.shops.name,
        shipsFrom: schema.supplierProfiles.warehouseState,
        handlingDays: schema.supplierProfiles.handlingDays,
        title: schema.products.title,
        descriptionMd: schema.products.descriptionMd,
        category: schema.products.productType,
        tags: schema.products.tags,
        currency: schema.shops.currency,
        options: schema.products.options,
      })
      .from(schema.products)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.products.shopId))
      .innerJoin(schema.supplierProfiles, eq(schema.supplierProfiles.shopId, schema.products.shopId))
      .where(and(NETWORK, eq(schema.products.id, productId)));
    if (!p) return undefined;
    const variants = await tx
      .select({
        id: schema.variants.id,
        title: schema.variants.title,
        option1: schema.variants.option1,
        option2: schema.variants.option2,
        option3: schema.variants.option3,
        costMinor: sql<number>`coalesce(${schema.variants.costMinor}, ${schema.variants.priceMinor})`,
        suggestedPriceMinor: schema.variants.priceMinor,
        weightGrams: schema.variants.weightGrams,
        stock: sql<number>`coalesce(greatest(${schema.inventoryLevels.onHand} - ${schema.inventoryLevels.reserved}, 0), 0)::int`,
      })
      .from(schema.variants)
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(and(eq(schema.variants.shopId, p.supplierShopId), eq(schema.variants.productId, p.id)))
      .orderBy(asc(schema.variants.position));
    const images = await tx
      .select({
        key: schema.media.originalKey,
        contentType: schema.media.contentType,
        bytes: schema.media.storedBytes,
        declared: schema.media.declaredBytes,
        alt: schema.media.alt,
        filename: schema.media.filename,
      })
      .from(schema.media)
      .where(
        and(
          eq(schema.media.shopId, p.supplierShopId),
          eq(schema.media.productId, p.id),
          eq(schema.media.kind, "image"),
          eq(schema.media.status, "ready"),
        ),
      )
      .orderBy(asc(schema.media.position))
      .limit(20);
    return {
      ...p,
      variants: variants.map((v) => ({
        id: v.id,
        title: v.title,
        values: [v.option1, v.option2, v.option3].filter((x): x is string => x !== null),
        costMinor: Number(v.costMinor),
        suggestedPriceMinor: v.suggestedPriceMinor,
        weightGrams: v.weightGrams,
        stock: Number(v.stock),
      })),
      images: images.map((i) => ({ key: i.key, contentType: i.contentType, bytes: i.declared, alt: i.alt, filename: i.filename })),
    };
  });
}

/** Current cost and available stock of supplier variants (for the sync job), network products only. */
export async function networkVariantState(
  supplierVariantIds: string[],
): Promise<Map<string, { costMinor: number; stock: number; listed: boolean }>> {
  if (!supplierVariantIds.length) return new Map();
  const rows = await asPlatform((tx) =>
    tx
      .select({
        id: schema.variants.id,
        costMinor: sql<number>`coalesce(${schema.variants.costMinor}, ${schema.variants.priceMinor})`,
        stock: sql<number>`coalesce(greatest(${schema.inventoryLevels.onHand} - ${schema.inventoryLevels.reserved}, 0), 0)::int`,
        listed: sql<boolean>`(${schema.products.status} = 'active' and ${schema.supplierProfiles.status} = 'approved' and ${schema.shops.status} = 'active')`,
      })
      .from(schema.variants)
      .innerJoin(
        schema.products,
        and(eq(schema.products.shopId, schema.variants.shopId), eq(schema.products.id, schema.variants.productId)),
      )
      .innerJoin(schema.shops, eq(schema.shops.id, schema.variants.shopId))
      .innerJoin(schema.supplierProfiles, eq(schema.supplierProfiles.shopId, schema.variants.shopId))
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(and(inArray(schema.variants.id, supplierVariantIds), eq(schema.shops.kind, "supplier"))),
  );
  return new Map(rows.map((r) => [r.id, { costMinor: Number(r.costMinor), stock: Number(r.stock), listed: Boolean(r.listed) }]));
}

export async function toggleFavourite(merchantShopId: string, supplierProductId: string): Promise<boolean> {
  const product = await networkProduct(supplierProductId);
  if (!product) return false;
  return withShop(merchantShopId, async (tx) => {
    await requireFeature(tx, merchantShopId, "dropshipping");
    const removed = await tx
      .delete(schema.dropshipFavourites)
      .where(eq(schema.dropshipFavourites.supplierProductId, supplierProductId))
      .returning({ id: schema.dropshipFavourites.supplierProductId });
    if (removed.length) return false;
    await tx
      .insert(schema.dropshipFavourites)
      .values({ shopId: merchantShopId, supplierProductId, supplierShopId: product.supplierShopId });
    return true;
  });
}
