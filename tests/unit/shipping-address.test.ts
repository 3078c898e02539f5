import { describe, expect, it } from "vitest";

import { postcodeProblem, zoneFor } from "~/domain/checkout/address";
import { DEFAULT_RATES, parseBrackets, ratePrice, shippingOptions, type ShippingRate } from "~/domain/checkout/shipping";

const rate = (r: Partial<ShippingRate> & Pick<ShippingRate, "id" | "zone" | "kind">): ShippingRate => ({
  name: r.id,
  priceMinor: null,
  brackets: [],
  freeAboveMinor: null,
  active: true,
  position: 0,
  ...r,
});

const RATES: ShippingRate[] = [
  rate({ id: "pen-standard", zone: "peninsular", kind: "flat", priceMinor: 800, freeAboveMinor: 15000 }),
  rate({ id: "pen-express", zone: "peninsular", kind: "flat", priceMinor: 1500 }),
  rate({
    id: "east-weight",
    zone: "east",
    kind: "weight",
    brackets: [
      { maxGrams: 1000, priceMinor: 1500 },
      { maxGrams: 3000, priceMinor: 2500 },
      { maxGrams: null, priceMinor: 5000 },
    ],
  }),
  rate({ id: "intl", zone: "international", kind: "weight", brackets: [{ maxGrams: 2000, priceMinor: 9000 }] }),
  rate({ id: "pen-off", zone: "peninsular", kind: "flat", priceMinor: 100, active: false }),
];

describe("shipping zones", () => {
  it("puts Sabah, Sarawak and Labuan in East Malaysia, other states in the Peninsula, other countries abroad", () => {
    expect(zoneFor({ country: "MY", state: "Selangor" })).toBe("peninsular");
    expect(zoneFor({ country: "MY", state: "Wilayah Persekutuan Kuala Lumpur" })).toBe("peninsular");
    expect(zoneFor({ country: "MY", state: "Sabah" })).toBe("east");
    expect(zoneFor({ country: "MY", state: "Sarawak" })).toBe("east");
    expect(zoneFor({ country: "MY", state: "Wilayah Persekutuan Labuan" })).toBe("east");
    expect(zoneFor({ country: "SG", state: "Singapore" })).toBe("international");
  });
});

describe("rate selection", () => {
  it("offers only the zone's active rates, cheapest first", () => {
    const options = shippingOptions(RATES, "peninsular", { weightGrams: 500, subtotalMinor: 5000 });
    expect(options.map((o) => [o.rateId, o.priceMinor])).toEqual([
      ["pen-standard", 800],
      ["pen-express", 1500],
    ]);
  });

  it("picks the weight bracket the cart falls in, bracket limits inclusive", () => {
    const east = RATES[2];
    expect(ratePrice(east, { weightGrams: 0, subtotalMinor: 1 })).toBe(1500);
    expect(ratePrice(east, { weightGrams: 1000, subtotalMinor: 1 })).toBe(1500);
    expect(ratePrice(east, { weightGrams: 1001, subtotalMinor: 1 })).toBe(2500);
    expect(ratePrice(east, { weightGrams: 3000, subtotalMinor: 1 })).toBe(2500);
    expect(ratePrice(east, { weightGrams: 25_000, subtotalMinor: 1 })).toBe(5000);
  });

  it("drops a weight rate when the cart is heavier than its last bracket", () => {
    expect(shippingOptions(RATES, "international", { weightGrams: 2000, subtotalMinor: 1 }).map((o) => o.priceMinor)).toEqual([9000]);
    expect(shippingOptions(RATES, "international", { weightGrams: 2001, subtotalMinor: 1 })).toEqual([]);
  });

  it("makes a rate free from its threshold, and says so", () => {
    expect(ratePrice(RATES[0], { weightGrams: 100, subtotalMinor: 14_999 })).toBe(800);
    const [free] = shippingOptions(RATES, "peninsular", { weightGrams: 100, subtotalMinor: 15_000 });
    expect(free).toMatchObject({ rateId: "pen-standard", priceMinor: 0, freeBecauseAbove: 15_000 });
  });

  it("gives a new shop a rate in every zone", () => {
    expect(new Set(DEFAULT_RATES.map((r) => r.zone))).toEqual(new Set(["peninsular", "east", "international"]));
  });

  it("reads the admin's bracket lines and explains a bad one", () => {
    expect(parseBrackets("3 = 25\n1 = 15.00\n* = RM50")).toEqual([
      { maxGrams: 1000, priceMinor: 1500 },
      { maxGrams: 3000, priceMinor: 2500 },
      { maxGrams: null, priceMinor: 5000 },
    ]);
    expect(parseBrackets("0.5kg: 7.50")).toEqual([{ maxGrams: 500, priceMinor: 750 }]);
    expect(parseBrackets("heavy = 10")).toEqual({ key: "settings:shipping.errors.notABracket", values: { line: "heavy = 10" } });
    expect(parseBrackets("")).toEqual({ key: "settings:shipping.errors.noBrackets" });
    expect(parseBrackets("1 = 5\n1 = 6")).toEqual({ key: "settings:shipping.errors.bracketTwice" });
  });
});

describe("Malaysian postcodes", () => {
  it("needs five digits", () => {
    expect(postcodeProblem("5045", "Selangor")).toMatch(/5-digit/);
    expect(postcodeProblem("50450a", "Selangor")).toMatch(/5-digit/);
  });

  it("accepts a postcode of the state and refuses one of another state", () => {
    expect(postcodeProblem("50450", "Wilayah Persekutuan Kuala Lumpur")).toBeUndefined();
    expect(postcodeProblem("47300", "Selangor")).toBeUndefined();
    expect(postcodeProblem("88000", "Sabah")).toBeUndefined();
    expect(postcodeProblem("93350", "Sarawak")).toBeUndefined();
    expect(postcodeProblem("10200", "Pulau Pinang")).toBeUndefined();
    expect(postcodeProblem("01000", "Perlis")).toBeUndefined();
    expect(postcodeProblem("39000", "Pahang")).toBeUndefined();
    expect(postcodeProblem("88000", "Selangor")).toMatch(/not a postcode in Selangor/);
    expect(postcodeProblem("50450", "Johor")).toMatch(/not a postcode in Johor/);
  });
});
