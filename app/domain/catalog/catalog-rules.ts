// Catalog rules shared by the server and the browser (no server-only imports here): options and
// the variants they generate, prices as merchants type them, handles, stock levels.
import { currencyExponent, decimalStringToMinor } from "~/lib/money";

export const MAX_OPTIONS = 3;
export const MAX_OPTION_VALUES = 50;
/** Shopify's classic limit; a product with more combinations should be split. */
export const MAX_VARIANTS = 100;
/** At or below this many on hand (but above zero), a product counts as low in stock. */
export const LOW_STOCK_THRESHOLD = 5;

export const PRODUCT_STATUSES = ["draft", "active", "archived"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export const STATUS_LABELS: Record<ProductStatus, string> = { draft: "Draft", active: "Active", archived: "Archived" };

export const INVENTORY_REASONS = ["initial", "received", "correction", "damaged", "returned", "sold", "import"] as const;
export type InventoryReason = (typeof INVENTORY_REASONS)[number];
/** The reasons a person picks when adjusting stock by hand. */
export const ADJUSTMENT_REASONS = ["received", "correction", "damaged", "returned"] as const;
export const REASON_LABELS: Record<string, string> = {
  initial: "Initial stock",
  received: "Stock received",
  correction: "Count correction",
  damaged: "Damaged or lost",
  returned: "Customer return",
  sold: "Sold",
  import: "CSV import",
};

export interface OptionInput {
  name: string;
  values: string[];
}

/** One combination of option values, in option order ([] for a product without options). */
export type Combination = string[];

/** Every combination of the options' values, in the order a merchant expects (first option slowest). */
export function combinations(options: OptionInput[]): Combination[] {
  let result: Combination[] = [[]];
  for (const option of options) {
    const next: Combination[] = [];
    for (const prefix of result) for (const value of option.values) next.push([...prefix, value]);
    result = next;
  }
  return result;
}

export function combinationKey(values: ReadonlyArray<string | null | undefined>): string {
  return values
    .filter((v): v is string => typeof v === "string" && v !== "")
    .map((v) => v.toLowerCase())
    .join("\u001f");
}

export function variantTitle(values: ReadonlyArray<string | null | undefined>): string {
  const parts = values.filter((v): v is string => !!v);
  return parts.length ? parts.join(" / ") : "Default";
}

/**
 * The variants a set of options generates, keeping what the merchant already set on existing
 * variants with the same values (matched case-insensitively) and giving new combinations the
 * defaults. Removed combinations are simply absent.
 */
export function generateVariants<T extends { values: Combination }>(
  options: OptionInput[],
  existing: T[],
  makeNew: (values: Combination) => T,
): T[] {
  const byKey = new Map(existing.map((v) => [combinationKey(v.values), v]));
  return combinations(options).map((values) => {
    const kept = byKey.get(combinationKey(values));
    return kept ? { ...kept, values } : makeNew(values);
  });
}

/** Parses "S, M, L" (or one per line) into distinct trimmed values, in order. */
export function parseOptionValues(text: string): string[] {
  const seen = new Set<string>();
  const values: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const value = raw.trim().replace(/\s+/g, " ");
    if (value && !seen.has(value.toLowerCase())) {
      seen.add(value.toLowerCase());
      values.push(value);
    }
  }
  return values;
}

/**
 * A price as a merchant types it ("12.90", "RM 1,299", "1299.5") → minor units (1290, 129900,
 * 129950). Undefined when it is not a plain non-negative amount in this currency.
 */
export function parseMoney(input: string, currency: string): number | undefined {
  const cleaned = input
    .trim()
    .replace(/^(RM|MYR|S\$|SGD|US\$|USD|\$|Rp|IDR|฿|THB|₱|PHP|BND|B\$)\s*/i, "")
    .replace(/,/g, "");
  if (!/^\d{1,10}(\.\d+)?$/.test(cleaned)) return undefined;
  try {
    const minor = decimalStringToMinor(cleaned, currencyExponent(currency));
    return minor <= 2_147_483_647 ? minor : undefined;
  } catch {
    return undefined;
  }
}

/** Minor units → "RM 12.90" for people and "12.90" for inputs and CSV (one place for the whole app: ~/lib/money). */
export { formatMoney, minorToDecimal } from "~/lib/money";

export type StockLevel = "in" | "low" | "out" | "untracked";
export function stockLevel(stockOnHand: number | null): StockLevel {
  if (stockOnHand === null) return "untracked";
  if (stockOnHand <= 0) return "out";
  if (stockOnHand <= LOW_STOCK_THRESHOLD) return "low";
  return "in";
}

/** A URL handle from a title: "Batik Shirt (Men's)" → "batik-shirt-mens". */
export function handleize(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "");
}

export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;

/** Tags from "summer, batik , Batik" → ["summer", "batik"] (distinct, case-insensitively). */
export function parseTags(text: string): string[] {
  return parseOptionValues(text.replace(/\n/g, ",")).slice(0, 50);
}

/** The admin product list's sort orders. */
export const SORTS = {
  updated: "Last updated",
  created: "Newest",
  title: "Title A–Z",
  stock: "Stock: low to high",
} as const;
export type SortKey = keyof typeof SORTS;
