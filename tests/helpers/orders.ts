/**
 * Orders for tests of what happens after checkout (fulfilment, refunds, reports, accounting):
 * written straight into the schema with the shop's real variants and prices, then moved along
 * the real status machine. Tests of checkout itself go through the storefront instead.
 */
import { and, eq, inArray } from "drizzle-orm";

import { nextShopNumber } from "~/domain/orders/counters.server";
import { markOrderPaid } from "~/flows/order-paid.server";
import { schema, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

export const TEST_ADDRESS: PostalAddress = {
  name: "Siti Rahmah",
  phone: "+60123456789",
  line1: "12 Jalan Telawi 3",
  city: "Kuala Lumpur",
  state: "Wilayah Persekutuan Kuala Lumpur",
  postcode: "59100",
  country: "MY",
};

export async function makeOrder(
  shopId: string,
  input: {
    lines: Array<{ variantId: string; quantity: number }>;
    paid?: boolean;
    email?: string | null;
    phone?: string | null;
    customerName?: string;
    customerId?: string | null;
    shippingMinor?: number;
    createdAt?: Date;
  },
) {
  return withShop(shopId, async (tx) => {
    const ids = input.lines.map((l) => l.variantId);
    const rows = await tx
      .select({ variant: schema.variants, title: schema.products.title })
      .from(schema.variants)
      .innerJoin(
        schema.products,
        and(eq(schema.products.shopId, schema.variants.shopId), eq(schema.products.id, schema.variants.productId)),
      )
      .where(inArray(schema.variants.id, ids));
    const byId = new Map(rows.map((r) => [r.variant.id, r]));
    const lines = input.lines.map((l, position) => {
      const row = byId.get(l.variantId);
      if (!row) throw new Error(`variant ${l.variantId} is not in shop ${shopId}`);
      const total = row.variant.priceMinor * l.quantity;
      return {
        shopId,
        position,
        productId: row.variant.productId,
        variantId: row.variant.id,
        title: row.title,
        variantTitle: row.variant.title,
        sku: row.variant.sku,
        quantity: l.quantity,
        unitPriceMinor: row.variant.priceMinor,
        totalMinor: total,
        weightGrams: (row.variant.weightGrams ?? 0) * l.quantity,
      };
    });
    const subtotal = lines.reduce((sum, l) => sum + l.totalMinor, 0);
    const shipping = input.shippingMinor ?? 800;
    const number = await nextShopNumber(tx, shopId, "order");
    const [order] = await tx
      .insert(schema.orders)
      .values({
        shopId,
        number,
        customerId: input.customerId ?? null,
        email: input.email === undefined ? "siti@example.com" : input.email,
        phone: input.phone === undefined ? "+60123456789" : input.phone,
        customerName: input.customerName ?? "Siti Rahmah",
        shippingAddress: TEST_ADDRESS,
        currency: rows[0]?.variant.currency ?? "MYR",
        subtotalMinor: subtotal,
        shippingMinor: shipping,
        totalMinor: subtotal + shipping,
        shippingMethod: "Standard (Peninsular Malaysia)",
        totalWeightGrams: lines.reduce((sum, l) => sum + l.weightGrams, 0),
        ...(input.createdAt ? { createdAt: input.createdAt, updatedAt: input.createdAt } : {}),
      })
      .returning();
    await tx.insert(schema.orderLines).values(lines.map((l) => ({ ...l, orderId: order.id })));
    if (input.paid ?? true) {
      const [payment] = await tx
        .insert(schema.payments)
        .values({
          shopId,
          orderId: order.id,
          kind: "charge",
          gateway: "payseller",
          gatewayReference: `test-${order.id}`,
          amountMinor: order.totalMinor,
          currency: order.currency,
        })
        .returning({ id: schema.payments.id });
      await markOrderPaid(tx, { shopId, orderId: order.id, paymentId: payment.id });
    }
    const [saved] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, order.id)));
    return saved;
  });
}
