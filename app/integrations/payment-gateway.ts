/**
 * What NetShop needs from a hosted-page payment gateway, with no wire format in it. Each adapter
 * (payseller.server.ts, billplz.server.ts) speaks one gateway's protocol behind this interface;
 * payment-gateways.server.ts picks one from a shop's settings.
 *
 * The flow every Malaysian gateway documents, and what the checkout builds on:
 *   1. createPayment (server to server, authenticated) → a gateway reference and the hosted
 *      page URL to send the customer to. Card or bank details are only ever typed there.
 *   2. The gateway POSTs a signed server callback, retried until we answer 200 → verifyCallback.
 *      It is the source of truth that always arrives; it may arrive twice, late or out of order.
 *   3. The customer's browser comes back with a signed status → verifyRedirect, to show a result
 *      at once. It may never arrive, and may arrive before the callback.
 *   4. getPayment re-queries the gateway before an order is marked paid.
 *
 * Every notification carries `eventId`: the same for every delivery of one event (retries,
 * duplicates, a replay, and the redirect of the payment the callback reports), different for
 * different events. Record it (the `webhook_events` table) and act once.
 *
 * Amounts are integers in minor units (sen), never floats.
 */
import type { ZodType } from "zod";

import { hasEscapedNul } from "~/lib/text";

import { fetchWithTimeout, ProviderUnreachable, retryAfterMs, safeEqualText, safeJson } from "./provider-http";

export type GatewayName = "payseller" | "billplz";

/**
 * unpaid: created, nothing completed yet (the customer can still pay).
 * pending: an attempt is with the bank (FPX B2B approval and the like).
 * failed: the last attempt failed; the customer may try again on the same page.
 * paid: money received. Final, except for refunds.
 * cancelled: withdrawn by the merchant (expired order); some gateways still accept a late payment.
 */
export type PaymentStatus = "unpaid" | "pending" | "failed" | "paid" | "cancelled";

export interface PaymentCustomer {
  name: string;
  email?: string;
  /** E.164 with the leading +, e.g. +60123456789. */
  phone?: string;
}

export interface CreatePaymentInput {
  /** Our order reference; shown to the customer and echoed back where the gateway supports it. */
  orderReference: string;
  amountMinor: number;
  /** ISO 4217, e.g. "MYR". */
  currency: string;
  customer: PaymentCustomer;
  description: string;
  /** Where the gateway POSTs its signed server callback. */
  callbackUrl: string;
  /** Where the customer's browser returns to, with a signed status. */
  redirectUrl: string;
  /** Makes a retried create return the same payment where the gateway supports it. */
  idempotencyKey?: string;
}

export interface CreatedPayment {
  gatewayReference: string;
  /** The gateway's hosted payment page: redirect the customer here. */
  paymentUrl: string;
  status: PaymentStatus;
}

/** A verified server callback or browser redirect. */
export interface PaymentNotification {
  gateway: GatewayName;
  channel: "callback" | "redirect";
  /** Stable id of the event, for deduplication (see the file comment). */
  eventId: string;
  gatewayReference: string;
  /** Present when the gateway echoes our reference back (PaySeller does, Billplz does not). */
  orderReference?: string;
  status: PaymentStatus;
  /** The billed amount as the gateway reports it; absent where the channel does not carry it. */
  amountMinor?: number;
  paidAmountMinor?: number;
  currency?: string;
  paidAt?: Date;
  /** The gateway's id for the attempt (bank transaction), when it sends one. */
  transactionId?: string;
}

/** The gateway's current view of a payment (re-query). */
export interface PaymentSnapshot {
  gateway: GatewayName;
  gatewayReference: string;
  orderReference?: string;
  status: PaymentStatus;
  amountMinor: number;
  paidAmountMinor: number;
  refundedAmountMinor: number;
  currency: string;
  paidAt?: Date;
  paymentUrl: string;
}

export interface RefundInput {
  gatewayReference: string;
  amountMinor: number;
  reason?: string;
  /** Required: a retried refund must never pay out twice. Use our refund's id. */
  idempotencyKey: string;
}

export interface RefundResult {
  refundReference: string;
  status: "pending" | "succeeded";
  amountMinor: number;
}

export interface GatewayCapabilities {
  currencies: readonly string[];
  /**
   * "api": refund() pays the customer back. "manual": the gateway has no refund API; the shop
   * refunds outside NetShop and NetShop records the refund by hand.
   */
  refunds: "api" | "manual";
  partialRefunds: boolean;
  /** createPayment honours idempotencyKey. */
  idempotentCreate: boolean;
  /** The redirect carries the amount (otherwise re-query before trusting it). */
  redirectCarriesAmount: boolean;
  /** A cancelled payment can still be paid afterwards (Billplz: a deleted bill reappears when paid). */
  paidAfterCancel: boolean;
}

/** A server callback exactly as received: verify the raw body, never a re-serialisation. */
export interface RawCallback {
  body: string;
  headers: Headers | Record<string, string | undefined>;
}

export interface PaymentGateway {
  readonly name: GatewayName;
  /** True when this is NetShop's sandbox stand-in, not the real gateway. */
  readonly isSandbox: boolean;
  readonly capabilities: GatewayCapabilities;
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  /** Throws InvalidSignatureError or MalformedNotificationError. */
  verifyCallback(raw: RawCallback): PaymentNotification;
  /** The full URL the browser came back to. Throws like verifyCallback. */
  verifyRedirect(url: string | URL): PaymentNotification;
  getPayment(gatewayReference: string): Promise<PaymentSnapshot>;
  /** Withdraws an unpaid payment (an expired order). Throws "conflict" once it is paid. */
  cancelPayment(gatewayReference: string): Promise<void>;
  /** Throws PaymentGatewayError("unsupported") when capabilities.refunds is "manual". */
  refund(input: RefundInput): Promise<RefundResult>;
  /**
   * The refund made with `idempotencyKey` on a payment, or null when the gateway has none: how a
   * refund whose outcome is unknown (a timeout, a process that stopped) is resolved without
   * calling refund() again. Throws like refund() when capabilities.refunds is "manual".
   */
  findRefund(gatewayReference: string, idempotencyKey: string): Promise<RefundResult | null>;
}

// --- Errors -------------------------------------------------------------------------------------

export type GatewayErrorKind =
  "unauthorized" | "invalid_request" | "not_found" | "conflict" | "rate_limited" | "unavailable" | "unsupported";

/** A gateway API call that did not succeed. */
export class PaymentGatewayError extends Error {
  constructor(
    message: string,
    public readonly gateway: GatewayName,
    public readonly kind: GatewayErrorKind,
    public readonly status = 0,
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "PaymentGatewayError";
  }
  /** Worth trying again later; the others need a change first. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "unavailable";
  }
}

/** Base of the two ways a callback or redirect is refused: answer it 400/401 and act on nothing. */
export class NotificationRejectedError extends Error {
  constructor(
    message: string,
    public readonly gateway: GatewayName,
    public readonly channel: "callback" | "redirect",
  ) {
    super(message);
    this.name = "NotificationRejectedError";
  }
}

/** The signature is missing or does not match: forged, tampered with, or signed with another key. */
export class InvalidSignatureError extends NotificationRejectedError {
  constructor(
    gateway: GatewayName,
    channel: "callback" | "redirect",
    public readonly reason: "missing" | "mismatch",
  ) {
    super(`${gateway} ${channel} ${reason === "missing" ? "has no signature" : "signature does not match"}`, gateway, channel);
    this.name = "InvalidSignatureError";
  }
}

/** Correctly signed (or unsignable) but not a notification we can read. */
export class MalformedNotificationError extends NotificationRejectedError {
  constructor(gateway: GatewayName, channel: "callback" | "redirect", detail: string) {
    super(`${gateway} ${channel} is malformed: ${detail}`, gateway, channel);
    this.name = "MalformedNotificationError";
  }
}

/** A verified notification or snapshot that does not describe the order we expected. */
export class PaymentMismatchError extends Error {
  constructor(
    public readonly field: "gatewayReference" | "orderReference" | "amount" | "currency",
    public readonly expected: string | number,
    public readonly actual: string | number | undefined,
  ) {
    super(`payment ${field} is ${actual ?? "missing"}, expected ${expected}`);
    this.name = "PaymentMismatchError";
  }
}

/**
 * Checks a verified notification or a re-query against the order: the right payment, the right
 * currency, and (when the channel carries it) the right amount. A paid notification must carry
 * a paid amount equal to the order's. Throws PaymentMismatchError.
 */
export function assertPaymentMatches(
  payment: Pick<PaymentNotification, "gatewayReference" | "orderReference" | "status" | "amountMinor" | "paidAmountMinor" | "currency">,
  expected: { gatewayReference?: string; orderReference?: string; amountMinor: number; currency: string },
): void {
  if (expected.gatewayReference !== undefined && payment.gatewayReference !== expected.gatewayReference) {
    throw new PaymentMismatchError("gatewayReference", expected.gatewayReference, payment.gatewayReference);
  }
  if (expected.orderReference !== undefined && payment.orderReference !== undefined && payment.orderReference !== expected.orderReference) {
    throw new PaymentMismatchError("orderReference", expected.orderReference, payment.orderReference);
  }
  if (payment.currency !== undefined && payment.currency.toUpperCase() !== expected.currency.toUpperCase()) {
    throw new PaymentMismatchError("currency", expected.currency, payment.currency);
  }
  if (payment.amountMinor !== undefined && payment.amountMinor !== expected.amountMinor) {
    throw new PaymentMismatchError("amount", expected.amountMinor, payment.amountMinor);
  }
  if (payment.status === "paid" && payment.paidAmountMinor !== undefined && payment.paidAmountMinor !== expected.amountMinor) {
    throw new PaymentMismatchError("amount", expected.amountMinor, payment.paidAmountMinor);
  }
}

/** Reads a callback request for verification, refusing bodies no gateway would send. */
export async function readRawCallback(request: Request, gateway: GatewayName, maxBytes = 64 * 1024): Promise<RawCallback> {
  const tooLarge = () => new MalformedNotificationError(gateway, "callback", `body larger than ${maxBytes} bytes`);
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  const body = await request.text();
  if (new TextEncoder().encode(body).length > maxBytes) throw tooLarge();
  // No gateway sends a NUL; in any spelling it would reach PostgreSQL through a parsed field.
  if (hasEscapedNul(body)) throw new MalformedNotificationError(gateway, "callback", "NUL or broken text in the body");
  return { body, headers: request.headers };
}

/** A header from either Headers or a plain record, case-insensitively. */
export function headerOf(headers: RawCallback["headers"], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Input checks every adapter applies before calling out. */
export function assertCreateInput(gateway: GatewayName, input: CreatePaymentInput, currencies: readonly string[]): void {
  const invalid = (message: string) => new PaymentGatewayError(message, gateway, "invalid_request");
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw invalid(`amountMinor must be a positive integer number of minor units (got ${input.amountMinor})`);
  }
  if (!currencies.includes(input.currency.toUpperCase())) {
    throw invalid(`${gateway} accepts ${currencies.join(", ")} only (got ${input.currency})`);
  }
  if (!input.orderReference.trim()) throw invalid("orderReference is required");
  if (!input.customer.name.trim()) throw invalid("the customer's name is required");
  if (!input.customer.email && !input.customer.phone) throw invalid("the customer's email or phone is required");
  if (input.customer.phone && !/^\+[1-9]\d{6,14}$/.test(input.customer.phone)) {
    throw invalid("the customer's phone must be E.164 with a leading +");
  }
  for (const [field, url] of [
    ["callbackUrl", input.callbackUrl],
    ["redirectUrl", input.redirectUrl],
  ] as const) {
    if (!/^https?:\/\//.test(url)) throw invalid(`${field} must be an absolute http(s) URL`);
  }
}

/**
 * One JSON API call of a gateway adapter: a deadline, network failures as "unavailable", and
 * unsuccessful answers as PaymentGatewayError with the gateway's own message (describe()).
 */
async function gatewayRequest(
  gateway: GatewayName,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  describe: (json: unknown) => string | undefined,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchWithTimeout(url, init, timeoutMs);
  } catch (error) {
    if (error instanceof ProviderUnreachable) throw new PaymentGatewayError(`${gateway}: ${error.message}`, gateway, "unavailable");
    throw error;
  }
  const text = await response.text();
  const json = text ? safeJson(text) : {};
  if (response.ok) return json;
  const message = describe(json) || text.slice(0, 300) || `HTTP ${response.status}`;
  throw gatewayErrorFor(gateway, response.status, message, retryAfterMs(response.headers));
}

/**
 * What every adapter does the same way around its own wire format: it holds one shop's settings
 * (the sandbox's or live), checks a notification's signature in constant time, reads a
 * notification's fields with its own schema, and calls its API with a deadline. The signature,
 * the fields and the API calls themselves stay in each provider's file.
 */
export abstract class GatewayAdapter<S extends GatewaySettings> {
  abstract readonly name: GatewayName;
  abstract readonly capabilities: GatewayCapabilities;

  constructor(protected readonly settings: S) {}

  get isSandbox(): boolean {
    return this.settings.sandbox;
  }

  /** `given` (as sent; hex, any case) against `expected()`, the signature the gateway's rule gives. */
  protected checkSigned(channel: "callback" | "redirect", given: string | undefined, expected: () => string): void {
    if (!given) throw new InvalidSignatureError(this.name, channel, "missing");
    if (!safeEqualText(expected(), given.trim().toLowerCase())) throw new InvalidSignatureError(this.name, channel, "mismatch");
  }

  /** A verified notification's fields read with the adapter's schema; the first problem otherwise. */
  protected notificationFields<T>(channel: "callback" | "redirect", schema: ZodType<T>, values: Record<string, string>): T {
    const parsed = schema.safeParse(values);
    if (!parsed.success) throw new MalformedNotificationError(this.name, channel, parsed.error.issues[0].message);
    return parsed.data;
  }

  /** One call of the gateway's API at `path` below its base URL (gatewayRequest, 15 s unless the settings say). */
  protected call(path: string, init: RequestInit, describe: (json: unknown) => string | undefined): Promise<unknown> {
    return gatewayRequest(this.name, `${this.settings.baseUrl}${path}`, init, this.settings.timeoutMs ?? 15_000, describe);
  }
}

/** The part of an adapter's settings that is the same for every gateway. */
interface GatewaySettings {
  baseUrl: string;
  /** True when this is NetShop's stand-in, not the gateway. */
  sandbox: boolean;
  timeoutMs?: number;
}

/** The fields of a form-encoded server callback, in the order they came. */
export function callbackFields(gateway: GatewayName, raw: RawCallback): [string, string][] {
  const type = headerOf(raw.headers, "content-type") ?? "";
  if (type && !type.includes("application/x-www-form-urlencoded")) {
    throw new MalformedNotificationError(gateway, "callback", `unexpected content type ${type}`);
  }
  return [...new URLSearchParams(raw.body)];
}

/** Maps an unsuccessful HTTP answer to the error callers branch on. */
function gatewayErrorFor(gateway: GatewayName, status: number, message: string, retryAfterMs?: number): PaymentGatewayError {
  const kind: GatewayErrorKind =
    status === 401 || status === 403
      ? "unauthorized"
      : status === 404
        ? "not_found"
        : status === 409
          ? "conflict"
          : status === 429
            ? "rate_limited"
            : status >= 500
              ? "unavailable"
              : "invalid_request";
  return new PaymentGatewayError(`${gateway}: ${message}`, gateway, kind, status, retryAfterMs);
}
