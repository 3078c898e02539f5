/**
 * A supplier's shipment becomes a fulfilment of the merchant's order — the orders area's own
 * fulfilments/fulfilment_lines rows, with courier, tracking number and tracking link (so the
 * admin order page and the customer's order page show the parcel like any other) — for those
 * lines only, and the customer is told "shipped" with the tracking (notifyCustomer of the orders
 * area). Own lines of a mixed order are fulfilled separately by the merchant; the order's
 * fulfilment status is computed from every line, so it reads "partially fulfilled" until both
 * parts are sent. Runs in the caller's merchant transaction (the forward's fulfilled_at makes it once).
 */
import { and, eq, sql } from "drizzle-orm";
import { schema, type Tx } from "~db/client";
import { CARRIERS, carrierLabel, normaliseTracking, trackingUrl, type Carrier } from "~/domain/orders/carriers";
import { notifyCustomer } from "~/domain/orders/order-admin.server";
import { canTransition } from "~/domain/orders/order-status";
import { transitionOrder } from "~/domain/orders/status.server";
import { recordOrderEvent } from "~/domain/orders/timeline.server";

export async function recordSupplierShipment(
  tx: Tx,
  shopId: string,
  orderId: string,
  shipment: { carrier: string; trackingNumber: string; lines: Array<{ orderLineId: string; quantity: number }> },
): Promise<void> {
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  if (!order) return;
  if (order.status === "cancelled" || order.status === "refunded") {
    // The supplier shipped before it heard of the cancellation: the merchant sees it, the customer is not told.
    await recordOrderEvent(tx, {
      shopId,
      orderId,
      type: "dropship_shipped_after_cancel",
      summary: `The supplier shipped with ${shipment.carrier} ${shipment.trackingNumber} although the order was ${order.status}`,
      data: { ...shipment },
    });
    return;
  }
  const carrier: Carrier = (CARRIERS as readonly string[]).includes(shipment.carrier) ? (shipment.carrier as Carrier) : "other";
  const number = normaliseTracking(shipment.trackingNumber);
  const url = trackingUrl(carrier, number);
  const [parcel] = await tx
    .insert(schema.fulfilments)
    .values({
      shopId,
      orderId,
      carrier,
      carrierName: carrier === "other" ? "Supplier's courier" : null,
      trackingNumber: number,
      trackingUrl: url,
      actorUserId: null,
    })
    .returning({ id: schema.fulfilments.id });
  for (const l of shipment.lines) {
    const [line] = await tx
      .update(schema.orderLines)
      .set({
        fulfilledQuantity: sql`least(${schema.orderLines.quantity} - ${schema.orderLines.refundedQuantity}, ${schema.orderLines.fulfilledQuantity} + ${l.quantity})`,
      })
      .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.id, l.orderLineId)))
      .returning({ id: schema.orderLines.id });
    if (line)
      await tx.insert(schema.fulfilmentLines).values({ shopId, fulfilmentId: parcel.id, orderLineId: line.id, quantity: l.quantity });
  }
  const lines = await tx
    .select()
    .from(schema.orderLines)
    .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)));
  const done = lines.every((l) => l.fulfilledQuantity + l.refundedQuantity >= l.quantity);
  const any = lines.some((l) => l.fulfilledQuantity > 0);
  const fulfilmentStatus = done ? "fulfilled" : any ? "partially_fulfilled" : "unfulfilled";
  await tx
    .update(schema.orders)
    .set({ fulfilmentStatus, updatedAt: new Date() })
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  const courier = carrierLabel(carrier, carrier === "other" ? "Supplier's courier" : null);
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: "fulfilled",
    summary: `Sent by the dropshipping supplier with ${courier} ${number}`,
    data: { fulfilmentId: parcel.id, carrier, trackingNumber: number, trackingUrl: url, dropship: true },
  });
  if (done && canTransition(order.status, "shipped"))
    await transitionOrder(tx, { shopId, orderId, to: "shipped", actorUserId: null, data: { fulfilmentId: parcel.id } });
  else if (!done && order.status === "paid") await transitionOrder(tx, { shopId, orderId, to: "processing", actorUserId: null });
  await notifyCustomer(tx, shopId, orderId, "shipped", { tracking: `${courier} ${number}`, trackingUrl: url ?? undefined });
}
