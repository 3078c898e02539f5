/**
 * Sales figures shared by the dashboard and the daily report. Sales are paid orders
 * (payment_status <> 'unpaid') by the time they were placed; revenue is what they took less
 * what was refunded. Periods are local days of the shop's time zone, turned into UTC bounds by
 * PostgreSQL (`date::timestamp at time zone tz`), which is right across DST changes.
 * The partial covering index orders_paid_created_idx makes the sums index-only scans.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "~db/client";

export type Granularity = "day" | "week" | "month";

/** [start, end) of local dates from..to inclusive, as SQL timestamptz expressions. */
export function localRange(from: string, to: string, timezone: string): { start: SQL; end: SQL } {
  return {
    start: sql`(${from}::date::timestamp at time zone ${timezone})`,
    end: sql`((${to}::date + 1)::timestamp at time zone ${timezone})`,
  };
}

const PAID_IN = (shopId: string, start: SQL, end: SQL) =>
  sql`o.shop_id = ${shopId} and o.payment_status <> 'unpaid' and o.created_at >= ${start} and o.created_at < ${end}`;

export interface SalesTotals {
  orders: number;
  revenueMinor: number;
  averageOrderMinor: number;
}

export async function salesTotals(tx: Tx, shopId: string, start: SQL, end: SQL): Promise<SalesTotals> {
  const rows = await tx.execute<{ orders: number; revenue: string }>(sql`
    select count(*)::int as orders, coalesce(sum(o.total_minor - o.refunded_minor), 0)::bigint as revenue
    from orders o where ${PAID_IN(shopId, start, end)}`);
  const orders = Number(rows[0]?.orders ?? 0);
  const revenueMinor = Number(rows[0]?.revenue ?? 0);
  return { orders, revenueMinor, averageOrderMinor: orders ? Math.round(revenueMinor / orders) : 0 };
}

export interface SeriesPoint {
  /** The bucket's first local day, yyyy-mm-dd. */
  bucket: string;
  orders: number;
  revenueMinor: number;
}

export async function salesSeries(tx: Tx, shopId: string, timezone: string, start: SQL, end: SQL, granularity: Granularity): Promise<SeriesPoint[]> {
  const unit = sql.raw(`'${granularity}'`);
  const rows = await tx.execute<{ bucket: string; orders: number; revenue: string }>(sql`
    select to_char(date_trunc(${unit}, o.created_at at time zone ${timezone}), 'YYYY-MM-DD') as bucket,
           count(*)::int as orders, sum(o.total_minor - o.refunded_minor)::bigint as revenue
    from orders o where ${PAID_IN(shopId, start, end)}
    group by 1 order by 1`);
  return rows.map((r) => ({ bucket: r.bucket, orders: Number(r.orders), revenueMinor: Number(r.revenue) }));
}

export interface TopProduct {
  productId: string | null;
  title: string;
  quantity: number;
  revenueMinor: number;
}

export async function topProducts(tx: Tx, shopId: string, start: SQL, end: SQL, limit = 5): Promise<TopProduct[]> {
  const rows = await tx.execute<{ product_id: string | null; title: string; quantity: number; revenue: string }>(sql`
    select l.product_id, min(l.title) as title, sum(l.quantity)::int as quantity, sum(l.total_minor)::bigint as revenue
    from orders o join order_lines l on l.shop_id = o.shop_id and l.order_id = o.id
    where ${PAID_IN(shopId, start, end)}
    group by l.product_id, case when l.product_id is null then l.title end
    order by revenue desc, quantity desc, title limit ${limit}`);
  return rows.map((r) => ({ productId: r.product_id, title: r.title, quantity: Number(r.quantity), revenueMinor: Number(r.revenue) }));
}

export async function salesBySource(tx: Tx, shopId: string, start: SQL, end: SQL): Promise<{ ownMinor: number; dropshipMinor: number }> {
  const rows = await tx.execute<{ source: string; revenue: string }>(sql`
    select l.source::text as source, sum(l.total_minor)::bigint as revenue
    from orders o join order_lines l on l.shop_id = o.shop_id and l.order_id = o.id
    where ${PAID_IN(shopId, start, end)}
    group by 1`);
  const of = (s: string) => Number(rows.find((r) => r.source === s)?.revenue ?? 0);
  return { ownMinor: of("own"), dropshipMinor: of("dropship") };
}
