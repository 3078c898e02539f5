import { describe, expect, it } from "vitest";

import { parseEnv } from "~/config.server";
import {
  BILLPLZ_BASE_URLS,
  BillplzGateway,
  billplzSettings,
  billplzSourceString,
  parseBillplzTime,
  signBillplz,
} from "~/integrations/billplz.server";
import {
  assertPaymentMatches,
  InvalidSignatureError,
  MalformedNotificationError,
  PaymentMismatchError,
  readRawCallback,
} from "~/integrations/payment-gateway";
import { paymentGatewayFor } from "~/integrations/payment-gateways.server";
import { paysellerCanonical, PaySellerGateway, paysellerSettings, signPayseller } from "~/integrations/payseller.server";

// Billplz's published X Signature examples (github.com/Billplz/api_slate, "X Signature",
// "X Signature Callback Url" and "X Signature Redirect Url"), with their sample keys.
const DOCS_KEY = "S-s7b4yWpp9h7rrkNM1i3Z_g";
const DOCS_CALLBACK: [string, string][] = [
  ["id", "zq0tm2wc"],
  ["collection_id", "yhx5t1pp"],
  ["paid", "true"],
  ["state", "paid"],
  ["amount", "100"],
  ["paid_amount", "100"],
  ["due_at", "2018-9-27"],
  ["email", "tester@test.com"],
  ["mobile", ""],
  ["name", "TESTER"],
  ["url", "http://www.billplz-sandbox.com/bills/zq0tm2wc"],
  ["paid_at", "2018-09-27 15:15:09 +0800"],
];
const DOCS_CALLBACK_SIGNATURE = "0fe0a20b8d557eeae570377783d062a3816a9ea80f368860bacfa7ec3ca4d00e";
const DOCS_REDIRECT =
  "https://shop.example/return?billplz[id]=zq0tm2wc&billplz[paid]=true&billplz[paid_at]=2018-09-27%2015%3A15%3A09%20%2B0800&billplz[x_signature]=4aab095fe5a39b1d534500988f9a0cb085cd1b6d5bbb55dd4e02ea6fa102b47b";

const billplz = new BillplzGateway({
  baseUrl: "http://unused",
  secretKey: "s",
  collectionId: "c",
  xSignatureKey: DOCS_KEY,
  sandbox: false,
});

describe("Billplz X Signature, against Billplz's own examples", () => {
  it("builds the callback source string as the docs show (paid_amount, paid_at, paid)", () => {
    expect(billplzSourceString(DOCS_CALLBACK)).toBe(
      "amount100|collection_idyhx5t1pp|due_at2018-9-27|emailtester@test.com|idzq0tm2wc|mobile|nameTESTER|paid_amount100|paid_at2018-09-27 15:15:09 +0800|paidtrue|statepaid|urlhttp://www.billplz-sandbox.com/bills/zq0tm2wc",
    );
    expect(signBillplz(DOCS_CALLBACK, DOCS_KEY)).toBe(DOCS_CALLBACK_SIGNATURE);
  });

  it("sorts case-insensitively and flattens nested keys (metadata[id] → metadataid)", () => {
    expect(
      billplzSourceString([
        ["Zeta", "1"],
        ["alpha", "2"],
        ["metadata[id]", "9999"],
      ]),
    ).toBe("alpha2|metadataid9999|Zeta1");
  });

  it("signs the generic example of the X Signature section", () => {
    const fields: [string, string][] = [
      ["collection_id", "inbmmepb"],
      ["description", "testing"],
      ["email", "api@billplz.com"],
      ["name", "Michael"],
      ["amount", "200"],
      ["callback_url", "https://example.com/webhook"],
    ];
    expect(billplzSourceString(fields)).toBe(
      "amount200|callback_urlhttps://example.com/webhook|collection_idinbmmepb|descriptiontesting|emailapi@billplz.com|nameMichael",
    );
    expect(signBillplz(fields, "abc123cde456")).toBe("ef5e54a22af0925cba88fab467119742e90262e3646eea1dee3949938daf3a38");
  });

  it("verifies the documented callback and redirect, and reads them", () => {
    const body = new URLSearchParams([...DOCS_CALLBACK, ["x_signature", DOCS_CALLBACK_SIGNATURE]]).toString();
    const callback = billplz.verifyCallback({ body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(callback).toMatchObject({
      gatewayReference: "zq0tm2wc",
      status: "paid",
      amountMinor: 100,
      paidAmountMinor: 100,
      currency: "MYR",
    });
    expect(callback.paidAt?.toISOString()).toBe("2018-09-27T07:15:09.000Z");
    const redirect = billplz.verifyRedirect(DOCS_REDIRECT);
    expect(redirect).toMatchObject({ gatewayReference: "zq0tm2wc", status: "paid", channel: "redirect" });
    // Same event, seen twice: one id to deduplicate on.
    expect(redirect.eventId).toBe(callback.eventId);
  });

  it("refuses any change to a signed field, and a missing signature", () => {
    const tamper = (key: string, value: string) =>
      new URLSearchParams([
        ...DOCS_CALLBACK.map(([k, v]): [string, string] => [k, k === key ? value : v]),
        ["x_signature", DOCS_CALLBACK_SIGNATURE],
      ]).toString();
    for (const [key, value] of [
      ["amount", "1"],
      ["paid", "false"],
      ["id", "other"],
      ["paid_at", "2018-09-28 15:15:09 +0800"],
    ]) {
      expect(() => billplz.verifyCallback({ body: tamper(key, value), headers: {} })).toThrow(InvalidSignatureError);
    }
    expect(() => billplz.verifyCallback({ body: new URLSearchParams(DOCS_CALLBACK).toString(), headers: {} })).toThrow(/has no signature/);
    expect(() =>
      billplz.verifyRedirect(DOCS_REDIRECT.replace("paid%5D=true", "paid%5D=false").replace("billplz[paid]=true", "billplz[paid]=false")),
    ).toThrow(InvalidSignatureError);
    const otherKey = new BillplzGateway({
      baseUrl: "http://unused",
      secretKey: "s",
      collectionId: "c",
      xSignatureKey: "S-another-key",
      sandbox: false,
    });
    expect(() => otherKey.verifyRedirect(DOCS_REDIRECT)).toThrow(InvalidSignatureError);
  });

  it("verifies a callback read from the route's Request exactly as it arrived, and refuses oversized bodies", async () => {
    const body = new URLSearchParams([...DOCS_CALLBACK, ["x_signature", DOCS_CALLBACK_SIGNATURE]]).toString();
    const request = new Request("https://shop.example/payments/billplz/callback", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    const raw = await readRawCallback(request, "billplz");
    expect(billplz.verifyCallback(raw).gatewayReference).toBe("zq0tm2wc");
    const huge = new Request("https://shop.example/payments/billplz/callback", { method: "POST", body: "a=".padEnd(70_000, "x") });
    await expect(readRawCallback(huge, "billplz")).rejects.toBeInstanceOf(MalformedNotificationError);
  });

  it("reads Billplz times and ignores empty ones", () => {
    expect(parseBillplzTime("2015-03-09 16:23:59 +0800")?.toISOString()).toBe("2015-03-09T08:23:59.000Z");
    expect(parseBillplzTime("")).toBeUndefined();
  });
});

describe("PaySeller signature (NetShop's assumed contract)", () => {
  const key = "checksum-key";
  const fields: [string, string][] = [
    ["status", "paid"],
    ["amount", "12345"],
    ["payment_id", "ps_1"],
    ["event_id", "evt_1"],
  ];

  it("signs key=value pairs sorted by key, leaving the signature out", () => {
    expect(paysellerCanonical([...fields, ["signature", "x"]])).toBe("amount=12345&event_id=evt_1&payment_id=ps_1&status=paid");
    expect(signPayseller(fields, key)).toMatch(/^[0-9a-f]{64}$/);
    expect(signPayseller([...fields].reverse(), key)).toBe(signPayseller(fields, key));
  });

  it("verifies a redirect among our own query parameters and refuses a changed amount", () => {
    const gateway = new PaySellerGateway({ baseUrl: "http://unused", merchantId: "m", apiKey: "a", checksumKey: key, sandbox: false });
    const ps: [string, string][] = [
      ["ps_event_id", "evt_9"],
      ["ps_payment_id", "ps_9"],
      ["ps_order_ref", "NS-9"],
      ["ps_status", "paid"],
      ["ps_amount", "500"],
      ["ps_currency", "MYR"],
    ];
    const url = new URL("https://shop.example/return?order=NS-9");
    for (const [k, v] of ps) url.searchParams.set(k, v);
    url.searchParams.set("ps_signature", signPayseller(ps, key, "ps_signature"));
    expect(gateway.verifyRedirect(url)).toMatchObject({
      eventId: "payseller:evt_9",
      status: "paid",
      amountMinor: 500,
      orderReference: "NS-9",
    });
    url.searchParams.set("ps_amount", "50");
    expect(() => gateway.verifyRedirect(url)).toThrow(InvalidSignatureError);
  });
});

describe("checking a payment against its order", () => {
  const paid = {
    gatewayReference: "b1",
    orderReference: "NS-1",
    status: "paid" as const,
    amountMinor: 1000,
    paidAmountMinor: 1000,
    currency: "MYR",
  };

  it("accepts the right payment and names the field that differs", () => {
    expect(() => assertPaymentMatches(paid, { gatewayReference: "b1", amountMinor: 1000, currency: "myr" })).not.toThrow();
    const cases: [object, string][] = [
      [{ gatewayReference: "b2" }, "gatewayReference"],
      [{ orderReference: "NS-2" }, "orderReference"],
      [{ currency: "SGD" }, "currency"],
      [{ amountMinor: 999 }, "amount"],
      [{ paidAmountMinor: 900 }, "amount"],
    ];
    for (const [change, field] of cases) {
      const error = (() => {
        try {
          assertPaymentMatches(
            { ...paid, ...change },
            { gatewayReference: "b1", orderReference: "NS-1", amountMinor: 1000, currency: "MYR" },
          );
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(PaymentMismatchError);
      expect(error).toMatchObject({ field });
    }
  });
});

describe("per-shop gateway settings", () => {
  const env = parseEnv({
    SESSION_SECRET: "x".repeat(40),
    DATA_ENCRYPTION_KEY: "k".repeat(40),
    DATABASE_URL: "postgres://o:p@127.0.0.1:5432/n",
    REDIS_URL: "redis://127.0.0.1:6379",
    SANDBOX_URL: "http://127.0.0.1:4010/",
    S3_ENDPOINT: "http://127.0.0.1:4569",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    MEDIA_PUBLIC_BASE_URL: "http://127.0.0.1:4569/netshop-media",
  });

  it("points a shop without credentials at the stand-in, and one with credentials at the gateway", () => {
    expect(billplzSettings(null, env)).toMatchObject({ baseUrl: "http://127.0.0.1:4010/billplz/api", sandbox: true });
    expect(billplzSettings({ secretKey: "k", collectionId: "c", xSignatureKey: "x" }, env)).toMatchObject({
      baseUrl: BILLPLZ_BASE_URLS.production,
      sandbox: false,
    });
    expect(billplzSettings({ secretKey: "k", collectionId: "c", xSignatureKey: "x", useBillplzSandbox: true }, env).baseUrl).toBe(
      BILLPLZ_BASE_URLS.billplzSandbox,
    );
    expect(paysellerSettings(null, env)).toMatchObject({ baseUrl: "http://127.0.0.1:4010/payseller", sandbox: true });
  });

  it("builds the gateway a shop chose", () => {
    expect(paymentGatewayFor({ gateway: "billplz" }, env)).toMatchObject({
      name: "billplz",
      isSandbox: true,
      capabilities: { refunds: "manual" },
    });
    expect(paymentGatewayFor({ gateway: "payseller", credentials: null }, env)).toMatchObject({
      name: "payseller",
      isSandbox: true,
      capabilities: { refunds: "api" },
    });
    expect(
      paymentGatewayFor({ gateway: "billplz", credentials: { secretKey: "k", collectionId: "c", xSignatureKey: "x" } }, env).isSandbox,
    ).toBe(false);
  });

  it("refuses PaySeller live until its API address is configured", () => {
    const credentials = { merchantId: "m", apiKey: "a", checksumKey: "c" };
    expect(() => paysellerSettings(credentials, env)).toThrow(/PAYSELLER_BASE_URL/);
    expect(paysellerSettings(credentials, { ...env, PAYSELLER_BASE_URL: "https://pay.example.my/" }).baseUrl).toBe(
      "https://pay.example.my",
    );
  });
});
