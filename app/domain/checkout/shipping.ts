/** Shipping prices: pure rules shared by the checkout page, the admin and the server. */
import { type Coded, coded } from "~/lib/forms";

import type { ShippingZone } from "./address";

export interface WeightBracket {
  maxGrams: number | null;
  priceMinor: number;
}

export interface ShippingRate {
  id: string;
  zone: ShippingZone;
  name: string;
  kind: "flat" | "weight";
  priceMinor: number | null;
  brackets: WeightBracket[];
  freeAboveMinor: number | null;
  active: boolean;
  position: number;
}

/**
 * What a rate costs for a cart of this weight and subtotal, or null when it does not apply (a
 * weight beyond its last bracket). Free when the subtotal reaches the rate's threshold.
 */
export function ratePrice(
  rate: Pick<ShippingRate, "kind" | "priceMinor" | "brackets" | "freeAboveMinor">,
  cart: { weightGrams: number; subtotalMinor: number },
): number | null {
  let price: number | null;
  if (rate.kind === "flat") {
    price = rate.priceMinor ?? 0;
  } else {
    const sorted = [...rate.brackets].sort((a, b) => (a.maxGrams ?? Infinity) - (b.maxGrams ?? Infinity));
    const bracket = sorted.find((b) => b.maxGrams === null || cart.weightGrams <= b.maxGrams);
    price = bracket ? bracket.priceMinor : null;
  }
  if (price === null) return null;
  if (rate.freeAboveMinor !== null && cart.subtotalMinor >= rate.freeAboveMinor) return 0;
  return price;
}

export interface ShippingOption {
  rateId: string;
  name: string;
  zone: ShippingZone;
  priceMinor: number;
  /** The regular price when the free-shipping threshold made it free. */
  freeBecauseAbove: number | null;
}

/** The active rates of a zone that apply to this cart, cheapest first. */
export function shippingOptions(
  rates: ShippingRate[],
  zone: ShippingZone,
  cart: { weightGrams: number; subtotalMinor: number },
): ShippingOption[] {
  const out: ShippingOption[] = [];
  for (const rate of rates) {
    if (!rate.active || rate.zone !== zone) continue;
    const price = ratePrice(rate, cart);
    if (price === null) continue;
    out.push({
      rateId: rate.id,
      name: rate.name,
      zone,
      priceMinor: price,
      freeBecauseAbove: price === 0 && rate.freeAboveMinor !== null ? rate.freeAboveMinor : null,
    });
  }
  return out.sort((a, b) => a.priceMinor - b.priceMinor || a.name.localeCompare(b.name));
}

/** A new shop's rates (RM, sen): sensible Malaysian courier prices to start from. */
export const DEFAULT_RATES: Array<Omit<ShippingRate, "id" | "active">> = [
  { zone: "peninsular", name: "Standard delivery", kind: "flat", priceMinor: 800, brackets: [], freeAboveMinor: 15000, position: 0 },
  {
    zone: "east",
    name: "Standard delivery",
    kind: "weight",
    priceMinor: null,
    brackets: [
      { maxGrams: 1000, priceMinor: 1500 },
      { maxGrams: 3000, priceMinor: 2500 },
      { maxGrams: 5000, priceMinor: 3500 },
      { maxGrams: null, priceMinor: 5000 },
    ],
    freeAboveMinor: 30000,
    position: 0,
  },
  {
    zone: "international",
    name: "International post",
    kind: "weight",
    priceMinor: null,
    brackets: [
      { maxGrams: 500, priceMinor: 3500 },
      { maxGrams: 1000, priceMinor: 5500 },
      { maxGrams: 2000, priceMinor: 9000 },
    ],
    freeAboveMinor: null,
    position: 0,
  },
];

export const DEFAULT_INTERNATIONAL_COUNTRIES = ["SG", "BN"];
export const DEFAULT_ORDER_EXPIRY_MINUTES = 30;

/** "1 = 15.00" lines for the admin's bracket editor. */
export function bracketsToText(brackets: WeightBracket[]): string {
  return brackets.map((b) => `${b.maxGrams === null ? "*" : String(b.maxGrams / 1000)} = ${(b.priceMinor / 100).toFixed(2)}`).join("\n");
}

/** Parses the bracket editor's lines ("1 = 15.00", "2.5 = 20", "* = 50.00"); a coded message on error (settings:shipping.errors). */
export function parseBrackets(text: string): WeightBracket[] | Coded {
  const problem = (key: string, values?: Record<string, string>) => coded(`settings:shipping.errors.${key}`, values);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return problem("noBrackets");
  const out: WeightBracket[] = [];
  for (const line of lines) {
    const m = /^(\*|\d+(?:\.\d{1,3})?)\s*(?:kg)?\s*[=:]\s*(?:rm)?\s*(\d+(?:\.\d{1,2})?)$/i.exec(line);
    if (!m) return problem("notABracket", { line });
    const maxGrams = m[1] === "*" ? null : Math.round(Number(m[1]) * 1000);
    if (maxGrams !== null && maxGrams <= 0) return problem("bracketZero");
    out.push({ maxGrams, priceMinor: Math.round(Number(m[2]) * 100) });
  }
  out.sort((a, b) => (a.maxGrams ?? Infinity) - (b.maxGrams ?? Infinity));
  for (let i = 1; i < out.length; i++) {
    if (out[i].maxGrams === out[i - 1].maxGrams) return problem("bracketTwice");
  }
  return out;
}
