/**
 * Fulfilment: a parcel carries some quantity of some lines (partial fulfilment by line), with
 * its courier and tracking number (checked against the courier's format where known) and a
 * tracking link. The order's fulfilment_status follows its lines; the parcel that completes the
 * order marks it shipped; every parcel tells the customer with its tracking.
 */
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";

import { audit } from "~/domain/audit/audit.server";
import { type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { schema, type Tx, withShop } from "~db/client";

import { type Carrier, carrierLabel, CARRIERS, normaliseTracking, trackingRefusal, trackingUrl } from "./carriers";
import { type Actor, notifyCustomer, orderProblem } from "./order-admin.server";
import { canTransition } from "./order-status";
import { transitionOrder } from "./status.server";
import { recordOrderEvent } from "./timeline.server";

const FulfilSchema = z
  .object({
    carrier: z.enum(CARRIERS, { error: "chooseCourier" }),
    carrierName: z.string().trim().max(80, "tooLong").optional().default(""),
    trackingNumber: z.string().trim().max(60, "tooLong").optional().default(""),
  })
  .superRefine((v, ctx) => {
    if (v.carrier === "other" && !v.carrierName) ctx.addIssue({ code: "custom", path: ["carrierName"], message: "nameCourier" });
    if (v.carrier !== "other" && !v.trackingNumber) ctx.addIssue({ code: "custom", path: ["trackingNumber"], message: "trackingEmpty" });
    const problem = trackingRefusal(v.carrier, v.trackingNumber);
    if (problem) ctx.addIssue({ code: "custom", path: ["trackingNumber"], message: problem.code, params: problem.values });
  });

export type FulfilResult = { ok: true; fulfilmentId: string; fulfilmentStatus: string } | { ok: false; errors: CodedErrors };

/**
 * Records a parcel. `quantities` maps order line id → quantity in this parcel (read from the
 * form's `qty_<lineId>` fields); lines not given ship nothing. Returns undefined when the order
 * is not this shop's.
 */
export async function fulfilOrder(
  shopId: string,
  orderId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<FulfilResult | undefined> {
  const parsed = FulfilSchema.safeParse(form);
  const errors: CodedErrors = parsed.success ? {} : codedFieldErrors(parsed.error, "orders:problems.");
  const quantities = new Map<string, number>();
  for (const [key, value] of Object.entries(form)) {
    if (!key.startsWith("qty_")) continue;
    const text = String(value ?? "").trim();
    if (text === "" || text === "0") continue;
    if (!/^\d{1,6}$/.test(text)) {
      errors[key] = orderProblem("wholeNumber");
      continue;
    }
    quantities.set(key.slice(4), Number(text));
  }
  return withShop(shopId, async (tx) => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
      .for("update");
    if (!order) return undefined;
    if (order.paymentStatus === "unpaid") return { ok: false as const, errors: { form: orderProblem("unpaidFulfil") } };
    if (["cancelled", "refunded", "delivered"].includes(order.status))
      return { ok: false as const, errors: { form: orderProblem("nothingToSend", { status: order.status }) } };
    const lines = await tx
      .select()
      .from(schema.orderLines)
      .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)));
    for (const [lineId, qty] of quantities) {
      const line = lines.find((l) => l.id === lineId);
      if (!line) {
        errors.form = orderProblem("notOnOrder");
        continue;
      }
      const open = line.quantity - line.fulfilledQuantity - line.refundedQuantity;
      if (qty > open) errors[`qty_${lineId}`] = open === 0 ? orderProblem("lineSent") : orderProblem("atMostSend", { count: open });
    }
    if (quantities.size === 0 && !errors.form) errors.form = orderProblem("choosePacked");
    if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false as const, errors };

    const { carrier, carrierName } = parsed.data;
    // An unticked box sends nothing: the form says it was there (notifyField); callers without it notify.
    const notify = form.notify === undefined ? form.notifyField !== "1" : ["on", "true", true].includes(form.notify as string);
    const number = parsed.data.trackingNumber ? normaliseTracking(parsed.data.trackingNumber) : null;
    const url = trackingUrl(carrier as Carrier, number);
    const [parcel] = await tx
      .insert(schema.fulfilments)
      .values({
        shopId,
        orderId,
        carrier,
        carrierName: carrier === "other" ? carrierName : null,
        trackingNumber: number,
        trackingUrl: url,
        actorUserId: actor.userId,
      })
      .returning({ id: schema.fulfilments.id });
    for (const [lineId, qty] of quantities) {
      await tx.insert(schema.fulfilmentLines).values({ shopId, fulfilmentId: parcel.id, orderLineId: lineId, quantity: qty });
      await tx
        .update(schema.orderLines)
        .set({ fulfilledQuantity: sql`${schema.orderLines.fulfilledQuantity} + ${qty}` })
        .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.id, lineId)));
    }
    const after = lines.map((l) => ({ ...l, fulfilledQuantity: l.fulfilledQuantity + (quantities.get(l.id) ?? 0) }));
    const done = after.every((l) => l.fulfilledQuantity + l.refundedQuantity >= l.quantity);
    const fulfilmentStatus = done ? "fulfilled" : "partially_fulfilled";
    await tx
      .update(schema.orders)
      .set({ fulfilmentStatus, updatedAt: new Date() })
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));

    const courier = carrierLabel(carrier, carrierName);
    const items = [...quantities].map(([id, q]) => {
      const l = lines.find((x) => x.id === id)!;
      return `${q} × ${l.title}${l.variantTitle ? ` (${l.variantTitle})` : ""}`;
    });
    await recordOrderEvent(tx, {
      shopId,
      orderId,
      type: "fulfilled",
      summary: `${done ? "Sent" : "Sent in part"} by ${courier}${number ? ` ${number}` : ""}: ${items.join(", ")}`,
      wording: { key: "fulfilled", values: { part: !done, courier, number: number || null, items: items.join(", ") } },
      data: { fulfilmentId: parcel.id, carrier, trackingNumber: number, trackingUrl: url },
      actorUserId: actor.userId,
    });
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "order.fulfilled",
      targetType: "order",
      targetId: orderId,
      after: { fulfilmentId: parcel.id, carrier, trackingNumber: number, fulfilmentStatus },
      ip: actor.ip,
      userAgent: actor.userAgent,
    });

    if (done && canTransition(order.status, "shipped")) {
      await transitionOrder(tx, {
        shopId,
        orderId,
        to: "shipped",
        actorUserId: actor.userId,
        ip: actor.ip,
        userAgent: actor.userAgent,
        data: { fulfilmentId: parcel.id },
      });
    } else if (!done && order.status === "paid") {
      await transitionOrder(tx, { shopId, orderId, to: "processing", actorUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent });
    }
    if (notify)
      await notifyCustomer(
        tx,
        shopId,
        orderId,
        "shipped",
        number ? { tracking: `${courier} ${number}`, trackingUrl: url ?? undefined } : {},
      );
    return { ok: true as const, fulfilmentId: parcel.id, fulfilmentStatus };
  });
}

/**
 * A dropshipping supplier's shipment becomes a fulfilment of the merchant's order (the
 * supplier-shipment flow calls this) — fulfilments/fulfilment_lines rows like the merchant's own, with courier, tracking number and tracking link (so the
 * admin order page and the customer's order page show the parcel like any other) — for those
 * lines only, and the customer is told "shipped" with the tracking (notifyCustomer). Own lines of a mixed order are fulfilled separately by the merchant; the order's
 * fulfilment status is computed from every line, so it reads "partially fulfilled" until both
 * parts are sent. Runs in the caller's merchant transaction (the forward's fulfilled_at makes it once).
 */
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
      wording: { key: "dropshipAfterCancel", values: { courier: shipment.carrier, number: shipment.trackingNumber, status: order.status } },
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
    wording: { key: "fulfilledDropship", values: { courier, number } },
    data: { fulfilmentId: parcel.id, carrier, trackingNumber: number, trackingUrl: url, dropship: true },
  });
  if (done && canTransition(order.status, "shipped"))
    await transitionOrder(tx, { shopId, orderId, to: "shipped", actorUserId: null, data: { fulfilmentId: parcel.id } });
  else if (!done && order.status === "paid") await transitionOrder(tx, { shopId, orderId, to: "processing", actorUserId: null });
  await notifyCustomer(tx, shopId, orderId, "shipped", { tracking: `${courier} ${number}`, trackingUrl: url ?? undefined });
}
