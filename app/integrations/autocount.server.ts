/**
 * AutoCount Cloud Accounting Integration API client: the only code that speaks AutoCount's
 * protocol (https://accounting-api.autocountcloud.com/documentation/). See shared PROVIDERS.md.
 *
 * - Base https://accounting-api.autocountcloud.com/{accountBookId}/…, headers `Key-ID` and
 *   `API-Key` (per account book, so per shop). JSON; dates yyyy-MM-dd; amounts are JSON numbers
 *   with two decimals, which this client writes and reads as exact decimal text (never floats).
 * - Writes answer 201 with an EMPTY body; the `location` header (…/invoice?docNo=I-000001) is the
 *   only success signal. Read back with GET /{type}?docNo=.
 *     POST /debtor (GET|PUT /debtor?accNo=)    customer
 *     POST /invoice                             sales invoice (docNo is ours: idempotency key)
 *     POST /payment                             cash book entry: docType "OR" receipt, "PV" payment
 *     POST /knockOffEntry                       applies credits to debits of one debtor
 *                                               (+ debit such as IV or PV, − credit such as OR or CN)
 *     POST /creditNote                          refunds: a credit note against ourInvoiceNo, with a
 *                                               reason; money paid back is a PV knocked off against it
 * - Master data: POST /account/listing, GET /paymentmethod/listing (documented);
 *   GET /taxcode/listing and GET /creditterm/listing follow the same listing pattern but are
 *   NOT confirmed from AutoCount's pages (paths in MASTER_DATA_PATHS). Listings are paged, at
 *   most 100 records per page: {data, totalCount}.
 * - creditTerm, taxCode, accNo, paymentMethod and salesLocation must match master data exactly,
 *   else 400 (e.g. "CreditTerm (CreditTermKey = COD) not exists"). A reused docNo is refused
 *   with 400 "Duplicate document number".
 * - Errors {statusCode, message}. Rate limit about 100 requests a minute, reported on every
 *   answer as x-rate-limit-limit ("1m"), x-rate-limit-remaining and x-rate-limit-reset (ISO
 *   time); over it, 429 with Retry-After.
 * - A write that times out (or gets a 5xx, or loses its connection) may have been applied: this
 *   client throws AutoCountUnknownOutcomeError instead of retrying; look the document up by its
 *   docNo (resolveUnknownOutcome) before writing again.
 */
import { z } from "zod";

import { config, type Env } from "~/config.server";
import { currencyExponent, decimalStringToMinor, minorToDecimalString } from "~/lib/money";

import { fetchWithTimeout, ProviderUnreachable } from "./provider-http";

/** Where NetShop's stand-in serves the AutoCount API, under SANDBOX_URL. */
export const AUTOCOUNT_STANDIN_PATH = "/autocount/api";

export const SANDBOX_AUTOCOUNT_CREDENTIALS: AutoCountCredentials = {
  accountBookId: "10001",
  keyId: "sandbox-autocount-key-id",
  apiKey: "sandbox-autocount-api-key",
};

export const MASTER_DATA_PATHS = {
  accounts: "/account/listing",
  paymentMethods: "/paymentmethod/listing",
  taxCodes: "/taxcode/listing",
  creditTerms: "/creditterm/listing",
} as const;

/** What a shop enters in its accounting settings. */
export interface AutoCountCredentials {
  accountBookId: string;
  keyId: string;
  apiKey: string;
}

export interface AutoCountSettings extends AutoCountCredentials {
  baseUrl: string;
  /** True when this is NetShop's stand-in, not AutoCount. */
  sandbox: boolean;
  readTimeoutMs?: number;
  /** After this long a write's outcome is unknown. */
  writeTimeoutMs?: number;
}

/** A shop's AutoCount settings: its own credentials, or the stand-in when it has none. */
export function autoCountSettings(credentials?: AutoCountCredentials | null, env: Env = config()): AutoCountSettings {
  if (!credentials) return autoCountSandboxSettings(env);
  return { ...credentials, baseUrl: env.AUTOCOUNT_BASE_URL.replace(/\/$/, ""), sandbox: false };
}

export function autoCountSandboxSettings(env: Env = config()): AutoCountSettings {
  if (!env.SANDBOX_URL) throw new Error("SANDBOX_URL is not set: give the shop AutoCount credentials or run the sandbox");
  return { ...SANDBOX_AUTOCOUNT_CREDENTIALS, baseUrl: `${env.SANDBOX_URL.replace(/\/$/, "")}${AUTOCOUNT_STANDIN_PATH}`, sandbox: true };
}

// --- Errors --------------------------------------------------------------------------------------

export type AutoCountErrorKind = "unauthorized" | "invalid_request" | "duplicate_document" | "not_found" | "rate_limited" | "unavailable";

export class AutoCountError extends Error {
  constructor(
    message: string,
    public readonly kind: AutoCountErrorKind,
    public readonly status: number,
    /** For rate_limited: how long to wait before the next request. */
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "AutoCountError";
  }
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "unavailable";
  }
}

export type AutoCountDocumentType = "invoice" | "creditNote" | "payment" | "knockOffEntry";
export type AutoCountRecordRef = { type: AutoCountDocumentType; docNo: string } | { type: "debtor"; accNo: string };

/**
 * A write whose outcome is unknown (timeout, dropped connection, 5xx): it may have been applied.
 * Never retry blindly: resolveUnknownOutcome(error) looks the record up by its number first.
 */
export class AutoCountUnknownOutcomeError extends Error {
  constructor(
    public readonly record: AutoCountRecordRef,
    detail: string,
  ) {
    super(
      `AutoCount ${record.type} ${"docNo" in record ? record.docNo : record.accNo}: unknown outcome (${detail}) — look it up by docNo before retrying`,
    );
    this.name = "AutoCountUnknownOutcomeError";
  }
}

// --- Exact JSON for money --------------------------------------------------------------------------

/** A decimal literal written into JSON unquoted and exactly as given ("472.50"). */
class DecimalText {
  constructor(readonly text: string) {}
}

/** An amount in minor units, to be written as an exact JSON decimal by toExactJson. */
export function exactAmount(minor: number, currency = "MYR"): DecimalText {
  return new DecimalText(minorToDecimalString(minor, currencyExponent(currency)));
}

/** JSON.stringify that writes DecimalText values as bare numbers, digit for digit. */
export function toExactJson(value: unknown): string {
  const literals: string[] = [];
  const marker = `\u0000${Math.random().toString(36).slice(2)}:`;
  const json = JSON.stringify(value, (_key, v) => (v instanceof DecimalText ? `${marker}${literals.push(v.text) - 1}` : v));
  const escaped = JSON.stringify(marker).slice(1, -1);
  return json.replace(new RegExp(`"${escaped.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}(\\d+)"`, "g"), (_m, i: string) => literals[Number(i)]);
}

/** Turns every number literal in a JSON text into a string, so amounts are read digit for digit. */
export function quoteJsonNumbers(text: string): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      let j = i + 1;
      while (j < text.length && /[0-9eE+\-.]/.test(text[j])) j++;
      out += `"${text.slice(i, j)}"`;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function parseExactJson(text: string): unknown {
  return text.trim() ? JSON.parse(quoteJsonNumbers(text)) : undefined;
}

/** A field by name, whatever its case (AutoCount mixes camelCase and PascalCase models). */
function field(record: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) {
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === wanted && value !== null) return value;
  }
  return undefined;
}
const text = (v: unknown) => (v === undefined ? undefined : String(v));
const flag = (v: unknown) => v === true || v === "true";

// --- Inputs (minor units) ------------------------------------------------------------------------

export interface DebtorInput {
  /** The customer code, from the shop's code scheme. */
  accNo: string;
  companyName: string;
  address?: string;
  postCode?: string;
  phone?: string;
  email?: string;
  currencyCode?: string;
  creditTerm?: string;
}

export interface DocumentLine {
  /** Sales (or returns) GL account, e.g. "500-0000". */
  accNo: string;
  description: string;
  qty: number;
  unitPriceMinor: number;
  taxCode?: string;
  productCode?: string;
}

export interface SalesDocumentInput {
  /** Ours, from our invoice number: the key that makes a retry findable. */
  docNo: string;
  /** yyyy-MM-dd in the shop's time zone (toAutoCountDate). */
  docDate: string;
  debtorCode: string;
  debtorName: string;
  creditTerm: string;
  salesLocation: string;
  inclusiveTax: boolean;
  currency?: string;
  ref?: string;
  description?: string;
  lines: DocumentLine[];
}

export interface CreditNoteInput extends SalesDocumentInput {
  /** The invoice being credited. */
  ourInvoiceNo: string;
  reason: string;
}

export interface CashBookEntryInput {
  /** "OR": money received (a receipt); "PV": money paid out (a refund). */
  docType: "OR" | "PV";
  docNo: string;
  docDate: string;
  dealWith: string;
  description?: string;
  currency?: string;
  /** The other side of the entry: for a customer's receipt, the debtor's account. */
  lines: { accNo: string; description: string; amountMinor: number }[];
  /** How the money moved; payment methods come from master data. */
  payments: { paymentMethod: string; amountMinor: number; paymentBy?: string }[];
}

export interface KnockOffInput {
  docNo: string;
  docDate: string;
  /** The debtor whose transactions are matched. */
  accNo: string;
  currency?: string;
  /** Debits positive (IV, PV), credits negative (OR, CN); they must net to zero. */
  entries: { docType: string; docNo: string; amountMinor: number }[];
}

export interface Debtor {
  accNo: string;
  companyName: string;
  currencyCode?: string;
  creditTerm?: string;
  isActive: boolean;
}

export interface AutoCountDocument {
  type: AutoCountDocumentType;
  docNo: string;
  docKey?: string;
  docDate?: string;
  /** netTotal (invoice, credit note, cash book) when the document has one. */
  totalMinor?: number;
  cancelled: boolean;
  master: Record<string, unknown>;
  details: Record<string, unknown>[];
}

export interface CreatedRecord {
  /** The number AutoCount stored, read from the location header. */
  docNo: string;
  location: string;
}

export interface RateLimitState {
  /** The window, as AutoCount states it ("1m"). */
  period?: string;
  remaining?: number;
  resetAt?: Date;
}

export interface MasterData {
  accounts: { accNo: string; description?: string; accType?: string }[];
  taxCodes: { taxCode: string; description?: string; rate?: string; isActive: boolean }[];
  creditTerms: { creditTerm: string; description?: string }[];
  paymentMethods: { paymentMethod: string; bankAccount?: string; isActive: boolean }[];
}

export interface AccountingMapping {
  salesAccountNo: string;
  /** null: lines carry no tax code (a shop not registered for SST). */
  taxCode: string | null;
  creditTerm: string;
  paymentMethod: string;
}

export type MappingProblems = Partial<Record<keyof AccountingMapping, string>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A moment as AutoCount's yyyy-MM-dd, on the shop's calendar (default Malaysia). */
export function toAutoCountDate(moment: Date, timeZone = "Asia/Kuala_Lumpur"): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(moment);
}

/** Reads AutoCount's rate-limit headers; undefined when there are none. */
export function readRateLimit(headers: Headers): RateLimitState | undefined {
  const period = headers.get("x-rate-limit-limit") ?? undefined;
  const remainingText = headers.get("x-rate-limit-remaining");
  const resetText = headers.get("x-rate-limit-reset");
  if (period === undefined && remainingText === null && resetText === null) return undefined;
  const remaining = remainingText !== null && /^\d+$/.test(remainingText) ? Number(remainingText) : undefined;
  return { period, remaining, resetAt: resetText ? parseReset(resetText) : undefined };
}

/** x-rate-limit-reset is an ISO time; tolerate epoch seconds and a seconds-from-now count too. */
function parseReset(value: string, now = Date.now()): Date | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return new Date(n > 1e9 ? n * 1000 : now + n * 1000);
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** How long to wait after a 429: Retry-After, else until the window resets, else a minute. */
export function rateLimitWaitMs(headers: Headers, now = Date.now()): number {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = readRateLimit(headers)?.resetAt;
  return reset ? Math.max(0, reset.getTime() - now) : 60_000;
}

// --- The client ----------------------------------------------------------------------------------

const ListingSchema = z.looseObject({ data: z.array(z.record(z.string(), z.unknown())), totalCount: z.unknown().optional() });
const DocumentSchema = z.looseObject({
  master: z.record(z.string(), z.unknown()),
  details: z.array(z.record(z.string(), z.unknown())).default([]),
});
const PAGE_SIZE = 100;
const MAX_PAGES = 200;

type CallOptions = { query?: Record<string, string | string[]>; body?: unknown; write?: AutoCountRecordRef };

export class AutoCountClient {
  /** The rate-limit headers of the last answer, for pacing a batch. */
  lastRateLimit?: RateLimitState;

  constructor(private readonly settings: AutoCountSettings) {}

  get isSandbox(): boolean {
    return this.settings.sandbox;
  }

  /** Checks the account book id and both keys with the cheapest read there is. */
  async testConnection(): Promise<void> {
    await this.call("GET", MASTER_DATA_PATHS.paymentMethods, { query: { page: "1" } });
  }

  // Debtors

  async getDebtor(accNo: string): Promise<Debtor | null> {
    const json = await this.readOrNull("/debtor", { accNo });
    if (!json || typeof json !== "object") return null;
    const d = json as Record<string, unknown>;
    return {
      accNo: text(field(d, "accNo")) ?? accNo,
      companyName: text(field(d, "companyName")) ?? "",
      currencyCode: text(field(d, "currencyCode")),
      creditTerm: text(field(d, "creditTerm")),
      isActive: field(d, "isActive") === undefined ? true : flag(field(d, "isActive")),
    };
  }

  /** Creates the debtor, or updates its contact details when it exists. Only customer data is sent. */
  async upsertDebtor(input: DebtorInput): Promise<{ accNo: string; created: boolean }> {
    const body = {
      companyName: clip(input.companyName, 100),
      address: input.address ? clip(input.address, 200) : undefined,
      postCode: input.postCode,
      phone1: input.phone ? clip(input.phone, 25) : undefined,
      emailAddress: input.email ? clip(input.email, 255) : undefined,
      currencyCode: input.currencyCode,
      creditTerm: input.creditTerm,
      isActive: true,
    };
    const existing = await this.getDebtor(input.accNo);
    const ref = { type: "debtor" as const, accNo: input.accNo };
    if (existing) {
      await this.call("PUT", "/debtor", { query: { accNo: input.accNo }, body, write: ref });
      return { accNo: existing.accNo, created: false };
    }
    try {
      const created = await this.create("/debtor", { accNo: input.accNo, ...body }, ref, "accNo");
      return { accNo: created.docNo, created: true };
    } catch (error) {
      // Another sync created it between our look-up and our write (two invoices for a new
      // customer, or the shared cash-sales debtor, at once): it exists now, so update it.
      if (!(error instanceof AutoCountError && error.kind === "duplicate_document") || !(await this.getDebtor(input.accNo))) throw error;
      await this.call("PUT", "/debtor", { query: { accNo: input.accNo }, body, write: ref });
      return { accNo: input.accNo, created: false };
    }
  }

  // Documents

  async createInvoice(input: SalesDocumentInput): Promise<CreatedRecord> {
    return this.create("/invoice", this.salesDocument(input), { type: "invoice", docNo: input.docNo });
  }

  async createCreditNote(input: CreditNoteInput): Promise<CreatedRecord> {
    const body = this.salesDocument(input);
    Object.assign(body.master, { ourInvoiceNo: input.ourInvoiceNo, reason: clip(input.reason, 80) });
    return this.create("/creditNote", body, { type: "creditNote", docNo: input.docNo });
  }

  /** A receipt (OR) or payment voucher (PV) in the cash book. */
  async createCashBookEntry(input: CashBookEntryInput): Promise<CreatedRecord> {
    assertDate(input.docDate);
    const currency = input.currency ?? "MYR";
    const body = {
      master: {
        docType: input.docType,
        docNo: input.docNo,
        docDate: input.docDate,
        dealWith: clip(input.dealWith, 100),
        description: input.description ? clip(input.description, 80) : undefined,
      },
      details: input.lines.map((l) => ({
        accNo: l.accNo,
        description: clip(l.description, 100),
        amount: exactAmount(l.amountMinor, currency),
      })),
      paymentDetails: input.payments.map((p) => ({
        paymentMethod: p.paymentMethod,
        paymentBy: p.paymentBy,
        paymentAmt: exactAmount(p.amountMinor, currency),
      })),
    };
    return this.create("/payment", body, { type: "payment", docNo: input.docNo });
  }

  async createKnockOff(input: KnockOffInput): Promise<CreatedRecord> {
    assertDate(input.docDate);
    const net = input.entries.reduce((sum, e) => sum + e.amountMinor, 0);
    if (net !== 0) throw new AutoCountError(`knock-off entries must net to zero (they net to ${net})`, "invalid_request", 0);
    const body = {
      master: { accNo: input.accNo, docNo: input.docNo, docDate: input.docDate },
      details: input.entries.map((e) => ({
        docType: e.docType,
        docNo: e.docNo,
        knockOffAmount: exactAmount(e.amountMinor, input.currency),
      })),
    };
    return this.create("/knockOffEntry", body, { type: "knockOffEntry", docNo: input.docNo });
  }

  getInvoice(docNo: string): Promise<AutoCountDocument | null> {
    return this.getDocument("invoice", docNo);
  }

  /** One document by number, or null when AutoCount has none. */
  async getDocument(type: AutoCountDocumentType, docNo: string, currency = "MYR"): Promise<AutoCountDocument | null> {
    const json = await this.readOrNull(`/${type}`, { docNo });
    if (!json) return null;
    const doc = DocumentSchema.parse(json);
    const total = text(field(doc.master, "netTotal", "totalPayment", "total"));
    return {
      type,
      docNo: text(field(doc.master, "docNo")) ?? docNo,
      docKey: text(field(doc.master, "docKey", "knockOffKey")),
      docDate: text(field(doc.master, "docDate"))?.slice(0, 10),
      totalMinor: total !== undefined ? decimalStringToMinor(total, currencyExponent(currency)) : undefined,
      cancelled: flag(field(doc.master, "cancelled")),
      master: doc.master,
      details: doc.details,
    };
  }

  /**
   * After AutoCountUnknownOutcomeError: was the write applied? Looks the record up by the number
   * we gave it. Absent means safe to write again; present means it happened.
   */
  async resolveUnknownOutcome(
    error: AutoCountUnknownOutcomeError,
  ): Promise<{ applied: true; document: AutoCountDocument | Debtor } | { applied: false }> {
    const record = error.record;
    const found = record.type === "debtor" ? await this.getDebtor(record.accNo) : await this.getDocument(record.type, record.docNo);
    return found ? { applied: true, document: found } : { applied: false };
  }

  // Master data

  async listAccounts(): Promise<MasterData["accounts"]> {
    const rows = await this.listAll("POST", MASTER_DATA_PATHS.accounts, {}, {});
    return rows.map((r) => ({
      accNo: text(field(r, "accNo")) ?? "",
      description: text(field(r, "description")),
      accType: text(field(r, "accType")),
    }));
  }

  async listTaxCodes(): Promise<MasterData["taxCodes"]> {
    const rows = await this.listAll("GET", MASTER_DATA_PATHS.taxCodes, {});
    return rows.map((r) => ({
      taxCode: text(field(r, "taxCode", "code")) ?? "",
      description: text(field(r, "description")),
      rate: text(field(r, "taxRate", "rate")),
      isActive: field(r, "isActive") === undefined ? true : flag(field(r, "isActive")),
    }));
  }

  async listCreditTerms(): Promise<MasterData["creditTerms"]> {
    const rows = await this.listAll("GET", MASTER_DATA_PATHS.creditTerms, {});
    return rows.map((r) => ({
      creditTerm: text(field(r, "creditTerm", "displayTerm", "creditTermKey", "term")) ?? "",
      description: text(field(r, "description")),
    }));
  }

  async listPaymentMethods(): Promise<MasterData["paymentMethods"]> {
    const rows = await this.listAll("GET", MASTER_DATA_PATHS.paymentMethods, { activeOnly: "true" });
    return rows.map((r) => ({
      paymentMethod: text(field(r, "paymentMethod")) ?? "",
      bankAccount: text(field(r, "bankAccount")),
      isActive: field(r, "isActive") === undefined ? true : flag(field(r, "isActive")),
    }));
  }

  /**
   * Checks a shop's mapping settings against this account book's master data, with a message
   * per field fit to show next to it. Codes must match exactly, as AutoCount requires.
   */
  async validateMapping(mapping: AccountingMapping): Promise<{ ok: boolean; problems: MappingProblems }> {
    const [accounts, taxCodes, creditTerms, paymentMethods] = await Promise.all([
      this.listAccounts(),
      mapping.taxCode ? this.listTaxCodes() : Promise.resolve([]),
      this.listCreditTerms(),
      this.listPaymentMethods(),
    ]);
    const problems: MappingProblems = {};
    const check = (key: keyof AccountingMapping, label: string, value: string | null, known: string[]) => {
      if (value === null) return;
      if (known.includes(value)) return;
      const near = known.find((k) => k.toLowerCase() === value.toLowerCase());
      problems[key] = near
        ? `AutoCount knows this ${label} as "${near}": use exactly that.`
        : `This AutoCount account book has no ${label} "${value}". Choose one of: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", …" : ""}.`;
    };
    check(
      "salesAccountNo",
      "account",
      mapping.salesAccountNo,
      accounts.map((a) => a.accNo),
    );
    check(
      "taxCode",
      "tax code",
      mapping.taxCode,
      taxCodes.filter((t) => t.isActive).map((t) => t.taxCode),
    );
    check(
      "creditTerm",
      "credit term",
      mapping.creditTerm,
      creditTerms.map((c) => c.creditTerm),
    );
    check(
      "paymentMethod",
      "payment method",
      mapping.paymentMethod,
      paymentMethods.filter((p) => p.isActive).map((p) => p.paymentMethod),
    );
    return { ok: Object.keys(problems).length === 0, problems };
  }

  // Transport

  private salesDocument(input: SalesDocumentInput) {
    assertDate(input.docDate);
    if (input.lines.length === 0) throw new AutoCountError("a document needs at least one line", "invalid_request", 0);
    const currency = input.currency ?? "MYR";
    return {
      master: {
        docNo: input.docNo,
        docDate: input.docDate,
        debtorCode: input.debtorCode,
        debtorName: clip(input.debtorName, 100),
        creditTerm: input.creditTerm,
        salesLocation: input.salesLocation,
        inclusiveTax: input.inclusiveTax,
        ref: input.ref ? clip(input.ref, 40) : undefined,
        description: input.description ? clip(input.description, 80) : undefined,
      } as Record<string, unknown>,
      details: input.lines.map((l) => {
        if (!Number.isSafeInteger(l.qty) || l.qty <= 0)
          throw new AutoCountError(`quantity must be a positive whole number (got ${l.qty})`, "invalid_request", 0);
        return {
          productCode: l.productCode,
          accNo: l.accNo,
          description: clip(l.description, 100),
          qty: l.qty,
          unitPrice: exactAmount(l.unitPriceMinor, currency),
          taxCode: l.taxCode,
        };
      }),
      // Keep exactly the accounts and tax codes the shop mapped, never AutoCount's defaults.
      autoFillOption: { accNo: false, taxCode: false, tariffCode: false, localTotalCost: false },
    };
  }

  private async create(path: string, body: unknown, ref: AutoCountRecordRef, key: "docNo" | "accNo" = "docNo"): Promise<CreatedRecord> {
    const response = await this.call("POST", path, { body, write: ref });
    const location = response.headers.get("location");
    const number = location ? new URL(location, this.settings.baseUrl).searchParams.get(key) : null;
    // 201 with no location is not the documented success signal: treat it as unknown.
    if (!location || !number) throw new AutoCountUnknownOutcomeError(ref, `HTTP ${response.status} without a location header`);
    return { docNo: number, location };
  }

  private async readOrNull(path: string, query: Record<string, string>): Promise<unknown> {
    try {
      return (await this.call("GET", path, { query })).json;
    } catch (error) {
      if (error instanceof AutoCountError && error.kind === "not_found") return null;
      throw error;
    }
  }

  private async listAll(
    method: "GET" | "POST",
    path: string,
    query: Record<string, string>,
    body?: unknown,
  ): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { json } = await this.call(method, path, { query: { ...query, page: String(page) }, body });
      const listing = ListingSchema.parse(json);
      rows.push(...listing.data);
      const total = Number(listing.totalCount);
      if (listing.data.length < PAGE_SIZE || (Number.isFinite(total) && rows.length >= total)) break;
    }
    return rows;
  }

  private async call(
    method: "GET" | "POST" | "PUT",
    path: string,
    options: CallOptions,
  ): Promise<{ status: number; headers: Headers; json: unknown }> {
    const url = new URL(`${this.settings.baseUrl}/${encodeURIComponent(this.settings.accountBookId)}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
    }
    const write = options.write;
    let response: Response;
    try {
      response = await fetchWithTimeout(
        url.toString(),
        {
          method,
          headers: {
            "Key-ID": this.settings.keyId,
            "API-Key": this.settings.apiKey,
            Accept: "application/json",
            ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
          },
          body: options.body !== undefined ? toExactJson(options.body) : undefined,
        },
        write ? (this.settings.writeTimeoutMs ?? 30_000) : (this.settings.readTimeoutMs ?? 15_000),
      );
    } catch (error) {
      if (!(error instanceof ProviderUnreachable)) throw error;
      if (write && error.maybeApplied) throw new AutoCountUnknownOutcomeError(write, error.message);
      throw new AutoCountError(`AutoCount ${error.message}`, "unavailable", 0);
    }
    this.lastRateLimit = readRateLimit(response.headers) ?? this.lastRateLimit;
    const body = await response.text();
    if (response.ok) {
      let json: unknown;
      try {
        json = parseExactJson(body);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, json };
    }
    const message = errorMessage(body, response.status);
    if (response.status === 429) {
      throw new AutoCountError(`AutoCount rate limit: ${message}`, "rate_limited", 429, rateLimitWaitMs(response.headers));
    }
    if (response.status === 401 || response.status === 403) {
      throw new AutoCountError(`AutoCount refused the account book id or keys: ${message}`, "unauthorized", response.status);
    }
    if (response.status === 404) throw new AutoCountError(message, "not_found", 404);
    if (response.status >= 500) {
      // The server failed somewhere: before or after it stored the write, we cannot tell.
      if (write) throw new AutoCountUnknownOutcomeError(write, `HTTP ${response.status}: ${message}`);
      throw new AutoCountError(`AutoCount error ${response.status}: ${message}`, "unavailable", response.status);
    }
    if (/duplicate/i.test(message)) throw new AutoCountError(`AutoCount: ${message}`, "duplicate_document", response.status);
    throw new AutoCountError(`AutoCount refused the request: ${message}`, "invalid_request", response.status);
  }
}

function errorMessage(body: string, status: number): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const message = json?.message ?? json?.Message;
    if (message !== undefined) return String(message).slice(0, 500);
  } catch {
    // not JSON: AutoCount's rate limiter answers in plain text
  }
  return body.trim().slice(0, 500) || `HTTP ${status}`;
}

function assertDate(value: string) {
  if (!DATE.test(value)) throw new AutoCountError(`dates are yyyy-MM-dd (got ${value})`, "invalid_request", 0);
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}
