import { addDays } from "~/lib/dates";

type Point = { bucket: string; orders: number; revenueMinor: number };

/** The first day (yyyy-mm-dd) of the period a date falls in, as PostgreSQL's date_trunc gives it. */
export function periodStart(date: string, granularity: "day" | "week" | "month"): string {
  if (granularity === "month") return `${date.slice(0, 7)}-01`;
  if (granularity === "week") {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday; weeks start on Monday
    return addDays(date, -((weekday + 6) % 7));
  }
  return date;
}

/**
 * Every period from `from` to `to`, with zero where nothing sold, so a chart's x axis shows the
 * whole range evenly (the sales rollups have rows only for days with sales). At most `limit`
 * periods: a longer range keeps the series as it is.
 */
export function fillPeriods(series: Point[], from: string, to: string, granularity: "day" | "week" | "month", limit = 400): Point[] {
  const byBucket = new Map(series.map((p) => [p.bucket, p]));
  const out: Point[] = [];
  for (let day = periodStart(from, granularity); day <= to;) {
    out.push(byBucket.get(day) ?? { bucket: day, orders: 0, revenueMinor: 0 });
    if (out.length > limit) return series;
    if (granularity === "day") day = addDays(day, 1);
    else if (granularity === "week") day = addDays(day, 7);
    else {
      const [y, m] = day.split("-").map(Number);
      day = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    }
  }
  return out;
}
