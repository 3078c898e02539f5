/**
 * AutoCount sync against a private AutoCount sandbox: a paid order → debtor, invoice, receipt and
 * knock-off; a refund → credit note, voucher and knock-off; exactly the fields we mean to send;
 * 401, master-data 400, 429 and the ambiguous timeout; resync without duplicates; and the whole
 * path through the outbox dispatcher and the accounting worker.
 */
import type { Worker } from "bullmq";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { reconciliation, resyncRange, retrySync } from "~/domain/accounting/reconcile.server";
import { accountingSettingsView, saveAccountingSettings, testAccountingConnection } from "~/domain/accounting/settings.server";
import { queueRefundSync, runSync } from "~/domain/accounting/sync.server";
import { getProduct } from "~/domain/catalog/products.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { closeRedis } from "~/lib/redis.server";
import { encryptSecret } from "~/lib/secrets.server";
import { closeDatabase, schema, withShop } from "~db/client";

import type { StoredDocument } from "../../sandbox/autocount";
import { startAccountingWorker } from "../../workers/accounting";
import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { SANDBOX_AUTOCOUNT_MAPPING } from "../helpers/accounting";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, onPlan } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

let stack: IsolatedStack;
let shopId: string;
let ownerId: string;
let variantId: string;
const LIVE = { accountBookId: "10001", keyId: "sandbox-autocount-key-id", apiKey: "sandbox-autocount-api-key" };

const ac = () => stack.sandbox.autocount;
const docs = (code: string) => ac().documents.filter((d: StoredDocument) => d.code === code);

async function syncRows(orderId: string) {
  return withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.accountingSyncs)
      .where(and(eq(schema.accountingSyncs.shopId, shopId), eq(schema.accountingSyncs.orderId, orderId))),
  );
}
async function invoiceRow(orderId: string) {
  const rows = await syncRows(orderId);
  const row = rows.find((r) => r.kind === "invoice");
  if (!row) throw new Error("no invoice sync row");
  return row;
}
const paidOrder = (quantity = 2) => makeOrder(shopId, { lines: [{ variantId, quantity }] });

beforeAll(async () => {
  stack = await isolatedStack();
  // "Live" AutoCount is the sandbox's API here, so real credentials and wrong ones can be tried.
  process.env.AUTOCOUNT_BASE_URL = `${stack.sandbox.url}/autocount/api`;
  const owner = await makeUser();
  ownerId = owner.id;
  shopId = (await makeShop(owner.id)).id;
  await onPlan(shopId, "growth"); // AutoCount sync is in Growth
  const saved = await makeProduct(shopId, ownerId, { title: "Batik shirt", price: "89.90", stock: 50 });
  variantId = (await getProduct(shopId, saved.productId))!.variants[0].id;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

describe("connecting AutoCount", () => {
  it("says so plainly when unconfigured, and a paid order then queues nothing", async () => {
    const view = await accountingSettingsView(shopId);
    expect(view).toMatchObject({ connected: false, sandboxAvailable: true, mode: "sandbox" });
    const order = await paidOrder();
    expect(await syncRows(order.id)).toEqual([]);
  });

  it("refuses wrong keys (401) with a clear message", async () => {
    const tested = await testAccountingConnection(shopId, { mode: "live", ...LIVE, apiKey: "wrong", ...SANDBOX_AUTOCOUNT_MAPPING });
    expect(tested).toEqual({ ok: false, errors: { form: expect.stringContaining("refused the account book id, Key-ID or API-Key") } });
    const saved = await saveAccountingSettings(
      { userId: ownerId, shopId },
      { mode: "live", ...LIVE, apiKey: "wrong", ...SANDBOX_AUTOCOUNT_MAPPING },
    );
    expect(saved.ok).toBe(false);
    expect(await accountingSettingsView(shopId)).toMatchObject({ connected: false });
  });

  it("checks the mapping against the account book's master data, field by field", async () => {
    const saved = await saveAccountingSettings(
      { userId: ownerId, shopId },
      { mode: "live", ...LIVE, ...SANDBOX_AUTOCOUNT_MAPPING, taxCode: "sv-8", creditTerm: "COD", paymentMethod: "PAYPAL" },
    );
    expect(saved).toEqual({
      ok: false,
      errors: {
        taxCode: 'AutoCount knows this tax code as "SV-8": use exactly that.',
        creditTerm: expect.stringContaining('This AutoCount account book has no credit term "COD". Choose one of: C.O.D.'),
        paymentMethod: expect.stringContaining('no payment method "PAYPAL"'),
      },
    });
  });

  it("saves good keys with the API-Key encrypted and never shown back", async () => {
    expect(await testAccountingConnection(shopId, { mode: "live", ...LIVE, ...SANDBOX_AUTOCOUNT_MAPPING })).toMatchObject({ ok: true });
    expect(
      await saveAccountingSettings({ userId: ownerId, shopId }, { mode: "live", ...LIVE, ...SANDBOX_AUTOCOUNT_MAPPING }),
    ).toMatchObject({ ok: true });
    const [row] = await withShop(shopId, (tx) => tx.select().from(schema.accountingSettings));
    expect(row.apiKeyEncrypted).not.toContain(LIVE.apiKey);
    const view = await accountingSettingsView(shopId);
    expect(view).toMatchObject({ connected: true, mode: "live", keyId: LIVE.keyId, hasApiKey: true });
    expect(JSON.stringify(view)).not.toContain(LIVE.apiKey);
    // Saving again without typing the key keeps it.
    expect(
      await saveAccountingSettings({ userId: ownerId, shopId }, { mode: "live", ...LIVE, apiKey: "", ...SANDBOX_AUTOCOUNT_MAPPING }),
    ).toMatchObject({
      ok: true,
    });
  });
});

describe("a paid order in AutoCount", () => {
  it("books the debtor, invoice (docNo from our invoice number), receipt and knock-off, sending only invoice, payment and customer data", async () => {
    ac().reset();
    const order = await paidOrder(2);
    const row = await invoiceRow(order.id);
    expect(row).toMatchObject({ status: "pending", docNo: `NS-I${String(order.invoiceNumber).padStart(6, "0")}` });
    expect(await runSync({ shopId, syncId: row.id })).toEqual({ status: "synced" });

    const [invoice] = docs("IV");
    expect(invoice).toMatchObject({ docNo: row.docNo, totalSen: order.totalMinor, outstandingSen: 0 });
    expect(docs("OR")).toMatchObject([{ docNo: row.docNo.replace("NS-I", "NS-R"), totalSen: order.totalMinor, outstandingSen: 0 }]);
    expect(docs("KO")).toHaveLength(1);
    const synced = await invoiceRow(order.id);
    expect(synced).toMatchObject({ status: "synced", error: null });
    expect(synced.detail).toMatchObject({ invoice: row.docNo, debtorCode: expect.stringMatching(/^300-[0-9A-F]{8}$/) });

    // Exactly these fields, and nothing else about the shop or the customer.
    const writes = ac().requests.map((r) => ({ method: r.method, path: r.path, body: r.body as Record<string, unknown> }));
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      "POST /10001/debtor",
      "POST /10001/invoice",
      "POST /10001/payment",
      "POST /10001/knockOffEntry",
    ]);
    const [debtor, inv, receipt, knockOff] = writes.map((w) => w.body);
    expect(Object.keys(debtor).sort()).toEqual([
      "accNo",
      "address",
      "companyName",
      "creditTerm",
      "currencyCode",
      "emailAddress",
      "isActive",
      "phone1",
      "postCode",
    ]);
    expect(debtor).toMatchObject({
      companyName: "Siti Rahmah",
      emailAddress: "siti@example.com",
      phone1: "+60123456789",
      postCode: "59100",
    });
    expect(Object.keys(inv).sort()).toEqual(["autoFillOption", "details", "master"]);
    expect(Object.keys(inv.master as object).sort()).toEqual([
      "creditTerm",
      "debtorCode",
      "debtorName",
      "docDate",
      "docNo",
      "inclusiveTax",
      "ref",
      "salesLocation",
    ]);
    for (const line of inv.details as Record<string, unknown>[])
      expect(Object.keys(line).sort()).toEqual(["accNo", "description", "qty", "taxCode", "unitPrice"]);
    expect(inv.details).toEqual([
      { accNo: "500-1000", description: "Batik shirt", qty: 2, unitPrice: 89.9, taxCode: "SV-8" },
      { accNo: "500-1000", description: "Shipping: Standard (Peninsular Malaysia)", qty: 1, unitPrice: 8, taxCode: "SV-8" },
    ]);
    expect(Object.keys(receipt).sort()).toEqual(["details", "master", "paymentDetails"]);
    expect(receipt.paymentDetails).toEqual([{ paymentMethod: "ONLINE", paymentBy: "payseller", paymentAmt: 187.8 }]);
    expect(knockOff.details).toEqual([
      { docType: "IV", docNo: row.docNo, knockOffAmount: 187.8 },
      { docType: "OR", docNo: row.docNo.replace("NS-I", "NS-R"), knockOffAmount: -187.8 },
    ]);
  });

  it("a resync, a forced re-run and a retry create no duplicate invoices", async () => {
    ac().reset();
    const order = await paidOrder(1);
    const row = await invoiceRow(order.id);
    await runSync({ shopId, syncId: row.id });
    await runSync({ shopId, syncId: row.id }, { force: true });
    // Our side lost track (e.g. the worker died after AutoCount booked it): resync finds it by docNo.
    await withShop(shopId, (tx) =>
      tx.update(schema.accountingSyncs).set({ status: "failed", error: "lost" }).where(eq(schema.accountingSyncs.id, row.id)),
    );
    const resync = await resyncRange({ userId: ownerId, shopId }, { from: "2020-01-01", to: "2099-12-31" });
    expect(resync).toMatchObject({ ok: true });
    await runSync({ shopId, syncId: row.id });
    expect(docs("IV").filter((d) => d.docNo === row.docNo)).toHaveLength(1);
    expect(docs("OR")).toHaveLength(1);
    expect(docs("KO")).toHaveLength(1);
    expect((await invoiceRow(order.id)).status).toBe("synced");
    expect(await retrySync({ userId: ownerId, shopId }, { syncId: row.id })).toMatchObject({ ok: false });
  });

  it("two invoices for a new customer at once create one debtor, and both are booked on the first try", async () => {
    ac().reset();
    const email = `twice-${Date.now()}@example.com`;
    const orders = [
      await makeOrder(shopId, { lines: [{ variantId, quantity: 1 }], email }),
      await makeOrder(shopId, { lines: [{ variantId, quantity: 1 }], email }),
    ];
    const rows = await Promise.all(orders.map((o) => invoiceRow(o.id)));
    // Both syncs looked the debtor up (absent) before either created it: the race, lined up.
    ac().switches.holdWrites = { path: "/debtor", count: 2 };
    const results = await Promise.all(rows.map((row) => runSync({ shopId, syncId: row.id }, { attempt: 1, maxAttempts: 8 })));
    expect(results).toEqual([{ status: "synced" }, { status: "synced" }]);
    expect(ac().switches.holdWrites).toBeNull(); // both writes did arrive together
    expect([...ac().debtors.keys()]).toHaveLength(1);
    expect(docs("IV").map((d) => d.accNo)).toEqual([...ac().debtors.keys(), ...ac().debtors.keys()]);
    expect(
      ac()
        .requests.filter((r) => r.path.endsWith("/debtor"))
        .map((r) => r.method),
    ).toEqual(["POST", "POST", "PUT"]);
  });

  it("waits out a 429 (RetryLater from the rate-limit headers) and then books once", async () => {
    ac().reset();
    const order = await paidOrder(1);
    const row = await invoiceRow(order.id);
    ac().switches.rateLimitNext = 1;
    const first = await runSync({ shopId, syncId: row.id }).catch((e) => e);
    expect(first).toBeInstanceOf(RetryLater);
    expect((first as RetryLater).delayMs).toBeGreaterThan(0);
    expect(await invoiceRow(order.id)).toMatchObject({ status: "pending", error: expect.stringContaining("rate limit") });
    await runSync({ shopId, syncId: row.id });
    expect(docs("IV")).toHaveLength(1);
  });

  it("resolves an ambiguous timeout by looking the invoice up: applied → not written again", async () => {
    ac().reset();
    const order = await paidOrder(1);
    const row = await invoiceRow(order.id);
    ac().switches.delayNextWrite = { ms: 10_000, apply: true, path: "/invoice" }; // held far past the client's timeout
    expect(await runSync({ shopId, syncId: row.id }, { writeTimeoutMs: 1_000 })).toEqual({ status: "synced" });
    expect(docs("IV")).toHaveLength(1);
    expect(ac().requests.filter((r) => r.path.endsWith("/invoice"))).toHaveLength(1);
  });

  it("resolves an ambiguous timeout by looking the invoice up: not applied → retried later, then booked once", async () => {
    ac().reset();
    const order = await paidOrder(1);
    const row = await invoiceRow(order.id);
    ac().switches.delayNextWrite = { ms: 10_000, apply: false, path: "/invoice" };
    const first = await runSync({ shopId, syncId: row.id }, { writeTimeoutMs: 1_000, attempt: 1, maxAttempts: 8 }).catch((e) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(PermanentJobFailure);
    expect(await invoiceRow(order.id)).toMatchObject({ status: "pending", error: expect.stringContaining("did not confirm") });
    expect(docs("IV")).toHaveLength(0);
    await runSync({ shopId, syncId: row.id }, { attempt: 2, maxAttempts: 8 });
    expect(docs("IV")).toHaveLength(1);
  });

  it("fails the row with AutoCount's message on a master-data 400 and on a 401, without retrying", async () => {
    ac().reset();
    const order = await paidOrder(1);
    const row = await invoiceRow(order.id);
    await withShop(shopId, (tx) => tx.update(schema.accountingSettings).set({ salesLocation: "KL" }));
    const refused = await runSync({ shopId, syncId: row.id }).catch((e) => e);
    expect(refused).toBeInstanceOf(PermanentJobFailure);
    expect(await invoiceRow(order.id)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("Location (Location = KL) not exists"),
    });

    await withShop(shopId, (tx) =>
      tx.update(schema.accountingSettings).set({ salesLocation: "HQ", apiKeyEncrypted: encryptSecret("revoked-key") }),
    );
    expect(await retrySync({ userId: ownerId, shopId }, { syncId: row.id })).toEqual({ ok: true, queued: 1 });
    const unauthorized = await runSync({ shopId, syncId: row.id }).catch((e) => e);
    expect(unauthorized).toBeInstanceOf(PermanentJobFailure);
    expect(await invoiceRow(order.id)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("refused the account book id or keys"),
    });

    const view = await reconciliation(shopId);
    expect(view.rows.find((r) => r.orderId === order.id)).toMatchObject({ status: "failed", kind: "invoice" });

    await saveAccountingSettings({ userId: ownerId, shopId }, { mode: "live", ...LIVE, ...SANDBOX_AUTOCOUNT_MAPPING });
    await retrySync({ userId: ownerId, shopId }, { syncId: row.id });
    await runSync({ shopId, syncId: row.id });
    expect(await invoiceRow(order.id)).toMatchObject({ status: "synced" });
  });
});

describe("a refund in AutoCount", () => {
  it("becomes a credit note against the invoice, with a payment voucher knocked off against it", async () => {
    ac().reset();
    const order = await paidOrder(2);
    await runSync({ shopId, syncId: (await invoiceRow(order.id)).id });
    const refundId = await withShop(shopId, async (tx) => {
      const [refund] = await tx
        .insert(schema.payments)
        .values({
          shopId,
          orderId: order.id,
          kind: "refund",
          gateway: "payseller",
          amountMinor: 8_990,
          currency: "MYR",
          status: "succeeded",
          reason: "Wrong size",
          completedAt: new Date(),
        })
        .returning({ id: schema.payments.id });
      await queueRefundSync(tx, { shopId, orderId: order.id, paymentId: refund.id });
      // Called twice (a retried refund action): still one credit note.
      await queueRefundSync(tx, { shopId, orderId: order.id, paymentId: refund.id });
      return refund.id;
    });
    const rows = (await syncRows(order.id)).filter((r) => r.kind === "credit_note");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ paymentId: refundId, docNo: `NS-C${String(order.invoiceNumber).padStart(6, "0")}-1` });
    await runSync({ shopId, syncId: rows[0].id });
    const [note] = docs("CN");
    expect(note).toMatchObject({ docNo: rows[0].docNo, totalSen: 8_990, outstandingSen: 0 });
    expect(note.master).toMatchObject({ ourInvoiceNo: `NS-I${String(order.invoiceNumber).padStart(6, "0")}`, reason: "Wrong size" });
    expect(docs("PV")).toMatchObject([{ totalSen: 8_990, outstandingSen: 0 }]);
    expect(docs("KO")).toHaveLength(2);
  });
});

describe("through the outbox and the accounting worker", () => {
  let dispatcher: OutboxDispatcher;
  let worker: Worker;
  afterAll(async () => {
    await dispatcher?.stop();
    await worker?.close();
  });

  it("a paid order reaches AutoCount by itself, and shows as synced", async () => {
    ac().reset();
    dispatcher = new OutboxDispatcher(200);
    await dispatcher.start();
    worker = startAccountingWorker();
    const order = await paidOrder(3);
    await expect.poll(async () => (await invoiceRow(order.id)).status, { interval: 200 }).toBe("synced");
    const docNo = (await invoiceRow(order.id)).docNo;
    expect(docs("IV").filter((d) => d.docNo === docNo)).toHaveLength(1);
    const events = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.orderEvents)
        .where(and(eq(schema.orderEvents.orderId, order.id), eq(schema.orderEvents.type, "accounting_synced"))),
    );
    expect(events).toHaveLength(1);
  });
});
