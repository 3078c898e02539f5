/**
 * Storefront search: PostgreSQL full-text search (the 'simple' configuration: shops write in
 * English, Malay and Chinese, so no stemming) for whole words, and pg_trgm word similarity for
 * typos ("batk" finds "Batik"), with filters (price range, collection, in stock) and sorts.
 *
 * Why two steps. The @@ and <% operators are not leakproof, so under a row-level-security
 * policy PostgreSQL may not use them as index conditions: on the 10,000-product bench shop the
 * query under RLS scanned all the shop's rows (≈50 ms, EXPLAIN ANALYZE), against ≈15 ms with
 * both GIN indexes (btree_gin, leading with shop_id) used as index conditions (and the tsvector
 * stored, not recomputed per row). So:
 *
 * 1. the candidate ids (and their rank) come from one read-only query through the platform role
 *    whose shop filter is explicit (`p.shop_id = $shop and p.status = 'active'`, the same
 *    columns the indexes lead with) — the only place the storefront reads across RLS;
 * 2. the cards are then read inside `withShop(shopId)`, under RLS, by those ids: a product of
 *    another shop could not come back even if step 1 were wrong.
 *
 * Price filter and price sorts use what the customer pays now, as the cards show it: the lowest
 * of the product's regular variant prices and the sale prices of its variants in running flash
 * sales (started, not ended, cap not used up — as `runningSalePrices`). The running sales' prices
 * are gathered once per query (a CTE, per product; a shop runs few sales at a time) and hash
 * joined, every table filtered by the shop explicitly. On the bench shop (10,000 products of a
 * 40,000-product data set, 5 sales over 750 variants) the CTE costs a few ms (EXPLAIN ANALYZE,
 * see the README); the sale CTE is left out when neither the filter nor the sort is by price.
 */
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";

import { parseMoney } from "~/domain/catalog/catalog-rules";
import { escapeLike } from "~/lib/like";
import { asPlatform, withShop } from "~db/client";

import { cachedForShop } from "./cache.server";
import { type ProductCard, productCards, saleCalendarChange } from "./catalog.server";
import { SEARCH_SORTS, type SearchSort } from "./search";

export { SEARCH_SORTS, type SearchSort };
export const SEARCH_PAGE_SIZE = 24;

const QuerySchema = z.object({
  q: z.string().trim().max(100).catch(""),
  min: z.string().trim().max(12).catch(""),
  max: z.string().trim().max(12).catch(""),
  collection: z.string().trim().toLowerCase().max(100).catch(""),
  inStock: z.string().catch(""),
  sort: z.enum(SEARCH_SORTS).catch("relevance"),
  page: z.coerce.number().int().min(1).max(100).catch(1),
});

export interface SearchQuery {
  q: string;
  minPrice: number | null;
  maxPrice: number | null;
  collection: string;
  inStock: boolean;
  sort: SearchSort;
  page: number;
}

/** Reads the search form from a query string; anything malformed is ignored, never an error. */
export function parseSearchParams(params: URLSearchParams, currency: string): SearchQuery {
  const raw = QuerySchema.parse(Object.fromEntries(params));
  const minPrice = raw.min ? (parseMoney(raw.min, currency) ?? null) : null;
  const maxPrice = raw.max ? (parseMoney(raw.max, currency) ?? null) : null;
  return {
    q: raw.q,
    minPrice,
    maxPrice,
    collection: raw.collection,
    inStock: raw.inStock === "1" || raw.inStock === "on",
    sort: raw.sort === "relevance" && !raw.q ? "newest" : raw.sort,
    page: raw.page,
  };
}

// A stored generated column (title, brand, type) with its per-shop GIN index: see the storefront
// migration's hand-written SQL. Not in the drizzle schema: only this query reads it.
const DOCUMENT = sql.raw(`p.search_document`);

export type SearchResult = { products: ProductCard[]; total: number; hasNext: boolean };

/**
 * The search's page of products. The same for every visitor asking the same query: kept per web
 * process until the shop's catalogue, stock or sales change or a sale starts or ends
 * (cache.server.ts); callers must not modify the result.
 */
export async function searchProducts(shopId: string, query: SearchQuery): Promise<SearchResult> {
  const key = `search:${JSON.stringify([query.q, query.minPrice, query.maxPrice, query.collection, query.inStock, query.sort, query.page])}`;
  return cachedForShop(shopId, key, async () => {
    const now = new Date();
    const [value, until] = await Promise.all([findProducts(shopId, query, now), saleCalendarChange(shopId, now)]);
    return { value, until };
  });
}

async function findProducts(shopId: string, query: SearchQuery, now: Date): Promise<SearchResult> {
  const conditions: SQL[] = [sql`p.shop_id = ${shopId}::uuid`, sql`p.status = 'active'`];
  const q = query.q.slice(0, 100);
  if (q) {
    // Substring match only where trigrams cannot help: very short queries and scripts without
    // spaces between words (Chinese). Elsewhere it only repeats what <% finds, at a cost per row.
    // eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose: "anything beyond Latin".
    const substring = q.length < 3 || /[^\u0000-\u024f\s]/.test(q);
    conditions.push(
      substring
        ? sql`(${DOCUMENT} @@ websearch_to_tsquery('simple', ${q}) or ${q} <% p.title or p.title ilike ${`%${escapeLike(q)}%`})`
        : sql`(${DOCUMENT} @@ websearch_to_tsquery('simple', ${q}) or ${q} <% p.title)`,
    );
  }
  // The effective price: least() ignores the null of a product without a running sale.
  const byPrice = query.minPrice !== null || query.maxPrice !== null || query.sort === "price-asc" || query.sort === "price-desc";
  const minPriceExpr = sql`least((select min(v.price_minor) from variants v where v.shop_id = p.shop_id and v.product_id = p.id), sale.price_minor)`;
  // The variant's product by primary key, as a subquery: joined instead, the planner scanned all
  // the shop's variants (25,000 rows) for a few hundred sale lines; with a lateral `limit 1` it
  // misjudged the CTE at one row and compared every product with every sale row.
  const saleCte = sql`
    with sale as (
      select (select v.product_id from variants v where v.shop_id = fsv.shop_id and v.id = fsv.variant_id) as product_id,
             min(fsv.sale_price_minor) as price_minor
        from flash_sales fs
        join flash_sale_variants fsv on fsv.shop_id = fs.shop_id and fsv.flash_sale_id = fs.id
       where fs.shop_id = ${shopId}::uuid and fs.starts_at <= ${now.toISOString()}::timestamptz and fs.ends_at > ${now.toISOString()}::timestamptz
         and (fs.total_cap is null or fs.claimed < fs.total_cap)
       group by 1)`;
  if (query.minPrice !== null) conditions.push(sql`${minPriceExpr} >= ${query.minPrice}`);
  if (query.maxPrice !== null) conditions.push(sql`${minPriceExpr} <= ${query.maxPrice}`);
  if (query.collection) {
    conditions.push(sql`exists (select 1 from collection_products cp join collections c on c.shop_id = cp.shop_id and c.id = cp.collection_id
                                  where cp.shop_id = p.shop_id and cp.product_id = p.id and c.handle = ${query.collection})`);
  }
  if (query.inStock) {
    conditions.push(sql`(p.stock_on_hand is null or p.stock_on_hand > 0
                         or exists (select 1 from variants v where v.shop_id = p.shop_id and v.product_id = p.id and (not v.track_inventory or v.allow_backorder)))`);
  }
  const rank = q ? sql`(ts_rank(${DOCUMENT}, websearch_to_tsquery('simple', ${q})) + word_similarity(${q}, p.title))` : sql`0`;
  const order = {
    relevance: sql`${rank} desc, p.published_at desc nulls last, p.id`,
    newest: sql`p.published_at desc nulls last, p.id desc`,
    "price-asc": sql`${minPriceExpr} asc nulls last, p.id`,
    "price-desc": sql`${minPriceExpr} desc nulls last, p.id`,
    title: sql`p.title, p.id`,
  }[query.sort];
  const offset = (query.page - 1) * SEARCH_PAGE_SIZE;

  const rows = await asPlatform(async (tx) => {
    // Typo tolerance: one wrong or missing letter in a short word still matches ("batk", "songkt").
    await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', '0.5', true)`);
    const result = await tx.execute(sql`${byPrice ? saleCte : sql``}
      select p.id, count(*) over () as total
        from products p${byPrice ? sql` left join sale on sale.product_id = p.id` : sql``}
       where ${sql.join(conditions, sql` and `)}
       order by ${order}
       limit ${SEARCH_PAGE_SIZE + 1} offset ${offset}`);
    return result as unknown as Array<{ id: string; total: string | number }>;
  });
  const ids = rows.slice(0, SEARCH_PAGE_SIZE).map((r) => r.id);
  const products = await withShop(shopId, (tx) => productCards(tx, ids, now));
  return { products, total: rows.length ? Number(rows[0].total) : 0, hasNext: rows.length > SEARCH_PAGE_SIZE };
}
