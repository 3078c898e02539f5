import { describe, expect, it } from "vitest";

import { decimalStringToMinor, minorToDecimalString } from "~/lib/money";

describe("exact decimal text for minor units", () => {
  it("writes minor units as decimal text without floating point", () => {
    expect(minorToDecimalString(47250)).toBe("472.50");
    expect(minorToDecimalString(5)).toBe("0.05");
    expect(minorToDecimalString(-130)).toBe("-1.30");
    expect(minorToDecimalString(900719925474099)).toBe("9007199254740.99");
    expect(minorToDecimalString(1500, 0)).toBe("1500");
    expect(() => minorToDecimalString(0.1 + 0.2)).toThrow(RangeError);
  });

  it("reads decimal text back to the same integer, refusing what it cannot represent", () => {
    expect(decimalStringToMinor("472.50")).toBe(47250);
    expect(decimalStringToMinor("472.5")).toBe(47250);
    expect(decimalStringToMinor("472")).toBe(47200);
    expect(decimalStringToMinor("-0.05")).toBe(-5);
    expect(decimalStringToMinor("1.000000000000")).toBe(100);
    expect(decimalStringToMinor("0.29")).toBe(29);
    expect(() => decimalStringToMinor("1.005")).toThrow(/decimal places/);
    expect(() => decimalStringToMinor("1e3")).toThrow(RangeError);
    expect(() => decimalStringToMinor("1,000.00")).toThrow(RangeError);
    for (const minor of [0, 1, 99, 100, 12345, 1_000_000_01]) expect(decimalStringToMinor(minorToDecimalString(minor))).toBe(minor);
  });
});
