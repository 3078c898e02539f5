/**
 * PaySeller adapter: the only code that speaks PaySeller's protocol.
 *
 * PaySeller publishes no public API, so this wire format is ASSUMED, modelled on the pattern
 * Malaysian gateways document (Billplz, senangPay, iPay88, ToyyibPay), and kept entirely in this
 * file so it can be aligned with PaySeller's merchant spec in one place. NetShop's stand-in
 * (sandbox/payseller.ts) implements the same assumptions. What is assumed:
 *
 * - Base URL: PAYSELLER_BASE_URL (no public address exists); the stand-in at
 *   SANDBOX_URL + /payseller when a shop has no credentials.
 * - Credentials per shop: merchant id, API key, checksum key (HMAC secret).
 * - Auth: `Authorization: Bearer <api key>`; JSON requests and responses.
 * - Create: POST /v1/payments {merchant_id, order_ref, amount (integer sen), currency "MYR",
 *   description, customer {name, email?, phone?}, callback_url, redirect_url}, optional
 *   `Idempotency-Key` header (the same key returns the same payment) → 201 payment object
 *   {id, order_ref, status, amount, paid_amount, refunded_amount, currency, payment_url,
 *   paid_at (ISO 8601 | null)}.
 * - Statuses: unpaid | pending | paid | failed | cancelled (the same words as ours).
 * - Re-query: GET /v1/payments/{id}. Cancel: POST /v1/payments/{id}/cancel (409 once paid).
 * - Refund: POST /v1/payments/{id}/refunds {amount, reason} with a required Idempotency-Key
 *   → 201 {id, payment_id, amount, status: pending | succeeded}; partial refunds allowed,
 *   409 beyond what was paid. Look-up: GET /v1/payments/{id}/refunds → {data: [refund with its
 *   idempotency_key]} (how gateways with idempotency keys let a caller resolve an unknown outcome).
 * - Errors: {error: {code, message}} with 401, 404, 409, 422, 429 (+ Retry-After), 5xx.
 * - Server callback: POST application/x-www-form-urlencoded {event_id, payment_id, order_ref,
 *   status, amount, paid_amount, currency, paid_at, transaction_id, signature}. Retried with
 *   the identical body (same event_id) until answered 2xx.
 * - Browser redirect: GET redirect_url with ps_payment_id, ps_order_ref, ps_status, ps_amount,
 *   ps_currency, ps_event_id and ps_signature appended (prefixed so they never collide with
 *   our own query parameters).
 * - Signature: lowercase hex HMAC-SHA256 with the checksum key over every field except the
 *   signature, as key=value pairs sorted by key (byte order) and joined with "&".
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
  type RawCallback,
  type RefundInput,
  type RefundResult,
} from "./payment-gateway";
import { hmacSha256Hex } from "./provider-http";

/** Where NetShop's stand-in serves the PaySeller API, under SANDBOX_URL. */
export const PAYSELLER_STANDIN_PATH = "/payseller";

export const SANDBOX_PAYSELLER_CREDENTIALS: PaySellerCredentials = {
  merchantId: "NSBX-MERCHANT",
  apiKey: "sandbox-payseller-api-key",
  checksumKey: "sandbox-payseller-checksum-key",
};

/** What a shop enters in its payment settings. */
export interface PaySellerCredentials {
  merchantId: string;
  apiKey: string;
  checksumKey: string;
}

export interface PaySellerSettings extends PaySellerCredentials {
  baseUrl: string;
  /** True when this is NetShop's stand-in, not PaySeller. */
  sandbox: boolean;
  timeoutMs?: number;
}

/** A shop's PaySeller settings: its own credentials, or the stand-in when it has none. */
export function paysellerSettings(credentials?: PaySellerCredentials | null, env: Env = config()): PaySellerSettings {
  if (!credentials) return paysellerSandboxSettings(env);
  if (!env.PAYSELLER_BASE_URL) {
    throw new PaymentGatewayError(
      "payseller: PAYSELLER_BASE_URL is not set, so PaySeller cannot be used live yet (it publishes no public API address)",
      "payseller",
      "unsupported",
    );
  }
  return { ...credentials, baseUrl: env.PAYSELLER_BASE_URL.replace(/\/$/, ""), sandbox: false };
}

export function paysellerSandboxSettings(env: Env = config()): PaySellerSettings {
  if (!env.SANDBOX_URL) throw new Error("SANDBOX_URL is not set: give the shop PaySeller credentials or run the sandbox");
  return { ...SANDBOX_PAYSELLER_CREDENTIALS, baseUrl: `${env.SANDBOX_URL.replace(/\/$/, "")}${PAYSELLER_STANDIN_PATH}`, sandbox: true };
}

// --- Signature ---------------------------------------------------------------------------------

export function paysellerCanonical(fields: Iterable<[string, string]>, signatureKey = "signature"): string {
  return [...fields]
    .filter(([key]) => key !== signatureKey)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

export function signPayseller(fields: Iterable<[string, string]>, checksumKey: string, signatureKey = "signature"): string {
  return hmacSha256Hex(checksumKey, paysellerCanonical(fields, signatureKey));
}

// --- Wire shapes -------------------------------------------------------------------------------

const Status = z.enum(["unpaid", "pending", "paid", "failed", "cancelled"]);
const Digits = z.string().regex(/^\d+$/).transform(Number);

const PaymentSchema = z.looseObject({
  id: z.string().min(1),
  order_ref: z.string(),
  status: Status,
  amount: z.number().int(),
  paid_amount: z.number().int().default(0),
  refunded_amount: z.number().int().default(0),
  currency: z.string().length(3),
  payment_url: z.string(),
  paid_at: z.string().nullish(),
});

const RefundSchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int(),
  status: z.enum(["pending", "succeeded"]),
});

const RefundListSchema = z.looseObject({
  data: z.array(RefundSchema.extend({ idempotency_key: z.string().nullable().optional() })),
});

const CallbackSchema = z.object({
  event_id: z.string().min(1),
  payment_id: z.string().min(1),
  order_ref: z.string(),
  status: Status,
  amount: Digits,
  paid_amount: Digits,
  currency: z.string().length(3),
  paid_at: z.string().optional(),
  transaction_id: z.string().optional(),
});

const RedirectSchema = z.object({
  ps_event_id: z.string().min(1),
  ps_payment_id: z.string().min(1),
  ps_order_ref: z.string(),
  ps_status: Status,
  ps_amount: Digits,
  ps_currency: z.string().length(3),
});

const CAPABILITIES: GatewayCapabilities = {
  currencies: ["MYR"],
  refunds: "api",
  partialRefunds: true,
  idempotentCreate: true,
  redirectCarriesAmount: true,
  paidAfterCancel: false,
};

export class PaySellerGateway extends GatewayAdapter<PaySellerSettings> implements PaymentGateway {
  readonly name = "payseller" as const;
  readonly capabilities = CAPABILITIES;

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    assertCreateInput(this.name, input, CAPABILITIES.currencies);
    const body = {
      merchant_id: this.settings.merchantId,
      order_ref: input.orderReference,
      amount: input.amountMinor,
      currency: input.currency.toUpperCase(),
      description: input.description,
      customer: { name: input.customer.name, email: input.customer.email, phone: input.customer.phone },
      callback_url: input.callbackUrl,
      redirect_url: input.redirectUrl,
    };
    const payment = PaymentSchema.parse(await this.request("POST", "/v1/payments", body, input.idempotencyKey));
    return { gatewayReference: payment.id, paymentUrl: payment.payment_url, status: payment.status };
  }

  verifyCallback(raw: RawCallback): PaymentNotification {
    const fields = callbackFields(this.name, raw);
    this.checkSignature(fields, "callback", "signature");
    const c = this.notificationFields("callback", CallbackSchema, Object.fromEntries(fields));
    return {
      gateway: this.name,
      channel: "callback",
      eventId: `payseller:${c.event_id}`,
      gatewayReference: c.payment_id,
      orderReference: c.order_ref,
      status: c.status,
      amountMinor: c.amount,
      paidAmountMinor: c.paid_amount,
      currency: c.currency,
      paidAt: parseTime(c.paid_at),
      transactionId: c.transaction_id || undefined,
    };
  }

  verifyRedirect(url: string | URL): PaymentNotification {
    const fields = [...new URL(url).searchParams].filter(([key]) => key.startsWith("ps_"));
    if (fields.length === 0) throw new MalformedNotificationError(this.name, "redirect", "no ps_ parameters");
    this.checkSignature(fields, "redirect", "ps_signature");
    const r = this.notificationFields("redirect", RedirectSchema, Object.fromEntries(fields));
    return {
      gateway: this.name,
      channel: "redirect",
      eventId: `payseller:${r.ps_event_id}`,
      gatewayReference: r.ps_payment_id,
      orderReference: r.ps_order_ref,
      status: r.ps_status,
      amountMinor: r.ps_amount,
      currency: r.ps_currency,
    };
  }

  async getPayment(gatewayReference: string): Promise<PaymentSnapshot> {
    const p = PaymentSchema.parse(await this.request("GET", `/v1/payments/${encodeURIComponent(gatewayReference)}`));
    return {
      gateway: this.name,
      gatewayReference: p.id,
      orderReference: p.order_ref,
      status: p.status,
      amountMinor: p.amount,
      paidAmountMinor: p.paid_amount,
      refundedAmountMinor: p.refunded_amount,
      currency: p.currency,
      paidAt: parseTime(p.paid_at),
      paymentUrl: p.payment_url,
    };
  }

  async cancelPayment(gatewayReference: string): Promise<void> {
    await this.request("POST", `/v1/payments/${encodeURIComponent(gatewayReference)}/cancel`, {});
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
      throw new PaymentGatewayError(
        "payseller: a refund amount must be a positive integer number of minor units",
        this.name,
        "invalid_request",
      );
    }
    if (!input.idempotencyKey) throw new PaymentGatewayError("payseller: a refund needs an idempotency key", this.name, "invalid_request");
    const refund = RefundSchema.parse(
      await this.request(
        "POST",
        `/v1/payments/${encodeURIComponent(input.gatewayReference)}/refunds`,
        { amount: input.amountMinor, reason: input.reason ?? "" },
        input.idempotencyKey,
      ),
    );
    return { refundReference: refund.id, status: refund.status, amountMinor: refund.amount };
  }

  async findRefund(gatewayReference: string, idempotencyKey: string): Promise<RefundResult | null> {
    const { data } = RefundListSchema.parse(await this.request("GET", `/v1/payments/${encodeURIComponent(gatewayReference)}/refunds`));
    const refund = data.find((r) => r.idempotency_key === idempotencyKey);
    return refund ? { refundReference: refund.id, status: refund.status, amountMinor: refund.amount } : null;
  }

  private checkSignature(fields: [string, string][], channel: "callback" | "redirect", signatureKey: string): void {
    const given = fields.find(([key]) => key === signatureKey)?.[1];
    this.checkSigned(channel, given, () => signPayseller(fields, this.settings.checksumKey, signatureKey));
  }

  private request(method: "GET" | "POST", path: string, body?: unknown, idempotencyKey?: string): Promise<unknown> {
    const init: RequestInit = {
      method,
      headers: {
        Authorization: `Bearer ${this.settings.apiKey}`,
        Accept: "application/json",
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    };
    return this.call(path, init, (json) => {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      return error ? [error.code, error.message].filter(Boolean).join(": ") : undefined;
    });
  }
}

function parseTime(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
