/**
 * An order as the shop sees it (lines, money, payments, parcels, the timeline with who acted and
 * each message's delivery status), its internal notes, and the status moves a person makes
 * (processing, shipped, delivered, cancel). Every move goes through transitionOrder (which
 * refuses what the machine does not allow, writes the timeline and the audit log) and tells the
 * customer through the outbox (notifyOrderCustomer).
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";

import type { RequestInfo } from "~/domain/audit/audit.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { type Coded, coded, type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

import type { OrderMessageKind } from "./customer-messages";
import { notifyOrderCustomer } from "./customer-messages.server";
import { orderStatusUrl } from "./order-links.server";
import type { ManualMove } from "./order-moves";
import { orderWithLines } from "./order-reads.server";
import { canTransition, type OrderStatus } from "./order-status";
import { OrderTransitionError, transitionOrder } from "./status.server";
import { recordOrderEvent } from "./timeline.server";

export interface Actor extends RequestInfo {
  userId: string;
}

/** The customer's own page for an order (a signed link, order-links.server.ts), sent in every notification. */
export async function customerOrderUrl(tx: Tx, shopId: string, orderId: string): Promise<string> {
  const [shop] = await tx.select({ slug: schema.shops.slug }).from(schema.shops).where(eq(schema.shops.id, shopId));
  return orderStatusUrl(shop?.slug ?? "", orderId);
}

/** Tells the customer about their order, with the shop's name, the total and their order page filled in. */
export async function notifyCustomer(
  tx: Tx,
  shopId: string,
  orderId: string,
  kind: OrderMessageKind,
  extra: { tracking?: string; trackingUrl?: string; amount?: string } = {},
): Promise<string | undefined> {
  const [row] = await tx
    .select({ shopName: schema.shops.name, total: schema.orders.totalMinor, currency: schema.orders.currency })
    .from(schema.orders)
    .innerJoin(schema.shops, eq(schema.shops.id, schema.orders.shopId))
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  if (!row) return undefined;
  return notifyOrderCustomer(tx, {
    shopId,
    orderId,
    kind,
    vars: {
      shopName: row.shopName,
      total: formatMoney(row.total, row.currency),
      statusUrl: await customerOrderUrl(tx, shopId, orderId),
      ...extra,
    },
  });
}

export async function getOrderDetail(shopId: string, orderId: string) {
  if (!isUuid(orderId)) return undefined;
  return withShop(shopId, async (tx) => {
    const found = await orderWithLines(tx, shopId, orderId);
    if (!found) return undefined;
    const { order, lines } = found;
    const payments = await tx
      .select({ payment: schema.payments, actorName: schema.users.name })
      .from(schema.payments)
      .leftJoin(schema.users, eq(schema.users.id, schema.payments.actorUserId))
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, orderId)))
      .orderBy(asc(schema.payments.createdAt));
    const events = await tx
      .select({
        event: schema.orderEvents,
        actorName: schema.users.name,
        messageStatus: schema.messages.status,
        messageChannel: schema.messages.channel,
        messageError: schema.messages.error,
      })
      .from(schema.orderEvents)
      .leftJoin(schema.users, eq(schema.users.id, schema.orderEvents.actorUserId))
      .leftJoin(schema.messages, eq(schema.messages.id, schema.orderEvents.messageId))
      .where(and(eq(schema.orderEvents.shopId, shopId), eq(schema.orderEvents.orderId, orderId)))
      .orderBy(asc(schema.orderEvents.createdAt), asc(schema.orderEvents.id));
    const fulfilments = await orderFulfilments(tx, shopId, orderId);
    const [shop] = await tx
      .select({ name: schema.shops.name, slug: schema.shops.slug, timezone: schema.shops.timezone })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId));
    return {
      shop,
      order: {
        ...order,
        createdAt: order.createdAt.toISOString(),
        updatedAt: order.updatedAt.toISOString(),
        paidAt: order.paidAt?.toISOString() ?? null,
        cancelledAt: order.cancelledAt?.toISOString() ?? null,
        invoicedAt: order.invoicedAt?.toISOString() ?? null,
        expiresAt: order.expiresAt?.toISOString() ?? null,
      },
      lines,
      payments: payments.map((p) => ({
        ...p.payment,
        createdAt: p.payment.createdAt.toISOString(),
        completedAt: p.payment.completedAt?.toISOString() ?? null,
        actorName: p.actorName,
      })),
      // Events of one transaction share its timestamp: within a tie, the act, then the status change, then the message.
      events: events
        .map((e, i) => ({ e, i, rank: e.event.type === "status_changed" ? 1 : e.event.type === "notified" ? 2 : 0 }))
        .sort((x, y) => x.e.event.createdAt.getTime() - y.e.event.createdAt.getTime() || x.rank - y.rank || x.i - y.i)
        .map(({ e }) => ({
          id: e.event.id,
          type: e.event.type,
          summary: e.event.summary,
          data: e.event.data,
          createdAt: e.event.createdAt.toISOString(),
          actorName: e.actorName,
          message: e.event.messageId ? { status: e.messageStatus, channel: e.messageChannel, error: e.messageError } : null,
        })),
      fulfilments,
    };
  });
}

/**
 * The parcels of an order with their courier, tracking link and the items each carries — for the
 * admin and for the customer's order page (/s/:slug/orders/:orderId, with
 * app/ui/tracking.tsx). Runs inside the caller's withShop.
 */
export async function orderFulfilments(tx: Tx, shopId: string, orderId: string) {
  const parcels = await tx
    .select()
    .from(schema.fulfilments)
    .where(and(eq(schema.fulfilments.shopId, shopId), eq(schema.fulfilments.orderId, orderId)))
    .orderBy(asc(schema.fulfilments.createdAt));
  if (parcels.length === 0) return [];
  const items = await tx
    .select({
      fulfilmentId: schema.fulfilmentLines.fulfilmentId,
      quantity: schema.fulfilmentLines.quantity,
      title: schema.orderLines.title,
      variantTitle: schema.orderLines.variantTitle,
    })
    .from(schema.fulfilmentLines)
    .innerJoin(
      schema.orderLines,
      and(eq(schema.orderLines.shopId, schema.fulfilmentLines.shopId), eq(schema.orderLines.id, schema.fulfilmentLines.orderLineId)),
    )
    .where(
      and(
        eq(schema.fulfilmentLines.shopId, shopId),
        inArray(
          schema.fulfilmentLines.fulfilmentId,
          parcels.map((p) => p.id),
        ),
      ),
    )
    .orderBy(asc(schema.orderLines.position));
  return parcels.map((p) => ({
    id: p.id,
    carrier: p.carrier,
    carrierName: p.carrierName,
    trackingNumber: p.trackingNumber,
    trackingUrl: p.trackingUrl,
    shippedAt: p.createdAt.toISOString(),
    items: items
      .filter((i) => i.fulfilmentId === p.id)
      .map((i) => ({ title: i.title, variantTitle: i.variantTitle, quantity: i.quantity })),
  }));
}

/** The parcels of an order for the customer's order page (its access is checked by the caller). */
export function customerParcels(shopId: string, orderId: string) {
  return withShop(shopId, (tx) => orderFulfilments(tx, shopId, orderId));
}

/** A refusal the page words: a key of the orders namespace's `problems` and its facts. */
export const orderProblem = (code: string, values?: Record<string, string | number>): Coded => coded(`orders:problems.${code}`, values);
type OrderRefusal = { ok: false; errors: CodedErrors };
const refuse = (code: string, values?: Record<string, string | number>): OrderRefusal => ({
  ok: false,
  errors: { form: orderProblem(code, values) },
});

const NoteSchema = z.object({ note: z.string().trim().min(1, "noteEmpty").max(2000, "tooLong") });

/** An internal note on the order's timeline (never shown to the customer). */
export async function addOrderNote(
  shopId: string,
  orderId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<{ ok: true } | OrderRefusal | undefined> {
  const parsed = NoteSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "orders:problems.") };
  return withShop(shopId, async (tx) => {
    const [order] = await tx
      .select({ id: schema.orders.id })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
    if (!order) return undefined;
    await recordOrderEvent(tx, { shopId, orderId, type: "note", summary: parsed.data.note, actorUserId: actor.userId });
    return { ok: true as const };
  });
}

export { MANUAL_MOVES, type ManualMove } from "./order-moves";

export type MoveResult = { ok: true; to: OrderStatus } | OrderRefusal;

/**
 * Marks an order processing, shipped or delivered, and tells the customer. A refused move
 * (the machine does not allow it) changes nothing and says why.
 */
export async function moveOrder(shopId: string, orderId: string, to: ManualMove, actor: Actor): Promise<MoveResult | undefined> {
  return withShop(shopId, async (tx) => {
    const [order] = await tx
      .select({ id: schema.orders.id })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
    if (!order) return undefined;
    try {
      await transitionOrder(tx, { shopId, orderId, to, actorUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent });
    } catch (error) {
      if (error instanceof OrderTransitionError) return refuse("moveRefused", { from: error.from, to: error.to });
      throw error;
    }
    await notifyCustomer(tx, shopId, orderId, to);
    return { ok: true as const, to };
  });
}

/**
 * The order's own part of cancelling an unpaid order, inside the caller's transaction: locks it,
 * refuses a paid one (a paid order is cancelled with its refund) or a move the machine does not
 * allow, and moves it to cancelled. What it held and the customer's message are the
 * order-cancelled flow's (app/flows/order-cancelled.server.ts).
 */
export async function cancelUnpaid(
  tx: Tx,
  shopId: string,
  orderId: string,
  actor: Actor,
  reason: string | undefined,
): Promise<MoveResult | undefined> {
  const [order] = await tx
    .select({ paymentStatus: schema.orders.paymentStatus, status: schema.orders.status })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  if (!order) return undefined;
  if (order.paymentStatus !== "unpaid") return refuse("paidCancel");
  if (!canTransition(order.status, "cancelled")) {
    try {
      await transitionOrder(tx, { shopId, orderId, to: "cancelled", actorUserId: actor.userId });
    } catch (error) {
      if (error instanceof OrderTransitionError) return refuse("moveRefused", { from: error.from, to: error.to });
      throw error;
    }
  }
  await transitionOrder(tx, {
    shopId,
    orderId,
    to: "cancelled",
    actorUserId: actor.userId,
    reason: reason || undefined,
    ip: actor.ip,
    userAgent: actor.userAgent,
  });
  return { ok: true as const, to: "cancelled" as const };
}
