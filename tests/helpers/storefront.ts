/** Storefront test data through the domain: active products, collections and flash sales. */
import { randomUUID } from "node:crypto";

import { saveCollection } from "~/domain/catalog/collections.server";
import { createProduct, validateDraft } from "~/domain/catalog/products.server";
import { saveFlashSale, toLocalDateTime } from "~/domain/storefront/flash-sales.server";

import { makeDraft, makeProduct } from "./catalog";

export async function makeCollection(shopId: string, title: string): Promise<string> {
  const result = await saveCollection(shopId, null, { title, handle: "", description: `${title} picked by hand.` });
  if (!result?.ok) throw new Error(`collection not saved: ${JSON.stringify(result)}`);
  return result.id;
}

/** An active (published) product, optionally in collections and with a compare-at price. */
export async function makeActiveProduct(
  shopId: string,
  userId: string,
  input: Parameters<typeof makeProduct>[2] & { collectionIds?: string[]; compareAt?: string; prices?: string[] },
) {
  if (!input.compareAt && !input.prices)
    return makeProduct(shopId, userId, {
      ...input,
      status: input.status ?? "active",
      extra: { ...input.extra, collectionIds: input.collectionIds ?? [] },
    });
  const draft = makeDraft({
    ...input,
    status: input.status ?? "active",
    extra: { ...input.extra, collectionIds: input.collectionIds ?? [] },
  });
  draft.variants = draft.variants.map((v, i) => ({ ...v, compareAt: input.compareAt ?? "", price: input.prices?.[i] ?? v.price }));
  const validated = validateDraft(draft, "MYR", { regenerate: false });
  if (!validated.ok) throw new Error(`invalid draft: ${JSON.stringify(validated.errors)}`);
  const saved = await createProduct(shopId, validated.input, { userId, ip: "127.0.0.1", userAgent: "vitest" });
  if (!saved.ok) throw new Error(`product not saved: ${JSON.stringify(saved.errors)}`);
  return saved;
}

/** A flash sale from `from` to `to` (Dates, minute precision) with sale prices per variant id. */
export async function makeFlashSale(
  shop: { id: string; timezone: string },
  userId: string,
  input: { name?: string; from: Date; to: Date; prices: Record<string, string>; totalCap?: number; perCustomerLimit?: number },
): Promise<string> {
  const form: Record<string, string> = {
    name: input.name ?? `Sale ${randomUUID().slice(0, 6)}`,
    startsAt: toLocalDateTime(input.from, shop.timezone),
    endsAt: toLocalDateTime(input.to, shop.timezone),
    totalCap: input.totalCap === undefined ? "" : String(input.totalCap),
    perCustomerLimit: input.perCustomerLimit === undefined ? "" : String(input.perCustomerLimit),
  };
  for (const [variantId, price] of Object.entries(input.prices)) form[`price_${variantId}`] = price;
  const result = await saveFlashSale({ shopId: shop.id, timezone: shop.timezone }, null, form, {
    userId,
    ip: "127.0.0.1",
    userAgent: "vitest",
  });
  if (!result?.ok) throw new Error(`sale not saved: ${JSON.stringify(result)}`);
  return result.id;
}

export const HOUR = 3_600_000;
