import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  AUTOCOUNT_STANDIN_PATH,
  AutoCountClient,
  AutoCountError,
  autoCountSandboxSettings,
  AutoCountUnknownOutcomeError,
  type SalesDocumentInput,
  toAutoCountDate,
} from "~/integrations/autocount.server";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";

// A private sandbox: its switches (429, slow writes) and rate limit are flipped here.
let sandbox: RunningSandbox;
let client: AutoCountClient;
const base = () => `${sandbox.url}${AUTOCOUNT_STANDIN_PATH}`;
// The client's own write timeout (30 s): a busy machine never makes an ordinary write time out.
const settings = () => ({ ...autoCountSandboxSettings(), baseUrl: base() });
/** The sandbox holds a delayed write's answer far longer than the impatient client waits for it. */
const HELD_MS = 10_000;

beforeAll(async () => {
  sandbox = await startSandbox();
});
beforeEach(() => {
  sandbox.autocount.reset();
  sandbox.autocount.rateLimit.limit = 100;
  client = new AutoCountClient(settings());
});
afterAll(async () => {
  await sandbox?.close();
});

const customer = {
  accNo: "300-W0001",
  companyName: "Aisyah Rahman",
  email: "aisyah@example.my",
  phone: "+60123456789",
  creditTerm: "C.O.D.",
};

function invoice(overrides: Partial<SalesDocumentInput> = {}): SalesDocumentInput {
  return {
    docNo: "NS-INV-0001",
    // 00:30 on 2 March in Kuala Lumpur is still 1 March in UTC: the shop's calendar counts.
    docDate: toAutoCountDate(new Date("2026-03-01T16:30:00Z")),
    debtorCode: customer.accNo,
    debtorName: customer.companyName,
    creditTerm: "C.O.D.",
    salesLocation: "HQ",
    inclusiveTax: false,
    ref: "NS-1001",
    lines: [
      { accNo: "500-1000", description: "Batik shirt, size M", qty: 2, unitPriceMinor: 8_990, taxCode: "SV-8" },
      { accNo: "500-1000", description: "Shipping (Peninsular)", qty: 1, unitPriceMinor: 800 },
    ],
    ...overrides,
  };
}

async function rawPost(path: string, body: string, headers: Record<string, string> = {}) {
  const { accountBookId, keyId, apiKey } = settings();
  return fetch(`${base()}/${accountBookId}${path}`, {
    method: "POST",
    headers: { "Key-ID": keyId, "API-Key": apiKey, "Content-Type": "application/json", ...headers },
    body,
  });
}

describe("AutoCount client against the stand-in", () => {
  it("tests the connection, and refuses a wrong key, a missing Key-ID or another account book with 401", async () => {
    await client.testConnection();
    await expect(new AutoCountClient({ ...settings(), apiKey: "wrong" }).testConnection()).rejects.toMatchObject({
      kind: "unauthorized",
      status: 401,
      retryable: false,
    });
    await expect(new AutoCountClient({ ...settings(), accountBookId: "99999" }).testConnection()).rejects.toMatchObject({
      kind: "unauthorized",
    });
    const noKeyId = await fetch(`${base()}/${settings().accountBookId}/paymentmethod/listing?page=1`, {
      headers: { "API-Key": settings().apiKey },
    });
    expect(noKeyId.status).toBe(401);
    expect(await noKeyId.json()).toEqual({ statusCode: 401, message: "401 Unauthorized." });
  });

  it("reads master data and checks a shop's mapping settings against it, field by field", async () => {
    expect((await client.listAccounts()).map((a) => a.accNo)).toContain("500-1000");
    expect((await client.listTaxCodes()).find((t) => t.taxCode === "SV-8")).toMatchObject({ rate: "8", isActive: true });
    expect((await client.listCreditTerms()).map((c) => c.creditTerm)).toContain("C.O.D.");
    expect((await client.listPaymentMethods()).map((p) => p.paymentMethod)).toEqual(["BANK", "ONLINE", "CASH"]);

    expect(
      await client.validateMapping({ salesAccountNo: "500-1000", taxCode: "SV-8", creditTerm: "C.O.D.", paymentMethod: "ONLINE" }),
    ).toEqual({ ok: true, problems: {} });
    const { ok, problems } = await client.validateMapping({
      salesAccountNo: "500-9999",
      taxCode: "sv-8",
      creditTerm: "COD",
      paymentMethod: "FPX",
    });
    expect(ok).toBe(false);
    expect(problems.salesAccountNo).toMatch(/no account "500-9999"/);
    expect(problems.taxCode).toBe('AutoCount knows this tax code as "SV-8": use exactly that.');
    expect(problems.creditTerm).toMatch(/no credit term "COD".*C\.O\.D\./);
    expect(problems.paymentMethod).toMatch(/BANK, ONLINE, CASH/);
  });

  it("upserts a debtor: created once, then updated in place", async () => {
    expect(await client.upsertDebtor(customer)).toEqual({ accNo: "300-W0001", created: true });
    expect(await client.upsertDebtor({ ...customer, phone: "+60198765432" })).toEqual({ accNo: "300-W0001", created: false });
    expect(sandbox.autocount.debtors.size).toBe(1);
    expect(sandbox.autocount.debtors.get("300-W0001")).toMatchObject({ phone1: "+60198765432", emailAddress: "aisyah@example.my" });
    expect(await client.getDebtor("300-W0001")).toMatchObject({ companyName: "Aisyah Rahman", creditTerm: "C.O.D.", isActive: true });
    expect(await client.getDebtor("300-NOPE")).toBeNull();
  });

  it("answers an invoice with 201, an empty body and a location; the client reads the number and confirms it by docNo", async () => {
    await client.upsertDebtor(customer);
    const raw = await rawPost(
      "/invoice",
      JSON.stringify({
        master: { ...invoice(), lines: undefined, docNo: "RAW-1" },
        details: [{ accNo: "500-0000", description: "x", qty: 1, unitPrice: 10.5 }],
      }),
    );
    expect(raw.status).toBe(201);
    expect(await raw.text()).toBe("");
    expect(raw.headers.get("location")).toMatch(/\/invoice\?docNo=RAW-1$/);

    const created = await client.createInvoice(invoice());
    expect(created.docNo).toBe("NS-INV-0001");
    const booked = await client.getInvoice(created.docNo);
    // 2 × 89.90 + 8% service tax (14.38) + 8.00 shipping, to the sen.
    expect(booked).toMatchObject({ docNo: "NS-INV-0001", docDate: "2026-03-02", totalMinor: 20_218, cancelled: false });
    expect(booked!.details).toHaveLength(2);
    expect(await client.getInvoice("NS-INV-9999")).toBeNull();
    expect(client.lastRateLimit).toMatchObject({ period: "1m" });
    expect(client.lastRateLimit!.remaining).toBeLessThan(100);
    expect(client.lastRateLimit!.resetAt).toBeInstanceOf(Date);
  });

  it("settles the invoice with a receipt knocked off against it, and shows it on the ledger page", async () => {
    await client.upsertDebtor(customer);
    await client.createInvoice(invoice());
    await client.createCashBookEntry({
      docType: "OR",
      docNo: "NS-OR-0001",
      docDate: "2026-03-02",
      dealWith: customer.companyName,
      description: "Billplz bill 8x0iyzaw",
      lines: [{ accNo: customer.accNo, description: "Payment for NS-INV-0001", amountMinor: 20_218 }],
      payments: [{ paymentMethod: "ONLINE", amountMinor: 20_218, paymentBy: "FPX" }],
    });
    const ko = await client.createKnockOff({
      docNo: "NS-KO-0001",
      docDate: "2026-03-02",
      accNo: customer.accNo,
      entries: [
        { docType: "IV", docNo: "NS-INV-0001", amountMinor: 20_218 },
        { docType: "OR", docNo: "NS-OR-0001", amountMinor: -20_218 },
      ],
    });
    expect(ko.location).toMatch(/\/knockoffentry\?docNo=NS-KO-0001$/);
    expect((await client.getDocument("payment", "NS-OR-0001"))?.totalMinor).toBe(20_218);
    expect(sandbox.autocount.find("invoice", "NS-INV-0001")?.outstandingSen).toBe(0);
    const ledger = await (await fetch(`${sandbox.url}/autocount/ledger`)).text();
    expect(ledger).toMatch(/data-testid="IV-NS-INV-0001">.*RM 202\.18.*Settled/);
    expect(ledger).toContain("NS-OR-0001");
  });

  it("books a refund as a credit note against the invoice and a payment voucher knocked off against it", async () => {
    await client.upsertDebtor(customer);
    await client.createInvoice(invoice());
    await client.createCreditNote({
      ...invoice({
        docNo: "NS-CN-0001",
        lines: [{ accNo: "510-0000", description: "Returned: batik shirt, size M", qty: 1, unitPriceMinor: 8_990, taxCode: "SV-8" }],
      }),
      ourInvoiceNo: "NS-INV-0001",
      reason: "Wrong size",
    });
    const note = await client.getDocument("creditNote", "NS-CN-0001");
    expect(note).toMatchObject({ totalMinor: 9_709 });
    expect(note!.master).toMatchObject({ ourInvoiceNo: "NS-INV-0001", reason: "Wrong size" });
    await client.createCashBookEntry({
      docType: "PV",
      docNo: "NS-PV-0001",
      docDate: "2026-03-05",
      dealWith: customer.companyName,
      lines: [{ accNo: customer.accNo, description: "Refund for NS-CN-0001", amountMinor: 9_709 }],
      payments: [{ paymentMethod: "BANK", amountMinor: 9_709 }],
    });
    await client.createKnockOff({
      docNo: "NS-KO-0002",
      docDate: "2026-03-05",
      accNo: customer.accNo,
      entries: [
        { docType: "PV", docNo: "NS-PV-0001", amountMinor: 9_709 },
        { docType: "CN", docNo: "NS-CN-0001", amountMinor: -9_709 },
      ],
    });
    expect(sandbox.autocount.find("creditNote", "NS-CN-0001")?.outstandingSen).toBe(0);
    await expect(
      client.createKnockOff({
        docNo: "X",
        docDate: "2026-03-05",
        accNo: customer.accNo,
        entries: [{ docType: "IV", docNo: "NS-INV-0001", amountMinor: 1 }],
      }),
    ).rejects.toMatchObject({
      kind: "invalid_request",
    });
  });

  it("refuses master data it does not have with 400, and a reused docNo as a duplicate", async () => {
    await client.upsertDebtor(customer);
    const badTerm = await client.createInvoice(invoice({ creditTerm: "COD" })).catch((e) => e);
    expect(badTerm).toBeInstanceOf(AutoCountError);
    expect(badTerm).toMatchObject({ kind: "invalid_request", status: 400 });
    expect(badTerm.message).toContain("CreditTerm (CreditTermKey = COD) not exists");
    const badTax = await client
      .createInvoice(invoice({ lines: [{ accNo: "500-1000", description: "Shirt", qty: 1, unitPriceMinor: 100, taxCode: "SR" }] }))
      .catch((e) => e);
    expect(badTax).toMatchObject({
      kind: "invalid_request",
      status: 400,
      message: expect.stringContaining("TaxCode (TaxCode = SR) not exists"),
    });
    await expect(client.createInvoice(invoice({ salesLocation: "KL" }))).rejects.toMatchObject({ status: 400 });
    expect(sandbox.autocount.documents).toHaveLength(0);

    await client.createInvoice(invoice());
    await expect(client.createInvoice(invoice())).rejects.toMatchObject({ kind: "duplicate_document", status: 400 });
    expect(sandbox.autocount.documents).toHaveLength(1);

    // Amounts go out as exact JSON numbers: a quoted amount is refused, as .NET refuses it.
    const quoted = await rawPost(
      "/invoice",
      JSON.stringify({
        master: { ...invoice(), docNo: "Q-1" },
        details: [{ accNo: "500-0000", description: "x", qty: 1, unitPrice: "89.90" }],
      }),
    );
    expect(quoted.status).toBe(400);
    expect((await quoted.json()).message).toContain("System.Decimal");
  });

  it("turns 429 into a typed error carrying the wait, from Retry-After or the rate-limit headers", async () => {
    sandbox.autocount.switches.rateLimitNext = 1;
    const forced = await client.testConnection().catch((e) => e);
    expect(forced).toBeInstanceOf(AutoCountError);
    expect(forced).toMatchObject({ kind: "rate_limited", status: 429, retryable: true });
    expect(forced.retryAfterMs).toBeGreaterThan(0);
    expect(forced.retryAfterMs).toBeLessThanOrEqual(60_000);
    await client.testConnection();

    sandbox.autocount.reset();
    sandbox.autocount.rateLimit.limit = 2;
    await client.testConnection();
    await client.testConnection();
    expect(client.lastRateLimit?.remaining).toBe(0);
    const over = await client.listCreditTerms().catch((e) => e);
    expect(over).toMatchObject({ kind: "rate_limited", status: 429 });
    expect(over.message).toContain("quota exceeded");
    expect(over.retryAfterMs).toBeGreaterThan(0);
  });

  it("reports a write that times out as an unknown outcome, resolved by looking it up, never retried blindly", async () => {
    await client.upsertDebtor(customer);
    // Only the calls meant to time out use a short timeout, against an answer held much longer.
    const impatient = new AutoCountClient({ ...settings(), writeTimeoutMs: 400 });
    sandbox.autocount.switches.delayNextWrite = { ms: HELD_MS, apply: true };
    const timedOut = await impatient.createInvoice(invoice()).catch((e) => e);
    expect(timedOut).toBeInstanceOf(AutoCountUnknownOutcomeError);
    expect(timedOut.record).toEqual({ type: "invoice", docNo: "NS-INV-0001" });
    expect(timedOut.message).toContain("unknown outcome");
    expect(timedOut.message).toContain("look it up by docNo before retrying");
    // AutoCount stored it; the client sent it once and did not try again on its own.
    expect(sandbox.autocount.documents.filter((d) => d.docNo === "NS-INV-0001")).toHaveLength(1);
    const resolved = await client.resolveUnknownOutcome(timedOut);
    expect(resolved).toMatchObject({ applied: true, document: { docNo: "NS-INV-0001", totalMinor: 20_218 } });

    sandbox.autocount.switches.delayNextWrite = { ms: HELD_MS, apply: false };
    const lost = await impatient.createInvoice(invoice({ docNo: "NS-INV-0002" })).catch((e) => e);
    expect(lost).toBeInstanceOf(AutoCountUnknownOutcomeError);
    expect(await client.resolveUnknownOutcome(lost)).toEqual({ applied: false });
    // Not there: now it is safe to write it again.
    expect(await client.createInvoice(invoice({ docNo: "NS-INV-0002" }))).toMatchObject({ docNo: "NS-INV-0002" });

    // A 5xx answer to a write says nothing about whether it was stored: unknown too.
    sandbox.autocount.switches.delayNextWrite = { ms: 50, apply: false };
    const failed = await client
      .createCashBookEntry({
        docType: "OR",
        docNo: "NS-OR-0009",
        docDate: "2026-03-02",
        dealWith: customer.companyName,
        lines: [{ accNo: customer.accNo, description: "Payment", amountMinor: 100 }],
        payments: [{ paymentMethod: "ONLINE", amountMinor: 100 }],
      })
      .catch((e) => e);
    expect(failed).toBeInstanceOf(AutoCountUnknownOutcomeError);
    expect(failed.message).toContain("HTTP 503");
    expect(await client.resolveUnknownOutcome(failed)).toEqual({ applied: false });
  });
});
