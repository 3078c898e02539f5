/**
 * `npm run bench:dashboard`: the dashboard's figures for a shop with 100,000 paid orders
 * (about 200,000 lines, a year of them) among other shops' orders: EXPLAIN ANALYZE of each
 * aggregate, and p50/p95 of dashboardFigures over a 30-day, a 90-day and a 365-day range.
 * Seeds its own shop ("bench-dash", replaced on each run) with set-based inserts.
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";

import { dashboardFigures } from "~/domain/reports/dashboard.server";
import { type Granularity, localRange } from "~/domain/reports/figures.server";
import { addDays, localDate } from "~/lib/dates";
import { closeDatabase, withShop } from "~db/client";

import { benchEnvironment } from "./environment";

const ORDERS = Number(process.argv[2] ?? 100_000);
const services = await benchEnvironment();
const owner = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
try {
  const started = performance.now();
  await owner`delete from shops where slug in ('bench-dash', 'bench-dash-other')`;
  const [shop] = await owner`insert into shops (slug, name) values ('bench-dash', 'Bench dashboard') returning id`;
  const [other] = await owner`insert into shops (slug, name) values ('bench-dash-other', 'Another shop') returning id`;
  // Bulk seeding with the rollup triggers off, then one backfill per shop (as the migration does):
  // per-statement refreshes planned against a table that grew from nothing are the slow path.
  await owner`alter table orders disable trigger user`;
  await owner`alter table order_lines disable trigger user`;
  for (const [id, n] of [
    [shop.id, ORDERS],
    [other.id, Math.round(ORDERS / 2)],
  ] as const) {
    await owner`
      insert into orders (shop_id, number, currency, subtotal_minor, shipping_minor, total_minor, refunded_minor, status, payment_status, invoice_number, created_at, updated_at, paid_at)
      select ${id}, 1000 + g, 'MYR', 2000 + (g * 37 % 30000), 800, 2800 + (g * 37 % 30000), case when g % 50 = 0 then 500 else 0 end,
             (case when g % 10 = 0 then 'pending_payment' else 'paid' end)::order_status,
             (case when g % 10 = 0 then 'unpaid' when g % 50 = 0 then 'partially_refunded' else 'paid' end)::order_payment_status,
             case when g % 10 = 0 then null else g end,
             now() - (g * interval '1 second' * (365 * 86400 / ${n})), now(), now()
      from generate_series(1, ${n}) g`;
    await owner`
      insert into order_lines (shop_id, order_id, position, product_id, title, quantity, unit_price_minor, total_minor, source)
      select o.shop_id, o.id, k, md5('p' || ((o.number * 7 + k) % 300))::uuid, 'Product ' || ((o.number * 7 + k) % 300), 1 + k, (o.subtotal_minor / 2), (o.subtotal_minor / 2) * (1 + k),
             (case when (o.number + k) % 4 = 0 then 'dropship' else 'own' end)::order_line_source
      from orders o cross join generate_series(0, 1) k where o.shop_id = ${id}`;
  }
  await owner`alter table orders enable trigger user`;
  await owner`alter table order_lines enable trigger user`;
  await owner`vacuum analyze orders`;
  await owner`vacuum analyze order_lines`;
  const backfill = performance.now();
  await owner`select netshop_refresh_sales_days(s.id, array(select distinct (o.created_at at time zone s.timezone)::date from orders o where o.shop_id = s.id and o.payment_status <> 'unpaid')) from shops s where s.slug in ('bench-dash', 'bench-dash-other')`;
  await owner`vacuum analyze sales_daily`;
  await owner`vacuum analyze product_sales_daily`;
  console.log(`rollups backfilled in ${((performance.now() - backfill) / 1000).toFixed(1)} s`);
  console.log(
    `seeded ${ORDERS} orders (+${ORDERS / 2} in another shop) with 2 lines each in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  // EXPLAIN ANALYZE each aggregate as the app role runs it, under RLS, over the last 30 days.
  // The shop's own today (its shops.timezone default), not the UTC date.
  const tz = "Asia/Kuala_Lumpur";
  const today = localDate(new Date(), tz);
  const from = addDays(today, -29);
  const year = addDays(today, -364);
  for (const [label, f] of [
    ["30 days", from],
    ["365 days", year],
  ] as const) {
    const { start, end } = localRange(f, today, tz);
    const plans = await withShop(shop.id, async (tx) => {
      const out: Record<string, string> = {};
      const days = sql`shop_id = ${shop.id} and day between ${f}::date and ${today}::date`;
      const explain = async (name: string, q: ReturnType<typeof sql>) => {
        const rows = await tx.execute<{ "QUERY PLAN": string }>(sql`explain (analyze, buffers off) ${q}`);
        out[name] = rows.map((r) => r["QUERY PLAN"]).join("\n");
      };
      await explain("totals (sales_daily)", sql`select sum(orders), sum(revenue_minor) from sales_daily where ${days}`);
      await explain(
        "series by week (sales_daily)",
        sql`select date_trunc('week', day::timestamp), sum(orders), sum(revenue_minor) from sales_daily where ${days} group by 1 order by 1`,
      );
      await explain(
        "top products (product_sales_daily)",
        sql`select product_key, min(title), sum(quantity), sum(revenue_minor) r from product_sales_daily where ${days} group by product_key order by r desc limit 10`,
      );
      await explain(
        "direct aggregate over orders, for comparison",
        sql`select count(*), sum(o.total_minor - o.refunded_minor) from orders o where o.shop_id = ${shop.id} and o.payment_status <> 'unpaid' and o.created_at >= ${start} and o.created_at < ${end}`,
      );
      return out;
    });
    for (const [name, plan] of Object.entries(plans)) {
      const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
      const scan = /(Index Only Scan|Index Scan|Bitmap Heap Scan|Seq Scan)[^\n(]*/.exec(plan)?.[0]?.trim();
      console.log(`EXPLAIN ANALYZE ${label} ${name}: ${time} ms — ${scan}`);
    }
  }

  // What the rollup costs a write: refunding one order recomputes its day (trigger included).
  const refund = await withShop(shop.id, async (tx) => {
    const rows = await tx.execute<{ "QUERY PLAN": string }>(
      sql`explain (analyze, buffers off) update orders set refunded_minor = refunded_minor + 1 where shop_id = ${shop.id} and id = (select id from orders where shop_id = ${shop.id} and payment_status = 'paid' order by created_at desc limit 1)`,
    );
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
  console.log(
    `EXPLAIN ANALYZE refund of one order (its day's rollup recomputed): ${/Execution Time: ([\d.]+) ms/.exec(refund)?.[1]} ms; ${/Trigger sales_rollup_orders_upd: time=([\d.]+)/.exec(refund)?.[0] ?? ""}`,
  );

  for (const [label, f, by] of [
    ["30 days by day", from, "day"],
    ["90 days by week", addDays(today, -89), "week"],
    ["365 days by month", year, "month"],
  ] as const) {
    const times: number[] = [];
    let orders = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      orders = (await dashboardFigures(shop.id, { from: f, to: today, granularity: by as Granularity })).totals.orders;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`dashboard ${label}: p50=${times[9].toFixed(1)} ms p95=${times[18].toFixed(1)} ms (orders in range: ${orders})`);
  }
  await owner`delete from shops where slug in ('bench-dash', 'bench-dash-other')`;
} finally {
  await owner.end();
  await closeDatabase();
  await services.stop();
}
