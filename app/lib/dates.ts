/**
 * Calendar dates (yyyy-mm-dd) as a shop sees them. A shop's "today" is its own local day
 * (Asia/Kuala_Lumpur is UTC+8: from 16:00 UTC it is already tomorrow there), so never take a
 * date from `toISOString()` where the shop's day is meant.
 */

/** The calendar date of an instant in a time zone, yyyy-mm-dd. */
export function localDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** A yyyy-mm-dd date moved by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
