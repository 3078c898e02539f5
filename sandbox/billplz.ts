/**
 * Billplz API v3 stand-in, faithful to PROVIDERS.md and Billplz's docs: HTTP Basic with the
 * secret key, POST/GET/DELETE /v3/bills, GET /v3/bills/{id}/transactions, a hosted bill page
 * with Pay / Fail / Pending, X-Signature callbacks (form-encoded, retried until answered 200) and
 * redirects (billplz[…] keys), "Extra Payment Completion Information" on, and switches for
 * tampered signatures, wrong amounts, duplicate and out-of-order callbacks and 429.
 * Its signing is written here on its own, so tests do not check the client against itself.
 */
import { createHmac, randomBytes } from "node:crypto";

import express, { type Request, type Response, type Router } from "express";

import {
  CallbackSender,
  defaultSwitches,
  formBody,
  type GatewaySwitches,
  gatewayToolsRouter,
  hostedPage,
  randomId,
  rateLimitSwitch,
  sendCallback,
  tampered,
} from "./gateway-common";
import { esc, page } from "./html";

export const SANDBOX_BILLPLZ = {
  secretKey: "sandbox-billplz-secret-key",
  collectionId: "nsbxcoll",
  xSignatureKey: "S-netshop-sandbox-x-signature",
};

interface Transaction {
  id: string;
  status: "pending" | "completed" | "failed";
  completed_at: string | null;
  payment_channel: "FPX";
}

export interface SandboxBill {
  id: string;
  collection_id: string;
  paid: boolean;
  state: "due" | "paid" | "deleted";
  amount: number;
  paid_amount: number;
  due_at: string;
  email: string | null;
  mobile: string | null;
  name: string;
  url: string;
  reference_1_label: string;
  reference_1: string | null;
  reference_2_label: string;
  reference_2: string | null;
  redirect_url: string | null;
  callback_url: string;
  description: string;
  paid_at: string | null;
  transactions: Transaction[];
  /** Signed callback bodies already sent, oldest first. */
  sent: string[];
}

function sourceString(fields: [string, string][]): string {
  return fields
    .filter(([k]) => k !== "x_signature")
    .map(([k, v]) => k.replace(/[[\]]/g, "") + v)
    .sort((a, b) => {
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return x === y ? 0 : x < y ? -1 : 1;
    })
    .join("|");
}

/** Billplz's paid_at: "2018-09-27 15:15:09 +0800", Malaysia time. */
function billplzTime(date: Date): string {
  const local = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} +0800`;
}

const billError = (res: Response, status: number, type: string, message: string | string[]) =>
  res.status(status).json({ error: { type, message } });

export class BillplzSandbox {
  bills = new Map<string, SandboxBill>();
  switches: GatewaySwitches = defaultSwitches();
  readonly sender: CallbackSender;

  constructor(options: { retryDelaysMs?: number[] } = {}) {
    this.sender = new CallbackSender(options.retryDelaysMs ?? [15_000, 60_000, 60_000, 300_000]);
  }

  reset() {
    this.bills.clear();
    Object.assign(this.switches, defaultSwitches());
    this.sender.attempts = [];
  }

  stop() {
    this.sender.stop();
  }

  /** The API, mounted at /billplz/api. */
  api(): Router {
    const r = express.Router();
    r.use(formBody, express.json({ limit: "64kb" }));
    r.use((req, res, next) => {
      const [scheme, encoded] = (req.get("authorization") ?? "").split(" ");
      const user = scheme === "Basic" && encoded ? Buffer.from(encoded, "base64").toString().split(":")[0] : "";
      if (user !== SANDBOX_BILLPLZ.secretKey) return billError(res, 401, "Unauthorized", "Access denied");
      next();
    });
    r.use(rateLimitSwitch(this.switches, (res) => billError(res, 429, "TooManyRequests", "Too many requests, try again later")));
    r.post("/v3/bills", (req, res) => this.createBill(req, res));
    r.get("/v3/bills/:id", (req, res) => {
      const bill = this.bills.get(req.params.id);
      if (!bill) return billError(res, 404, "RecordNotFound", "The requested bill could not be found");
      res.json(this.billJson(bill));
    });
    r.get("/v3/bills/:id/transactions", (req, res) => {
      const bill = this.bills.get(req.params.id);
      if (!bill) return billError(res, 404, "RecordNotFound", "The requested bill could not be found");
      res.json({ bill_id: bill.id, transactions: [...bill.transactions].reverse(), page: 1 });
    });
    r.delete("/v3/bills/:id", (req, res) => {
      const bill = this.bills.get(req.params.id);
      if (!bill) return billError(res, 404, "RecordNotFound", "The requested bill could not be found");
      if (bill.paid) return billError(res, 422, "RecordInvalid", "Paid bill can't be deleted");
      bill.state = "deleted";
      res.json({});
    });
    return r;
  }

  private createBill(req: Request, res: Response) {
    const b = (req.body ?? {}) as Record<string, string>;
    const errors: string[] = [];
    if (b.collection_id !== SANDBOX_BILLPLZ.collectionId) {
      return billError(res, 404, "RecordNotFound", "The requested collection could not be found");
    }
    if (!b.email && !b.mobile) errors.push("Email or mobile is required");
    if (b.mobile && !/^\+?\d{8,15}$/.test(b.mobile)) errors.push("Mobile is invalid");
    if (!b.name || String(b.name).length > 255) errors.push("Name is required (max 255 characters)");
    if (!/^[1-9]\d*$/.test(String(b.amount ?? ""))) errors.push("Amount must be a positive integer in cents");
    if (!b.callback_url) errors.push("Callback url is required");
    if (!b.description || String(b.description).length > 200) errors.push("Description is required (max 200 characters)");
    if (b.reference_1 && String(b.reference_1).length > 120) errors.push("Reference 1 is too long (max 120 characters)");
    if (b.reference_1_label && String(b.reference_1_label).length > 20) errors.push("Reference 1 label is too long (max 20 characters)");
    if (errors.length) return billError(res, 422, "RecordInvalid", errors);
    const id = randomBytes(6).toString("base64url").slice(0, 8).toLowerCase();
    const bill: SandboxBill = {
      id,
      collection_id: b.collection_id,
      paid: false,
      state: "due",
      amount: Number(b.amount),
      paid_amount: 0,
      due_at: b.due_at || new Date().toISOString().slice(0, 10),
      email: b.email || null,
      mobile: b.mobile || null,
      name: String(b.name).toUpperCase(),
      url: `${req.protocol}://${req.get("host")}/billplz/bills/${id}`,
      reference_1_label: b.reference_1_label || "Reference 1",
      reference_1: b.reference_1 || null,
      reference_2_label: b.reference_2_label || "Reference 2",
      reference_2: b.reference_2 || null,
      redirect_url: b.redirect_url || null,
      callback_url: b.callback_url,
      description: b.description,
      paid_at: null,
      transactions: [],
      sent: [],
    };
    this.bills.set(id, bill);
    res.json(this.billJson(bill));
  }

  private billJson(bill: SandboxBill) {
    const { transactions: _t, sent: _s, ...json } = bill;
    return json;
  }

  /** The hosted bill page and the human pages, mounted at /billplz. */
  tools(): Router {
    const r = gatewayToolsRouter({
      brand: "Billplz",
      switches: this.switches,
      sender: this.sender,
      reset: () => this.reset(),
      summary: () => ({ bills: [...this.bills.values()].map((b) => this.billJson(b)) }),
      overview: () =>
        [...this.bills.values()].map((b) => ({
          id: b.id,
          href: `/billplz/bills/${b.id}`,
          reference: b.reference_1 ?? "",
          amountSen: b.amount,
          status: b.state,
        })),
    });
    r.get("/bills/:id", (req, res) => {
      const bill = this.bills.get(req.params.id);
      if (!bill) return res.status(404).type("html").send(page("Bill not found", "<h1>Bill not found</h1>"));
      res.type("html").send(
        hostedPage({
          brand: "Billplz",
          reference: bill.reference_1 ?? bill.id,
          description: bill.description,
          amountSen: bill.amount,
          customerName: bill.name,
          status: bill.state,
          action: `/billplz/bills/${bill.id}/pay`,
          payable: !bill.paid,
          note:
            bill.state === "deleted"
              ? "This bill was deleted by the merchant; Billplz still accepts a payment and the bill reappears."
              : undefined,
        }),
      );
    });
    r.post("/bills/:id/pay", formBody, (req, res) => this.pay(req, res));
    return r;
  }

  private pay(req: Request, res: Response) {
    const bill = this.bills.get(req.params.id);
    if (!bill) return res.status(404).type("html").send(page("Bill not found", "<h1>Bill not found</h1>"));
    const outcome = req.body?.outcome;
    if (!["paid", "failed", "pending"].includes(outcome))
      return res.status(400).type("html").send(page("Choose", "<h1>Choose Pay, Fail or Pending</h1>"));
    if (bill.paid)
      return res
        .status(409)
        .type("html")
        .send(page("Already paid", `<h1>Bill ${esc(bill.id)} is already paid</h1>`));
    const now = new Date();
    const transaction: Transaction = {
      id: randomId(6).toUpperCase(),
      status: outcome === "paid" ? "completed" : (outcome as "failed" | "pending"),
      completed_at: outcome === "paid" ? now.toISOString() : null,
      payment_channel: "FPX",
    };
    bill.transactions.push(transaction);
    if (outcome === "paid") {
      bill.paid = true;
      bill.state = "paid";
      bill.paid_amount = bill.amount;
      bill.paid_at = billplzTime(now);
    }
    this.notify(bill, transaction);
    if (!bill.redirect_url) {
      return res.type("html").send(page("Receipt", `<h1>Payment ${esc(outcome)}</h1><p>Bill ${esc(bill.id)}, ${esc(transaction.id)}</p>`));
    }
    res.redirect(302, this.redirectUrl(bill, transaction));
  }

  private callbackFields(bill: SandboxBill, transaction: Transaction): [string, string][] {
    const reported = this.switches.wrongAmount ? Math.max(1, bill.amount - 100) : bill.amount;
    const fields: [string, string][] = [
      ["id", bill.id],
      ["collection_id", bill.collection_id],
      ["paid", String(transaction.status === "completed")],
      ["state", transaction.status === "completed" ? "paid" : bill.state],
      ["amount", String(reported)],
      ["paid_amount", String(transaction.status === "completed" ? reported : 0)],
      ["due_at", bill.due_at],
      ["email", bill.email ?? ""],
      ["mobile", bill.mobile ?? ""],
      ["name", bill.name],
      ["url", bill.url],
      ["paid_at", transaction.status === "completed" ? (bill.paid_at ?? "") : ""],
      ["transaction_id", transaction.id],
      ["transaction_status", transaction.status],
    ];
    return [...fields, ["x_signature", this.sign(fields)]];
  }

  private sign(fields: [string, string][]): string {
    const signature = createHmac("sha256", SANDBOX_BILLPLZ.xSignatureKey).update(sourceString(fields)).digest("hex");
    return this.switches.tamperSignature ? tampered(signature) : signature;
  }

  private notify(bill: SandboxBill, transaction: Transaction) {
    const body = new URLSearchParams(this.callbackFields(bill, transaction)).toString();
    const earlierAttempt = (): Transaction => ({
      id: randomId(6).toUpperCase(),
      status: "pending",
      completed_at: null,
      payment_channel: "FPX",
    });
    sendCallback(
      this.sender,
      this.switches,
      { id: bill.id, callbackUrl: bill.callback_url, sent: bill.sent },
      body,
      `${bill.id} ${transaction.status}`,
      () => new URLSearchParams(this.callbackFields(bill, earlierAttempt())).toString(),
    );
  }

  private redirectUrl(bill: SandboxBill, transaction: Transaction): string {
    const fields: [string, string][] = [
      ["billplz[id]", bill.id],
      ["billplz[paid]", String(transaction.status === "completed")],
      ["billplz[paid_at]", transaction.status === "completed" ? (bill.paid_at ?? "") : ""],
      ["billplz[transaction_id]", transaction.id],
      ["billplz[transaction_status]", transaction.status],
    ];
    const url = new URL(bill.redirect_url!);
    for (const [k, v] of fields) url.searchParams.append(k, v);
    url.searchParams.append("billplz[x_signature]", this.sign(fields));
    return url.toString();
  }
}
