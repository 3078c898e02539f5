/**
 * Pricing rules for imported (linked) products, browser-safe so the import form can preview.
 *
 * price = ceil(cost × multiplier) + fixed markup, then rounded UP to the chosen ending
 * (ending 90: RM 20.00 → RM 20.90, RM 20.95 → RM 21.90). Rounding up never eats the margin the
 * rule asked for. All amounts are integer minor units; the multiplier is in basis points
 * (20000 = ×2.00) so nothing here is a float.
 */
export interface PricingRule {
  multiplierBp: number;
  markupMinor: number;
  /** 0–99: the minor units every price ends in; null: no rounding. */
  roundingEnding: number | null;
}

export const DEFAULT_RULE: PricingRule = { multiplierBp: 20000, markupMinor: 0, roundingEnding: null };

export function priceFor(costMinor: number, rule: PricingRule): number {
  const raw = Math.ceil((costMinor * rule.multiplierBp) / 10000) + rule.markupMinor;
  if (rule.roundingEnding === null) return Math.max(0, raw);
  let candidate = Math.floor(raw / 100) * 100 + rule.roundingEnding;
  if (candidate < raw) candidate += 100;
  return Math.max(0, candidate);
}

/** Margin as a whole percentage of the price ((price − cost) / price), floored; 0 for a free item. */
export function marginPercent(priceMinor: number, costMinor: number): number {
  if (priceMinor <= 0) return 0;
  return Math.floor(((priceMinor - costMinor) * 100) / priceMinor);
}

/** "2.5" → 25000 basis points; undefined when it is not a positive number with ≤ 4 decimals. */
export function parseMultiplier(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,3}(\.\d{1,4})?$/.test(t)) return undefined;
  const [whole, frac = ""] = t.split(".");
  const bp = Number(whole) * 10000 + Number(frac.padEnd(4, "0"));
  return bp > 0 ? bp : undefined;
}

export function multiplierText(bp: number): string {
  return (bp / 10000).toFixed(bp % 100 === 0 ? 2 : 4).replace(/(\.\d\d)0+$/, "$1");
}
