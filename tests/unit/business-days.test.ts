import { describe, expect, it } from "vitest";

import { addBusinessDays, dueDate, isBusinessDay, isMalaysianPublicHoliday } from "~/domain/privacy/business-days.server";

describe("Malaysian business days", () => {
  it("skips weekends and public holidays from the holiday library", () => {
    expect(isMalaysianPublicHoliday("2027-08-31")).toBe(true); // Hari Kebangsaan
    expect(isMalaysianPublicHoliday("2027-09-16")).toBe(true); // Hari Malaysia
    expect(isMalaysianPublicHoliday("2027-02-08")).toBe(true); // Chinese New Year, substitute day
    expect(isBusinessDay("2027-08-28")).toBe(false); // a Saturday
    expect(isBusinessDay("2027-08-30")).toBe(true);
    // Friday 27 Aug 2027 + 3 business days: Mon 30, (Tue 31 holiday), Wed 1, Thu 2.
    expect(addBusinessDays("2027-08-27", 3)).toBe("2027-09-02");
  });

  it("gives a deletion request 30 business days from its day in Kuala Lumpur", () => {
    // Monday 2027-01-04 08:00 in KL. 30 weekdays later is 2027-02-15; Chinese New Year (6, 7 and the
    // substitute 8 Feb) and Federal Territory Day (1 Feb) push it by two weekdays.
    expect(dueDate(new Date("2027-01-04T00:00:00Z"))).toBe("2027-02-17");
    // 17:00 UTC on Sunday is already Monday in KL: the request counts from Monday.
    expect(dueDate(new Date("2027-01-03T17:00:00Z"))).toBe("2027-02-17");
  });
});
