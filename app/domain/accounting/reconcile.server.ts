/**
 * Reconciliation: which paid orders are in AutoCount, which are waiting and which failed (with
 * AutoCount's message), a retry per document and a bulk resync for a date range.
 */
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import type { FeatureAccess } from "~/domain/billing/plans.server";
import { schema, withShop } from "~db/client";

import { autoCountNotInPlan, loadAccountingSettings } from "./settings.server";
import { documentNumbers, queueSyncJob } from "./sync.server";

export interface ReconciliationRow {
  orderId: string;
  orderNumber: number;
  invoiceNumber: number | null;
  customerName: string;
  totalMinor: number;
  currency: string;
  createdAt: string;
  syncId: string | null;
  kind: "invoice" | "credit_note";
  docNo: string | null;
  /** null: never queued (paid before AutoCount was connected). */
  status: "pending" | "synced" | "failed" | null;
  error: string | null;
  attempts: number;
  syncedAt: string | null;
}

export interface ReconciliationView {
  connected: boolean;
  counts: { synced: number; pending: number; failed: number; unsynced: number };
  rows: ReconciliationRow[];
}

const PAID = sql`${schema.orders.paymentStatus} <> 'unpaid'`;

/** Counts, and the documents that need attention (or everything recent with `all`). */
export async function reconciliation(
  shopId: string,
  options: { show?: "attention" | "all"; limit?: number } = {},
): Promise<ReconciliationView> {
  const limit = options.limit ?? 200;
  return withShop(shopId, async (tx) => {
    const settings = await loadAccountingSettings(tx, shopId);
    const s = schema.accountingSyncs;
    const o = schema.orders;
    const [counts] = await tx
      .select({
        synced: sql<number>`count(*) filter (where ${s.status} = 'synced')::int`,
        pending: sql<number>`count(*) filter (where ${s.status} = 'pending')::int`,
        failed: sql<number>`count(*) filter (where ${s.status} = 'failed')::int`,
      })
      .from(s)
      .where(eq(s.shopId, shopId));
    const [{ unsynced }] = await tx
      .select({ unsynced: sql<number>`count(*)::int` })
      .from(o)
      .leftJoin(s, and(eq(s.shopId, o.shopId), eq(s.orderId, o.id), eq(s.kind, "invoice")))
      .where(and(eq(o.shopId, shopId), PAID, isNotNull(o.invoiceNumber), isNull(s.id)));
    const attention = options.show !== "all";
    const rows = await tx
      .select({ order: o, sync: s })
      .from(o)
      .leftJoin(s, and(eq(s.shopId, o.shopId), eq(s.orderId, o.id)))
      .where(and(eq(o.shopId, shopId), PAID, isNotNull(o.invoiceNumber), attention ? or(isNull(s.id), ne(s.status, "synced")) : undefined))
      .orderBy(desc(o.createdAt), desc(o.id))
      .limit(limit);
    return {
      connected: Boolean(settings?.enabled),
      counts: { ...counts, unsynced },
      rows: rows.map(({ order, sync }) => ({
        orderId: order.id,
        orderNumber: order.number,
        invoiceNumber: order.invoiceNumber,
        customerName: order.customerName,
        totalMinor: order.totalMinor,
        currency: order.currency,
        createdAt: order.createdAt.toISOString(),
        syncId: sync?.id ?? null,
        kind: sync?.kind ?? "invoice",
        docNo: sync?.docNo ?? (order.invoiceNumber ? documentNumbers(order.invoiceNumber).invoice : null),
        status: sync?.status ?? null,
        error: sync?.error ?? null,
        attempts: sync?.attempts ?? 0,
        syncedAt: sync?.syncedAt?.toISOString() ?? null,
      })),
    };
  });
}

type Actor = { userId: string; shopId: string };
export type ResyncOutcome = { ok: true; queued: number } | { ok: false; errors: Record<string, string>; feature?: FeatureAccess };

const NOT_CONNECTED = { ok: false as const, errors: { form: "Connect AutoCount in Settings → Accounting first." } };

/** Queues one document (or an order never queued) again. Idempotent in AutoCount: lookups first. */
export async function retrySync(
  actor: Actor,
  input: { syncId?: string; orderId?: string },
  info: RequestInfo = {},
): Promise<ResyncOutcome> {
  return withShop(actor.shopId, async (tx) => {
    const refused = await autoCountNotInPlan(tx, actor.shopId);
    if (refused) return refused;
    const settings = await loadAccountingSettings(tx, actor.shopId);
    if (!settings?.enabled) return NOT_CONNECTED;
    let syncId = input.syncId;
    if (!syncId && input.orderId) {
      const [order] = await tx
        .select({ id: schema.orders.id, invoiceNumber: schema.orders.invoiceNumber })
        .from(schema.orders)
        .where(and(eq(schema.orders.shopId, actor.shopId), eq(schema.orders.id, input.orderId), PAID));
      if (!order?.invoiceNumber) return { ok: false, errors: { form: "That order is not paid, or is not in this shop." } };
      const [row] = await tx
        .insert(schema.accountingSyncs)
        .values({ shopId: actor.shopId, orderId: order.id, kind: "invoice", ref: "", docNo: documentNumbers(order.invoiceNumber).invoice })
        .onConflictDoUpdate({
          target: [schema.accountingSyncs.shopId, schema.accountingSyncs.orderId, schema.accountingSyncs.kind, schema.accountingSyncs.ref],
          set: { updatedAt: new Date() },
        })
        .returning({ id: schema.accountingSyncs.id });
      syncId = row.id;
    }
    if (!syncId) return { ok: false, errors: { form: "Choose a document to retry." } };
    const [row] = await tx
      .update(schema.accountingSyncs)
      .set({ status: "pending", error: null, attempts: 0, updatedAt: new Date() })
      .where(
        and(
          eq(schema.accountingSyncs.shopId, actor.shopId),
          eq(schema.accountingSyncs.id, syncId),
          ne(schema.accountingSyncs.status, "synced"),
        ),
      )
      .returning({ id: schema.accountingSyncs.id, orderId: schema.accountingSyncs.orderId });
    if (!row) return { ok: false, errors: { form: "That document is already in AutoCount, or is not in this shop." } };
    await queueSyncJob(tx, actor.shopId, row.id);
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "accounting.sync_retried",
      targetType: "order",
      targetId: row.orderId,
      ...info,
    });
    return { ok: true, queued: 1 };
  });
}

/** Most documents one resync queues (AutoCount allows about 100 requests a minute). */
export const RESYNC_MAX = 2_000;

/**
 * Queues every paid order created in [from, to] (dates in the shop's time zone) that is not in
 * AutoCount yet, and every failed credit note of those orders. Documents already booked are
 * left alone; even if queued again they would be found by their docNo, never written twice.
 */
export async function resyncRange(actor: Actor, raw: { from?: string; to?: string }, info: RequestInfo = {}): Promise<ResyncOutcome> {
  const errors: Record<string, string> = {};
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!raw.from || !date.test(raw.from)) errors.from = "Enter the first day, e.g. 2026-12-01.";
  if (!raw.to || !date.test(raw.to)) errors.to = "Enter the last day, e.g. 2026-12-31.";
  if (!errors.from && !errors.to && raw.from! > raw.to!) errors.to = "The last day must not be before the first.";
  if (Object.keys(errors).length) return { ok: false, errors };
  return withShop(actor.shopId, async (tx) => {
    const refused = await autoCountNotInPlan(tx, actor.shopId);
    if (refused) return refused;
    const settings = await loadAccountingSettings(tx, actor.shopId);
    if (!settings?.enabled) return NOT_CONNECTED;
    const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, actor.shopId));
    const tz = shop.timezone;
    const o = schema.orders;
    const s = schema.accountingSyncs;
    const start = sql`(${raw.from}::date::timestamp at time zone ${tz})`;
    const end = sql`((${raw.to}::date + 1)::timestamp at time zone ${tz})`;
    const orders = await tx
      .select({ id: o.id, invoiceNumber: o.invoiceNumber })
      .from(o)
      .leftJoin(s, and(eq(s.shopId, o.shopId), eq(s.orderId, o.id), eq(s.kind, "invoice")))
      .where(
        and(
          eq(o.shopId, actor.shopId),
          PAID,
          isNotNull(o.invoiceNumber),
          gte(o.createdAt, start),
          lt(o.createdAt, end),
          or(isNull(s.id), ne(s.status, "synced")),
        ),
      )
      .orderBy(o.createdAt)
      .limit(RESYNC_MAX);
    let queued = 0;
    for (const order of orders) {
      const [row] = await tx
        .insert(s)
        .values({ shopId: actor.shopId, orderId: order.id, kind: "invoice", ref: "", docNo: documentNumbers(order.invoiceNumber!).invoice })
        .onConflictDoUpdate({
          target: [s.shopId, s.orderId, s.kind, s.ref],
          set: { status: "pending", error: null, attempts: 0, updatedAt: new Date() },
        })
        .returning({ id: s.id });
      await queueSyncJob(tx, actor.shopId, row.id);
      queued++;
    }
    const failedNotes = await tx
      .update(s)
      .set({ status: "pending", error: null, attempts: 0, updatedAt: new Date() })
      .where(
        and(
          eq(s.shopId, actor.shopId),
          eq(s.kind, "credit_note"),
          eq(s.status, "failed"),
          inArray(
            s.orderId,
            tx
              .select({ id: o.id })
              .from(o)
              .where(and(eq(o.shopId, actor.shopId), gte(o.createdAt, start), lt(o.createdAt, end))),
          ),
        ),
      )
      .returning({ id: s.id });
    for (const note of failedNotes) {
      await queueSyncJob(tx, actor.shopId, note.id);
      queued++;
    }
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "accounting.resync",
      after: { from: raw.from, to: raw.to, queued },
      ...info,
    });
    return { ok: true, queued };
  });
}
