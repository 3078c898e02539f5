/**
 * Back from the supplier, the dropship area's part: the supplier's order as the supplier has it,
 * and the merchant's forward brought in step with it — status, courier and tracking, lines the
 * supplier rejected (an alert, the timeline, the owner told, what the wallet paid for them).
 * Turning a shipment into a fulfilment of the merchant's order is the supplier-shipment flow's
 * (app/flows/supplier-shipment.server.ts).
 */
import { and, eq, sql } from "drizzle-orm";

import { recordOrderEvent } from "~/domain/orders/timeline.server";
import { schema, type Tx } from "~db/client";

import { alertOwner, ownerNotices } from "./import.server";

export type SupplierOrderSide = NonNullable<Awaited<ReturnType<typeof readSupplierOrder>>>;

/** The supplier's order and its lines, under the supplier's tenant; undefined when it does not exist. */
export async function readSupplierOrder(tx: Tx, supplierOrderId: string) {
  const [order] = await tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.id, supplierOrderId));
  if (!order) return undefined;
  const lines = await tx.select().from(schema.supplierOrderLines).where(eq(schema.supplierOrderLines.supplierOrderId, supplierOrderId));
  return { order, lines };
}

export interface ForwardChange {
  /** The merchant's order the forward belongs to. */
  orderId: string;
  /** The supplier shipped, and the merchant's order has not heard of it yet. */
  shipment: { carrier: string; trackingNumber: string; lines: Array<{ orderLineId: string; quantity: number }> } | null;
  /** What the wallet paid for newly rejected lines and must get back (0 when nothing). */
  walletRefundMinor: number;
}

/**
 * Brings the merchant's forward in step with the supplier's order, inside the merchant's
 * transaction (the forward row is locked). Idempotent: the forward remembers what was already
 * done (fulfilled_at, rejected_lines, refund entries). Null when there is no such forward of this
 * supplier.
 */
export async function applySupplierOrderChange(
  tx: Tx,
  merchantShopId: string,
  supplierShopId: string,
  supplierSide: SupplierOrderSide,
): Promise<ForwardChange | undefined> {
  const { order: o, lines } = supplierSide;
  let refund = 0;
  const [forward] = await tx.select().from(schema.dropshipForwards).where(eq(schema.dropshipForwards.id, o.id)).for("update");
  if (!forward || forward.supplierShopId !== supplierShopId) return undefined;
  const [order] = await tx
    .select({ number: schema.orders.number })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, merchantShopId), eq(schema.orders.id, forward.orderId)));
  const rejected = lines.filter((l) => l.status === "rejected");
  if (rejected.length > forward.rejectedLines) {
    const fresh = rejected.length - forward.rejectedLines;
    const titles = rejected
      .map((l) => `${l.quantity} × ${l.title}${l.variantTitle && l.variantTitle !== "Default" ? ` (${l.variantTitle})` : ""}`)
      .join(", ");
    const t = await ownerNotices(tx, merchantShopId);
    const message = t(fresh === 1 ? "dropship.rejectedOne" : "dropship.rejected", {
      number: order.number,
      items: titles,
      reason: rejected[0].rejectReason ?? t("dropship.outOfStock"),
    });
    await tx.insert(schema.dropshipAlerts).values({ shopId: merchantShopId, kind: "rejected", message, orderId: forward.orderId });
    await recordOrderEvent(tx, {
      shopId: merchantShopId,
      orderId: forward.orderId,
      type: "dropship_rejected",
      summary: `Supplier rejected: ${titles}`,
      wording: { key: "dropshipRejected", values: { items: titles } },
      data: { forwardId: forward.id },
    });
    await alertOwner(tx, merchantShopId, "dropship.rejected", message);
    if (forward.payment === "wallet") {
      const [{ refunded }] = await tx
        .select({ refunded: sql<number>`coalesce(sum(${schema.dropshipWalletEntries.amountMinor}), 0)::bigint` })
        .from(schema.dropshipWalletEntries)
        .where(and(eq(schema.dropshipWalletEntries.forwardId, forward.id), eq(schema.dropshipWalletEntries.kind, "refund")));
      refund = rejected.reduce((s, l) => s + l.unitCostMinor * l.quantity, 0) - Number(refunded);
    }
  }
  const shipped = o.status === "shipped" && !forward.fulfilledAt;
  await tx
    .update(schema.dropshipForwards)
    .set({
      status: o.status,
      carrier: o.carrier,
      trackingNumber: o.trackingNumber,
      rejectedLines: rejected.length,
      fulfilledAt: shipped ? new Date() : forward.fulfilledAt,
      updatedAt: new Date(),
    })
    .where(eq(schema.dropshipForwards.id, forward.id));
  return {
    orderId: forward.orderId,
    shipment: shipped
      ? {
          carrier: o.carrier ?? "other",
          trackingNumber: o.trackingNumber ?? "",
          lines: lines.filter((l) => l.status === "shipped").map((l) => ({ orderLineId: l.merchantLineId, quantity: l.quantity })),
        }
      : null,
    walletRefundMinor: refund,
  };
}
