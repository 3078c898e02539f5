/**
 * Billing arithmetic, pure (also used by the billing page): periods, proration and SST.
 *
 * Periods start and end at midnight in the shop's time zone. A monthly period renews on its
 * anchor day (the day of month the subscription started); a month without that day renews on its
 * last day, and the next month returns to the anchor (31 Jan → 28/29 Feb → 31 Mar). A yearly
 * period adds 12 months the same way (29 Feb → 28 Feb → … → 29 Feb in the next leap year).
 *
 * Rounding rules (integer arithmetic only, BigInt for the products):
 * - Proration credit for the unused part of a period: paid × unused ms ÷ period ms, rounded DOWN
 *   to the sen (never credit more than was paid; the sen in doubt stays with the platform).
 * - SST: subtotal × rate (basis points) ÷ 10000, rounded HALF UP to the sen (the customs rule).
 */
import type { BillingInterval } from "~db/schema/billing";

export const TRIAL_DAYS = 14;
export const TRIAL_PLAN_ID = "growth";
/** Renewal invoices are issued this many days before the period ends. */
export const RENEWAL_LEAD_DAYS = 7;
/** Days after the due date the shop is suspended if still unpaid. */
export const GRACE_DAYS = 14;
/** Reminders: on the due day, and this many days after it. */
export const REMINDER_DAYS = [0, 3, 7] as const;
export const DAY_MS = 86_400_000;

function parse(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a yyyy-mm-dd date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** yyyy-mm-dd moved by whole months, on `anchorDay` (clamped to the month's last day). */
export function addMonths(date: string, months: number, anchorDay: number): string {
  const [y, m] = parse(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(anchorDay, daysInMonth(year, month)))}`;
}

export function addInterval(date: string, interval: BillingInterval, anchorDay: number): string {
  return addMonths(date, interval === "year" ? 12 : 1, anchorDay);
}

/** The calendar date of an instant in a time zone. */
export function localDay(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** How far `timezone` is ahead of UTC at `at`, in ms. */
function offsetMs(at: Date, timezone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant local midnight starts `date` in `timezone`. */
export function zonedMidnight(date: string, timezone: string): Date {
  const [y, m, d] = parse(date);
  const guess = Date.UTC(y, m - 1, d);
  let at = guess - offsetMs(new Date(guess), timezone);
  at = guess - offsetMs(new Date(at), timezone); // once more across a DST change
  return new Date(at);
}

export interface Period {
  start: Date;
  end: Date;
}

/** The period that starts on the local day of `start` (or on `startDay`). */
export function periodFrom(startDay: string, interval: BillingInterval, anchorDay: number, timezone: string): Period {
  return { start: zonedMidnight(startDay, timezone), end: zonedMidnight(addInterval(startDay, interval, anchorDay), timezone) };
}

/** The period after one that ends at `end`. */
export function nextPeriod(end: Date, interval: BillingInterval, anchorDay: number, timezone: string): Period {
  return periodFrom(localDay(end, timezone), interval, anchorDay, timezone);
}

/** Credit for the unused part of a period paid `paidMinor` (rounded down to the sen). */
export function unusedCredit(paidMinor: number, period: Period, at: Date): number {
  const total = BigInt(period.end.getTime() - period.start.getTime());
  const unused = BigInt(Math.min(Math.max(period.end.getTime() - at.getTime(), 0), period.end.getTime() - period.start.getTime()));
  if (total <= 0n || paidMinor <= 0) return 0;
  return Number((BigInt(paidMinor) * unused) / total);
}

/** SST on a subtotal at `rateBp` basis points, rounded half up to the sen. */
export function sstOf(subtotalMinor: number, rateBp: number): number {
  return Number((BigInt(subtotalMinor) * BigInt(rateBp) + 5000n) / 10000n);
}

/** The price of a plan for an interval. */
export function priceFor(plan: { priceMinor: number; yearlyPriceMinor: number }, interval: BillingInterval): number {
  return interval === "year" ? plan.yearlyPriceMinor : plan.priceMinor;
}
