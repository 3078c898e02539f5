import { describe, expect, it } from "vitest";

import { formatInstant } from "~/lib/dates";
import { formatMoney } from "~/lib/money";

// 17:30 UTC on 6 December is already 01:30 on 7 December in Kuala Lumpur.
const lateEvening = new Date("2026-12-06T17:30:00Z");

describe("one formatter for instants and money", () => {
  it("shows an instant in the shop's zone, whatever the server's or the browser's zone", () => {
    const kl = formatInstant(lateEvening, { lang: "en-MY", timeZone: "Asia/Kuala_Lumpur" });
    expect(kl).toMatch(/7 Dec 2026/);
    expect(kl).toMatch(/1:30/);
    expect(formatInstant(lateEvening, { lang: "en-MY", timeZone: "Europe/London" })).toMatch(/6 Dec 2026/);
    // A string (what a loader sends) and a Date give the same text: list and detail agree.
    expect(formatInstant(lateEvening.toISOString(), { lang: "en-MY", timeZone: "Asia/Kuala_Lumpur" })).toBe(kl);
  });

  it("names the zone for customers and speaks the page's language", () => {
    expect(formatInstant(lateEvening, { lang: "en-MY", timeZone: "Asia/Kuala_Lumpur", zone: true })).toMatch(/MYT|GMT\+8/);
    expect(formatInstant(lateEvening, { lang: "ms-MY", timeZone: "Asia/Kuala_Lumpur", style: "date" })).toMatch(/7 Dis 2026/);
    expect(formatInstant(lateEvening, { lang: "zh-Hans-MY", timeZone: "Asia/Kuala_Lumpur", style: "date" })).toBe("2026年12月7日");
  });

  it("formats minor units exactly, in the page's language", () => {
    expect(formatMoney(18700, "MYR", "en-MY").replace(/\s/g, " ")).toBe("RM 187.00");
    expect(formatMoney(18700, "MYR", "zh-Hans")).toMatch(/187\.00/);
    expect(formatMoney(1500, "JPY", "en")).toBe("¥1,500");
  });
});
