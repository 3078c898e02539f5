import { desc, eq, inArray, sql } from "drizzle-orm";
import { schema, withShop } from "~db/client";
import { coverImages } from "~/domain/media/media.server";
import { publicObjectUrl } from "~/integrations/storage.server";

/**
 * What the storefront may show of the catalog: active products only, newest published first,
 * with price range and cover image. Read inside the shop's tenant scope like everything else.
 */
export async function publishedProducts(shopId: string, limit = 48) {
  return withShop(shopId, async (tx) => {
    const products = await tx
      .select({ id: schema.products.id, title: schema.products.title, handle: schema.products.handle })
      .from(schema.products)
      .where(eq(schema.products.status, "active"))
      .orderBy(desc(schema.products.publishedAt), desc(schema.products.id))
      .limit(limit);
    if (!products.length) return [];
    const ids = products.map((p) => p.id);
    const prices = await tx
      .select({
        productId: schema.variants.productId,
        min: sql<number>`min(${schema.variants.priceMinor})::int`,
        max: sql<number>`max(${schema.variants.priceMinor})::int`,
        compareAt: sql<number | null>`max(${schema.variants.compareAtPriceMinor})::int`,
        currency: sql<string>`min(${schema.variants.currency})`,
      })
      .from(schema.variants)
      .where(inArray(schema.variants.productId, ids))
      .groupBy(schema.variants.productId);
    const priceOf = new Map(prices.map((p) => [p.productId, p]));
    const coverOf = await coverImages(tx, ids);
    return products.map((p) => {
      const price = priceOf.get(p.id);
      const cover = coverOf.get(p.id);
      return {
        ...p,
        minPrice: price?.min ?? null,
        maxPrice: price?.max ?? null,
        compareAt: price?.compareAt ?? null,
        currency: price?.currency ?? "MYR",
        image: cover?.renditions.length
          ? {
              alt: cover.alt || p.title,
              src: publicObjectUrl((cover.renditions.find((r) => r.width >= 480) ?? cover.renditions.at(-1)!).key),
              srcSet: cover.renditions.map((r) => `${publicObjectUrl(r.key)} ${r.width}w`).join(", "),
            }
          : null,
      };
    });
  });
}
