/**
 * Dates, times, money and numbers on a page: the page's language and the shop's time zone, the
 * same on the server and in the browser (no hydration mismatch) and the same on a list and its
 * detail page. The zone comes from the admin layout (the shop being worked in) or the
 * storefront layout (the shop being visited); elsewhere Kuala Lumpur.
 */
import { useRouteLoaderData } from "@remix-run/react";

import { type DateStyle, DEFAULT_TIMEZONE, formatInstant } from "~/lib/dates";
import { DEFAULT_LOCALE, FORMAT_LANG, type Locale } from "~/lib/i18n";
import { formatMoney } from "~/lib/money";

type WithZone = { shop?: { timezone?: string } | null } | undefined;

/** `zone` overrides the page's zone (an operator's page about one shop shows it in that shop's zone). */
export function useFormat(zone?: string) {
  const locale = (useRouteLoaderData("root") as { locale?: Locale } | undefined)?.locale ?? DEFAULT_LOCALE;
  const admin = useRouteLoaderData("routes/admin") as WithZone;
  const storefront = useRouteLoaderData("routes/s.$slug") as WithZone;
  const timeZone = zone ?? admin?.shop?.timezone ?? storefront?.shop?.timezone ?? DEFAULT_TIMEZONE;
  const lang = FORMAT_LANG[locale];
  return {
    lang,
    timeZone,
    /** "7 Dec 2026, 8:25 am" in the shop's zone; `{ zone: true }` adds "GMT+8" for customers. */
    dateTime: (at: string | Date, options: { style?: DateStyle; zone?: boolean } = {}) => formatInstant(at, { lang, timeZone, ...options }),
    date: (at: string | Date) => formatInstant(at, { lang, timeZone, style: "date" }),
    /** A calendar day (yyyy-mm-dd, already the shop's day: a due date), the same in every zone. */
    day: (date: string) => formatInstant(`${date.slice(0, 10)}T12:00:00Z`, { lang, timeZone: "UTC", style: "date" }),
    money: (minor: number, currency: string) => formatMoney(minor, currency, lang),
    number: (n: number) => n.toLocaleString(lang),
  };
}
