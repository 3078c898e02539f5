import { describe, expect, it } from "vitest";

import { fillPeriods, periodStart } from "~/domain/reports/periods";
import { conversionRate, periodLabel, shortNumber, truncate } from "~/ui/charts";

describe("chart helpers", () => {
  it("fills every period of the range with zero where nothing sold", () => {
    const filled = fillPeriods([{ bucket: "2026-11-03", orders: 1, revenueMinor: 500 }], "2026-11-01", "2026-11-04", "day");
    expect(filled.map((p) => [p.bucket, p.revenueMinor])).toEqual([
      ["2026-11-01", 0],
      ["2026-11-02", 0],
      ["2026-11-03", 500],
      ["2026-11-04", 0],
    ]);
    // Weeks start on Monday (2026-11-02 is one), months on the 1st, as date_trunc gives them.
    expect(periodStart("2026-11-08", "week")).toBe("2026-11-02");
    expect(fillPeriods([], "2026-11-04", "2026-11-20", "week").map((p) => p.bucket)).toEqual(["2026-11-02", "2026-11-09", "2026-11-16"]);
    expect(fillPeriods([], "2026-11-15", "2027-01-02", "month").map((p) => p.bucket)).toEqual(["2026-11-01", "2026-12-01", "2027-01-01"]);
  });

  it("labels, short numbers, cut names and rates", () => {
    expect(periodLabel("2026-11-04", "day")).toBe("4/11");
    expect(periodLabel("2026-11-01", "month")).toBe("11/2026");
    expect([shortNumber(0), shortNumber(950), shortNumber(1200), shortNumber(2_500_000)]).toEqual(["0", "950", "1.2k", "2.5M"]);
    expect(truncate("短名", 5)).toBe("短名");
    expect(truncate("一二三四五六", 5)).toBe("一二三四…");
    expect([conversionRate(0, 0), conversionRate(200, 50), conversionRate(3, 1)]).toEqual(["–", "25%", "33.3%"]);
  });
});
