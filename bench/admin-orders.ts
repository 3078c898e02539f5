/**
 * `npm run bench:admin-orders`: how fast the admin order list answers for a shop with 100,000
 * orders (bench/seed-orders.ts, seeded first when missing). Starts its own services when none
 * are configured (bench/environment.ts).
 *
 * Serves the built app in this process and requests /admin/orders as the shop's signed-in
 * owner, one request at a time, over a mix of what merchants do: the default page, each sort,
 * order/payment/fulfilment status filters, dropship, a date range, searches by name, order
 * number, email and phone, and later pages by cursor. Prints one line:
 *   admin order list: p50=<ms> p95=<ms> name_p50=<ms> name_p95=<ms> cpu_ms_per_request=<ms> orders=<orders in the shop>
 * (name_*: the requests searching by name; cpu_ms_per_request: CPU time of this process and its
 * children, the embedded PostgreSQL included when the bench started it, per request)
 * `--explain` also prints EXPLAIN ANALYZE of the main query shapes.
 */
import { parseArgs } from "node:util";

import postgres from "postgres";

import { adminListClient } from "./admin-list";
import { treeCpuMs } from "./cpu";
import { benchEnvironment } from "./environment";
import { ORDERS_SHOP_SLUG, seedOrders } from "./seed-orders";

const { values } = parseArgs({ options: { requests: { type: "string", default: "300" }, explain: { type: "boolean", default: false } } });
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
try {
  await seedOrders({ orders: 100_000 });
  const { config, databaseUrls } = await import("~/config.server");
  const { closeDatabase } = await import("~db/client");
  const { closeRedis } = await import("~/lib/redis.server");
  stops.unshift(async () => {
    await closeRedis();
    await closeDatabase();
  });

  const sql = postgres(databaseUrls(config()).platform, { max: 1, onnotice: () => {} });
  const [shop] = await sql`select s.id, m.user_id, (select count(*)::int from orders o where o.shop_id = s.id) as orders
                             from shops s join shop_memberships m on m.shop_id = s.id where s.slug = ${ORDERS_SHOP_SLUG}`;
  await sql.end();
  // Fresh planner statistics, as autovacuum would have them on a live database (ANALYZE needs the owner).
  const owner = postgres(config().DATABASE_URL, { max: 1, onnotice: () => {} });
  await owner`analyze orders`;
  await owner.end();

  const { get, nextOf } = await adminListClient("/admin/orders", shop.user_id, stops);
  const queries = [
    "",
    "?sort=oldest",
    "?sort=total",
    "?status=processing",
    "?status=pending_payment",
    "?payment=refunded",
    "?fulfilment=unfulfilled",
    "?fulfilment=partially_fulfilled&sort=oldest",
    "?source=dropship",
    "?from=2026-03-01&to=2026-03-31",
    "?q=aisyah",
    "?q=wei%20ling%20wong",
    "?q=%2354321",
    "?q=customer1234%40example.my",
    "?q=012-100%204321",
  ];
  for (const q of queries) await get(q); // warm up
  const timings: number[] = [];
  const nameTimings: number[] = [];
  // CPU time of this process and its children (the embedded PostgreSQL when it is ours): the work
  // a request costs, which a busy machine does not inflate the way it does wall-clock time.
  const cpuAtStart = treeCpuMs(process.pid);
  const total = Number(values.requests);
  let cursor: string | undefined;
  let last = "";
  for (let i = 0; timings.length < total; i++) {
    // Every fourth request follows the previous page's "Next" link (deep pages cost the same).
    const query = i % 4 === 3 && cursor ? `${last}${last ? "&" : "?"}after=${cursor}` : queries[i % queries.length];
    const { ms, html } = await get(query);
    timings.push(ms);
    if (/[?&]q=[a-z]/.test(query)) nameTimings.push(ms);
    if (!(i % 4 === 3 && cursor)) last = query;
    cursor = nextOf(html) ?? undefined;
  }
  const cpuPerRequest = (treeCpuMs(process.pid) - cpuAtStart) / timings.length;
  const pct = (p: number, xs = timings) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  };

  if (values.explain) {
    const owner = postgres(config().DATABASE_URL, { max: 1, onnotice: () => {} });
    // Under RLS (the tenant role): the list without a status filter or a name search.
    const shapes: Record<string, string> = {
      newest: `select id from orders where shop_id = $1 order by created_at desc nulls last, id desc nulls last limit 51`,
      count: `select count(*) from (select 1 from orders where shop_id = $1 limit 10001) c`,
    };
    // A status filter or a name search is not leakproof: its page's ids and count through the
    // platform role with the shop explicit (order-list.server.ts), then the rows under RLS by id.
    const platformShapes: Record<string, string> = {
      "payment filter, page (platform role)": `select id from orders where shop_id = $1 and payment_status = 'refunded' order by created_at desc nulls last, id desc nulls last limit 51`,
      "fulfilment filter, count (platform role)": `select count(*) from (select 1 from orders where shop_id = $1 and fulfilment_status = 'unfulfilled' limit 10001) c`,
      // A name search walks the newest 2,000 orders for a full page (a common name: done here)…
      "name search, common name, walk (platform role)": `select id from (select id, customer_name, created_at from orders where shop_id = $1 order by created_at desc nulls last, id desc nulls last limit 2000) w where lower(w.customer_name) like '%aisyah%' order by w.created_at desc nulls last, w.id desc nulls last limit 51`,
      "name search, rare name, walk (platform role)": `select id from (select id, customer_name, created_at from orders where shop_id = $1 order by created_at desc nulls last, id desc nulls last limit 2000) w where lower(w.customer_name) like '%zzzq%' order by w.created_at desc nulls last, w.id desc nulls last limit 51`,
      // …and reads the matches through the trigram index only when that finds no full page.
      "name search, rare name, trigram (platform role)": `with m as materialized (select id, created_at from orders where shop_id = $1 and lower(customer_name) like '%zzzq%') select id from m order by created_at desc nulls last, id desc nulls last limit 51`,
      "name search, count to 1,000 (platform role)": `select count(*) from (select 1 from orders where shop_id = $1 and lower(customer_name) like '%aisyah%' limit 1001) c`,
      // What the planner chose for a name nobody has without the walk: the whole list, newest first.
      "name search, rare name, one query as before (platform role)": `select id from orders where shop_id = $1 and lower(customer_name) like '%zzzq%' order by created_at desc nulls last, id desc nulls last limit 51`,
    };
    for (const [name, query] of [...Object.entries(shapes), ...Object.entries(platformShapes)]) {
      const role = name in platformShapes ? "netshop_platform" : "netshop_app";
      const plan = await owner.begin(async (tx) => {
        await tx`select set_config('app.shop_id', ${shop.id}, true)`;
        await tx.unsafe(`set local role ${role}`);
        return tx.unsafe(`explain (analyze, buffers) ${query.replaceAll("$1", `'${shop.id}'::uuid`)}`);
      });
      console.error(`--- ${name}\n${plan.map((r) => r["QUERY PLAN"]).join("\n")}`);
    }
    await owner.end();
  }
  console.log(
    `admin order list: p50=${pct(50).toFixed(1)} p95=${pct(95).toFixed(1)} name_p50=${pct(50, nameTimings).toFixed(1)} name_p95=${pct(95, nameTimings).toFixed(1)} cpu_ms_per_request=${cpuPerRequest.toFixed(1)} orders=${shop.orders}`,
  );
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(0);
