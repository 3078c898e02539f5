/**
 * `npm run bench:admin-products`: how fast the admin product list answers for a shop with
 * 10,000 products inside the large data set (bench/seed.ts, seeded first when missing).
 *
 * Serves the built app in this process and requests /admin/products as the shop's signed-in
 * owner, one request at a time (latency, not throughput), over a mix of what merchants do: the
 * default page, each sort, status and stock filters, a collection, title and SKU searches, and
 * later pages by cursor. Prints one line:
 *   admin product list: p50=<ms> p95=<ms> products=<products in the shop>
 * `--explain` also prints EXPLAIN ANALYZE of the list's main query shapes.
 */
import { parseArgs } from "node:util";

import postgres from "postgres";

import { adminListClient } from "./admin-list";
import { benchEnvironment } from "./environment";
import { BIG_SHOP_SLUG, seedBench } from "./seed";

const { values } = parseArgs({ options: { requests: { type: "string", default: "300" }, explain: { type: "boolean", default: false } } });
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
try {
  await seedBench({ shops: 1000, products: 100_000 });
  const { config, databaseUrls } = await import("~/config.server");
  const { closeDatabase } = await import("~db/client");
  const { closeRedis } = await import("~/lib/redis.server");
  stops.unshift(async () => {
    await closeRedis();
    await closeDatabase();
  });

  const sql = postgres(databaseUrls(config()).platform, { max: 1, onnotice: () => {} });
  const [shop] = await sql`select s.id, m.user_id, (select count(*)::int from products p where p.shop_id = s.id) as products,
                                  (select c.id from collections c where c.shop_id = s.id order by c.title limit 1) as collection
                             from shops s join shop_memberships m on m.shop_id = s.id where s.slug = ${BIG_SHOP_SLUG}`;
  await sql.end();

  const { get, nextOf } = await adminListClient("/admin/products", shop.user_id, stops);
  const queries = [
    "",
    "?sort=title",
    "?sort=stock",
    "?sort=created",
    "?status=active",
    "?status=draft&sort=title",
    "?stock=low",
    "?stock=out",
    `?collection=${shop.collection}`,
    "?q=kenanga",
    "?q=songket%20tote",
    "?q=b0-12",
    "?q=B0-4321-1",
  ];
  for (const q of queries) await get(q); // warm up
  const timings: number[] = [];
  const total = Number(values.requests);
  let cursor: string | undefined;
  for (let i = 0; timings.length < total; i++) {
    // Every fourth request follows the previous page's "Next" link (deep pages cost the same).
    const query = i % 4 === 3 && cursor ? `?after=${cursor}` : queries[i % queries.length];
    const { ms, html } = await get(query);
    timings.push(ms);
    cursor = nextOf(html) ?? undefined;
  }
  timings.sort((a, b) => a - b);
  const pct = (p: number) => timings[Math.min(timings.length - 1, Math.ceil((p / 100) * timings.length) - 1)];

  if (values.explain) {
    const owner = postgres(config().DATABASE_URL, { max: 1, onnotice: () => {} });
    const shapes: Record<string, string> = {
      "default (updated)": `select id, title from products where shop_id = $1 order by updated_at desc nulls last, id desc nulls last limit 51`,
      "title or SKU search": `select id from products p where shop_id = $1 and (title ilike '%kenanga%' or id in (select v.product_id from variants v where v.shop_id = $1 and lower(v.sku) like 'kenanga%')) order by updated_at desc nulls last, id desc nulls last limit 51`,
      "SKU search": `select id from products p where shop_id = $1 and (title ilike '%b0-4321%' or id in (select v.product_id from variants v where v.shop_id = $1 and lower(v.sku) like 'b0-4321%')) order by updated_at desc nulls last, id desc nulls last limit 51`,
      "stock low": `select id from products where shop_id = $1 and stock_on_hand between 1 and 5 order by updated_at desc nulls last, id desc nulls last limit 51`,
      count: `select count(*) from products where shop_id = $1`,
    };
    for (const [name, query] of Object.entries(shapes)) {
      const plan = await owner.begin(async (tx) => {
        await tx`select set_config('app.shop_id', ${shop.id}, true)`;
        await tx.unsafe("set local role netshop_app");
        return tx.unsafe(`explain (analyze, buffers) ${query.replaceAll("$1", `'${shop.id}'::uuid`)}`);
      });
      console.error(`--- ${name}\n${plan.map((r) => r["QUERY PLAN"]).join("\n")}`);
    }
    await owner.end();
  }
  console.log(`admin product list: p50=${pct(50).toFixed(1)} p95=${pct(95).toFixed(1)} products=${shop.products}`);
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(0);
