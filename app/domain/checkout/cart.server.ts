/**
 * The cart and the wishlist. Prices, titles and stock are always read from the catalog (never
 * from the browser or a stored copy); only variant ids and quantities are kept.
 */
import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";

import { coverImages } from "~/domain/media/media.server";
import { runningSalePrices } from "~/domain/storefront/flash-sales.server";
import { publicObjectUrl } from "~/integrations/storage.server";
import { type Refusal, refuse } from "~/lib/forms";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import { ensureCart, findCart, type Shopper } from "./visitor.server";

export const MAX_LINE_QUANTITY = 999;

export interface CartLine {
  variantId: string;
  productId: string;
  productHandle: string;
  title: string;
  variantTitle: string;
  sku: string | null;
  quantity: number;
  /** What a unit costs now: a running flash sale's price where there is one (claimed at checkout). */
  unitPriceMinor: number;
  /** The variant's own price (differs from unitPriceMinor during a flash sale). */
  regularUnitPriceMinor: number;
  compareAtMinor: number | null;
  lineTotalMinor: number;
  currency: string;
  weightGrams: number;
  /** Units a customer can still buy now; null when not limited (untracked or backorder). */
  available: number | null;
  image: string | null;
  /** What is wrong with this line now (sold out, fewer left, no longer sold), or null. */
  problem: { kind: "unavailable" } | { kind: "out_of_stock" } | { kind: "over_available"; available: number } | null;
}

export interface CartView {
  cartId: string | null;
  lines: CartLine[];
  itemCount: number;
  subtotalMinor: number;
  weightGrams: number;
  currency: string;
  hasProblems: boolean;
}

/** Reads a cart's lines with today's prices and stock. Inside the caller's withShop. */
export async function readCart(tx: Tx, shopId: string, cartId: string | undefined, currency = "MYR"): Promise<CartView> {
  if (!cartId) return { cartId: null, lines: [], itemCount: 0, subtotalMinor: 0, weightGrams: 0, currency, hasProblems: false };
  const rows = await tx
    .select({
      variantId: schema.cartItems.variantId,
      quantity: schema.cartItems.quantity,
      productId: schema.variants.productId,
      variantTitle: schema.variants.title,
      sku: schema.variants.sku,
      price: schema.variants.priceMinor,
      compareAt: schema.variants.compareAtPriceMinor,
      currency: schema.variants.currency,
      weight: schema.variants.weightGrams,
      track: schema.variants.trackInventory,
      backorder: schema.variants.allowBackorder,
      title: schema.products.title,
      handle: schema.products.handle,
      status: schema.products.status,
      onHand: schema.inventoryLevels.onHand,
      reserved: schema.inventoryLevels.reserved,
    })
    .from(schema.cartItems)
    .innerJoin(
      schema.variants,
      and(eq(schema.variants.shopId, schema.cartItems.shopId), eq(schema.variants.id, schema.cartItems.variantId)),
    )
    .innerJoin(schema.products, and(eq(schema.products.shopId, schema.variants.shopId), eq(schema.products.id, schema.variants.productId)))
    .leftJoin(
      schema.inventoryLevels,
      and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
    )
    .where(and(eq(schema.cartItems.shopId, shopId), eq(schema.cartItems.cartId, cartId)))
    .orderBy(asc(schema.cartItems.addedAt), asc(schema.cartItems.variantId));
  // Both in one round trip (sent together on the transaction's connection): at a flash sale's
  // start every buyer reads its cart, and a connection held longer is one the others queue for.
  const [covers, sales] = rows.length
    ? await Promise.all([
        coverImages(tx, [...new Set(rows.map((r) => r.productId))]),
        runningSalePrices(
          tx,
          rows.map((r) => r.variantId),
        ),
      ])
    : [new Map(), new Map()];
  const lines: CartLine[] = rows.map((r) => {
    const available = r.track && !r.backorder ? Math.max(0, (r.onHand ?? 0) - (r.reserved ?? 0)) : null;
    const problem: CartLine["problem"] =
      r.status !== "active"
        ? { kind: "unavailable" }
        : available === 0
          ? { kind: "out_of_stock" }
          : available !== null && r.quantity > available
            ? { kind: "over_available", available }
            : null;
    const cover = covers.get(r.productId);
    const rendition = cover?.renditions.find((x: { width: number }) => x.width >= 160) ?? cover?.renditions[0];
    const price = Math.min(r.price, sales.get(r.variantId)?.salePriceMinor ?? r.price);
    return {
      variantId: r.variantId,
      productId: r.productId,
      productHandle: r.handle,
      title: r.title,
      variantTitle: r.variantTitle,
      sku: r.sku,
      quantity: r.quantity,
      unitPriceMinor: price,
      regularUnitPriceMinor: r.price,
      compareAtMinor: price < r.price ? r.price : r.compareAt,
      lineTotalMinor: price * r.quantity,
      currency: r.currency,
      weightGrams: (r.weight ?? 0) * r.quantity,
      available,
      image: rendition ? publicObjectUrl(rendition.key) : null,
      problem,
    };
  });
  const sellable = lines.filter((l) => l.problem?.kind !== "unavailable");
  return {
    cartId,
    lines,
    itemCount: lines.reduce((n, l) => n + l.quantity, 0),
    subtotalMinor: sellable.reduce((n, l) => n + l.lineTotalMinor, 0),
    weightGrams: sellable.reduce((n, l) => n + l.weightGrams, 0),
    currency: lines[0]?.currency ?? currency,
    hasProblems: lines.some((l) => l.problem !== null),
  };
}

export function loadCart(who: Shopper, currency = "MYR"): Promise<CartView> {
  return withShop(who.shopId, async (tx) => readCart(tx, who.shopId, await findCart(tx, who), currency));
}

/** Items in the shopper's cart, for the header; 0 without a cart (one cheap query). */
export async function cartItemCount(who: Shopper): Promise<number> {
  if (!who.customer && !who.anonymousCartId) return 0;
  // The cart as findCart finds it, joined in the same statement (one round trip, not two).
  const cart = who.customer
    ? eq(schema.carts.customerId, who.customer.id)
    : and(eq(schema.carts.id, who.anonymousCartId!), isNull(schema.carts.customerId));
  return withShop(who.shopId, async (tx) => {
    const [row] = await tx
      .select({ n: sql<number>`coalesce(sum(${schema.cartItems.quantity}), 0)::int` })
      .from(schema.cartItems)
      .innerJoin(schema.carts, and(eq(schema.carts.shopId, schema.cartItems.shopId), eq(schema.carts.id, schema.cartItems.cartId)))
      .where(and(eq(schema.cartItems.shopId, who.shopId), eq(schema.carts.shopId, who.shopId), cart));
    return row?.n ?? 0;
  });
}

/** What was wrong with a cart form, as a key of the `checkout.cart.errors.input` translations. */
type CartInputProblem =
  "chooseOption" | "quantityMissing" | "quantityWhole" | "quantityMin" | "quantityNegative" | "quantityMax" | "notInCart";

const quantityField = (min: 0 | 1) =>
  z.coerce
    .number({ error: "quantityMissing" satisfies CartInputProblem })
    .int("quantityWhole" satisfies CartInputProblem)
    .min(min, (min ? "quantityMin" : "quantityNegative") satisfies CartInputProblem)
    .max(MAX_LINE_QUANTITY, "quantityMax" satisfies CartInputProblem);

const CartActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    variantId: z.string().uuid("chooseOption" satisfies CartInputProblem),
    quantity: quantityField(1).default(1),
  }),
  z.object({
    intent: z.literal("update"),
    variantId: z.string().uuid("notInCart" satisfies CartInputProblem),
    quantity: quantityField(0),
  }),
  z.object({ intent: z.literal("remove"), variantId: z.string().uuid("notInCart" satisfies CartInputProblem) }),
]);

const CART_INPUT_PROBLEMS: readonly string[] = [
  "chooseOption",
  "quantityMissing",
  "quantityWhole",
  "quantityMin",
  "quantityNegative",
  "quantityMax",
  "notInCart",
];

/** Why a cart change was refused, as a key of the `checkout.cart.errors` translations. */
export type CartError =
  | { code: "invalid"; problem: CartInputProblem; max: number }
  | { code: "not_found" }
  | { code: "out_of_stock"; title: string }
  | { code: "over_available"; title: string; available: number; inCart: number; adding: boolean };

export type CartActionResult =
  | { ok: true; cartId: string; created: boolean; intent: "add" | "update" | "remove" }
  | (Refusal<{ form: CartError }> & { cartId: string | undefined; created: boolean });

/**
 * Adds, changes or removes a line. Adding checks the variant is on sale in this shop and that
 * the cart's quantity does not exceed what is available now (tracked, no backorder).
 */
export async function changeCart(who: Shopper, form: Record<string, unknown>): Promise<CartActionResult> {
  const parsed = CartActionSchema.safeParse({ ...form, quantity: form.quantity === "" ? undefined : form.quantity });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "";
    const problem = (CART_INPUT_PROBLEMS.includes(message) ? message : "chooseOption") as CartInputProblem;
    return { ok: false, errors: { form: { code: "invalid", problem, max: MAX_LINE_QUANTITY } }, cartId: undefined, created: false };
  }
  const input = parsed.data;
  return withShop(who.shopId, async (tx) => {
    if (input.intent === "remove" || (input.intent === "update" && input.quantity === 0)) {
      const cartId = await findCart(tx, who);
      if (cartId)
        await tx
          .delete(schema.cartItems)
          .where(
            and(
              eq(schema.cartItems.shopId, who.shopId),
              eq(schema.cartItems.cartId, cartId),
              eq(schema.cartItems.variantId, input.variantId),
            ),
          );
      return { ok: true as const, cartId: cartId ?? "", created: false, intent: input.intent };
    }
    const [variant] = await tx
      .select({
        title: schema.products.title,
        variantTitle: schema.variants.title,
        status: schema.products.status,
        track: schema.variants.trackInventory,
        backorder: schema.variants.allowBackorder,
        onHand: schema.inventoryLevels.onHand,
        reserved: schema.inventoryLevels.reserved,
      })
      .from(schema.variants)
      .innerJoin(
        schema.products,
        and(eq(schema.products.shopId, schema.variants.shopId), eq(schema.products.id, schema.variants.productId)),
      )
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(and(eq(schema.variants.shopId, who.shopId), eq(schema.variants.id, input.variantId)));
    if (!variant || variant.status !== "active")
      return { ok: false as const, errors: { form: { code: "not_found" as const } }, cartId: undefined, created: false };
    const title = variant.variantTitle && variant.variantTitle !== "Default" ? `${variant.title} (${variant.variantTitle})` : variant.title;
    const { cartId, created } = await ensureCart(tx, who);
    const [existing] = await tx
      .select({ quantity: schema.cartItems.quantity })
      .from(schema.cartItems)
      .where(
        and(eq(schema.cartItems.shopId, who.shopId), eq(schema.cartItems.cartId, cartId), eq(schema.cartItems.variantId, input.variantId)),
      )
      .for("update");
    const inCart = existing?.quantity ?? 0;
    const wanted = input.intent === "add" ? Math.min(inCart + input.quantity, MAX_LINE_QUANTITY) : input.quantity;
    if (variant.track && !variant.backorder) {
      const available = Math.max(0, (variant.onHand ?? 0) - (variant.reserved ?? 0));
      if (available === 0) return { ok: false as const, errors: { form: { code: "out_of_stock" as const, title } }, cartId, created };
      if (wanted > available)
        return {
          ok: false as const,
          errors: { form: { code: "over_available" as const, title, available, inCart, adding: input.intent === "add" } },
          cartId,
          created,
        };
    }
    await tx
      .insert(schema.cartItems)
      .values({ shopId: who.shopId, cartId, variantId: input.variantId, quantity: wanted })
      .onConflictDoUpdate({
        target: [schema.cartItems.shopId, schema.cartItems.cartId, schema.cartItems.variantId],
        set: { quantity: wanted },
      });
    await tx
      .update(schema.carts)
      .set({ updatedAt: new Date() })
      .where(and(eq(schema.carts.shopId, who.shopId), eq(schema.carts.id, cartId)));
    return { ok: true as const, cartId, created, intent: input.intent };
  });
}

export interface WishlistEntry {
  productId: string;
  title: string;
  handle: string;
  minPriceMinor: number | null;
  currency: string;
  image: string | null;
}

export async function loadWishlist(who: Shopper): Promise<WishlistEntry[]> {
  return withShop(who.shopId, async (tx) => {
    const cartId = await findCart(tx, who);
    if (!cartId) return [];
    const rows = await tx
      .select({ productId: schema.products.id, title: schema.products.title, handle: schema.products.handle })
      .from(schema.wishlistItems)
      .innerJoin(
        schema.products,
        and(eq(schema.products.shopId, schema.wishlistItems.shopId), eq(schema.products.id, schema.wishlistItems.productId)),
      )
      .where(
        and(eq(schema.wishlistItems.shopId, who.shopId), eq(schema.wishlistItems.cartId, cartId), eq(schema.products.status, "active")),
      )
      .orderBy(desc(schema.wishlistItems.addedAt));
    if (!rows.length) return [];
    const ids = rows.map((r) => r.productId);
    const prices = await tx
      .select({
        productId: schema.variants.productId,
        min: sql<number>`min(${schema.variants.priceMinor})::int`,
        currency: sql<string>`min(${schema.variants.currency})`,
      })
      .from(schema.variants)
      .where(inArray(schema.variants.productId, ids))
      .groupBy(schema.variants.productId);
    const priceOf = new Map(prices.map((p) => [p.productId, p]));
    const covers = await coverImages(tx, ids);
    return rows.map((r) => {
      const cover = covers.get(r.productId);
      const rendition = cover?.renditions.find((x) => x.width >= 160) ?? cover?.renditions[0];
      return {
        ...r,
        minPriceMinor: priceOf.get(r.productId)?.min ?? null,
        currency: priceOf.get(r.productId)?.currency ?? "MYR",
        image: rendition ? publicObjectUrl(rendition.key) : null,
      };
    });
  });
}

const WishlistSchema = z.object({ intent: z.enum(["add", "remove"]), productId: z.string().uuid("That product is no longer available.") });

export async function changeWishlist(
  who: Shopper,
  form: Record<string, unknown>,
): Promise<{ ok: true; cartId: string; created: boolean } | Refusal> {
  const parsed = WishlistSchema.safeParse(form);
  if (!parsed.success) return refuse("That product is no longer available.");
  const { intent, productId } = parsed.data;
  return withShop(who.shopId, async (tx) => {
    if (intent === "remove") {
      const cartId = await findCart(tx, who);
      if (cartId)
        await tx
          .delete(schema.wishlistItems)
          .where(
            and(
              eq(schema.wishlistItems.shopId, who.shopId),
              eq(schema.wishlistItems.cartId, cartId),
              eq(schema.wishlistItems.productId, productId),
            ),
          );
      return { ok: true as const, cartId: cartId ?? "", created: false };
    }
    const [product] = await tx
      .select({ status: schema.products.status })
      .from(schema.products)
      .where(and(eq(schema.products.shopId, who.shopId), eq(schema.products.id, productId)));
    if (!product || product.status !== "active") return refuse("That product is no longer available.");
    const { cartId, created } = await ensureCart(tx, who);
    await tx.insert(schema.wishlistItems).values({ shopId: who.shopId, cartId, productId }).onConflictDoNothing();
    return { ok: true as const, cartId, created };
  });
}

/** Anonymous carts untouched this long are deleted (with their items and favourites). */
export const ANONYMOUS_CART_DAYS = 60;

/**
 * Deletes old anonymous carts across shops (the maintenance job, daily). Platform-level by
 * nature: housekeeping that spans shops. Customers' carts are kept.
 */
export async function deleteStaleCarts(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - ANONYMOUS_CART_DAYS * 24 * 3600 * 1000);
  const deleted = await asPlatform((tx) =>
    tx
      .delete(schema.carts)
      .where(and(isNull(schema.carts.customerId), lt(schema.carts.updatedAt, cutoff)))
      .returning({ id: schema.carts.id }),
  );
  return deleted.length;
}
