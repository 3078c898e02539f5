/**
 * Billplz API v3 adapter: the only code that speaks Billplz's protocol (https://www.billplz.com/api,
 * docs source github.com/Billplz/api_slate). See shared PROVIDERS.md.
 *
 * - Auth: HTTP Basic, the API secret key as user name, no password.
 * - Create: POST /v3/bills (form-encoded) collection_id, email and/or mobile, name (≤255),
 *   amount (sen, positive integer), callback_url, description (≤200), redirect_url,
 *   reference_1_label (≤20) + reference_1 (≤120) → the bill {id, url, state: due|paid|deleted,
 *   paid, amount, paid_amount, …}. MYR only.
 * - Re-query: GET /v3/bills/{id}; GET /v3/bills/{id}/transactions (pending|completed|failed).
 *   Delete: DELETE /v3/bills/{id} (due bills only; 422 once paid; a deleted bill reappears if
 *   the customer pays it anyway).
 * - Callback: POST form-encoded bill fields + x_signature; on failure the bill stays "due".
 *   Retried 4 more times (15 s, 15 min, 15 min, 24 h, each + up to 300 s) until answered 200
 *   within 20 s. "Extra Payment Completion Information" adds transaction_id and
 *   transaction_status (pending|completed|failed); both forms are handled.
 * - Redirect: GET redirect_url?billplz[id]=…&billplz[paid]=true|false&billplz[paid_at]=…
 *   (+ billplz[transaction_id], billplz[transaction_status]) &billplz[x_signature]=…
 * - X Signature: HMAC-SHA256 (hex) with the X Signature key over every field except
 *   x_signature, each as key+value (nested keys flattened: billplz[id] → billplzid), the
 *   strings sorted ascending case-insensitively and joined with "|".
 * - Refunds: Billplz has no refund API for bills (FPX payments cannot be reversed); money goes
 *   back by a Payment Order to the customer's bank account or through Billplz support. So
 *   refunds here are "manual".
 * - Errors: {error: {type, message}} (message may be an array); 401, 404, 422, 429, 5xx.
 */
import { z } from "zod";

import { config, type Env } from "~/config.server";

import {
  assertCreateInput,
  callbackFields,
  type CreatedPayment,
  type CreatePaymentInput,
  GatewayAdapter,
  type GatewayCapabilities,
  MalformedNotificationError,
  type PaymentGateway,
  PaymentGatewayError,
  type PaymentNotification,
  type PaymentSnapshot,
  type PaymentStatus,
  type RawCallback,
  type RefundInput,
  type RefundResult,
} from "./payment-gateway";
import { hmacSha256Hex } from "./provider-http";

export const BILLPLZ_BASE_URLS = {
  production: "https://www.billplz.com/api",
  /** Billplz's own sandbox: a separate account with its own keys. */
  billplzSandbox: "https://www.billplz-sandbox.com/api",
} as const;

/** Where NetShop's stand-in serves the Billplz API, under SANDBOX_URL. */
export const BILLPLZ_STANDIN_PATH = "/billplz/api";

/** The stand-in's fixed credentials (they guard nothing real). */
export const SANDBOX_BILLPLZ_CREDENTIALS: BillplzCredentials = {
  secretKey: "sandbox-billplz-secret-key",
  collectionId: "nsbxcoll",
  xSignatureKey: "S-netshop-sandbox-x-signature",
};

/** What a shop enters in its payment settings. */
export interface BillplzCredentials {
  secretKey: string;
  collectionId: string;
  xSignatureKey: string;
  /** Use Billplz's own sandbox (www.billplz-sandbox.com) with sandbox-account keys. */
  useBillplzSandbox?: boolean;
}

export interface BillplzSettings extends BillplzCredentials {
  baseUrl: string;
  /** True when this is NetShop's stand-in, not Billplz. */
  sandbox: boolean;
  timeoutMs?: number;
}

/** A shop's Billplz settings: its own credentials, or the stand-in when it has none. */
export function billplzSettings(credentials?: BillplzCredentials | null, env: Env = config()): BillplzSettings {
  if (!credentials) return billplzSandboxSettings(env);
  return {
    ...credentials,
    baseUrl: credentials.useBillplzSandbox ? BILLPLZ_BASE_URLS.billplzSandbox : BILLPLZ_BASE_URLS.production,
    sandbox: false,
  };
}

export function billplzSandboxSettings(env: Env = config()): BillplzSettings {
  if (!env.SANDBOX_URL) throw new Error("SANDBOX_URL is not set: give the shop Billplz credentials or run the sandbox");
  return { ...SANDBOX_BILLPLZ_CREDENTIALS, baseUrl: `${env.SANDBOX_URL.replace(/\/$/, "")}${BILLPLZ_STANDIN_PATH}`, sandbox: true };
}

// --- X Signature -----------------------------------------------------------------------------

/** The X Signature source string of a set of fields (x_signature itself is left out). */
export function billplzSourceString(fields: Iterable<[string, string]>): string {
  const elements: string[] = [];
  for (const [key, value] of fields) {
    const flat = key.replace(/[[\]]/g, "");
    if (flat === "x_signature" || flat === "billplzx_signature") continue;
    elements.push(flat + value);
  }
  return elements.sort(caseInsensitive).join("|");
}

function caseInsensitive(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function signBillplz(fields: Iterable<[string, string]>, xSignatureKey: string): string {
  return hmacSha256Hex(xSignatureKey, billplzSourceString(fields));
}

// --- Wire shapes -----------------------------------------------------------------------------

const BillSchema = z.looseObject({
  id: z.string().min(1),
  collection_id: z.string().optional(),
  paid: z.boolean(),
  state: z.enum(["due", "paid", "deleted"]),
  amount: z.number().int(),
  paid_amount: z.number().int().nullish(),
  url: z.string(),
  reference_1: z.string().nullish(),
  paid_at: z.string().nullish(),
});
type Bill = z.infer<typeof BillSchema>;

const TransactionsSchema = z.looseObject({
  transactions: z.array(
    z.looseObject({ id: z.string(), status: z.enum(["pending", "completed", "failed"]), completed_at: z.string().nullish() }),
  ),
});

const CallbackSchema = z.object({
  id: z.string().min(1),
  paid: z.enum(["true", "false"]),
  state: z.enum(["due", "paid", "deleted"]).optional(),
  amount: z.string().regex(/^\d+$/),
  paid_amount: z.string().regex(/^\d*$/).optional(),
  paid_at: z.string().optional(),
  transaction_id: z.string().optional(),
  transaction_status: z.enum(["pending", "completed", "failed"]).optional(),
});

const RedirectSchema = z.object({
  id: z.string().min(1),
  paid: z.enum(["true", "false"]),
  paid_at: z.string().optional(),
  transaction_id: z.string().optional(),
  transaction_status: z.enum(["pending", "completed", "failed"]).optional(),
});

/** "2015-03-09 16:23:59 +0800" → Date (Billplz's paid_at format); undefined when empty. */
export function parseBillplzTime(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*([+-]\d{2}):?(\d{2})$/.exec(text.trim());
  const date = m ? new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`) : new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A completed attempt: paid, or what the transaction status says; a bare failure otherwise. */
function notificationStatus(paid: boolean, transactionStatus?: string, state?: string): PaymentStatus {
  if (paid) return "paid";
  if (transactionStatus === "pending") return "pending";
  if (state === "deleted") return "cancelled";
  // Billplz calls back and redirects only after an attempt; an unpaid one has failed.
  return "failed";
}

// --- The adapter -----------------------------------------------------------------------------

const CAPABILITIES: GatewayCapabilities = {
  currencies: ["MYR"],
  refunds: "manual",
  partialRefunds: false,
  idempotentCreate: false,
  redirectCarriesAmount: false,
  paidAfterCancel: true,
};

export class BillplzGateway extends GatewayAdapter<BillplzSettings> implements PaymentGateway {
  readonly name = "billplz" as const;
  readonly capabilities = CAPABILITIES;

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    assertCreateInput(this.name, input, CAPABILITIES.currencies);
    if (input.orderReference.length > 120) throw this.invalid("orderReference must be at most 120 characters");
    const form = new URLSearchParams({
      collection_id: this.settings.collectionId,
      name: input.customer.name.slice(0, 255),
      amount: String(input.amountMinor),
      callback_url: input.callbackUrl,
      redirect_url: input.redirectUrl,
      description: truncate(input.description, 200),
      reference_1_label: "Order",
      reference_1: input.orderReference,
      deliver: "false",
    });
    if (input.customer.email) form.set("email", input.customer.email);
    if (input.customer.phone) form.set("mobile", input.customer.phone);
    const bill = BillSchema.parse(await this.request("POST", "/v3/bills", form));
    return { gatewayReference: bill.id, paymentUrl: bill.url, status: bill.paid ? "paid" : "unpaid" };
  }

  verifyCallback(raw: RawCallback): PaymentNotification {
    const fields = callbackFields(this.name, raw);
    this.checkSignature(fields, "callback", fields.find(([k]) => k === "x_signature")?.[1]);
    const c = this.notificationFields("callback", CallbackSchema, Object.fromEntries(fields));
    const status = notificationStatus(c.paid === "true", c.transaction_status, c.state);
    return {
      gateway: this.name,
      channel: "callback",
      eventId: eventId(c.id, status, c.transaction_id, c.paid_at),
      gatewayReference: c.id,
      status,
      amountMinor: Number(c.amount),
      paidAmountMinor: c.paid_amount ? Number(c.paid_amount) : status === "paid" ? undefined : 0,
      currency: "MYR",
      paidAt: parseBillplzTime(c.paid_at),
      transactionId: c.transaction_id || undefined,
    };
  }

  verifyRedirect(url: string | URL): PaymentNotification {
    const params = new URL(url).searchParams;
    const fields = [...params].filter(([key]) => key.startsWith("billplz["));
    if (fields.length === 0) throw new MalformedNotificationError(this.name, "redirect", "no billplz[…] parameters");
    this.checkSignature(fields, "redirect", params.get("billplz[x_signature]") ?? undefined);
    const values = Object.fromEntries(fields.map(([k, v]) => [k.slice("billplz[".length, -1), v]));
    const r = this.notificationFields("redirect", RedirectSchema, values);
    const status = notificationStatus(r.paid === "true", r.transaction_status);
    return {
      gateway: this.name,
      channel: "redirect",
      eventId: eventId(r.id, status, r.transaction_id, r.paid_at),
      gatewayReference: r.id,
      status,
      paidAt: parseBillplzTime(r.paid_at),
      transactionId: r.transaction_id || undefined,
    };
  }

  async getPayment(gatewayReference: string): Promise<PaymentSnapshot> {
    const bill = BillSchema.parse(await this.request("GET", `/v3/bills/${encodeURIComponent(gatewayReference)}`));
    return {
      gateway: this.name,
      gatewayReference: bill.id,
      orderReference: bill.reference_1 ?? undefined,
      status: await this.snapshotStatus(bill),
      amountMinor: bill.amount,
      paidAmountMinor: bill.paid ? (bill.paid_amount ?? bill.amount) : 0,
      refundedAmountMinor: 0,
      currency: "MYR",
      paidAt: parseBillplzTime(bill.paid_at),
      paymentUrl: bill.url,
    };
  }

  /** A due bill with a transaction still with the bank is pending; the bill alone cannot say. */
  private async snapshotStatus(bill: Bill): Promise<PaymentStatus> {
    if (bill.paid || bill.state === "paid") return "paid";
    if (bill.state === "deleted") return "cancelled";
    let page: z.infer<typeof TransactionsSchema>;
    try {
      page = TransactionsSchema.parse(await this.request("GET", `/v3/bills/${encodeURIComponent(bill.id)}/transactions`));
    } catch (error) {
      // No transaction list for the bill: nothing is with the bank.
      if (error instanceof PaymentGatewayError && error.kind === "not_found") return "unpaid";
      throw error;
    }
    return page.transactions.some((t) => t.status === "pending") ? "pending" : "unpaid";
  }

  async cancelPayment(gatewayReference: string): Promise<void> {
    try {
      await this.request("DELETE", `/v3/bills/${encodeURIComponent(gatewayReference)}`);
    } catch (error) {
      // Billplz answers 422 for a bill that cannot be deleted because it has been paid.
      if (error instanceof PaymentGatewayError && error.status === 422) {
        throw new PaymentGatewayError(`billplz: bill ${gatewayReference} is paid and cannot be cancelled`, this.name, "conflict", 422);
      }
      throw error;
    }
  }

  async findRefund(): Promise<RefundResult | null> {
    return this.refund();
  }

  async refund(_input?: RefundInput): Promise<RefundResult> {
    throw new PaymentGatewayError(
      "billplz: Billplz has no refund API for bills. Refund the customer from the Billplz dashboard (Payment Order to their bank account) and record the refund in NetShop.",
      this.name,
      "unsupported",
    );
  }

  private checkSignature(fields: [string, string][], channel: "callback" | "redirect", given: string | undefined): void {
    this.checkSigned(channel, given, () => signBillplz(fields, this.settings.xSignatureKey));
  }

  private invalid(message: string) {
    return new PaymentGatewayError(`billplz: ${message}`, this.name, "invalid_request");
  }

  private request(method: "GET" | "POST" | "DELETE", path: string, form?: URLSearchParams): Promise<unknown> {
    const init: RequestInit = {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${this.settings.secretKey}:`).toString("base64")}`,
        Accept: "application/json",
        ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form?.toString(),
    };
    return this.call(path, init, describeError);
  }
}

function eventId(billId: string, status: PaymentStatus, transactionId?: string, paidAt?: string): string {
  return `billplz:${billId}:${status}:${transactionId || paidAt || "-"}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describeError(json: unknown): string | undefined {
  const error = (json as { error?: { type?: string; message?: unknown } } | undefined)?.error;
  if (!error) return undefined;
  const message = Array.isArray(error.message) ? error.message.join("; ") : String(error.message ?? "");
  return [error.type, message].filter(Boolean).join(": ");
}
