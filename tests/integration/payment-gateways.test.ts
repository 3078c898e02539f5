import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { BILLPLZ_STANDIN_PATH, BillplzGateway, billplzSandboxSettings } from "~/integrations/billplz.server";
import {
  assertPaymentMatches,
  type CreatePaymentInput,
  InvalidSignatureError,
  MalformedNotificationError,
  type PaymentGateway,
  PaymentGatewayError,
  PaymentMismatchError,
  type PaymentNotification,
} from "~/integrations/payment-gateway";
import { PAYSELLER_STANDIN_PATH, PaySellerGateway, paysellerSandboxSettings } from "~/integrations/payseller.server";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { choose, startMerchantEndpoint } from "../helpers/merchant-endpoint";

// A private sandbox (its switches are flipped here) with compressed callback retries, and a
// merchant endpoint that receives the server callbacks over HTTP.
let sandbox: RunningSandbox;
let merchant: Awaited<ReturnType<typeof startMerchantEndpoint>>;

beforeAll(async () => {
  sandbox = await startSandbox({ callbackRetryDelaysMs: [40, 80, 80, 160] });
  merchant = await startMerchantEndpoint();
});
afterAll(async () => {
  await sandbox?.close();
  await merchant?.close();
});

const gateways = {
  billplz: () => new BillplzGateway({ ...billplzSandboxSettings(), baseUrl: `${sandbox.url}${BILLPLZ_STANDIN_PATH}` }),
  payseller: () => new PaySellerGateway({ ...paysellerSandboxSettings(), baseUrl: `${sandbox.url}${PAYSELLER_STANDIN_PATH}` }),
};

let order = 1000;

describe.each(["billplz", "payseller"] as const)("%s against its stand-in", (name) => {
  let gateway: PaymentGateway;
  const standIn = () => sandbox[name];
  const callbacksTo = () => `/callbacks/${name}/${order}`;

  function input(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
    order++;
    return {
      orderReference: `NS-${order}`,
      amountMinor: 12_345,
      currency: "MYR",
      customer: { name: "Aisyah Rahman", email: "aisyah@example.my", phone: "+60123456789" },
      description: `Order NS-${order}: batik shirt and kopi`,
      callbackUrl: `${merchant.url}/callbacks/${name}/${order}`,
      redirectUrl: `${merchant.url}/return?order=NS-${order}`,
      ...overrides,
    };
  }

  /** The callbacks that have arrived for the current order, verified. */
  async function callbacks(count: number): Promise<PaymentNotification[]> {
    const raw = await merchant.waitFor(count, callbacksTo());
    return raw.map((r) => gateway.verifyCallback({ body: r.body, headers: r.headers }));
  }

  beforeEach(() => {
    gateway = gateways[name]();
    standIn().reset();
  });

  it("creates a payment, is paid on the hosted page, and reports it by redirect, callback and re-query, all signed", async () => {
    const created = await gateway.createPayment(input());
    expect(created.paymentUrl.startsWith(sandbox.url)).toBe(true);
    expect(created.status).toBe("unpaid");
    expect(await gateway.getPayment(created.gatewayReference)).toMatchObject({
      status: "unpaid",
      amountMinor: 12_345,
      paidAmountMinor: 0,
      currency: "MYR",
    });

    const { page, response } = await choose(created.paymentUrl, "paid");
    expect(page).toContain("RM 123.45");
    expect(page).not.toMatch(/card number|cvv/i);
    expect(response.status).toBe(302);
    const back = response.headers.get("location")!;
    expect(back.startsWith(`${merchant.url}/return?order=NS-${order}`)).toBe(true);
    const redirect = gateway.verifyRedirect(back);
    expect(redirect).toMatchObject({ gateway: name, channel: "redirect", gatewayReference: created.gatewayReference, status: "paid" });

    const [callback] = await callbacks(1);
    expect(callback).toMatchObject({
      gateway: name,
      channel: "callback",
      gatewayReference: created.gatewayReference,
      status: "paid",
      amountMinor: 12_345,
      paidAmountMinor: 12_345,
      currency: "MYR",
    });
    expect(callback.paidAt).toBeInstanceOf(Date);
    // One event, two channels: the redirect and the callback deduplicate to one.
    expect(callback.eventId).toBe(redirect.eventId);
    expect(() =>
      assertPaymentMatches(callback, {
        gatewayReference: created.gatewayReference,
        orderReference: `NS-${order}`,
        amountMinor: 12_345,
        currency: "MYR",
      }),
    ).not.toThrow();

    const snapshot = await gateway.getPayment(created.gatewayReference);
    expect(snapshot).toMatchObject({ status: "paid", amountMinor: 12_345, paidAmountMinor: 12_345 });
    expect(() => assertPaymentMatches(snapshot, { amountMinor: 12_345, currency: "MYR" })).not.toThrow();
    expect(await (await fetch(created.paymentUrl)).text()).not.toContain('value="paid"');
  });

  it("reports failed and pending attempts, and the same payment can still be paid", async () => {
    const created = await gateway.createPayment(input());
    const failed = await choose(created.paymentUrl, "failed");
    expect(gateway.verifyRedirect(failed.response.headers.get("location")!).status).toBe("failed");
    const pending = await choose(created.paymentUrl, "pending");
    expect(gateway.verifyRedirect(pending.response.headers.get("location")!).status).toBe("pending");
    expect((await callbacks(2)).map((c) => c.status)).toEqual(["failed", "pending"]);
    expect((await gateway.getPayment(created.gatewayReference)).status).toBe("pending");

    await choose(created.paymentUrl, "paid");
    const all = await callbacks(3);
    expect(all[2].status).toBe("paid");
    expect(new Set(all.map((c) => c.eventId)).size).toBe(3);
    expect((await gateway.getPayment(created.gatewayReference)).status).toBe("paid");
  });

  it("retries a callback that is not answered 200, with the same body and event id", async () => {
    const created = await gateway.createPayment(input());
    merchant.answerNext(500, 503);
    await choose(created.paymentUrl, "paid");
    const raw = await merchant.waitFor(3, callbacksTo());
    expect(new Set(raw.map((r) => r.body)).size).toBe(1);
    const verified = raw.map((r) => gateway.verifyCallback({ body: r.body, headers: r.headers }));
    expect(new Set(verified.map((v) => v.eventId)).size).toBe(1);
    await standIn().sender.settled();
    expect(standIn().sender.attempts.map((a) => a.result)).toEqual([500, 503, 200]);
  });

  it("makes duplicate and out-of-order callbacks recognisable by event id, and the re-query has the truth", async () => {
    Object.assign(standIn().switches, { duplicateCallbacks: true, outOfOrder: true });
    const created = await gateway.createPayment(input());
    await choose(created.paymentUrl, "pending");
    await choose(created.paymentUrl, "paid");
    // pending, its duplicate, a late stale one; paid, its duplicate, then the first pending again.
    const delivered = await callbacks(6);
    expect(delivered.map((d) => d.status)).toEqual(["pending", "pending", "pending", "paid", "paid", "pending"]);
    expect(delivered[1].eventId).toBe(delivered[0].eventId);
    expect(delivered[4].eventId).toBe(delivered[3].eventId);
    expect(delivered[5].eventId).toBe(delivered[0].eventId);
    expect(new Set(delivered.map((d) => d.eventId)).size).toBe(3);
    // The last word delivered is a stale "pending": only the re-query is authoritative.
    expect((await gateway.getPayment(created.gatewayReference)).status).toBe("paid");
  });

  it("refuses tampered and unsigned notifications with a typed error", async () => {
    const created = await gateway.createPayment(input());
    await choose(created.paymentUrl, "paid");
    const [genuine] = await merchant.waitFor(1, callbacksTo());
    const body = new URLSearchParams(genuine.body);
    body.set("amount", "1");
    expect(() => gateway.verifyCallback({ body: body.toString(), headers: genuine.headers })).toThrow(InvalidSignatureError);
    const unsigned = new URLSearchParams(genuine.body);
    unsigned.delete(name === "billplz" ? "x_signature" : "signature");
    const missing = catchError(() => gateway.verifyCallback({ body: unsigned.toString(), headers: genuine.headers }));
    expect(missing).toBeInstanceOf(InvalidSignatureError);
    expect(missing).toMatchObject({ reason: "missing", channel: "callback" });
    expect(() => gateway.verifyCallback({ body: "{}", headers: { "content-type": "application/json" } })).toThrow(
      MalformedNotificationError,
    );

    Object.assign(standIn().switches, { tamperSignature: true });
    const second = await gateway.createPayment(input());
    const { response } = await choose(second.paymentUrl, "paid");
    const redirectError = catchError(() => gateway.verifyRedirect(response.headers.get("location")!));
    expect(redirectError).toBeInstanceOf(InvalidSignatureError);
    expect(redirectError).toMatchObject({ reason: "mismatch", channel: "redirect" });
    const [forged] = await merchant.waitFor(1, callbacksTo());
    expect(() => gateway.verifyCallback({ body: forged.body, headers: forged.headers })).toThrow(InvalidSignatureError);
  });

  it("detects a correctly signed callback that reports the wrong amount", async () => {
    Object.assign(standIn().switches, { wrongAmount: true });
    const created = await gateway.createPayment(input());
    await choose(created.paymentUrl, "paid");
    const [callback] = await callbacks(1);
    expect(callback.status).toBe("paid");
    const mismatch = catchError(() =>
      assertPaymentMatches(callback, { gatewayReference: created.gatewayReference, amountMinor: 12_345, currency: "MYR" }),
    );
    expect(mismatch).toBeInstanceOf(PaymentMismatchError);
    expect(mismatch).toMatchObject({ field: "amount", expected: 12_345, actual: 12_245 });
    expect((await gateway.getPayment(created.gatewayReference)).amountMinor).toBe(12_345);
  });

  it("cancels an unpaid payment, and refuses to cancel a paid one", async () => {
    const unpaid = await gateway.createPayment(input());
    await gateway.cancelPayment(unpaid.gatewayReference);
    expect((await gateway.getPayment(unpaid.gatewayReference)).status).toBe("cancelled");
    const paid = await gateway.createPayment(input());
    await choose(paid.paymentUrl, "paid");
    await expect(gateway.cancelPayment(paid.gatewayReference)).rejects.toMatchObject({ kind: "conflict" });
  });

  it("turns bad keys, bad input, unknown payments and 429 into typed errors", async () => {
    await expect(gateway.createPayment(input({ currency: "USD" }))).rejects.toMatchObject({ kind: "invalid_request", status: 0 });
    await expect(gateway.createPayment(input({ amountMinor: 12.5 }))).rejects.toMatchObject({ kind: "invalid_request" });
    await expect(gateway.getPayment("does-not-exist")).rejects.toMatchObject({ kind: "not_found", status: 404 });
    standIn().switches.rateLimitNext = 1;
    const limited = await gateway.createPayment(input()).catch((e) => e);
    expect(limited).toBeInstanceOf(PaymentGatewayError);
    expect(limited).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 1000, retryable: true });
    const stranger =
      name === "billplz"
        ? new BillplzGateway({ ...billplzSandboxSettings(), baseUrl: `${sandbox.url}${BILLPLZ_STANDIN_PATH}`, secretKey: "not-the-key" })
        : new PaySellerGateway({
            ...paysellerSandboxSettings(),
            baseUrl: `${sandbox.url}${PAYSELLER_STANDIN_PATH}`,
            apiKey: "not-the-key",
          });
    await expect(stranger.createPayment(input())).rejects.toMatchObject({ kind: "unauthorized", status: 401, retryable: false });
  });
});

describe("refund capabilities", () => {
  it("Billplz has no refund API: refunds are manual and refund() says so", async () => {
    const billplz = gateways.billplz();
    expect(billplz.capabilities).toMatchObject({ refunds: "manual", partialRefunds: false });
    await expect(billplz.refund({ gatewayReference: "x", amountMinor: 100, idempotencyKey: "r1" })).rejects.toMatchObject({
      kind: "unsupported",
    });
  });

  it("PaySeller refunds in part and in full, once per idempotency key, never beyond what was paid", async () => {
    const payseller = gateways.payseller();
    expect(payseller.capabilities).toMatchObject({ refunds: "api", partialRefunds: true });
    order++;
    const created = await payseller.createPayment({
      orderReference: `NS-${order}`,
      amountMinor: 5_000,
      currency: "MYR",
      customer: { name: "Tan Wei Ming", phone: "+60198765432" },
      description: "Kopi beans",
      callbackUrl: `${merchant.url}/callbacks/refunds`,
      redirectUrl: `${merchant.url}/return`,
    });
    await choose(created.paymentUrl, "paid");
    const first = await payseller.refund({
      gatewayReference: created.gatewayReference,
      amountMinor: 1_500,
      reason: "one bag damaged",
      idempotencyKey: "refund-1",
    });
    expect(first).toMatchObject({ status: "succeeded", amountMinor: 1_500 });
    expect(await payseller.refund({ gatewayReference: created.gatewayReference, amountMinor: 1_500, idempotencyKey: "refund-1" })).toEqual(
      first,
    );
    await expect(
      payseller.refund({ gatewayReference: created.gatewayReference, amountMinor: 4_000, idempotencyKey: "refund-2" }),
    ).rejects.toMatchObject({ kind: "conflict" });
    await payseller.refund({ gatewayReference: created.gatewayReference, amountMinor: 3_500, idempotencyKey: "refund-3" });
    expect(await payseller.getPayment(created.gatewayReference)).toMatchObject({
      status: "paid",
      paidAmountMinor: 5_000,
      refundedAmountMinor: 5_000,
    });
  });

  it("PaySeller returns the same payment for a retried create with the same idempotency key", async () => {
    const payseller = gateways.payseller();
    order++;
    const request: CreatePaymentInput = {
      orderReference: `NS-${order}`,
      amountMinor: 990,
      currency: "MYR",
      customer: { name: "Siti", email: "siti@example.my" },
      description: "Sticker",
      callbackUrl: `${merchant.url}/callbacks/idem`,
      redirectUrl: `${merchant.url}/return`,
      idempotencyKey: `order-${order}-attempt-1`,
    };
    const a = await payseller.createPayment(request);
    const b = await payseller.createPayment(request);
    expect(b.gatewayReference).toBe(a.gatewayReference);
    const c = await payseller.createPayment({ ...request, idempotencyKey: `order-${order}-attempt-2` });
    expect(c.gatewayReference).not.toBe(a.gatewayReference);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
