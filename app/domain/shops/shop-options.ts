// Shop choices and helpers shared by the server and the browser (no server-only imports here).

export const LANGUAGES = ["en", "ms", "zh"] as const;
export const CURRENCIES = ["MYR", "SGD", "USD", "IDR", "THB", "PHP", "BND"] as const;

/** Suggests a slug from a shop name: "Kedai Batik Ayu!" → "kedai-batik-ayu". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
}
