import { describe, expect, it } from "vitest";

import { formatPhone, normalisePhone } from "~/lib/phone";

describe("phone numbers", () => {
  it.each([
    ["012-345 6789", "+60123456789"],
    ["0123456789", "+60123456789"],
    ["+60 12-345 6789", "+60123456789"],
    ["60123456789", "+60123456789"],
    ["011-2345 6789", "+601123456789"],
    ["03-2123 4567", "+60321234567"],
    ["+65 8123 4567", "+6581234567"],
  ])("normalises %s to %s", (input, e164) => {
    expect(normalisePhone(input)).toBe(e164);
  });

  it.each(["", "12345", "012-345", "not a phone", "+60 00 000 0000"])("rejects %j", (input) => {
    expect(normalisePhone(input)).toBeUndefined();
  });

  it("formats for display", () => {
    expect(formatPhone("+60123456789")).toBe("+60 12 345 6789");
  });
});
