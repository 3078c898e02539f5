/**
 * NetShop's invoices to shops. Numbers are gapless for the whole platform per calendar year
 * (NSB-2026-000001): the counter row is taken in the transaction that inserts the invoice, so a
 * rolled-back issue gives its number back. Issuing is idempotent by key (a double-clicked upgrade,
 * a renewal job run twice): the same key returns the same invoice and takes no number.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";

import { config, publicUrl } from "~/config.server";
import { schema, type Tx } from "~db/client";
import type { BillingInterval, BillTo, InvoiceLine } from "~db/schema/billing";

import { sstOf } from "./periods";
import { shopOwner } from "./subscriptions.server";

export type PlatformInvoice = typeof schema.platformInvoices.$inferSelect;

/** The next number of the platform's invoice series for `year`. */
async function nextInvoiceNumber(tx: Tx, year: number): Promise<string> {
  const series = `NSB-${year}`;
  const [row] = await tx
    .insert(schema.platformCounters)
    .values({ series, value: 1 })
    .onConflictDoUpdate({ target: schema.platformCounters.series, set: { value: sql`${schema.platformCounters.value} + 1` } })
    .returning({ value: schema.platformCounters.value });
  return `${series}-${String(row.value).padStart(6, "0")}`;
}

/** The SST the platform charges now: 0 unless it is registered (SST_REGISTRATION_NUMBER). */
export function platformSst(): { rateBp: number; registration: string | null } {
  const env = config();
  return env.SST_REGISTRATION_NUMBER
    ? { rateBp: Math.round(env.SST_RATE_PERCENT * 100), registration: env.SST_REGISTRATION_NUMBER }
    : { rateBp: 0, registration: null };
}

async function billTo(tx: Tx, shopId: string): Promise<BillTo> {
  const [shop] = await tx
    .select({
      name: schema.shops.name,
      companyName: schema.shops.companyName,
      registrationNumber: schema.shops.registrationNumber,
      companyAddress: schema.shops.companyAddress,
    })
    .from(schema.shops)
    .where(eq(schema.shops.id, shopId));
  const owner = await shopOwner(tx, shopId);
  return {
    name: shop.companyName ?? shop.name,
    registrationNumber: shop.registrationNumber,
    address: shop.companyAddress,
    email: owner?.email ?? "",
  };
}

export interface IssueInput {
  kind: PlatformInvoice["kind"];
  idempotencyKey: string;
  lines: InvoiceLine[];
  planId?: string;
  interval?: BillingInterval;
  period?: { start: Date; end: Date };
  dueAt: Date;
  now: Date;
}

/** Issues an invoice once per key; `created` is false when the key had one already. */
export async function issueInvoice(tx: Tx, shopId: string, input: IssueInput): Promise<{ invoice: PlatformInvoice; created: boolean }> {
  // Serialise issues of one key: the second waits, then finds the first's invoice (and takes no number).
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`platform-invoice:${shopId}:${input.idempotencyKey}`}, 0))`);
  const [existing] = await tx
    .select()
    .from(schema.platformInvoices)
    .where(and(eq(schema.platformInvoices.shopId, shopId), eq(schema.platformInvoices.idempotencyKey, input.idempotencyKey)));
  if (existing) return { invoice: existing, created: false };
  const subtotal = input.lines.reduce((sum, l) => sum + l.amountMinor, 0);
  const sst = platformSst();
  const sstMinor = sstOf(subtotal, sst.rateBp);
  const year = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kuala_Lumpur", year: "numeric" }).format(input.now));
  const [invoice] = await tx
    .insert(schema.platformInvoices)
    .values({
      shopId,
      number: await nextInvoiceNumber(tx, year),
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      planId: input.planId,
      interval: input.interval,
      periodStart: input.period?.start,
      periodEnd: input.period?.end,
      lines: input.lines,
      subtotalMinor: subtotal,
      sstRateBp: sst.rateBp,
      sstMinor,
      totalMinor: subtotal + sstMinor,
      currency: "MYR",
      sstRegistration: sst.registration,
      billTo: await billTo(tx, shopId),
      issuedAt: input.now,
      dueAt: input.dueAt,
    })
    .returning();
  return { invoice, created: true };
}

export async function invoiceById(tx: Tx, shopId: string, invoiceId: string): Promise<PlatformInvoice | undefined> {
  const [row] = await tx
    .select()
    .from(schema.platformInvoices)
    .where(and(eq(schema.platformInvoices.shopId, shopId), eq(schema.platformInvoices.id, invoiceId)));
  return row;
}

export async function lockInvoice(tx: Tx, shopId: string, invoiceId: string): Promise<PlatformInvoice | undefined> {
  const [row] = await tx
    .select()
    .from(schema.platformInvoices)
    .where(and(eq(schema.platformInvoices.shopId, shopId), eq(schema.platformInvoices.id, invoiceId)))
    .for("update");
  return row;
}

export async function invoiceByReference(tx: Tx, shopId: string, gateway: string, reference: string): Promise<PlatformInvoice | undefined> {
  const [row] = await tx
    .select()
    .from(schema.platformInvoices)
    .where(
      and(
        eq(schema.platformInvoices.shopId, shopId),
        eq(schema.platformInvoices.gateway, gateway),
        eq(schema.platformInvoices.gatewayReference, reference),
      ),
    );
  return row;
}

export async function listInvoices(tx: Tx, shopId: string, limit = 100): Promise<PlatformInvoice[]> {
  return tx
    .select()
    .from(schema.platformInvoices)
    .where(eq(schema.platformInvoices.shopId, shopId))
    .orderBy(desc(schema.platformInvoices.issuedAt), desc(schema.platformInvoices.number))
    .limit(limit);
}

/** Withdraws open invoices of these kinds (a plan change replaces an earlier unpaid one). */
export async function voidOpenInvoices(tx: Tx, shopId: string, kinds: PlatformInvoice["kind"][], exceptId?: string): Promise<string[]> {
  const rows = await tx
    .update(schema.platformInvoices)
    .set({ status: "void" })
    .where(
      and(
        eq(schema.platformInvoices.shopId, shopId),
        eq(schema.platformInvoices.status, "open"),
        inArray(schema.platformInvoices.kind, kinds),
        exceptId ? sql`${schema.platformInvoices.id} <> ${exceptId}` : sql`true`,
      ),
    )
    .returning({ id: schema.platformInvoices.id });
  return rows.map((r) => r.id);
}

/** Records a dunning message once; false when it was sent already. */
export async function claimReminder(tx: Tx, shopId: string, invoiceId: string, key: string): Promise<boolean> {
  const rows = await tx
    .update(schema.platformInvoices)
    .set({ remindersSent: sql`array_append(${schema.platformInvoices.remindersSent}, ${key})` })
    .where(
      and(
        eq(schema.platformInvoices.shopId, shopId),
        eq(schema.platformInvoices.id, invoiceId),
        sql`not (${key} = any(${schema.platformInvoices.remindersSent}))`,
      ),
    )
    .returning({ id: schema.platformInvoices.id });
  return rows.length > 0;
}

/** The owner's link to an invoice (view and pay), for messages. */
export function invoiceLink(invoiceId: string): string {
  return `${publicUrl()}/admin/billing/invoices/${invoiceId}`;
}

/** A payment of the invoice that failed, for the operators' list (once per gateway event). */
export async function recordPaymentFailure(
  tx: Tx,
  invoice: PlatformInvoice,
  failure: {
    gateway: string;
    gatewayReference: string;
    eventId: string;
    kind: "mismatch" | "failed" | "cancelled";
    field?: string;
    expected?: string;
    actual?: string;
  },
): Promise<void> {
  await tx
    .insert(schema.platformPaymentFailures)
    .values({ shopId: invoice.shopId, invoiceId: invoice.id, ...failure })
    .onConflictDoNothing();
}
