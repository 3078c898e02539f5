/**
 * What the payment gateway stand-ins (Billplz, PaySeller) share: their failure switches, the
 * server-callback sender (retries until answered 200, and on switches duplicates and
 * out-of-order delivery), and the hosted payment page a person can use. Each stand-in keeps its
 * own wire format and signing.
 */
import { randomBytes } from "node:crypto";

import express, { type RequestHandler, type Response, type Router } from "express";

import { esc, page } from "./html";

export interface GatewaySwitches {
  /** Sign callbacks and redirects with a corrupted signature. */
  tamperSignature: boolean;
  /** Report an amount RM 1.00 below the real one in callbacks and redirects (correctly signed). */
  wrongAmount: boolean;
  /** Deliver every callback twice. */
  duplicateCallbacks: boolean;
  /** After each callback, deliver the bill's previous (stale) callback again, late. */
  outOfOrder: boolean;
  /** Answer the next N API calls with 429. */
  rateLimitNext: number;
  /** Make the next N refunds but cut the connection before answering (an unknown outcome for the caller). */
  loseRefundAnswerNext: number;
}

export const defaultSwitches = (): GatewaySwitches => ({
  tamperSignature: false,
  wrongAmount: false,
  duplicateCallbacks: false,
  outOfOrder: false,
  rateLimitNext: 0,
  loseRefundAnswerNext: 0,
});

export function applySwitches(switches: GatewaySwitches, body: Record<string, unknown>): void {
  for (const key of ["tamperSignature", "wrongAmount", "duplicateCallbacks", "outOfOrder"] as const) {
    if (typeof body[key] === "boolean") switches[key] = body[key] as boolean;
  }
  if (typeof body.rateLimitNext === "number") switches.rateLimitNext = body.rateLimitNext;
  if (typeof body.loseRefundAnswerNext === "number") switches.loseRefundAnswerNext = body.loseRefundAnswerNext;
}

/** A signature that will not verify: same length, other digits. */
export function tampered(signature: string): string {
  return signature.replace(/[0-9a-f]/g, (c) => ((parseInt(c, 16) + 7) % 16).toString(16));
}

export const randomId = (bytes: number) => randomBytes(bytes).toString("hex");

/** "RM 123.45" from sen, without floating point. */
export function ringgit(sen: number): string {
  return `RM ${Math.floor(sen / 100)}.${String(sen % 100).padStart(2, "0")}`;
}

export interface CallbackAttempt {
  url: string;
  label: string;
  attempt: number;
  /** HTTP status, or the network error. */
  result: number | string;
  at: string;
}

/**
 * Delivers server callbacks like a gateway does: one POST, retried after each delay in
 * retryDelaysMs until the merchant answers 200 (Billplz: 15 s, 15 min, 15 min, 24 h; the sandbox
 * compresses them). Deliveries for one payment go out in order, one at a time.
 */
export class CallbackSender {
  attempts: CallbackAttempt[] = [];
  private stopped = false;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly sleeping = new Set<() => void>();

  constructor(
    public retryDelaysMs: number[],
    private readonly timeoutMs = 20_000,
  ) {}

  /** Queues a delivery behind the earlier ones of the same payment. */
  enqueue(paymentId: string, url: string, body: string, label: string): Promise<void> {
    const previous = this.queues.get(paymentId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(url, body, label));
    this.queues.set(paymentId, next);
    return next;
  }

  /** Resolves when every queued delivery has been made or given up. */
  async settled(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.sleeping) wake();
  }

  private async deliver(url: string, body: string, label: string): Promise<void> {
    for (let attempt = 1; attempt <= this.retryDelaysMs.length + 1 && !this.stopped; attempt++) {
      let result: number | string;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "NetShop-Sandbox-Gateway/1" },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        result = res.status;
      } catch (error) {
        result = (error as Error).message;
      }
      this.attempts.push({ url, label, attempt, result, at: new Date().toISOString() });
      if (result === 200) return;
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay !== undefined) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleeping.add(wake);
    });
  }
}

/** The 429 switch as middleware; `reply` answers in the gateway's own error format. */
export function rateLimitSwitch(switches: GatewaySwitches, reply: (res: Response) => void): RequestHandler {
  return (_req, res, next) => {
    if (switches.rateLimitNext <= 0) return next();
    switches.rateLimitNext--;
    res.setHeader("Retry-After", "1");
    reply(res);
  };
}

/**
 * Sends a payment's new callback the way the switches say: once, or twice; and with outOfOrder,
 * followed late by the payment's previous callback (or, when there is none, `staleFallback()`,
 * standing in for a late callback of an earlier attempt).
 */
export function sendCallback(
  sender: CallbackSender,
  switches: GatewaySwitches,
  payment: { id: string; callbackUrl: string; sent: string[] },
  body: string,
  label: string,
  staleFallback: () => string,
): void {
  const stale = payment.sent.at(-1) ?? staleFallback();
  payment.sent.push(body);
  void sender.enqueue(payment.id, payment.callbackUrl, body, label);
  if (switches.duplicateCallbacks) void sender.enqueue(payment.id, payment.callbackUrl, body, `${label} (duplicate)`);
  if (switches.outOfOrder) void sender.enqueue(payment.id, payment.callbackUrl, stale, `${payment.id} stale, out of order`);
}

/** The HTML-form body parser the hosted pages and form-encoded APIs use. */
export const formBody = express.urlencoded({ extended: false, limit: "64kb" });

export interface HostedPageView {
  brand: string;
  reference: string;
  description: string;
  amountSen: number;
  customerName: string;
  status: string;
  /** Where the Pay / Fail / Pending form posts. */
  action: string;
  payable: boolean;
  note?: string;
}

/** The page a customer pays on: the same three choices for every stand-in. */
export function hostedPage(view: HostedPageView): string {
  const buttons = view.payable
    ? `<style>.choices button{font:inherit;padding:.6rem 1.1rem;margin-right:.5rem;border-radius:8px;border:1px solid #94a3b8;background:#fff;cursor:pointer}
.choices button[value=paid]{background:#15803d;border-color:#15803d;color:#fff;font-weight:600}</style>
<form method="post" action="${esc(view.action)}" class="card choices">
<p>Choose what the bank does with this payment:</p>
<button name="outcome" value="paid" data-testid="pay">Pay ${esc(ringgit(view.amountSen))}</button>
<button name="outcome" value="failed" data-testid="fail">Fail</button>
<button name="outcome" value="pending" data-testid="pending">Pending</button>
</form>`
    : `<div class="card"><strong>This payment is ${esc(view.status)}.</strong> Nothing more to pay here.</div>`;
  return page(
    `${view.brand} payment`,
    `<h1>${esc(view.brand)} <span class="muted">sandbox payment page</span></h1>
<div class="card"><h2 data-testid="amount">${esc(ringgit(view.amountSen))}</h2>
<p>${esc(view.description)}</p>
<p class="muted">Reference ${esc(view.reference)} · ${esc(view.customerName)} · status <strong data-testid="status">${esc(view.status)}</strong></p>
${view.note ? `<p class="muted">${esc(view.note)}</p>` : ""}</div>
${buttons}
<p class="muted">No card or bank details are asked for: this is NetShop's stand-in for the gateway's hosted page.</p>`,
  );
}

/** A human list of a stand-in's payments and the callbacks it sent. */
function paymentsOverview(
  brand: string,
  rows: { id: string; href: string; reference: string; amountSen: number; status: string }[],
  attempts: CallbackAttempt[],
): string {
  const payments = rows
    .map(
      (r) =>
        `<tr><td><a href="${esc(r.href)}">${esc(r.id)}</a></td><td>${esc(r.reference)}</td><td>${esc(ringgit(r.amountSen))}</td><td>${esc(r.status)}</td></tr>`,
    )
    .join("");
  const callbacks = attempts
    .slice(-50)
    .reverse()
    .map(
      (a) =>
        `<tr><td>${esc(a.at)}</td><td>${esc(a.label)}</td><td>${a.attempt}</td><td>${esc(a.result)}</td><td class="muted">${esc(a.url)}</td></tr>`,
    )
    .join("");
  return page(
    `${brand} stand-in`,
    `<h1>${esc(brand)} stand-in</h1>
<h2>Payments</h2><table><thead><tr><th>Id</th><th>Reference</th><th>Amount</th><th>Status</th></tr></thead>
<tbody>${payments || `<tr><td colspan="4" class="muted">No payments yet.</td></tr>`}</tbody></table>
<h2>Server callbacks sent</h2><table><thead><tr><th>When</th><th>Event</th><th>Attempt</th><th>Answer</th><th>To</th></tr></thead>
<tbody>${callbacks || `<tr><td colspan="5" class="muted">None yet.</td></tr>`}</tbody></table>`,
    { refreshSeconds: 5 },
  );
}

/** `_control` for tests: read and flip the switches, read the callback log. */
function controlRouter(state: { switches: GatewaySwitches; sender: CallbackSender; reset(): void; summary(): unknown }): Router {
  const r = express.Router();
  r.use(express.json());
  r.get("/", (_req, res) => res.json({ switches: state.switches, callbacks: state.sender.attempts, ...(state.summary() as object) }));
  r.post("/", (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.reset) state.reset();
    applySwitches(state.switches, body);
    if (Array.isArray(body.retryDelaysMs)) state.sender.retryDelaysMs = body.retryDelaysMs.map(Number);
    res.json({ switches: state.switches });
  });
  return r;
}

type OverviewRow = Parameters<typeof paymentsOverview>[1][number];

/** The human pages every gateway sandbox starts with: its switches at /_control and the overview of its payments and callbacks at /. */
export function gatewayToolsRouter(state: Parameters<typeof controlRouter>[0] & { brand: string; overview(): OverviewRow[] }): Router {
  const r = express.Router();
  r.use("/_control", controlRouter(state));
  r.get("/", (_req, res) => {
    res.type("html").send(paymentsOverview(state.brand, state.overview(), state.sender.attempts));
  });
  return r;
}
