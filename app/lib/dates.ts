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

/** The zone a shop without its own setting works in (NetShop's first market). */
export const DEFAULT_TIMEZONE = "Asia/Kuala_Lumpur";

export type DateStyle = "date" | "dateTime" | "dateTimeSeconds" | "short";
const STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: "medium" },
  dateTime: { dateStyle: "medium", timeStyle: "short" },
  dateTimeSeconds: { dateStyle: "medium", timeStyle: "medium" },
  short: { dateStyle: "short", timeStyle: "short" },
};
// Building an Intl formatter costs far more than using one: one per language, zone and style.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The one way NetShop shows an instant to a person: in the shop's time zone (never the
 * browser's or the server's, so the server's HTML and the browser's hydration print the same
 * text, and a list and a detail page agree), in the page's language (a BCP 47 tag, e.g.
 * HTML_LANG[locale]). `zone: true` names the zone ("GMT+8"), for customers who may be elsewhere.
 */
export function formatInstant(at: Date | string, options: { lang: string; timeZone: string; style?: DateStyle; zone?: boolean }): string {
  const { lang, timeZone, style = "dateTime", zone = false } = options;
  const key = `${lang}|${timeZone}|${style}|${zone}`;
  let format = dateFormats.get(key);
  if (!format) {
    // dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out when the zone is named.
    const parts: Intl.DateTimeFormatOptions = zone
      ? { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" }
      : STYLES[style];
    format = new Intl.DateTimeFormat(lang, { ...parts, timeZone });
    dateFormats.set(key, format);
  }
  return format.format(typeof at === "string" ? new Date(at) : at);
}
