import { describe, expect, it } from "vitest";

import { addMonths, localDay, nextPeriod, periodFrom, sstOf, unusedCredit, zonedMidnight } from "~/domain/billing/periods";

const KL = "Asia/Kuala_Lumpur";

describe("billing periods", () => {
  it("renews on the anchor day, the last day of shorter months, and back to the anchor", () => {
    expect(addMonths("2026-01-31", 1, 31)).toBe("2026-02-28");
    expect(addMonths("2026-02-28", 1, 31)).toBe("2026-03-31");
    expect(addMonths("2028-01-31", 1, 31)).toBe("2028-02-29"); // leap year
    expect(addMonths("2026-12-15", 1, 15)).toBe("2027-01-15"); // across the year
    expect(addMonths("2028-02-29", 12, 29)).toBe("2029-02-28"); // yearly from a leap day
    expect(addMonths("2031-02-28", 12, 29)).toBe("2032-02-29"); // and back in the next leap year
  });

  it("starts periods at midnight in the shop's time zone", () => {
    expect(zonedMidnight("2026-12-07", KL).toISOString()).toBe("2026-12-06T16:00:00.000Z");
    expect(zonedMidnight("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z"); // DST starts that day
    expect(zonedMidnight("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    const p = periodFrom("2026-01-31", "month", 31, KL);
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual(["2026-01-30T16:00:00.000Z", "2026-02-27T16:00:00.000Z"]);
    const next = nextPeriod(p.end, "month", 31, KL);
    expect(localDay(next.end, KL)).toBe("2026-03-31");
    // 17:00 UTC on the 6th is already the 7th in Kuala Lumpur.
    expect(localDay(new Date("2026-12-06T17:00:00Z"), KL)).toBe("2026-12-07");
  });

  it("credits the unused part of a period rounded down to the sen, never more than paid", () => {
    const period = periodFrom("2026-02-01", "month", 1, KL); // 28 days
    const half = new Date(period.start.getTime() + 14 * 86_400_000);
    expect(unusedCredit(4_900, period, half)).toBe(2_450);
    // 1/3 of 100 sen = 33.33 → 33.
    const third = new Date(period.end.getTime() - (period.end.getTime() - period.start.getTime()) / 3);
    expect(unusedCredit(100, period, third)).toBe(33);
    expect(unusedCredit(4_900, period, new Date(period.start.getTime() - 1000))).toBe(4_900);
    expect(unusedCredit(4_900, period, period.end)).toBe(0);
    expect(unusedCredit(0, period, half)).toBe(0);
    // A leap-year February has 29 days: 1 day used of 29.
    const leap = periodFrom("2028-02-01", "month", 1, KL);
    expect(unusedCredit(2_900, leap, new Date(leap.start.getTime() + 86_400_000))).toBe(Math.floor((2_900 * 28) / 29));
  });

  it("rounds SST half up to the sen", () => {
    expect(sstOf(4_900, 800)).toBe(392);
    expect(sstOf(2_906, 800)).toBe(232); // 232.48 → 232
    expect(sstOf(2_919, 600)).toBe(175); // 175.14 → 175
    expect(sstOf(2_925, 600)).toBe(176); // 175.5 → 176
  });
});
