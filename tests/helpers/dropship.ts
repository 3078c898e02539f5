/** Dropshipping parties for tests: approved suppliers with products, merchants with linked products and dropship orders. */
import { and, eq } from "drizzle-orm";

import { snapshotDropshipLines } from "~/domain/dropship/forwarding.server";
import { importNetworkProduct } from "~/domain/dropship/import.server";
import { createSupplierProduct } from "~/domain/dropship/supplier-portal.server";
import { creditWallet, setSupplierStatus, signUpSupplier } from "~/domain/dropship/suppliers.server";
import { markOrderPaid } from "~/flows/order-paid.server";
import { asPlatform, schema, withShop } from "~db/client";

import { makeShop, makeUser, onPlan, unique } from "./factories";
import { makeOrder } from "./orders";
import { uniquePhone } from "./phones";

const who = { ip: "127.0.0.1", userAgent: "vitest" };

export async function makeOperator() {
  const user = await makeUser();
  await asPlatform((tx) => tx.update(schema.users).set({ platformRole: "operator" }).where(eq(schema.users.id, user.id)));
  return user;
}

export async function makeSupplier(options: { approved?: boolean; state?: string; handlingDays?: number; name?: string } = {}) {
  const user = await makeUser();
  const result = await signUpSupplier(
    {
      supplierName: options.name ?? unique("Supplier "),
      contactName: "Lim Wei",
      whatsapp: uniquePhone().e164,
      warehouseCity: "Shah Alam",
      warehouseState: options.state ?? "Selangor",
      regions: ["Peninsular Malaysia"],
      handlingDays: String(options.handlingDays ?? 2),
    },
    who,
    user.id,
  );
  if (!result.ok) throw new Error(`supplier sign-up failed: ${JSON.stringify(result.errors)}`);
  if (options.approved ?? true) await setSupplierStatus(user.id, result.supplierShopId, "approved", who);
  return { user, shopId: result.supplierShopId };
}

export async function makeSupplierProduct(
  supplierShopId: string,
  userId: string,
  input: {
    title?: string;
    cost: string;
    price: string;
    stock: number;
    option?: { name: string; values: string };
    category?: string;
    publish?: boolean;
    weight?: number;
  },
) {
  const result = await createSupplierProduct(
    supplierShopId,
    { userId, ...who },
    {
      title: input.title ?? unique("Batik scarf "),
      descriptionMd: "Hand-drawn batik.",
      productType: input.category ?? "Scarves",
      optionName: input.option?.name ?? "",
      optionValues: input.option?.values ?? "",
      cost: input.cost,
      price: input.price,
      weight: String(input.weight ?? 200),
      stock: String(input.stock),
      publish: input.publish === false ? undefined : "on",
    },
  );
  if (!result.ok) throw new Error(`supplier product failed: ${JSON.stringify(result.errors)}`);
  const variants = await withShop(supplierShopId, (tx) =>
    tx.select().from(schema.variants).where(eq(schema.variants.productId, result.productId)).orderBy(schema.variants.position),
  );
  return { productId: result.productId, variants };
}

export async function makeMerchant() {
  const user = await makeUser();
  const shop = await makeShop(user.id);
  await onPlan(shop.id, "growth");
  return { user, shopId: shop.id, shop };
}

export async function importInto(merchantShopId: string, userId: string, supplierProductId: string) {
  const result = await importNetworkProduct(merchantShopId, supplierProductId, { userId, ...who });
  if (!result.ok) throw new Error(result.errors.form);
  const variants = await withShop(merchantShopId, (tx) =>
    tx.select().from(schema.variants).where(eq(schema.variants.productId, result.productId)).orderBy(schema.variants.position),
  );
  return { productId: result.productId, variants };
}

export async function topUp(merchantShopId: string, amountMinor: number, note = "test") {
  return creditWallet(merchantShopId, { kind: "topup", amountMinor, note, actorUserId: null, forwardId: null });
}

/**
 * A checkout-like order: lines inserted, dropship lines snapshotted (as checkout does), then paid
 * through the one paid hook unless `paid: false`.
 */
export async function makeDropshipOrder(
  shopId: string,
  lines: Array<{ variantId: string; quantity: number }>,
  options: { paid?: boolean; phone?: string } = {},
) {
  const order = await makeOrder(shopId, { lines, paid: false, phone: options.phone });
  await withShop(shopId, (tx) => snapshotDropshipLines(tx, shopId, order.id));
  if (options.paid ?? true) await payOrder(shopId, order.id);
  return order;
}

/** A gateway callback: payment row + markOrderPaid (call it twice for a duplicate callback). */
export async function payOrder(shopId: string, orderId: string) {
  return withShop(shopId, async (tx) => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
    const [payment] = await tx
      .insert(schema.payments)
      .values({
        shopId,
        orderId,
        kind: "charge",
        gateway: "payseller",
        gatewayReference: `test-${orderId}`,
        amountMinor: order.totalMinor,
        currency: order.currency,
      })
      .onConflictDoNothing()
      .returning({ id: schema.payments.id });
    return markOrderPaid(tx, { shopId, orderId, paymentId: payment?.id ?? null });
  });
}
