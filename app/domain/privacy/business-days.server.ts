import { createRequire } from "node:module";

import { addDays, localDate } from "~/lib/dates";

/**
 * Malaysian business days for privacy deadlines: weekdays that are not public holidays.
 *
 * Holidays come from date-holidays (maintained, with Malaysia's national and state calendars,
 * including the lunar and Islamic dates that move every year and substitute days): computing
 * Hari Raya or Chinese New Year by hand would be wrong within a year. We count the federal
 * calendar of Kuala Lumpur (state "14", where NetShop is established), the one PDPA deadlines run in.
 */
let MY: import("date-holidays").default | undefined;
/**
 * Loaded on the first date asked about, not when a process starts: the package and its calendars
 * are about 2 MB of JavaScript (moment-timezone, astronomia) that start-up would parse (issue 19).
 */
function malaysia(): import("date-holidays").default {
  if (!MY) {
    const Holidays = createRequire(import.meta.url)("date-holidays") as typeof import("date-holidays").default;
    MY = new Holidays("MY", "14");
  }
  return MY;
}
const ZONE = "Asia/Kuala_Lumpur";
const cache = new Map<number, Set<string>>();

/** The law's deadline for deletion: "within 30 business days" of the request. */
export const DELETION_BUSINESS_DAYS = 30;

function holidays(year: number): Set<string> {
  let set = cache.get(year);
  if (!set) {
    set = new Set(
      malaysia()
        .getHolidays(year)
        .filter((h) => h.type === "public")
        .map((h) => h.date.slice(0, 10)),
    );
    cache.set(year, set);
  }
  return set;
}

export function isMalaysianPublicHoliday(date: string): boolean {
  return holidays(Number(date.slice(0, 4))).has(date);
}

export function isBusinessDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isMalaysianPublicHoliday(date);
}

/** The date `days` business days after `date` (yyyy-mm-dd; the request's own day does not count). */
export function addBusinessDays(date: string, days: number): string {
  let day = date;
  for (let left = days; left > 0;) {
    day = addDays(day, 1);
    if (isBusinessDay(day)) left--;
  }
  return day;
}

/** The due date of a request made at `at`, counted from its day in Kuala Lumpur. */
export function dueDate(at: Date, businessDays = DELETION_BUSINESS_DAYS): string {
  return addBusinessDays(localDate(at, ZONE), businessDays);
}
