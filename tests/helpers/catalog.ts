/** Catalog test data made through the domain code. */
import sharp from "sharp";

import { emptyDraft, emptyVariant, type ProductDraft, syncVariants } from "~/domain/catalog/product-draft";
import { type Actor, createProduct, validateDraft } from "~/domain/catalog/products.server";

/** A draft with options (each [name, values]) and every generated variant priced. */
export function makeDraft(input: {
  title: string;
  options?: Array<[string, string[]]>;
  price?: string;
  sku?: string;
  stock?: number;
  status?: ProductDraft["status"];
  extra?: Partial<ProductDraft>;
}): ProductDraft {
  const draft: ProductDraft = {
    ...emptyDraft(),
    title: input.title,
    status: input.status ?? "draft",
    options: (input.options ?? []).map(([name, values]) => ({ name, values: values.join(", ") })),
    ...input.extra,
  };
  draft.variants = [emptyVariant([], { ...emptyVariant([]), price: input.price ?? "10.00" })];
  draft.variants = syncVariants(draft).map((v, i) => ({
    ...v,
    sku: input.sku ? `${input.sku}-${i + 1}` : "",
    initialStock: input.stock === undefined ? "" : String(input.stock),
  }));
  return draft;
}

export async function makeProduct(shopId: string, userId: string, input: Parameters<typeof makeDraft>[0]) {
  const validated = validateDraft(makeDraft(input), "MYR", { regenerate: false });
  if (!validated.ok) throw new Error(`invalid draft: ${JSON.stringify(validated.errors)}`);
  const actor: Actor = { userId, ip: "127.0.0.1", userAgent: "vitest" };
  const saved = await createProduct(shopId, validated.input, actor);
  if (!saved.ok) throw new Error(`product not saved: ${JSON.stringify(saved.errors)}`);
  return saved;
}

/** A real PNG of the given size (a gradient, so it compresses like a photo, not to nothing). */
export async function makePng(width = 1200, height = 800): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#0f766e"/><stop offset="1" stop-color="#f59e0b"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="#fff" opacity="0.6"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
