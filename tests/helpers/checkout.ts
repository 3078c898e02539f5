/** Checkout test data: sellable products with stock and weight, shoppers with carts, a valid form. */
import { and, eq } from "drizzle-orm";

import { changeCart } from "~/domain/checkout/cart.server";
import { loadShippingSetup } from "~/domain/checkout/shipping.server";
import type { Shopper } from "~/domain/checkout/visitor.server";
import { schema, withShop } from "~db/client";

import { makeProduct } from "./catalog";
import { unique } from "./factories";

/** An active one-variant product with `stock` units (tracked) and a weight. */
export async function sellable(
  shopId: string,
  userId: string,
  input: { stock: number; price?: string; weightGrams?: number; title?: string; backorder?: boolean },
) {
  const saved = await makeProduct(shopId, userId, {
    title: input.title ?? `Kopi ${unique()}`,
    price: input.price ?? "25.00",
    stock: input.stock,
    status: "active",
  });
  return withShop(shopId, async (tx) => {
    const [variant] = await tx
      .select({ id: schema.variants.id })
      .from(schema.variants)
      .where(eq(schema.variants.productId, saved.productId));
    await tx
      .update(schema.variants)
      .set({ weightGrams: input.weightGrams ?? 500, allowBackorder: input.backorder ?? false })
      .where(and(eq(schema.variants.shopId, shopId), eq(schema.variants.id, variant.id)));
    return { productId: saved.productId, variantId: variant.id, handle: saved.handle };
  });
}

/** A guest with `quantity` of the variant in a fresh cart. */
export async function guestWithCart(shopId: string, variantId: string, quantity = 1): Promise<Shopper> {
  const who: Shopper = { shopId, customer: undefined, anonymousCartId: undefined };
  const added = await changeCart(who, { intent: "add", variantId, quantity: String(quantity) });
  if (!added.ok) throw new Error(`add to cart failed: ${JSON.stringify(added.errors)}`);
  return { ...who, anonymousCartId: added.cartId };
}

export async function peninsularRateId(shopId: string): Promise<string> {
  const setup = await loadShippingSetup(shopId);
  return setup.rates.find((r) => r.zone === "peninsular")!.id;
}

export function checkoutForm(rateId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    email: `${unique("buyer")}@example.com`,
    phone: "",
    name: "Aisyah Rahman",
    line1: "12 Jalan SS 2/24",
    line2: "",
    city: "Petaling Jaya",
    state: "Selangor",
    postcode: "47300",
    country: "MY",
    shippingRateId: rateId,
    note: "",
    ...overrides,
  };
}

export async function level(shopId: string, variantId: string) {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ onHand: schema.inventoryLevels.onHand, reserved: schema.inventoryLevels.reserved })
      .from(schema.inventoryLevels)
      .where(eq(schema.inventoryLevels.variantId, variantId)),
  );
  return row;
}
