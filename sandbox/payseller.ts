/**
 * PaySeller stand-in. PaySeller publishes no API, so this implements the contract NetShop
 * ASSUMES for it (the header of app/integrations/payseller.server.ts, the pattern Malaysian
 * gateways document): Bearer API key, POST /v1/payments with Idempotency-Key, GET, cancel,
 * refunds, a hosted page with Pay / Fail / Pending, signed form-encoded callbacks retried until
 * answered 200, signed ps_* redirects, and the same failure switches as the Billplz stand-in.
 * Its signing is written here on its own, so tests do not check the client against itself.
 */
import { createHmac } from "node:crypto";

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

export const SANDBOX_PAYSELLER = {
  merchantId: "NSBX-MERCHANT",
  apiKey: "sandbox-payseller-api-key",
  checksumKey: "sandbox-payseller-checksum-key",
};

type Status = "unpaid" | "pending" | "paid" | "failed" | "cancelled";

export interface SandboxPayment {
  id: string;
  order_ref: string;
  status: Status;
  amount: number;
  paid_amount: number;
  refunded_amount: number;
  currency: string;
  description: string;
  customer: { name: string; email?: string; phone?: string };
  callback_url: string;
  redirect_url: string;
  payment_url: string;
  paid_at: string | null;
  created_at: string;
  refunds: { id: string; amount: number; reason: string; status: "succeeded"; created_at: string; idempotency_key: string | null }[];
  /** Signed callback bodies already sent, oldest first. */
  sent: string[];
}

function canonical(fields: [string, string][], signatureKey: string): string {
  return fields
    .filter(([k]) => k !== signatureKey)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

export class PaySellerSandbox {
  payments = new Map<string, SandboxPayment>();
  switches: GatewaySwitches = defaultSwitches();
  readonly sender: CallbackSender;
  /** Idempotency-Key → the answer first given for it. */
  private replies = new Map<string, { status: number; body: unknown }>();

  constructor(options: { retryDelaysMs?: number[] } = {}) {
    this.sender = new CallbackSender(options.retryDelaysMs ?? [15_000, 60_000, 60_000, 300_000]);
  }

  reset() {
    this.payments.clear();
    this.replies.clear();
    Object.assign(this.switches, defaultSwitches());
    this.sender.attempts = [];
  }

  stop() {
    this.sender.stop();
  }

  /** The API, mounted at /payseller/v1. */
  api(): Router {
    const r = express.Router();
    r.use(express.json({ limit: "64kb" }));
    r.use((req, res, next) => {
      if (req.get("authorization") !== `Bearer ${SANDBOX_PAYSELLER.apiKey}`) return fail(res, 401, "unauthorized", "Invalid API key");
      next();
    });
    r.use(rateLimitSwitch(this.switches, (res) => fail(res, 429, "rate_limited", "Too many requests")));
    r.post("/payments", (req, res) => this.idempotent(req, res, () => this.create(req)));
    r.get("/payments/:id", (req, res) => {
      const payment = this.payments.get(req.params.id);
      if (!payment) return fail(res, 404, "not_found", "No such payment");
      res.json(this.json(payment));
    });
    r.post("/payments/:id/cancel", (req, res) => {
      const payment = this.payments.get(req.params.id);
      if (!payment) return fail(res, 404, "not_found", "No such payment");
      if (payment.status === "paid") return fail(res, 409, "already_paid", "A paid payment cannot be cancelled");
      payment.status = "cancelled";
      res.json(this.json(payment));
    });
    // The refunds of a payment with their idempotency keys: a caller whose refund call timed out looks it up here.
    r.get("/payments/:id/refunds", (req, res) => {
      const payment = this.payments.get(req.params.id);
      if (!payment) return fail(res, 404, "not_found", "No such payment");
      res.json({ data: payment.refunds.map((refund) => ({ ...refund, payment_id: payment.id })) });
    });
    r.post("/payments/:id/refunds", (req, res) => {
      if (!req.get("idempotency-key")) return fail(res, 422, "idempotency_key_required", "Refunds need an Idempotency-Key header");
      if (this.switches.loseRefundAnswerNext > 0) {
        this.switches.loseRefundAnswerNext--;
        // The refund is made, and its answer never arrives: the caller cannot know whether it happened.
        this.idempotentReply(req, () => this.refund(req));
        req.socket.destroy();
        return;
      }
      this.idempotent(req, res, () => this.refund(req));
    });
    return r;
  }

  private idempotent(req: Request, res: Response, act: () => { status: number; body: unknown }) {
    const reply = this.idempotentReply(req, act);
    res.status(reply.status).json(reply.body);
  }

  private idempotentReply(req: Request, act: () => { status: number; body: unknown }) {
    const key = req.get("idempotency-key");
    const scoped = key ? `${req.path}:${key}` : undefined;
    const earlier = scoped ? this.replies.get(scoped) : undefined;
    const reply = earlier ? { status: earlier.status === 201 ? 200 : earlier.status, body: earlier.body } : act();
    if (scoped && !earlier && reply.status < 500) this.replies.set(scoped, reply);
    return reply;
  }

  private create(req: Request): { status: number; body: unknown } {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const customer = (b.customer ?? {}) as Record<string, unknown>;
    const problem = (message: string) => ({ status: 422, body: { error: { code: "invalid_request", message } } });
    if (b.merchant_id !== SANDBOX_PAYSELLER.merchantId)
      return { status: 401, body: { error: { code: "unauthorized", message: "merchant_id does not match the API key" } } };
    if (typeof b.order_ref !== "string" || !b.order_ref) return problem("order_ref is required");
    if (!Number.isSafeInteger(b.amount) || (b.amount as number) <= 0) return problem("amount must be a positive integer in sen");
    if (b.currency !== "MYR") return problem("currency must be MYR");
    if (typeof b.description !== "string" || !b.description) return problem("description is required");
    if (typeof customer.name !== "string" || !customer.name) return problem("customer.name is required");
    if (!customer.email && !customer.phone) return problem("customer.email or customer.phone is required");
    for (const key of ["callback_url", "redirect_url"]) {
      if (typeof b[key] !== "string" || !/^https?:\/\//.test(b[key] as string)) return problem(`${key} must be an absolute URL`);
    }
    const id = `ps_${randomId(8)}`;
    const payment: SandboxPayment = {
      id,
      order_ref: b.order_ref,
      status: "unpaid",
      amount: b.amount as number,
      paid_amount: 0,
      refunded_amount: 0,
      currency: "MYR",
      description: b.description,
      customer: { name: customer.name, email: customer.email as string | undefined, phone: customer.phone as string | undefined },
      callback_url: b.callback_url as string,
      redirect_url: b.redirect_url as string,
      payment_url: `${req.protocol}://${req.get("host")}/payseller/pay/${id}`,
      paid_at: null,
      created_at: new Date().toISOString(),
      refunds: [],
      sent: [],
    };
    this.payments.set(id, payment);
    return { status: 201, body: this.json(payment) };
  }

  private refund(req: Request): { status: number; body: unknown } {
    const payment = this.payments.get(req.params.id);
    if (!payment) return { status: 404, body: { error: { code: "not_found", message: "No such payment" } } };
    const amount = (req.body ?? {}).amount;
    if (payment.status !== "paid")
      return { status: 409, body: { error: { code: "not_paid", message: "Only a paid payment can be refunded" } } };
    if (!Number.isSafeInteger(amount) || amount <= 0)
      return { status: 422, body: { error: { code: "invalid_request", message: "amount must be a positive integer in sen" } } };
    if (amount > payment.paid_amount - payment.refunded_amount) {
      return {
        status: 409,
        body: {
          error: {
            code: "exceeds_refundable",
            message: `At most ${payment.paid_amount - payment.refunded_amount} sen can still be refunded`,
          },
        },
      };
    }
    const refund = {
      id: `rf_${randomId(8)}`,
      amount,
      reason: String(req.body?.reason ?? ""),
      status: "succeeded" as const,
      idempotency_key: req.get("idempotency-key") ?? null,
      created_at: new Date().toISOString(),
    };
    payment.refunds.push(refund);
    payment.refunded_amount += amount;
    return { status: 201, body: { ...refund, payment_id: payment.id } };
  }

  private json(p: SandboxPayment) {
    const { sent: _s, refunds: _r, customer: _c, callback_url: _cb, redirect_url: _rd, ...json } = p;
    return json;
  }

  /** The hosted payment page and the human pages, mounted at /payseller. */
  tools(): Router {
    const r = gatewayToolsRouter({
      brand: "PaySeller",
      switches: this.switches,
      sender: this.sender,
      reset: () => this.reset(),
      summary: () => ({ payments: [...this.payments.values()].map((p) => this.json(p)) }),
      overview: () =>
        [...this.payments.values()].map((p) => ({
          id: p.id,
          href: `/payseller/pay/${p.id}`,
          reference: p.order_ref,
          amountSen: p.amount,
          status: p.status,
        })),
    });
    r.get("/pay/:id", (req, res) => {
      const p = this.payments.get(req.params.id);
      if (!p) return res.status(404).type("html").send(page("Payment not found", "<h1>Payment not found</h1>"));
      res.type("html").send(
        hostedPage({
          brand: "PaySeller",
          reference: p.order_ref,
          description: p.description,
          amountSen: p.amount,
          customerName: p.customer.name,
          status: p.status,
          action: `/payseller/pay/${p.id}`,
          payable: p.status !== "paid" && p.status !== "cancelled",
        }),
      );
    });
    r.post("/pay/:id", formBody, (req, res) => this.pay(req, res));
    return r;
  }

  private pay(req: Request, res: Response) {
    const p = this.payments.get(req.params.id);
    if (!p) return res.status(404).type("html").send(page("Payment not found", "<h1>Payment not found</h1>"));
    const outcome = req.body?.outcome as Status;
    if (!["paid", "failed", "pending"].includes(outcome))
      return res.status(400).type("html").send(page("Choose", "<h1>Choose Pay, Fail or Pending</h1>"));
    if (p.status === "paid" || p.status === "cancelled") {
      return res
        .status(409)
        .type("html")
        .send(page("Closed", `<h1>Payment ${esc(p.id)} is ${esc(p.status)}</h1>`));
    }
    p.status = outcome;
    if (outcome === "paid") {
      p.paid_amount = p.amount;
      p.paid_at = new Date().toISOString();
    }
    const eventId = `evt_${randomId(8)}`;
    this.notify(p, eventId, `txn_${randomId(6)}`);
    res.redirect(302, this.redirectUrl(p, eventId));
  }

  private reported(p: SandboxPayment) {
    const amount = this.switches.wrongAmount ? Math.max(1, p.amount - 100) : p.amount;
    return { amount, paid: p.status === "paid" ? amount : 0 };
  }

  private sign(fields: [string, string][], signatureKey: string): string {
    const signature = createHmac("sha256", SANDBOX_PAYSELLER.checksumKey).update(canonical(fields, signatureKey)).digest("hex");
    return this.switches.tamperSignature ? tampered(signature) : signature;
  }

  private callbackBody(p: SandboxPayment, eventId: string, transactionId: string, status: Status): string {
    const { amount, paid } = this.reported(p);
    const fields: [string, string][] = [
      ["event_id", eventId],
      ["payment_id", p.id],
      ["order_ref", p.order_ref],
      ["status", status],
      ["amount", String(amount)],
      ["paid_amount", String(status === "paid" ? paid : 0)],
      ["currency", p.currency],
      ["paid_at", status === "paid" ? (p.paid_at ?? "") : ""],
      ["transaction_id", transactionId],
    ];
    return new URLSearchParams([...fields, ["signature", this.sign(fields, "signature")]]).toString();
  }

  private notify(p: SandboxPayment, eventId: string, transactionId: string) {
    const body = this.callbackBody(p, eventId, transactionId, p.status);
    sendCallback(this.sender, this.switches, { id: p.id, callbackUrl: p.callback_url, sent: p.sent }, body, `${p.id} ${p.status}`, () =>
      this.callbackBody(p, `evt_${randomId(8)}`, `txn_${randomId(6)}`, "pending"),
    );
  }

  private redirectUrl(p: SandboxPayment, eventId: string): string {
    const { amount } = this.reported(p);
    const fields: [string, string][] = [
      ["ps_event_id", eventId],
      ["ps_payment_id", p.id],
      ["ps_order_ref", p.order_ref],
      ["ps_status", p.status],
      ["ps_amount", String(amount)],
      ["ps_currency", p.currency],
    ];
    const url = new URL(p.redirect_url);
    for (const [k, v] of fields) url.searchParams.append(k, v);
    url.searchParams.append("ps_signature", this.sign(fields, "ps_signature"));
    return url.toString();
  }
}
