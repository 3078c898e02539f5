import { describe, expect, it } from "vitest";

import { parseEnv } from "~/config.server";
import {
  autoCountSettings,
  exactAmount,
  quoteJsonNumbers,
  rateLimitWaitMs,
  readRateLimit,
  toAutoCountDate,
  toExactJson,
} from "~/integrations/autocount.server";

describe("AutoCount amounts as exact JSON", () => {
  it("reads every number as its digits, leaving strings alone", () => {
    const text =
      '{"netTotal": 472.50, "qty": -2, "rate": 1.000000000000, "note": "a: 1.5, \\"q\\" 7", "list": [0.1, 2e3], "ok": true, "x": null}';
    expect(JSON.parse(quoteJsonNumbers(text))).toEqual({
      netTotal: "472.50",
      qty: "-2",
      rate: "1.000000000000",
      note: 'a: 1.5, "q" 7',
      list: ["0.1", "2e3"],
      ok: true,
      x: null,
    });
  });

  it("writes amounts from minor units as bare decimal numbers, digit for digit", () => {
    const json = toExactJson({
      details: [{ unitPrice: exactAmount(8_990), qty: 2 }],
      refund: exactAmount(-5),
      big: exactAmount(900719925474099),
      note: "\u0000x:0",
    });
    expect(json).toBe('{"details":[{"unitPrice":89.90,"qty":2}],"refund":-0.05,"big":9007199254740.99,"note":"\\u0000x:0"}');
    expect(toExactJson({ yen: exactAmount(1500, "JPY") })).toBe('{"yen":1500}');
  });
});

describe("AutoCount rate-limit headers", () => {
  const now = Date.parse("2023-03-14T09:20:00Z");

  it("reads the documented headers (period, remaining, ISO reset)", () => {
    const headers = new Headers({
      "x-rate-limit-limit": "1m",
      "x-rate-limit-remaining": "99",
      "x-rate-limit-reset": "2023-03-14T09:20:49.9513771Z",
    });
    expect(readRateLimit(headers)).toEqual({ period: "1m", remaining: 99, resetAt: new Date("2023-03-14T09:20:49.951Z") });
    expect(readRateLimit(new Headers())).toBeUndefined();
  });

  it("waits for Retry-After, else until the window resets, else a minute", () => {
    expect(rateLimitWaitMs(new Headers({ "retry-after": "12" }), now)).toBe(12_000);
    expect(rateLimitWaitMs(new Headers({ "x-rate-limit-reset": "2023-03-14T09:20:30Z" }), now)).toBe(30_000);
    expect(rateLimitWaitMs(new Headers({ "x-rate-limit-reset": "1678785630" }), now)).toBe(30_000);
    expect(rateLimitWaitMs(new Headers(), now)).toBe(60_000);
  });
});

describe("AutoCount dates and settings", () => {
  it("dates documents on the shop's calendar as yyyy-MM-dd", () => {
    expect(toAutoCountDate(new Date("2026-03-01T16:30:00Z"))).toBe("2026-03-02");
    expect(toAutoCountDate(new Date("2026-03-01T16:30:00Z"), "UTC")).toBe("2026-03-01");
  });

  it("uses the shop's keys against AutoCount, or the stand-in when it has none", () => {
    const env = parseEnv({
      SESSION_SECRET: "x".repeat(40),
      DATA_ENCRYPTION_KEY: "k".repeat(40),
      DATABASE_URL: "postgres://o:p@127.0.0.1:5432/n",
      REDIS_URL: "redis://127.0.0.1:6379",
      SANDBOX_URL: "http://127.0.0.1:4010",
      S3_ENDPOINT: "http://127.0.0.1:4569",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      MEDIA_PUBLIC_BASE_URL: "http://127.0.0.1:4569/netshop-media",
    });
    expect(autoCountSettings(null, env)).toMatchObject({ baseUrl: "http://127.0.0.1:4010/autocount/api", sandbox: true });
    expect(autoCountSettings({ accountBookId: "63750", keyId: "k", apiKey: "a" }, env)).toMatchObject({
      baseUrl: "https://accounting-api.autocountcloud.com",
      accountBookId: "63750",
      sandbox: false,
    });
  });
});
