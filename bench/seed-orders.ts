/**
 * The order data set for `npm run bench:admin-orders`: one shop ("bench-orders", owner
 * bench-orders@bench.netshop.local / BENCH_PASSWORD) with 100,000 orders over two years (a line
 * each), 5,000 customers, statuses in realistic proportions (most paid and shipped or
 * delivered; some awaiting payment, cancelled or refunded; a tenth with dropship lines).
 *
 * Generated inside PostgreSQL (generate_series, deterministic arithmetic instead of random), in
 * batches of 20,000 orders, through the platform role. Seeded once; `--reset` makes it again.
 * Run on its own: `tsx bench/seed-orders.ts` (needs DATABASE_URL or the bench environment).
 */
import { randomUUID } from "node:crypto";

import postgres from "postgres";

import { config, databaseUrls } from "~/config.server";
import { hashPassword } from "~/domain/accounts/passwords.server";

import { BENCH_PASSWORD } from "./seed";

export const ORDERS_SHOP_SLUG = "bench-orders";

const FIRST = [
  "Siti",
  "Nurul",
  "Aisyah",
  "Tan",
  "Lim",
  "Wei Ling",
  "Kumar",
  "Priya",
  "Ahmad",
  "Farah",
  "Zainab",
  "Hafiz",
  "Mei Ling",
  "Raj",
  "Aminah",
  "Chong",
];
const LAST = ["Rahman", "Abdullah", "Wong", "Lee", "Subramaniam", "Ismail", "Ng", "Hassan", "Chan", "Yusof", "Tan", "Krishnan"];
const ITEMS = ["Kain Batik", "Songket Tote", "Kopi Tenom", "Teh Tarik Mix", "Baju Kurung", "Pewter Mug", "Rattan Basket", "Dodol Durian"];

export async function seedOrders(options: { orders?: number; reset?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? ((l: string) => console.error(l));
  const total = options.orders ?? 100_000;
  const sql = postgres(databaseUrls(config()).platform, { max: 2, onnotice: () => {} });
  try {
    const [existing] =
      await sql`select s.id, (select count(*)::int from orders o where o.shop_id = s.id) as orders from shops s where s.slug = ${ORDERS_SHOP_SLUG}`;
    if (existing && !options.reset && existing.orders >= total) {
      log(`order bench shop already there (${existing.orders} orders); --reset to make it again`);
      return { shopId: existing.id as string, orders: existing.orders as number, ms: 0 };
    }
    const started = performance.now();
    if (existing) {
      await sql`delete from shops where id = ${existing.id}`;
      await sql`delete from users where email = ${`${ORDERS_SHOP_SLUG}@bench.netshop.local`}`;
    }
    const userId = randomUUID();
    const shopId = randomUUID();
    await sql`insert into users (id, email, name, phone, password_hash, adult_confirmed_at, terms_accepted_at, terms_version)
      values (${userId}, ${`${ORDERS_SHOP_SLUG}@bench.netshop.local`}, 'Bench orders owner', '+601199999999', ${await hashPassword(BENCH_PASSWORD)}, now(), now(), '2026-11-01')`;
    await sql`insert into shops (id, slug, name, company_name) values (${shopId}, ${ORDERS_SHOP_SLUG}, 'Bench Orders', 'Bench Orders Sdn. Bhd.')`;
    await sql`insert into shop_memberships (shop_id, user_id, role) values (${shopId}, ${userId}, 'owner')`;

    const customers = 5000;
    await sql`insert into customers (shop_id, name, email, phone, marketing_consent, created_at)
      select ${shopId}, (${FIRST}::text[])[1 + i % ${FIRST.length}] || ' ' || (${LAST}::text[])[1 + (i / 7) % ${LAST.length}],
             'customer' || i || '@example.my', '+6012' || lpad((1000000 + i)::text, 7, '0'), i % 3 = 0,
             now() - make_interval(days => 730 - (i * 730 / ${customers}))
        from generate_series(0, ${customers - 1}) i`;
    const customerIds = (await sql`select id from customers where shop_id = ${shopId} order by email`).map((r) => r.id as string);

    const batch = 20_000;
    for (let from = 0; from < total; from += batch) {
      const to = Math.min(total, from + batch) - 1;
      // k: a scrambled copy of i, so neighbouring orders differ.
      await sql`
        with g as (
          select i, (i * 2654435761::bigint) % 1000003 as k from generate_series(${from}::int, ${to}::int) i
        ), o as (
          select i, k,
                 case when k % 100 < 4 then 'pending_payment' when k % 100 < 8 then 'cancelled' when k % 100 < 11 then 'refunded'
                      when k % 100 < 13 then 'partially_refunded' when k % 100 < 25 then 'paid' when k % 100 < 35 then 'processing'
                      when k % 100 < 55 then 'shipped' else 'delivered' end as status,
                 1 + (k % 3)::int as lines,
                 (1500 + (k % 40) * 500)::bigint as unit
            from g)
        insert into orders (shop_id, number, customer_id, email, phone, customer_name, status, payment_status, fulfilment_status,
                            currency, subtotal_minor, shipping_minor, total_minor, refunded_minor, has_dropship, invoice_number,
                            paid_at, invoiced_at, created_at, updated_at, shipping_method, locale)
        select ${shopId}, 1001 + i, (${customerIds}::uuid[])[1 + (k % ${customers})],
               'customer' || (k % ${customers}) || '@example.my', '+6012' || lpad((1000000 + k % ${customers})::text, 7, '0'),
               (${FIRST}::text[])[1 + (k % ${customers}) % ${FIRST.length}] || ' ' || (${LAST}::text[])[1 + ((k % ${customers}) / 7) % ${LAST.length}],
               status::order_status,
               (case when status in ('pending_payment', 'cancelled') then 'unpaid' when status = 'refunded' then 'refunded'
                     when status = 'partially_refunded' then 'partially_refunded' else 'paid' end)::order_payment_status,
               (case when status in ('shipped', 'delivered') then 'fulfilled' when status = 'processing' and k % 2 = 0 then 'partially_fulfilled'
                     else 'unfulfilled' end)::fulfilment_status,
               'MYR', unit * lines, 800, unit * lines + 800,
               case when status = 'refunded' then unit * lines + 800 when status = 'partially_refunded' then unit else 0 end,
               k % 10 = 0,
               case when status in ('pending_payment', 'cancelled') then null else 1 + i end,
               case when status in ('pending_payment', 'cancelled') then null else ts + interval '5 minutes' end,
               case when status in ('pending_payment', 'cancelled') then null else ts + interval '5 minutes' end,
               ts, ts, 'Standard (Peninsular Malaysia)', 'en'
          from (select *, timestamptz '2025-01-01 00:00:00+08' + make_interval(secs => i * (63072000.0 / ${total})) as ts from o) x`;
      await sql`
        insert into order_lines (shop_id, order_id, position, title, variant_title, sku, quantity, unit_price_minor, total_minor, fulfilled_quantity, source)
        select o.shop_id, o.id, p, (${ITEMS}::text[])[1 + (o.number + p) % ${ITEMS.length}], '', 'SKU-' || ((o.number + p) % 500),
               1, o.subtotal_minor, o.subtotal_minor,
               case when o.fulfilment_status = 'fulfilled' then 1 else 0 end,
               (case when o.has_dropship and p = 0 then 'dropship' else 'own' end)::order_line_source
          from orders o, generate_series(0, 0) p
         where o.shop_id = ${shopId} and o.number between ${1001 + from} and ${1001 + to}`;
      log(`orders ${to + 1}/${total}`);
    }
    await sql`insert into shop_counters (shop_id, name, value) values (${shopId}, 'order', ${1000 + total}), (${shopId}, 'invoice', ${total})`;
    // Statistics for the planner: ANALYZE needs the tables' owner (the platform role would be skipped).
    const owner = postgres(config().DATABASE_URL, { max: 1, onnotice: () => {} });
    await owner`analyze orders`;
    await owner`analyze order_lines`;
    await owner`analyze customers`;
    await owner.end();
    const ms = performance.now() - started;
    log(`seeded ${total} orders in ${(ms / 1000).toFixed(1)} s`);
    return { shopId, orders: total, ms };
  } finally {
    await sql.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchEnvironment } = await import("./environment");
  const services = await benchEnvironment();
  try {
    await seedOrders({ reset: process.argv.includes("--reset") });
  } finally {
    await services.stop();
  }
}
