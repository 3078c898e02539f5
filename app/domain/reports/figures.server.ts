/**
 * Sales figures shared by the dashboard and the daily report. Sales are paid orders
 * (payment_status <> 'unpaid') on the local day (shop's time zone) they were placed; revenue is
 * what they took less what was refunded. Read from the daily rollups (sales_daily,
 * product_sales_daily), which triggers on orders and order_lines keep equal to the orders
 * (see the accounting migration), so a year of a 100,000-order shop is a few hundred rows.
 */
import { type SQL, sql } from "drizzle-orm";

import type { Tx } from "~db/client";

export type Granularity = "day" | "week" | "month";

/** [start, end) of local dates from..to inclusive, as SQL timestamptz expressions. */
export function localRange(from: string, to: string, timezone: string): { start: SQL; end: SQL } {
  return {
    start: sql`(${from}::date::timestamp at time zone ${timezone})`,
    end: sql`((${to}::date + 1)::timestamp at time zone ${timezone})`,
  };
}

const DAYS = (shopId: string, from: string, to: string) => sql`shop_id = ${shopId} and day between ${from}::date and ${to}::date`;

export interface SalesTotals {
  orders: number;
  revenueMinor: number;
  averageOrderMinor: number;
}

export async function salesTotals(tx: Tx, shopId: string, from: string, to: string): Promise<SalesTotals> {
  const rows = await tx.execute<{ orders: string; revenue: string }>(sql`
    select coalesce(sum(orders), 0)::bigint as orders, coalesce(sum(revenue_minor), 0)::bigint as revenue
    from sales_daily where ${DAYS(shopId, from, to)}`);
  const orders = Number(rows[0]?.orders ?? 0);
  const revenueMinor = Number(rows[0]?.revenue ?? 0);
  return { orders, revenueMinor, averageOrderMinor: orders ? Math.round(revenueMinor / orders) : 0 };
}

export interface SeriesPoint {
  /** The bucket's first day, yyyy-mm-dd (weeks start on Monday). */
  bucket: string;
  orders: number;
  revenueMinor: number;
}

export async function salesSeries(tx: Tx, shopId: string, from: string, to: string, granularity: Granularity): Promise<SeriesPoint[]> {
  const unit = sql.raw(`'${granularity}'`);
  const rows = await tx.execute<{ bucket: string; orders: string; revenue: string }>(sql`
    select to_char(date_trunc(${unit}, day::timestamp), 'YYYY-MM-DD') as bucket, sum(orders)::bigint as orders, sum(revenue_minor)::bigint as revenue
    from sales_daily where ${DAYS(shopId, from, to)}
    group by 1 order by 1`);
  return rows.map((r) => ({ bucket: r.bucket, orders: Number(r.orders), revenueMinor: Number(r.revenue) }));
}

export interface TopProduct {
  productId: string | null;
  title: string;
  quantity: number;
  revenueMinor: number;
}

export async function topProducts(tx: Tx, shopId: string, from: string, to: string, limit = 5): Promise<TopProduct[]> {
  const rows = await tx.execute<{ product_key: string; title: string; quantity: string; revenue: string }>(sql`
    select product_key, min(title) as title, sum(quantity)::bigint as quantity, sum(revenue_minor)::bigint as revenue
    from product_sales_daily where ${DAYS(shopId, from, to)}
    group by product_key
    order by revenue desc, quantity desc, title limit ${limit}`);
  return rows.map((r) => ({
    productId: r.product_key.startsWith("t:") ? null : r.product_key,
    title: r.title,
    quantity: Number(r.quantity),
    revenueMinor: Number(r.revenue),
  }));
}

export async function salesBySource(
  tx: Tx,
  shopId: string,
  from: string,
  to: string,
): Promise<{ ownMinor: number; dropshipMinor: number }> {
  const rows = await tx.execute<{ source: string; revenue: string }>(sql`
    select source, sum(revenue_minor)::bigint as revenue from product_sales_daily where ${DAYS(shopId, from, to)} group by 1`);
  const of = (s: string) => Number(rows.find((r) => r.source === s)?.revenue ?? 0);
  return { ownMinor: of("own"), dropshipMinor: of("dropship") };
}
