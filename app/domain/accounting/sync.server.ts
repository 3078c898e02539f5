/**
 * Paid orders and refunds to AutoCount, through the outbox and the `accounting` queue.
 *
 * A paid order is one `accounting_syncs` row (kind invoice) whose job books, in order: the
 * debtor (upserted), the sales invoice (docNo from our invoice number), a receipt (OR) for the
 * money received and a knock-off applying the receipt to the invoice. A refund is a row of kind
 * credit_note: a credit note against the invoice, a payment voucher (PV) for the money paid back
 * and a knock-off between them. Document numbers are fixed when the row is made.
 *
 * Idempotent step by step: every document is looked up by its docNo before it is written; a
 * write whose outcome is unknown (timeout, 5xx) is resolved by looking it up again, never
 * retried blindly. A 429 delays the job until AutoCount's window resets (RetryLater, which uses
 * no attempt); other transient failures retry with the queue's exponential backoff; a refusal
 * (bad keys, master data) fails the row at once with AutoCount's message, for the admin to fix
 * and retry. Only invoice, payment and customer data are sent.
 *
 * Over ~400 lines because it is one protocol: the AutoCount sync of an order (invoice, payment,
 * customer) with its look-up-before-retry steps, which read in order only together.
 */
import { createHash } from "node:crypto";

import { and, asc, eq, sql } from "drizzle-orm";

import { type FeatureAccess, featureAccess, planAllows } from "~/domain/billing/plans.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { recordOrderEvent } from "~/domain/orders/timeline.server";
import {
  AutoCountClient,
  type AutoCountDocumentType,
  AutoCountError,
  AutoCountUnknownOutcomeError,
  type DocumentLine,
  toAutoCountDate,
} from "~/integrations/autocount.server";
import { schema, type Tx, withShop } from "~db/client";

import { type AccountingSettingsRow, clientSettingsFor, loadAccountingSettings } from "./settings.server";

export type SyncRow = typeof schema.accountingSyncs.$inferSelect;

/** Our document numbers in AutoCount, all derived from the order's tax invoice number. */
export function documentNumbers(invoiceNumber: number) {
  const n = String(invoiceNumber).padStart(6, "0");
  return { invoice: `NS-I${n}`, receipt: `NS-R${n}`, knockOff: `NS-K${n}` };
}

/** A refund's documents: the n-th refund of the order. */
export function refundDocumentNumbers(invoiceNumber: number, refundSeq: number) {
  const n = String(invoiceNumber).padStart(6, "0");
  return { creditNote: `NS-C${n}-${refundSeq}`, voucher: `NS-P${n}-${refundSeq}`, knockOff: `NS-Q${n}-${refundSeq}` };
}

async function connected(tx: Tx, shopId: string): Promise<AccountingSettingsRow | undefined> {
  const settings = await loadAccountingSettings(tx, shopId);
  return settings?.enabled ? settings : undefined;
}

/**
 * Whether new documents are queued: connected and enabled, and the shop's plan has AutoCount sync
 * (after a downgrade paid orders show as unsynced on /admin/accounting; resync them after upgrading).
 */
async function syncing(tx: Tx, shopId: string): Promise<boolean> {
  return Boolean(await connected(tx, shopId)) && (await planAllows(tx, shopId, "autocountSync"));
}

/** Queues the AutoCount job of one accounting_syncs row, to run once `tx` commits. */
export async function queueSyncJob(tx: Tx, shopId: string, syncId: string): Promise<void> {
  await enqueueAfterCommit(tx, { queue: "accounting", name: "sync", payload: { shopId, syncId }, shopId });
}

/**
 * Called by markOrderPaid in the paying transaction: when the shop syncs to AutoCount, records
 * the invoice as pending and queues its job. Shops that are not connected get nothing (their
 * paid orders show as unsynced on /admin/accounting and can be resynced after connecting).
 */
export async function queueInvoiceSync(tx: Tx, input: { shopId: string; orderId: string; invoiceNumber: number }): Promise<string | null> {
  if (!(await syncing(tx, input.shopId))) return null;
  return upsertInvoiceSync(tx, input);
}

async function upsertInvoiceSync(
  tx: Tx,
  input: { shopId: string; orderId: string; invoiceNumber: number },
  reset = false,
): Promise<string> {
  const [row] = await tx
    .insert(schema.accountingSyncs)
    .values({ shopId: input.shopId, orderId: input.orderId, kind: "invoice", ref: "", docNo: documentNumbers(input.invoiceNumber).invoice })
    .onConflictDoUpdate({
      target: [schema.accountingSyncs.shopId, schema.accountingSyncs.orderId, schema.accountingSyncs.kind, schema.accountingSyncs.ref],
      set: reset ? { status: "pending", error: null, updatedAt: new Date() } : { updatedAt: sql`${schema.accountingSyncs.updatedAt}` },
    })
    .returning({ id: schema.accountingSyncs.id });
  await queueSyncJob(tx, input.shopId, row.id);
  return row.id;
}

/**
 * THE refund hook: call it in the transaction that records a succeeded refund (a payments row of
 * kind "refund"). Queues a credit note for it when the shop syncs to AutoCount; idempotent per
 * refund payment.
 */
export async function queueRefundSync(tx: Tx, input: { shopId: string; orderId: string; paymentId: string }): Promise<string | null> {
  if (!(await syncing(tx, input.shopId))) return null;
  const [order] = await tx
    .select({ invoiceNumber: schema.orders.invoiceNumber })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, input.shopId), eq(schema.orders.id, input.orderId)));
  if (!order?.invoiceNumber) return null;
  const [existing] = await tx
    .select({ id: schema.accountingSyncs.id })
    .from(schema.accountingSyncs)
    .where(
      and(
        eq(schema.accountingSyncs.shopId, input.shopId),
        eq(schema.accountingSyncs.orderId, input.orderId),
        eq(schema.accountingSyncs.kind, "credit_note"),
        eq(schema.accountingSyncs.ref, input.paymentId),
      ),
    );
  if (existing) return existing.id;
  // Lock the order's rows so two refunds recorded at once take different numbers.
  await tx.execute(sql`select 1 from ${schema.orders} where shop_id = ${input.shopId} and id = ${input.orderId} for update`);
  const [{ count }] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(schema.accountingSyncs)
    .where(
      and(
        eq(schema.accountingSyncs.shopId, input.shopId),
        eq(schema.accountingSyncs.orderId, input.orderId),
        eq(schema.accountingSyncs.kind, "credit_note"),
      ),
    );
  const [row] = await tx
    .insert(schema.accountingSyncs)
    .values({
      shopId: input.shopId,
      orderId: input.orderId,
      kind: "credit_note",
      ref: input.paymentId,
      paymentId: input.paymentId,
      docNo: refundDocumentNumbers(order.invoiceNumber, count + 1).creditNote,
    })
    .returning({ id: schema.accountingSyncs.id });
  await queueSyncJob(tx, input.shopId, row.id);
  return row.id;
}

// --- The job -------------------------------------------------------------------------------------

interface SyncContext {
  row: SyncRow;
  settings: AccountingSettingsRow;
  timezone: string;
  order: typeof schema.orders.$inferSelect;
  lines: (typeof schema.orderLines.$inferSelect)[];
  charge?: typeof schema.payments.$inferSelect;
  refund?: typeof schema.payments.$inferSelect;
  invoiceRow?: SyncRow;
}

export interface RunSyncOptions {
  /** 1-based attempt number and the queue's maximum: the last attempt fails the row. */
  attempt?: number;
  maxAttempts?: number;
  /** Re-check a synced row against AutoCount (creates nothing twice). */
  force?: boolean;
  /** Client timeouts (tests shorten the write timeout to meet the sandbox's delay switch). */
  writeTimeoutMs?: number;
}

class NotConfirmed extends Error {}

export async function runSync(payload: { shopId: string; syncId: string }, options: RunSyncOptions = {}): Promise<{ status: string }> {
  const ctx = await withShop(payload.shopId, (tx) => loadContext(tx, payload.shopId, payload.syncId));
  if (!ctx) return { status: "gone" };
  if (ctx.row.status === "synced" && !options.force) return { status: "synced" };
  // A plan without AutoCount sync (a downgrade after the job was queued): the row records why it
  // was skipped and the job ends without retrying; the same state however often it runs. Retry
  // or resync on /admin/accounting after upgrading.
  const access = await withShop(payload.shopId, (tx) => featureAccess(tx, payload.shopId, "autocountSync"));
  if (!access.allowed) {
    await setStatus(payload.shopId, payload.syncId, { status: "failed", error: skippedReason(access) });
    return { status: "skipped" };
  }
  await setStatus(payload.shopId, payload.syncId, { attempts: sql`${schema.accountingSyncs.attempts} + 1` });
  if (!ctx.settings) return fail(payload, "AutoCount is not connected: connect it in Settings → Accounting, then retry.");

  const client = new AutoCountClient({
    ...clientSettingsFor(ctx.settings),
    ...(options.writeTimeoutMs ? { writeTimeoutMs: options.writeTimeoutMs } : {}),
  });
  const full = ctx as SyncContext;
  try {
    const detail = ctx.row.kind === "invoice" ? await bookInvoice(client, full) : await bookCreditNote(client, full);
    await withShop(payload.shopId, async (tx) => {
      await tx
        .update(schema.accountingSyncs)
        .set({ status: "synced", error: null, detail, syncedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(schema.accountingSyncs.shopId, payload.shopId), eq(schema.accountingSyncs.id, payload.syncId)));
      if (ctx.row.status !== "synced") {
        await recordOrderEvent(tx, {
          shopId: payload.shopId,
          orderId: ctx.row.orderId,
          type: "accounting_synced",
          summary:
            ctx.row.kind === "invoice"
              ? `Invoice ${ctx.row.docNo} booked in AutoCount`
              : `Credit note ${ctx.row.docNo} booked in AutoCount`,
          wording: { key: "accountingSynced", values: { document: ctx.row.kind, number: ctx.row.docNo } },
          data: { syncId: payload.syncId, ...detail },
        });
      }
    });
    return { status: "synced" };
  } catch (error) {
    if (error instanceof RetryLater) {
      await setStatus(payload.shopId, payload.syncId, { error: error.message });
      throw error;
    }
    if (error instanceof AutoCountError && error.kind === "rate_limited") {
      await setStatus(payload.shopId, payload.syncId, { error: "AutoCount's rate limit: waiting for its window to reset." });
      throw new RetryLater(error.message, Math.max(1_000, error.retryAfterMs ?? 60_000));
    }
    const permanent = error instanceof PermanentJobFailure || (error instanceof AutoCountError && !error.retryable);
    const message = error instanceof Error ? error.message : String(error);
    const last = (options.attempt ?? 1) >= (options.maxAttempts ?? 1);
    if (permanent || last) return fail(payload, message);
    await setStatus(payload.shopId, payload.syncId, { error: `${message} (will retry)` });
    throw error;
  }
}

/** The reason a sync was skipped (stored on the row like AutoCount's own messages). */
function skippedReason(access: FeatureAccess): string {
  return `Skipped: AutoCount sync is not part of the ${access.plan} plan (it comes with ${access.unlockedBy.join(", ")}). Upgrade on the Billing page, then retry.`;
}

async function fail(payload: { shopId: string; syncId: string }, message: string): Promise<never> {
  await setStatus(payload.shopId, payload.syncId, { status: "failed", error: message });
  throw new PermanentJobFailure(message);
}

async function setStatus(shopId: string, syncId: string, set: Partial<Record<"status" | "error" | "attempts", unknown>>) {
  await withShop(shopId, (tx) =>
    tx
      .update(schema.accountingSyncs)
      .set({ ...(set as object), updatedAt: new Date() })
      .where(and(eq(schema.accountingSyncs.shopId, shopId), eq(schema.accountingSyncs.id, syncId))),
  );
}

async function loadContext(
  tx: Tx,
  shopId: string,
  syncId: string,
): Promise<(Omit<SyncContext, "settings"> & { settings: AccountingSettingsRow | undefined }) | undefined> {
  const [row] = await tx
    .select()
    .from(schema.accountingSyncs)
    .where(and(eq(schema.accountingSyncs.shopId, shopId), eq(schema.accountingSyncs.id, syncId)));
  if (!row) return undefined;
  const settings = await connected(tx, shopId);
  const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId));
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, row.orderId)));
  const lines = await tx
    .select()
    .from(schema.orderLines)
    .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, row.orderId)))
    .orderBy(asc(schema.orderLines.position));
  const payments = await tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, row.orderId)))
    .orderBy(asc(schema.payments.createdAt));
  const [invoiceRow] = await tx
    .select()
    .from(schema.accountingSyncs)
    .where(
      and(
        eq(schema.accountingSyncs.shopId, shopId),
        eq(schema.accountingSyncs.orderId, row.orderId),
        eq(schema.accountingSyncs.kind, "invoice"),
      ),
    );
  return {
    row,
    settings,
    timezone: shop?.timezone ?? "Asia/Kuala_Lumpur",
    order,
    lines,
    charge: payments.find((p) => p.kind === "charge" && p.status === "succeeded"),
    refund: row.paymentId ? payments.find((p) => p.id === row.paymentId) : undefined,
    invoiceRow,
  };
}

/** The debtor code of an order under the shop's scheme. */
export function debtorCodeFor(
  settings: Pick<AccountingSettingsRow, "customerCodeScheme" | "customerCodePrefix">,
  order: { customerId: string | null; email: string | null; phone: string | null; id: string },
): string {
  if (settings.customerCodeScheme === "cash_sales") return `${settings.customerCodePrefix}CASH`;
  const identity = order.customerId ?? order.email ?? order.phone ?? order.id;
  const key = createHash("sha256")
    .update(identity)
    .digest("hex")
    .slice(0, 12 - settings.customerCodePrefix.length)
    .toUpperCase();
  return `${settings.customerCodePrefix}${key}`;
}

function salesLines(ctx: SyncContext): DocumentLine[] {
  const { settings, order } = ctx;
  const taxCode = settings.taxCode ?? undefined;
  const out: DocumentLine[] = ctx.lines.map((l) => {
    // A product without options has one variant titled "Default": the product's title says it all.
    const name = l.variantTitle && l.variantTitle !== "Default" ? `${l.title} (${l.variantTitle})` : l.title;
    const even = l.totalMinor % l.quantity === 0;
    return even
      ? {
          accNo: settings.salesAccountNo,
          description: name,
          qty: l.quantity,
          unitPriceMinor: l.totalMinor / l.quantity,
          taxCode,
          productCode: undefined,
        }
      : { accNo: settings.salesAccountNo, description: `${name} × ${l.quantity}`, qty: 1, unitPriceMinor: l.totalMinor, taxCode };
  });
  if (order.shippingMinor > 0)
    out.push({
      accNo: settings.salesAccountNo,
      description: `Shipping${order.shippingMethod ? `: ${order.shippingMethod}` : ""}`,
      qty: 1,
      unitPriceMinor: order.shippingMinor,
      taxCode,
    });
  if (order.discountMinor > 0)
    out.push({ accNo: settings.salesAccountNo, description: "Discount", qty: 1, unitPriceMinor: -order.discountMinor, taxCode });
  // Whatever else the order's total holds (tax charged on top): the invoice must equal what was paid.
  const sum = out.reduce((s, l) => s + l.qty * l.unitPriceMinor, 0);
  if (sum !== order.totalMinor)
    out.push({
      accNo: settings.salesAccountNo,
      description: "Tax and adjustments",
      qty: 1,
      unitPriceMinor: order.totalMinor - sum,
      taxCode,
    });
  return out;
}

/** Looks the document up by number; writes it only when absent; resolves an unknown outcome by lookup. */
async function ensureDocument(
  client: AutoCountClient,
  type: AutoCountDocumentType,
  docNo: string,
  create: () => Promise<unknown>,
): Promise<"existed" | "created"> {
  if (await client.getDocument(type, docNo)) return "existed";
  try {
    await create();
    return "created";
  } catch (error) {
    if (error instanceof AutoCountUnknownOutcomeError) {
      const outcome = await client.resolveUnknownOutcome(error);
      if (outcome.applied) return "created";
      throw new NotConfirmed(`AutoCount did not confirm ${type} ${docNo} and does not have it: it will be written again`);
    }
    if (error instanceof AutoCountError && error.kind === "duplicate_document" && (await client.getDocument(type, docNo))) return "existed";
    throw error;
  }
}

/** Stops before AutoCount's window is exhausted: the job resumes (from lookups) when it resets. */
function pace(client: AutoCountClient) {
  const limit = client.lastRateLimit;
  if (limit?.remaining === 0 && limit.resetAt && limit.resetAt.getTime() > Date.now()) {
    throw new RetryLater("AutoCount's rate limit is used up: waiting for its window to reset.", limit.resetAt.getTime() - Date.now() + 500);
  }
}

async function upsertDebtor(client: AutoCountClient, ctx: SyncContext, debtorCode: string) {
  const cash = ctx.settings.customerCodeScheme === "cash_sales";
  const address = ctx.order.shippingAddress;
  try {
    await client.upsertDebtor({
      accNo: debtorCode,
      companyName: cash ? "Cash sales (NetShop)" : ctx.order.customerName || ctx.order.email || ctx.order.phone || "Online customer",
      // Customer data only, and none of it for a shared cash-sales debtor.
      address: cash || !address ? undefined : [address.line1, address.line2, address.city, address.state].filter(Boolean).join(", "),
      postCode: cash || !address ? undefined : address.postcode,
      phone: cash ? undefined : (ctx.order.phone ?? undefined),
      email: cash ? undefined : (ctx.order.email ?? undefined),
      currencyCode: ctx.order.currency,
      creditTerm: ctx.settings.creditTerm,
    });
  } catch (error) {
    if (!(error instanceof AutoCountUnknownOutcomeError)) throw error;
    const outcome = await client.resolveUnknownOutcome(error);
    if (!outcome.applied) throw new NotConfirmed(`AutoCount did not confirm debtor ${debtorCode}: it will be written again`);
  }
}

/** What an order's invoice and credit notes say alike: the debtor, the shop's credit term and location, tax-inclusive prices, our order number. */
function documentHeader(ctx: SyncContext, debtorCode: string) {
  const { order, settings } = ctx;
  return {
    debtorCode,
    debtorName: settings.customerCodeScheme === "cash_sales" ? "Cash sales (NetShop)" : order.customerName || "Online customer",
    creditTerm: settings.creditTerm,
    salesLocation: settings.salesLocation,
    inclusiveTax: true,
    currency: order.currency,
    ref: `Order #${order.number}`,
  };
}

async function bookInvoice(client: AutoCountClient, ctx: SyncContext): Promise<Record<string, unknown>> {
  const { order, settings } = ctx;
  if (!order.invoiceNumber) throw new PermanentJobFailure("The order has no invoice number: it is not paid.");
  const numbers = documentNumbers(order.invoiceNumber);
  const debtorCode = debtorCodeFor(settings, order);
  const header = documentHeader(ctx, debtorCode);
  const { debtorName } = header;
  const invoiceDate = toAutoCountDate(order.invoicedAt ?? order.paidAt ?? new Date(), ctx.timezone);
  const paidDate = toAutoCountDate(order.paidAt ?? order.invoicedAt ?? new Date(), ctx.timezone);

  await upsertDebtor(client, ctx, debtorCode);
  pace(client);
  await ensureDocument(client, "invoice", numbers.invoice, () =>
    client.createInvoice({
      docNo: numbers.invoice,
      docDate: invoiceDate,
      ...header,
      lines: salesLines(ctx),
    }),
  );
  const detail: Record<string, unknown> = { debtorCode, invoice: numbers.invoice };
  if (order.totalMinor === 0) return detail;
  pace(client);
  await ensureDocument(client, "payment", numbers.receipt, () =>
    client.createCashBookEntry({
      docType: "OR",
      docNo: numbers.receipt,
      docDate: paidDate,
      dealWith: debtorName,
      description: `Payment for ${numbers.invoice}`,
      currency: order.currency,
      lines: [{ accNo: debtorCode, description: `Order #${order.number}`, amountMinor: order.totalMinor }],
      payments: [{ paymentMethod: settings.paymentMethod, amountMinor: order.totalMinor, paymentBy: ctx.charge?.gateway }],
    }),
  );
  pace(client);
  await ensureDocument(client, "knockOffEntry", numbers.knockOff, () =>
    client.createKnockOff({
      docNo: numbers.knockOff,
      docDate: paidDate,
      accNo: debtorCode,
      currency: order.currency,
      entries: [
        { docType: "IV", docNo: numbers.invoice, amountMinor: order.totalMinor },
        { docType: "OR", docNo: numbers.receipt, amountMinor: -order.totalMinor },
      ],
    }),
  );
  return { ...detail, receipt: numbers.receipt, knockOff: numbers.knockOff };
}

async function bookCreditNote(client: AutoCountClient, ctx: SyncContext): Promise<Record<string, unknown>> {
  const { order, settings, refund, invoiceRow } = ctx;
  if (!refund || refund.kind !== "refund") throw new PermanentJobFailure("The refund this credit note is for no longer exists.");
  if (refund.status !== "succeeded") throw new RetryLater("Waiting for the refund to succeed.", 30_000);
  if (!invoiceRow || invoiceRow.status === "failed")
    throw new PermanentJobFailure("The order's invoice is not in AutoCount: sync the invoice first, then retry.");
  if (invoiceRow.status !== "synced") throw new RetryLater("Waiting for the order's invoice to be booked first.", 15_000);
  const seq = Number(ctx.row.docNo.split("-").pop());
  const numbers = refundDocumentNumbers(order.invoiceNumber!, seq);
  const invoiceNo = documentNumbers(order.invoiceNumber!).invoice;
  const debtorCode = String(invoiceRow.detail.debtorCode ?? debtorCodeFor(settings, order));
  const header = documentHeader(ctx, debtorCode);
  const { debtorName } = header;
  const date = toAutoCountDate(refund.completedAt ?? refund.createdAt, ctx.timezone);
  const reason = refund.reason?.trim() || "Refund";

  await ensureDocument(client, "creditNote", numbers.creditNote, () =>
    client.createCreditNote({
      docNo: numbers.creditNote,
      docDate: date,
      ...header,
      ourInvoiceNo: invoiceNo,
      reason,
      lines: [
        {
          accNo: settings.salesAccountNo,
          description: `Refund for order #${order.number}: ${reason}`,
          qty: 1,
          unitPriceMinor: refund.amountMinor,
          taxCode: settings.taxCode ?? undefined,
        },
      ],
    }),
  );
  pace(client);
  await ensureDocument(client, "payment", numbers.voucher, () =>
    client.createCashBookEntry({
      docType: "PV",
      docNo: numbers.voucher,
      docDate: date,
      dealWith: debtorName,
      description: `Refund of ${invoiceNo}`,
      currency: order.currency,
      lines: [{ accNo: debtorCode, description: `Refund for order #${order.number}`, amountMinor: refund.amountMinor }],
      payments: [{ paymentMethod: settings.paymentMethod, amountMinor: refund.amountMinor, paymentBy: refund.gateway }],
    }),
  );
  pace(client);
  await ensureDocument(client, "knockOffEntry", numbers.knockOff, () =>
    client.createKnockOff({
      docNo: numbers.knockOff,
      docDate: date,
      accNo: debtorCode,
      currency: order.currency,
      entries: [
        { docType: "PV", docNo: numbers.voucher, amountMinor: refund.amountMinor },
        { docType: "CN", docNo: numbers.creditNote, amountMinor: -refund.amountMinor },
      ],
    }),
  );
  return { debtorCode, creditNote: numbers.creditNote, voucher: numbers.voucher, knockOff: numbers.knockOff, invoice: invoiceNo };
}
