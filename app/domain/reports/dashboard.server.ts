/** The admin dashboard's figures for a date range of the shop's local days. */
import { eq } from "drizzle-orm";
import { z } from "zod";

import { addDays, localDate } from "~/lib/dates";
import { schema, withShop } from "~db/client";

import { eventCounts } from "./events.server";
import {
  type Granularity,
  localRange,
  salesBySource,
  salesSeries,
  type SalesTotals,
  salesTotals,
  type SeriesPoint,
  type TopProduct,
  topProducts,
} from "./figures.server";

export interface DashboardRange {
  from: string;
  to: string;
  granularity: Granularity;
}

export interface DashboardFigures {
  range: DashboardRange;
  currency: string;
  timezone: string;
  totals: SalesTotals;
  series: SeriesPoint[];
  funnel: { visits: number; carts: number; checkouts: number; orders: number };
  topProducts: TopProduct[];
  bySource: { ownMinor: number; dropshipMinor: number };
}

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The range in the query string, or the last 30 days; at most two years; never reversed. */
export function parseRange(params: URLSearchParams, timezone: string, now = new Date()): DashboardRange & { error?: string } {
  const today = localDate(now, timezone);
  let from = DateText.safeParse(params.get("from")).success ? params.get("from")! : addDays(today, -29);
  let to = DateText.safeParse(params.get("to")).success ? params.get("to")! : today;
  const g = params.get("by");
  const granularity: Granularity = g === "week" || g === "month" ? g : "day";
  let error: string | undefined;
  if (from > to) {
    [from, to] = [to, from];
    error = "The range was reversed: showing it the right way round.";
  }
  if (from < addDays(to, -731)) {
    from = addDays(to, -731);
    error = "Ranges are at most two years: showing the last two years of it.";
  }
  return { from, to, granularity, error };
}

export async function dashboardFigures(shopId: string, range: DashboardRange): Promise<DashboardFigures> {
  return withShop(shopId, async (tx) => {
    const [shop] = await tx
      .select({ timezone: schema.shops.timezone, currency: schema.shops.currency })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId));
    const { start, end } = localRange(range.from, range.to, shop.timezone);
    const totals = await salesTotals(tx, shopId, range.from, range.to);
    const series = await salesSeries(tx, shopId, range.from, range.to, range.granularity);
    const events = await eventCounts(tx, shopId, start, end);
    const top = await topProducts(tx, shopId, range.from, range.to, 10);
    const bySource = await salesBySource(tx, shopId, range.from, range.to);
    return {
      range,
      currency: shop.currency,
      timezone: shop.timezone,
      totals,
      series,
      // Visits, carts and checkouts count visitors who allowed analytics; orders count every paid order.
      funnel: { visits: events.visit, carts: events.cart, checkouts: events.checkout, orders: totals.orders },
      topProducts: top,
      bySource,
    };
  });
}
