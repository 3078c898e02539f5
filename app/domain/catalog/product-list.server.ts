/**
 * The admin product list: search, filters, sort and keyset pagination, built to stay fast at
 * 10,000+ products in a shop (see bench/admin-products.ts).
 *
 * Keyset rather than offset: every sort has an index ending in id, a page is "the next 50 after
 * this (sort value, id)", so page 200 costs what page 1 costs and rows cannot shift between pages
 * while someone edits. The total is one count over the same filters (an index-only scan).
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { z } from "zod";

import { coverImages } from "~/domain/media/media.server";
import { publicObjectUrl } from "~/integrations/storage.server";
import { decodeCursor, encodeCursor, uuidField } from "~/lib/ids";
import { escapeLike } from "~/lib/like";
import { schema, withShop } from "~db/client";

import { LOW_STOCK_THRESHOLD, PRODUCT_STATUSES, type SortKey, SORTS } from "./catalog-rules";

export const PAGE_SIZE = 50;

const empty = z.literal("").transform(() => undefined);
export const ListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(PRODUCT_STATUSES).or(empty).optional().catch(undefined),
  collection: uuidField().or(empty).optional().catch(undefined),
  stock: z.enum(["in", "low", "out", "untracked"]).or(empty).optional().catch(undefined),
  sort: z
    .enum(Object.keys(SORTS) as [SortKey, ...SortKey[]])
    .catch("updated")
    .default("updated"),
  after: z.string().max(200).optional().catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

const p = schema.products;
const STOCK_SORT = sql`coalesce(${p.stockOnHand}, 2147483647)`;

/** Each sort: its key expression, direction, and how to read a cursor value back into SQL. */
const ORDER: Record<SortKey, { key: SQL; desc: boolean; cast: (v: string) => SQL }> = {
  updated: { key: sql`${p.updatedAt}`, desc: true, cast: (v) => sql`${v}::timestamptz` },
  created: { key: sql`${p.createdAt}`, desc: true, cast: (v) => sql`${v}::timestamptz` },
  title: { key: sql`${p.title}`, desc: false, cast: (v) => sql`${v}::text` },
  stock: { key: STOCK_SORT, desc: false, cast: (v) => sql`${v}::int` },
};

export async function listProducts(shopId: string, query: ListQuery, pageSize = PAGE_SIZE) {
  const order = ORDER[query.sort];
  const filters: SQL[] = [eq(p.shopId, shopId)];
  if (query.status) filters.push(eq(p.status, query.status));
  if (query.q) {
    const term = escapeLike(query.q);
    // The SKU side is uncorrelated, so it runs once on the (shop_id, lower(sku)) prefix index.
    filters.push(sql`(${p.title} ilike ${`%${term}%`} or ${p.id} in (
      select v.product_id from ${schema.variants} v
       where v.shop_id = ${shopId} and lower(v.sku) like ${`${term.toLowerCase()}%`}))`);
  }
  if (query.collection) {
    filters.push(sql`exists (select 1 from ${schema.collectionProducts} cp
      where cp.shop_id = ${p.shopId} and cp.product_id = ${p.id} and cp.collection_id = ${query.collection})`);
  }
  if (query.stock === "out") filters.push(sql`${p.stockOnHand} <= 0`);
  if (query.stock === "low") filters.push(sql`${p.stockOnHand} between 1 and ${LOW_STOCK_THRESHOLD}`);
  if (query.stock === "in") filters.push(sql`${p.stockOnHand} > ${LOW_STOCK_THRESHOLD}`);
  if (query.stock === "untracked") filters.push(sql`${p.stockOnHand} is null`);

  const after = decodeCursor(query.after);
  const before = after ? undefined : decodeCursor(query.before);
  const cursor = after ?? before;
  // Going back a page reverses the order, then the rows are flipped back.
  const backwards = !!before;
  const descending = order.desc !== backwards;
  const keyset = cursor
    ? descending
      ? sql`(${order.key}, ${p.id}) < (${order.cast(cursor[0])}, ${cursor[1]}::uuid)`
      : sql`(${order.key}, ${p.id}) > (${order.cast(cursor[0])}, ${cursor[1]}::uuid)`
    : undefined;
  // "nulls last" both ways, as the indexes are built (drizzle's desc() is DESC NULLS LAST): with
  // Postgres's default (DESC NULLS FIRST) the planner would sort instead of reading the index.
  const direction = descending ? sql`desc nulls last` : sql`asc nulls last`;

  return withShop(shopId, async (tx) => {
    let rows: Array<{
      id: string;
      title: string;
      handle: string;
      status: "draft" | "active" | "archived";
      stockOnHand: number | null;
      updatedAt: Date;
      sortValue: string;
    }>;
    let total: number;
    if (!query.q) {
      // Index order: the page is an index range scan, the total an index scan of the shop.
      rows = await tx
        .select({
          id: p.id,
          title: p.title,
          handle: p.handle,
          status: p.status,
          stockOnHand: p.stockOnHand,
          updatedAt: p.updatedAt,
          sortValue: sql<string>`(${order.key})::text`,
        })
        .from(p)
        .where(and(...filters, keyset))
        .orderBy(sql`${order.key} ${direction}`, sql`${p.id} ${direction}`)
        .limit(pageSize + 1);
      [{ total }] = await tx
        .select({ total: sql<number>`count(*)::int` })
        .from(p)
        .where(and(...filters));
    } else {
      // A text search cannot use an index under row-level security (ILIKE is not leakproof, so
      // it runs after the tenant filter): find the matches once, then take both the page and
      // the total from them instead of filtering the shop's rows twice.
      const matchKeyset = cursor
        ? descending
          ? sql`(m.k, m.id) < (${order.cast(cursor[0])}, ${cursor[1]}::uuid)`
          : sql`(m.k, m.id) > (${order.cast(cursor[0])}, ${cursor[1]}::uuid)`
        : sql`true`;
      const found = await tx.execute<{
        id: string;
        title: string;
        handle: string;
        status: "draft" | "active" | "archived";
        stock_on_hand: number | null;
        updated_at: Date | string;
        sort_value: string;
        total: number;
      }>(sql`
        with m as materialized (
          select ${p.id} as id, ${p.title} as title, ${p.handle} as handle, ${p.status} as status, ${p.stockOnHand} as stock_on_hand,
                 ${p.updatedAt} as updated_at, ${order.key} as k, (${order.key})::text as sort_value
            from ${p} where ${and(...filters)})
        select id, title, handle, status, stock_on_hand, updated_at, sort_value, (select count(*)::int from m) as total
          from m where ${matchKeyset}
         order by m.k ${direction}, m.id ${direction}
         limit ${pageSize + 1}`);
      rows = [...found].map((r) => ({
        id: r.id,
        title: r.title,
        handle: r.handle,
        status: r.status,
        stockOnHand: r.stock_on_hand,
        updatedAt: new Date(r.updated_at),
        sortValue: r.sort_value,
      }));
      total =
        found[0]?.total ??
        (
          await tx
            .select({ total: sql<number>`count(*)::int` })
            .from(p)
            .where(and(...filters))
        )[0].total;
    }
    const more = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    if (backwards) page.reverse();

    const ids = page.map((r) => r.id);
    const variantStats = ids.length
      ? await tx
          .select({
            productId: schema.variants.productId,
            count: sql<number>`count(*)::int`,
            minPrice: sql<number>`min(${schema.variants.priceMinor})::int`,
            maxPrice: sql<number>`max(${schema.variants.priceMinor})::int`,
            currency: sql<string>`min(${schema.variants.currency})`,
          })
          .from(schema.variants)
          .where(inArray(schema.variants.productId, ids))
          .groupBy(schema.variants.productId)
      : [];
    const stats = new Map(variantStats.map((v) => [v.productId, v]));
    const coverOf = await coverImages(tx, ids);

    const first = page[0];
    const last = page[page.length - 1];
    const hasNext = backwards ? true : more;
    const hasPrev = backwards ? more : !!after;
    return {
      total,
      items: page.map((r) => {
        const s = stats.get(r.id);
        const cover = coverOf.get(r.id);
        const thumb = cover?.renditions[0];
        return {
          id: r.id,
          title: r.title,
          handle: r.handle,
          status: r.status,
          stockOnHand: r.stockOnHand,
          updatedAt: r.updatedAt.toISOString(),
          variantCount: s?.count ?? 0,
          minPrice: s?.minPrice ?? null,
          maxPrice: s?.maxPrice ?? null,
          currency: s?.currency ?? "MYR",
          thumbnail: thumb ? { url: publicObjectUrl(thumb.key), alt: cover.alt } : null,
        };
      }),
      nextCursor: hasNext && last ? encodeCursor(last.sortValue, last.id) : undefined,
      prevCursor: hasPrev && first ? encodeCursor(first.sortValue, first.id) : undefined,
    };
  });
}
