/**
 * A supplier's shipment becomes a fulfilment of the merchant's order (those lines only), with its
 * courier and tracking, and the customer is told "shipped" with the tracking. Own lines of a mixed
 * order are fulfilled separately by the merchant; the order's fulfilment status is computed from
 * every line, so it reads "partially fulfilled" until both parts are sent.
 */
import { and, eq, sql } from "drizzle-orm";
import { schema, type Tx } from "~db/client";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { notifyOrderCustomer } from "~/domain/orders/customer-messages.server";
import { orderStatusUrl } from "~/domain/orders/order-links.server";
import { canTransition } from "~/domain/orders/order-status";
import { transitionOrder } from "~/domain/orders/status.server";
import { recordOrderEvent } from "~/domain/orders/timeline.server";
import { CARRIER_LABELS, SUPPLIER_CARRIERS } from "./supplier-portal.server";

export async function recordSupplierShipment(
  tx: Tx,
  shopId: string,
  orderId: string,
  shipment: { carrier: string; trackingNumber: string; lines: Array<{ orderLineId: string; quantity: number }> },
): Promise<void> {
  const [order] = await tx.select().from(schema.orders).where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId))).for("update");
  if (!order) return;
  for (const l of shipment.lines) {
    await tx
      .update(schema.orderLines)
      .set({ fulfilledQuantity: sql`least(${schema.orderLines.quantity} - ${schema.orderLines.refundedQuantity}, ${schema.orderLines.fulfilledQuantity} + ${l.quantity})` })
      .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.id, l.orderLineId)));
  }
  const lines = await tx.select().from(schema.orderLines).where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)));
  const done = lines.every((l) => l.fulfilledQuantity + l.refundedQuantity >= l.quantity);
  const any = lines.some((l) => l.fulfilledQuantity > 0);
  const fulfilmentStatus = done ? "fulfilled" : any ? "partially_fulfilled" : "unfulfilled";
  await tx.update(schema.orders).set({ fulfilmentStatus, updatedAt: new Date() }).where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  const courier = (SUPPLIER_CARRIERS as readonly string[]).includes(shipment.carrier) ? CARRIER_LABELS[shipment.carrier as keyof typeof CARRIER_LABELS] : shipment.carrier;
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: "fulfilled",
    summary: `Sent by the dropshipping supplier with ${courier} ${shipment.trackingNumber}`,
    data: { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, dropship: true },
  });
  if (done && canTransition(order.status, "shipped")) await transitionOrder(tx, { shopId, orderId, to: "shipped", actorUserId: null });
  else if (!done && order.status === "paid") await transitionOrder(tx, { shopId, orderId, to: "processing", actorUserId: null });
  const [shop] = await tx.select({ name: schema.shops.name, slug: schema.shops.slug }).from(schema.shops).where(eq(schema.shops.id, shopId));
  await notifyOrderCustomer(tx, {
    shopId,
    orderId,
    kind: "shipped",
    vars: { shopName: shop.name, total: formatMoney(order.totalMinor, order.currency), statusUrl: orderStatusUrl(shop.slug, orderId), tracking: `${courier} ${shipment.trackingNumber}` },
  });
}
