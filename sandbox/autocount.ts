/**
 * AutoCount Cloud Accounting stand-in, faithful to PROVIDERS.md and AutoCount's integration docs:
 * /{accountBookId}/… with both Key-ID and API-Key required, debtors, invoices, cash book entries
 * (OR receipts, PV payments), knock-offs and credit notes stored and readable by number, writes
 * answered 201 with an empty body and a location header, master data validated exactly (400 on
 * an unknown credit term, tax code, account, payment method or location; 400 on a reused
 * docNo; 400 on a quoted amount, as .NET's System.Decimal parsing refuses it), paged master-data
 * listings, x-rate-limit-* headers on every answer and 429 past the limit, and switches to force
 * 429s and to delay a write past the client's timeout (applied or not). A readable ledger page
 * lists what was booked.
 */
import express, { type Request, type Response, type Router } from "express";

import { ringgit } from "./gateway-common";
import { esc, page } from "./html";

export const SANDBOX_AUTOCOUNT = {
  accountBookId: "10001",
  keyId: "sandbox-autocount-key-id",
  apiKey: "sandbox-autocount-api-key",
};

const ACCOUNTS = [
  { accNo: "300-0000", description: "TRADE DEBTORS", accType: "CA", specialAccType: "SDC" },
  { accNo: "310-0000", description: "MAYBANK CURRENT ACCOUNT", accType: "CA", specialAccType: "SBK" },
  { accNo: "310-1000", description: "PAYMENT GATEWAY CLEARING", accType: "CA", specialAccType: "SBK" },
  { accNo: "320-0000", description: "CASH IN HAND", accType: "CA", specialAccType: "SCH" },
  { accNo: "400-0000", description: "TRADE CREDITORS", accType: "CL", specialAccType: "SCC" },
  { accNo: "500-0000", description: "SALES", accType: "SL", specialAccType: "" },
  { accNo: "500-1000", description: "ONLINE SALES", accType: "SL", specialAccType: "" },
  { accNo: "510-0000", description: "SALES RETURNS", accType: "SA", specialAccType: "" },
  { accNo: "902-0000", description: "BANK CHARGES", accType: "EP", specialAccType: "" },
];
const TAX_CODES = [
  { taxCode: "SV-6", description: "Service tax 6%", taxRate: 6, isActive: true },
  { taxCode: "SV-8", description: "Service tax 8%", taxRate: 8, isActive: true },
  { taxCode: "S-5", description: "Sales tax 5%", taxRate: 5, isActive: true },
  { taxCode: "S-10", description: "Sales tax 10%", taxRate: 10, isActive: true },
  { taxCode: "E", description: "Exempted", taxRate: 0, isActive: true },
];
const CREDIT_TERMS = [
  { creditTerm: "C.O.D.", description: "Cash on delivery", termDays: 0 },
  { creditTerm: "Net 7 days", description: "Net 7 days", termDays: 7 },
  { creditTerm: "Net 30 days", description: "Net 30 days", termDays: 30 },
];
const PAYMENT_METHODS = [
  { paymentMethod: "BANK", bankAccount: "310-0000", journalType: "BANK", paymentBy: "", isActive: true },
  { paymentMethod: "ONLINE", bankAccount: "310-1000", journalType: "BANK", paymentBy: "FPX", isActive: true },
  { paymentMethod: "CASH", bankAccount: "320-0000", journalType: "CASH", paymentBy: "", isActive: true },
];
const LOCATIONS = ["HQ"];

type DocType = "invoice" | "creditNote" | "payment" | "knockOffEntry";
/** Knock-off document type codes → where the document is stored. */
const KNOCK_OFF_TYPES: Record<string, DocType> = { IV: "invoice", CN: "creditNote", OR: "payment", PV: "payment" };

export interface StoredDocument {
  type: DocType;
  docKey: number;
  docNo: string;
  docDate: string;
  /** IV, CN, OR, PV or KO. */
  code: string;
  accNo: string;
  name: string;
  totalSen: number;
  /** What knock-offs have not yet matched. */
  outstandingSen: number;
  master: Record<string, unknown>;
  details: Record<string, unknown>[];
}

export interface SandboxDebtor {
  accNo: string;
  companyName: string;
  address: string;
  postCode: string;
  phone1: string;
  emailAddress: string;
  currencyCode: string;
  creditTerm: string;
  isActive: boolean;
}

export interface AutoCountSwitches {
  /** Answer the next N API calls with 429. */
  rateLimitNext: number;
  /** Hold the next write this long before answering; apply it or drop it. */
  delayNextWrite: { ms: number; apply: boolean; path?: string } | null;
  /**
   * Hold writes to `path` until `count` of them have arrived, then apply them in arrival order:
   * concurrent writers that both looked before either wrote (a race a test can line up without
   * depending on timing).
   */
  holdWrites: { path: string; count: number } | null;
}

class BadRequest extends Error {}

/** A validated document before it is stored; apply() records its side effects (knock-offs). */
interface Built {
  accNo: string;
  name: string;
  totalSen: number;
  master: Record<string, unknown>;
  details: Record<string, unknown>[];
  apply?: () => void;
}

const CODE_OF: Record<DocType, string> = { invoice: "IV", creditNote: "CN", payment: "", knockOffEntry: "KO" };
const PREFIX: Record<string, string> = { IV: "I-", CN: "CN-", OR: "OR-", PV: "PV-", KO: "KO-" };

export class AutoCountSandbox {
  debtors = new Map<string, SandboxDebtor>();
  documents: StoredDocument[] = [];
  switches: AutoCountSwitches = { rateLimitNext: 0, delayNextWrite: null, holdWrites: null };
  private held: Array<() => void> = [];
  /** The last writes as received (method, path, parsed body): tests check what data was sent. */
  requests: { method: string; path: string; body: unknown }[] = [];
  rateLimit: { limit: number; windowMs: number };
  private window = { start: Date.now(), used: 0 };
  private nextKey = 1;

  constructor(options: { requestsPerMinute?: number } = {}) {
    this.rateLimit = { limit: options.requestsPerMinute ?? 100, windowMs: 60_000 };
  }

  reset() {
    this.debtors.clear();
    this.documents = [];
    this.requests = [];
    this.switches.rateLimitNext = 0;
    this.switches.delayNextWrite = null;
    this.switches.holdWrites = null;
    for (const release of this.held.splice(0)) release();
    this.window = { start: Date.now(), used: 0 };
  }

  find(type: DocType, docNo: string, code?: string): StoredDocument | undefined {
    return this.documents.find((d) => d.type === type && d.docNo.toLowerCase() === docNo.toLowerCase() && (!code || d.code === code));
  }

  /** The API, mounted at /autocount/api. */
  api(): Router {
    const r = express.Router({ mergeParams: true });
    r.use(express.text({ type: "*/*", limit: "256kb" }));
    r.use((req, _res, next) => {
      if (req.method !== "GET") {
        let body: unknown;
        try {
          body = typeof req.body === "string" && req.body ? JSON.parse(req.body) : null;
        } catch {
          body = req.body;
        }
        this.requests.push({ method: req.method, path: req.path, body });
        if (this.requests.length > 1000) this.requests.shift();
      }
      next();
    });
    r.use("/:book", (req, res, next) => this.guard(req, res, next));
    r.get("/:book/paymentmethod/listing", (req, res) =>
      this.listing(
        req,
        res,
        PAYMENT_METHODS.filter((p) => req.query.activeOnly !== "true" || p.isActive),
      ),
    );
    const accounts = (req: Request, res: Response) => {
      const search = String(req.query.searchText ?? "").toLowerCase();
      const all = [
        ...ACCOUNTS,
        ...[...this.debtors.values()].map((d) => ({ accNo: d.accNo, description: d.companyName, accType: "CA", specialAccType: "" })),
      ];
      this.listing(
        req,
        res,
        all.filter((a) => !search || a.accNo.toLowerCase().includes(search) || a.description.toLowerCase().includes(search)),
      );
    };
    r.post("/:book/account/listing", accounts);
    r.get("/:book/account/listing", accounts);
    r.get("/:book/taxcode/listing", (req, res) => this.listing(req, res, TAX_CODES));
    r.get("/:book/creditterm/listing", (req, res) => this.listing(req, res, CREDIT_TERMS));
    r.get("/:book/debtor/listing", (req, res) => this.listing(req, res, [...this.debtors.values()]));
    r.get("/:book/debtor", (req, res) => {
      const debtor = this.debtors.get(String(req.query.accNo ?? ""));
      if (!debtor) return notFound(res);
      res.json(debtor);
    });
    r.post("/:book/debtor", (req, res) => this.write(req, res, () => this.createDebtor(req)));
    r.put("/:book/debtor", (req, res) => this.write(req, res, () => this.updateDebtor(req)));
    for (const type of ["invoice", "creditNote", "payment", "knockOffEntry"] as const) {
      r.get(`/:book/${type}`, (req, res) => {
        const doc = this.find(type, String(req.query.docNo ?? ""));
        if (!doc) return notFound(res);
        res.json({ master: doc.master, details: doc.details });
      });
      r.post(`/:book/${type}`, (req, res) => this.write(req, res, () => this.createDocument(type, req)));
    }
    r.use((_req: Request, res: Response) => notFound(res));
    return r;
  }

  private guard(req: Request, res: Response, next: () => void) {
    const now = Date.now();
    if (now - this.window.start >= this.rateLimit.windowMs) this.window = { start: now, used: 0 };
    this.window.used++;
    const resetAt = new Date(this.window.start + this.rateLimit.windowMs);
    const forced = this.switches.rateLimitNext > 0;
    res.setHeader("x-rate-limit-limit", "1m");
    res.setHeader("x-rate-limit-remaining", String(Math.max(0, this.rateLimit.limit - this.window.used)));
    res.setHeader("x-rate-limit-reset", resetAt.toISOString());
    if (forced || this.window.used > this.rateLimit.limit) {
      if (forced) this.switches.rateLimitNext--;
      res.setHeader("Retry-After", String(Math.max(1, Math.ceil((resetAt.getTime() - now) / 1000))));
      return res
        .status(429)
        .json({ statusCode: 429, message: `API calls quota exceeded! maximum admitted ${this.rateLimit.limit} per 1m.` });
    }
    if (
      req.get("key-id") !== SANDBOX_AUTOCOUNT.keyId ||
      req.get("api-key") !== SANDBOX_AUTOCOUNT.apiKey ||
      req.params.book !== SANDBOX_AUTOCOUNT.accountBookId
    ) {
      return res.status(401).json({ statusCode: 401, message: "401 Unauthorized." });
    }
    next();
  }

  private listing(req: Request, res: Response, rows: unknown[]) {
    const pageIndex = Number(req.query.page);
    if (!Number.isInteger(pageIndex) || pageIndex < 1) return res.status(400).json({ statusCode: 400, message: "page is required." });
    res.json({ data: rows.slice((pageIndex - 1) * 100, pageIndex * 100), totalCount: rows.length });
  }

  /** Runs a write, honouring the delay switch; 201 + location, or 400 {statusCode, message}. */
  private async write(req: Request, res: Response, act: () => { location: string; status?: number }) {
    const hold = this.switches.holdWrites;
    if (hold && req.path.endsWith(hold.path)) {
      const arrived = new Promise<void>((resolve) => this.held.push(resolve));
      if (this.held.length >= hold.count) {
        this.switches.holdWrites = null;
        for (const release of this.held.splice(0)) release();
      }
      await arrived;
    }
    // With a path (e.g. "/invoice"), the delay waits for the next write to that endpoint.
    const pending = this.switches.delayNextWrite;
    const delay = pending && (!pending.path || req.path.endsWith(pending.path)) ? pending : null;
    if (delay) this.switches.delayNextWrite = null;
    let outcome: { location: string; status?: number } | Error;
    if (delay && !delay.apply) {
      outcome = new Error("dropped");
    } else {
      try {
        outcome = act();
      } catch (error) {
        outcome = error as Error;
      }
    }
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    if (res.destroyed || res.headersSent) return;
    if (outcome instanceof BadRequest) return res.status(400).json({ statusCode: 400, message: outcome.message });
    if (outcome instanceof Error) return res.status(503).json({ statusCode: 503, message: "Service unavailable." });
    res.status(outcome.status ?? 201);
    if (outcome.status !== 204)
      res.setHeader("location", `${req.protocol}://${req.get("host")}/autocount/api/${req.params.book}${outcome.location}`);
    res.setHeader("content-length", "0");
    res.end();
  }

  private createDebtor(req: Request) {
    const b = parseBody(req);
    const accNo = typeof b.accNo === "string" && b.accNo ? b.accNo : `300-C${String(this.debtors.size + 1).padStart(4, "0")}`;
    if (this.debtors.has(accNo)) throw new BadRequest(`Duplicate AccNo '${accNo}'.`);
    if (typeof b.companyName !== "string" || !b.companyName.trim()) throw new BadRequest("CompanyName is required.");
    if (b.creditTerm !== undefined && !CREDIT_TERMS.some((c) => c.creditTerm === b.creditTerm)) {
      throw new BadRequest(`CreditTerm (CreditTermKey = ${b.creditTerm}) not exists.`);
    }
    this.debtors.set(accNo, {
      accNo,
      companyName: b.companyName,
      address: str(b.address),
      postCode: str(b.postCode),
      phone1: str(b.phone1),
      emailAddress: str(b.emailAddress),
      currencyCode: str(b.currencyCode) || "MYR",
      creditTerm: str(b.creditTerm) || "C.O.D.",
      isActive: b.isActive !== false,
    });
    return { location: `/debtor?accNo=${encodeURIComponent(accNo)}` };
  }

  private updateDebtor(req: Request) {
    const debtor = this.debtors.get(String(req.query.accNo ?? ""));
    if (!debtor) throw new BadRequest(`Debtor (AccNo = ${req.query.accNo}) not exists.`);
    const b = parseBody(req);
    if (b.creditTerm !== undefined && !CREDIT_TERMS.some((c) => c.creditTerm === b.creditTerm)) {
      throw new BadRequest(`CreditTerm (CreditTermKey = ${b.creditTerm}) not exists.`);
    }
    for (const key of ["companyName", "address", "postCode", "phone1", "emailAddress", "currencyCode", "creditTerm"] as const) {
      if (typeof b[key] === "string") debtor[key] = b[key] as string;
    }
    return { location: `/debtor?accNo=${encodeURIComponent(debtor.accNo)}`, status: 204 };
  }

  private createDocument(type: DocType, req: Request) {
    const b = parseBody(req);
    const master = (b.master ?? {}) as Record<string, unknown>;
    const details = Array.isArray(b.details) ? (b.details as Record<string, unknown>[]) : [];
    const docDate = str(master.docDate).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(docDate)) throw new BadRequest("DocDate is required (yyyy-MM-dd).");
    const code = type === "payment" ? str(master.docType) : CODE_OF[type];
    if (type === "payment" && code !== "OR" && code !== "PV") throw new BadRequest("DocType must be OR or PV.");
    let docNo = str(master.docNo);
    if (docNo && this.documents.some((d) => d.code === code && d.docNo.toLowerCase() === docNo.toLowerCase())) {
      throw new BadRequest(`Duplicate document number '${docNo}'.`);
    }
    docNo ||= `${PREFIX[code]}${String(this.documents.filter((d) => d.code === code).length + 1).padStart(6, "0")}`;
    const built: Built =
      type === "knockOffEntry"
        ? this.knockOff(master, details)
        : type === "payment"
          ? this.cashBook(master, details, b)
          : this.salesDocument(type, master, details);
    const docKey = this.nextKey++;
    const stored: StoredDocument = {
      type,
      docKey,
      docNo,
      docDate,
      code,
      accNo: built.accNo,
      name: built.name,
      totalSen: built.totalSen,
      outstandingSen: built.totalSen,
      master: {
        docKey,
        docNo,
        docDate: `${docDate}T00:00:00`,
        ...built.master,
        cancelled: false,
        createdTimeStamp: new Date().toISOString(),
      },
      details: built.details.map((d, i) => ({ docKey, dtlKey: docKey * 1000 + i, seq: i + 1, ...d })),
    };
    built.apply?.();
    this.documents.push(stored);
    const path = type === "knockOffEntry" ? "knockoffentry" : type.toLowerCase();
    return { location: `/${path}?docNo=${encodeURIComponent(docNo)}` };
  }

  private salesDocument(type: DocType, master: Record<string, unknown>, details: Record<string, unknown>[]) {
    const debtor = this.debtors.get(str(master.debtorCode));
    if (!debtor) throw new BadRequest(`Debtor (AccNo = ${str(master.debtorCode)}) not exists.`);
    if (!str(master.debtorName)) throw new BadRequest("DebtorName is required.");
    if (!CREDIT_TERMS.some((c) => c.creditTerm === master.creditTerm))
      throw new BadRequest(`CreditTerm (CreditTermKey = ${str(master.creditTerm)}) not exists.`);
    if (!LOCATIONS.includes(str(master.salesLocation)))
      throw new BadRequest(`Location (Location = ${str(master.salesLocation)}) not exists.`);
    if (type === "creditNote" && master.ourInvoiceNo !== undefined && !this.find("invoice", str(master.ourInvoiceNo))) {
      throw new BadRequest(`Invoice (DocNo = ${str(master.ourInvoiceNo)}) not exists.`);
    }
    if (details.length === 0) throw new BadRequest("Details is required.");
    const inclusive = master.inclusiveTax === true;
    let exTax = 0;
    let tax = 0;
    const rows = details.map((d) => {
      if (!str(d.accNo)) throw new BadRequest("AccNo is required.");
      this.requireAccount(str(d.accNo));
      const qty = decimal(d.qty, "Qty", 0);
      if (qty <= 0) throw new BadRequest("Qty must be a positive number.");
      const unitPrice = decimal(d.unitPrice, "UnitPrice", 2);
      const taxCode =
        d.taxCode === undefined || d.taxCode === null || d.taxCode === "" ? null : TAX_CODES.find((t) => t.taxCode === d.taxCode);
      if (taxCode === undefined) throw new BadRequest(`TaxCode (TaxCode = ${str(d.taxCode)}) not exists.`);
      const amount = qty * unitPrice;
      const rate = taxCode?.taxRate ?? 0;
      const lineTax = inclusive ? amount - Math.round((amount * 100) / (100 + rate)) : Math.round((amount * rate) / 100);
      exTax += inclusive ? amount - lineTax : amount;
      tax += lineTax;
      return {
        accNo: d.accNo,
        description: str(d.description),
        qty,
        unitPrice: unitPrice / 100,
        taxCode: taxCode?.taxCode ?? null,
        taxRate: rate,
        tax: lineTax / 100,
        subTotal: amount / 100,
      };
    });
    const net = exTax + tax;
    return {
      accNo: debtor.accNo,
      name: str(master.debtorName),
      totalSen: net,
      master: {
        debtorCode: debtor.accNo,
        debtorName: master.debtorName,
        creditTerm: master.creditTerm,
        salesLocation: master.salesLocation,
        currencyCode: debtor.currencyCode,
        currencyRate: 1,
        inclusiveTax: inclusive,
        ref: master.ref ?? null,
        description: master.description ?? null,
        ...(type === "creditNote" ? { ourInvoiceNo: master.ourInvoiceNo ?? null, reason: master.reason ?? null } : {}),
        totalExTax: exTax / 100,
        tax: tax / 100,
        netTotal: net / 100,
        localNetTotal: net / 100,
      },
      details: rows,
    };
  }

  private cashBook(master: Record<string, unknown>, details: Record<string, unknown>[], body: Record<string, unknown>) {
    const payments = Array.isArray(body.paymentDetails) ? (body.paymentDetails as Record<string, unknown>[]) : [];
    if (details.length === 0) throw new BadRequest("Details is required.");
    if (payments.length === 0) throw new BadRequest("PaymentDetails is required.");
    let detailTotal = 0;
    const rows = details.map((d) => {
      this.requireAccount(str(d.accNo));
      const amount = decimal(d.amount, "Amount", 2);
      detailTotal += amount;
      return { accNo: d.accNo, description: str(d.description), amount: amount / 100 };
    });
    let paid = 0;
    for (const p of payments) {
      if (!PAYMENT_METHODS.some((m) => m.paymentMethod === p.paymentMethod && m.isActive)) {
        throw new BadRequest(`PaymentMethod (PaymentMethod = ${str(p.paymentMethod)}) not exists.`);
      }
      paid += decimal(p.paymentAmt, "PaymentAmt", 2);
    }
    if (paid !== detailTotal)
      throw new BadRequest(`Total payment amount (${paid / 100}) does not match detail amount (${detailTotal / 100}).`);
    const debtorLine = details.map((d) => this.debtors.get(str(d.accNo))).find(Boolean);
    return {
      accNo: debtorLine?.accNo ?? str(details[0].accNo),
      name: str(master.dealWith),
      totalSen: detailTotal,
      master: {
        docType: master.docType,
        dealWith: master.dealWith ?? null,
        description: master.description ?? null,
        currencyCode: "MYR",
        currencyRate: 1,
        totalPayment: paid / 100,
        netTotal: detailTotal / 100,
      },
      details: rows,
    };
  }

  private knockOff(master: Record<string, unknown>, details: Record<string, unknown>[]) {
    const accNo = str(master.accNo);
    if (!this.debtors.has(accNo)) throw new BadRequest(`AccNo (AccNo = ${accNo}) not exists.`);
    if (details.length < 2) throw new BadRequest("At least one debit and one credit transaction are required.");
    let net = 0;
    const seen = new Set<string>();
    const matched = details.map((d) => {
      const code = str(d.docType);
      const type = KNOCK_OFF_TYPES[code];
      if (!type) throw new BadRequest(`DocType '${code}' cannot be knocked off.`);
      const doc = this.find(type, str(d.docNo), code);
      if (!doc) throw new BadRequest(`${code} (DocNo = ${str(d.docNo)}) not exists.`);
      if (seen.has(`${code}:${doc.docNo}`)) throw new BadRequest(`Transaction ${doc.docNo} is listed more than once.`);
      seen.add(`${code}:${doc.docNo}`);
      if (doc.accNo !== accNo) throw new BadRequest(`${doc.docNo} does not belong to ${accNo}.`);
      const amount = decimal(d.knockOffAmount, "KnockOffAmount", 2);
      // Debits (IV, PV) are knocked off with +, credits (CN, OR) with −.
      const debit = code === "IV" || code === "PV";
      if (amount === 0 || amount > 0 !== debit) throw new BadRequest(`KnockOffAmount of ${doc.docNo} has the wrong sign.`);
      if (Math.abs(amount) > doc.outstandingSen)
        throw new BadRequest(`KnockOffAmount of ${doc.docNo} exceeds its outstanding ${doc.outstandingSen / 100}.`);
      net += amount;
      return { doc, amount };
    });
    if (net !== 0) throw new BadRequest("Debit and credit knock-off amounts do not balance.");
    return {
      accNo,
      name: this.debtors.get(accNo)!.companyName,
      totalSen: matched.filter((m) => m.amount > 0).reduce((s, m) => s + m.amount, 0),
      master: { accNo },
      details: matched.map((m) => ({ docType: m.doc.code, docNo: m.doc.docNo, knockOffAmount: m.amount / 100 })),
      apply: () => {
        for (const m of matched) m.doc.outstandingSen -= Math.abs(m.amount);
      },
    };
  }

  private requireAccount(accNo: string) {
    if (!ACCOUNTS.some((a) => a.accNo === accNo) && !this.debtors.has(accNo)) throw new BadRequest(`AccNo (AccNo = ${accNo}) not exists.`);
  }

  /** The readable ledger, mounted at /autocount. */
  tools(): Router {
    const r = express.Router();
    r.get("/ledger", (_req, res) => res.type("html").send(this.ledgerPage()));
    r.get("/", (_req, res) => res.redirect(302, "/autocount/ledger"));
    r.get("/_control", (_req, res) =>
      res.json({
        switches: this.switches,
        rateLimit: this.rateLimit,
        debtors: [...this.debtors.values()],
        documents: this.documents,
        requests: this.requests,
      }),
    );
    r.post("/_control", express.json(), (req, res) => {
      const b = req.body ?? {};
      if (b.reset) this.reset();
      if (typeof b.rateLimitNext === "number") this.switches.rateLimitNext = b.rateLimitNext;
      if (b.delayNextWrite === null || (b.delayNextWrite && typeof b.delayNextWrite.ms === "number")) {
        this.switches.delayNextWrite = b.delayNextWrite && {
          ms: b.delayNextWrite.ms,
          apply: b.delayNextWrite.apply !== false,
          path: typeof b.delayNextWrite.path === "string" ? b.delayNextWrite.path : undefined,
        };
      }
      if (typeof b.requestsPerMinute === "number") this.rateLimit.limit = b.requestsPerMinute;
      res.json({ switches: this.switches, rateLimit: this.rateLimit });
    });
    return r;
  }

  private ledgerPage(): string {
    const table = (title: string, docs: StoredDocument[], withOutstanding: boolean) => {
      const rows = docs
        .map(
          (d) =>
            `<tr data-testid="${esc(d.code)}-${esc(d.docNo)}"><td>${esc(d.docNo)}</td><td>${esc(d.docDate)}</td><td>${esc(d.accNo)} ${esc(d.name)}</td><td>${esc(ringgit(d.totalSen))}</td>${
              withOutstanding
                ? `<td>${esc(ringgit(d.outstandingSen))}</td><td>${d.outstandingSen === 0 ? "Settled" : "Outstanding"}</td>`
                : ""
            }</tr>`,
        )
        .join("");
      const head = `<th>Doc no.</th><th>Date</th><th>Debtor</th><th>Total</th>${withOutstanding ? "<th>Outstanding</th><th>Status</th>" : ""}`;
      return `<h2>${esc(title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${rows || `<tr><td colspan="6" class="muted">None yet.</td></tr>`}</tbody></table>`;
    };
    const debtors = [...this.debtors.values()]
      .map(
        (d) =>
          `<tr><td>${esc(d.accNo)}</td><td>${esc(d.companyName)}</td><td>${esc(d.emailAddress)}</td><td>${esc(d.creditTerm)}</td></tr>`,
      )
      .join("");
    return page(
      "AutoCount ledger",
      `<h1>AutoCount ledger <span class="muted">account book ${esc(SANDBOX_AUTOCOUNT.accountBookId)}</span></h1>
<p class="muted">What NetShop booked through the AutoCount Cloud Accounting stand-in. This page refreshes itself.</p>
${table(
  "Sales invoices",
  this.documents.filter((d) => d.code === "IV"),
  true,
)}
${table(
  "Receipts (OR)",
  this.documents.filter((d) => d.code === "OR"),
  true,
)}
${table(
  "Credit notes",
  this.documents.filter((d) => d.code === "CN"),
  true,
)}
${table(
  "Payments out (PV)",
  this.documents.filter((d) => d.code === "PV"),
  true,
)}
${table(
  "Knock-offs",
  this.documents.filter((d) => d.code === "KO"),
  false,
)}
<h2>Debtors</h2><table><thead><tr><th>Code</th><th>Name</th><th>Email</th><th>Credit term</th></tr></thead><tbody>${
        debtors || `<tr><td colspan="4" class="muted">None yet.</td></tr>`
      }</tbody></table>`,
      { refreshSeconds: 5 },
    );
  }
}

function notFound(res: Response) {
  res.status(404).json({ statusCode: 404, message: "Record not found." });
}

function parseBody(req: Request): Record<string, unknown> {
  try {
    const parsed = JSON.parse(typeof req.body === "string" && req.body ? req.body : "{}");
    if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BadRequest("The request body is not valid JSON.");
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** A JSON number with at most `places` decimals, in hundredths (places 2) or units (places 0). */
function decimal(value: unknown, name: string, places: 0 | 2): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new BadRequest(`The JSON value could not be converted to System.Decimal. Path: ${name}.`);
  }
  const scaled = places === 2 ? value * 100 : value;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) throw new BadRequest(`${name} has more than ${places} decimal places.`);
  return Math.round(scaled);
}
