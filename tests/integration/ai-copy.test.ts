import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  AiCopyError,
  type AnthropicCopySettings,
  AnthropicCopyWriter,
  type CopyResult,
  copyWriter,
  type OpenAICopySettings,
  OpenAICopyWriter,
  ProductCopySchema,
  type ProductFacts,
  SANDBOX_ANTHROPIC_KEY,
  SANDBOX_OPENAI_KEY,
} from "~/integrations/ai-copy.server";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { rejection } from "../helpers/async";

// A private sandbox: these tests flip its switches.
let sandbox: RunningSandbox;
let openaiSettings: OpenAICopySettings;
let anthropicSettings: AnthropicCopySettings;

beforeAll(async () => {
  sandbox = await startSandbox();
  openaiSettings = { apiKey: SANDBOX_OPENAI_KEY, baseURL: `${sandbox.url}/openai/v1`, model: "gpt-4.1-mini", sandbox: true };
  anthropicSettings = { apiKey: SANDBOX_ANTHROPIC_KEY, baseURL: `${sandbox.url}/anthropic`, model: "claude-haiku-4-5", sandbox: true };
});
beforeEach(() => {
  sandbox.openai.reset();
  sandbox.anthropic.reset();
});
afterAll(() => sandbox?.close());

const facts: ProductFacts = {
  title: "Songket Tote Bag",
  category: "Bags",
  attributes: [
    { name: "Material", value: "Songket weave" },
    { name: "Size", value: "40 × 35 cm" },
  ],
  options: [{ name: "Colour", values: ["Gold", "Emerald"] }],
  imageAltTexts: ["Gold songket tote on a rattan chair"],
  notes: "Woven by artisans in Kelantan.",
};

const failure = (promise: Promise<unknown>) => rejection(promise, AiCopyError);

function expectGoodCopy(result: CopyResult) {
  expect(ProductCopySchema.safeParse(result.copy).success).toBe(true);
  expect(result.copy.title).toContain("Songket Tote Bag");
  expect(result.copy.description).toContain("Songket Tote Bag");
  expect(result.copy.bulletPoints.length).toBeGreaterThanOrEqual(3);
  expect(result.copy.bulletPoints.length).toBeLessThanOrEqual(5);
  expect([...result.copy.seoTitle].length).toBeLessThanOrEqual(60);
  expect([...result.copy.metaDescription].length).toBeLessThanOrEqual(155);
  expect(result.usage.inputTokens).toBeGreaterThan(0);
  expect(result.usage.outputTokens).toBeGreaterThan(0);
  expect(result.usage.totalTokens).toBe(result.usage.inputTokens + result.usage.outputTokens);
}

describe("OpenAI copy (Responses API) against the sandbox", () => {
  it("writes schema-valid copy from the product facts in English, Bahasa Melayu and Chinese", async () => {
    const writer = new OpenAICopyWriter(openaiSettings);
    const en = await writer.generate({ facts, language: "en", tone: "professional" });
    expectGoodCopy(en);
    expect(en).toMatchObject({ provider: "openai", model: "gpt-4.1-mini", via: "responses", responseId: expect.stringMatching(/^resp_/) });
    expect(en.copy.description).toMatch(/built for dependable/);
    expect(en.copy.bulletPoints).toContain("Material: Songket weave");

    const ms = await writer.generate({ facts, language: "ms", tone: "friendly", model: "gpt-5-mini" });
    expectGoodCopy(ms);
    expect(ms.model).toBe("gpt-5-mini");
    expect(ms.copy.description).toMatch(/^Kenali Songket Tote Bag/);
    expect(ms.copy.metaDescription).toMatch(/Penghantaran pantas/);

    const zh = await writer.generate({ facts, language: "zh", tone: "luxury" });
    expectGoodCopy(zh);
    expect(zh.copy.description).toMatch(/[\u4e00-\u9fff]/);
    expect(sandbox.openai.requests.map((r) => r.language)).toEqual(["en", "ms", "zh"]);
  });

  it("reports a 429 as retryable after the provider's Retry-After, and succeeds on the retry", async () => {
    // The sandbox's clock stands still: the window passes when the test says so, however busy the machine.
    let now = Date.parse("2026-12-07T03:00:00Z");
    sandbox.openai.now = () => now;
    sandbox.openai.switches.rateLimitNext = 1;
    const writer = new OpenAICopyWriter(openaiSettings);
    const limited = await failure(writer.generate({ facts, language: "en", tone: "friendly" }));
    expect(limited).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 1000, retryable: true, provider: "openai" });
    // Inside the window the provider still refuses; once it has passed, the retry succeeds.
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "rate_limited" });
    now += limited.retryAfterMs ?? 0;
    expectGoodCopy(await writer.generate({ facts, language: "en", tone: "friendly" }));
  });

  it("tells quota, refusal, cut-off and malformed answers apart, with the tokens they used", async () => {
    const writer = new OpenAICopyWriter(openaiSettings);
    sandbox.openai.switches.quotaExceededNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "quota_exhausted",
      retryable: false,
    });

    sandbox.openai.switches.refusalNext = 1;
    const refused = await failure(writer.generate({ facts, language: "en", tone: "friendly" }));
    expect(refused).toMatchObject({ kind: "refused", retryable: false });
    expect(refused.usage?.inputTokens).toBeGreaterThan(0);

    sandbox.openai.switches.incompleteNext = 1;
    const cut = await failure(writer.generate({ facts, language: "en", tone: "friendly" }));
    expect(cut).toMatchObject({ kind: "incomplete", retryable: false, message: expect.stringContaining("max_output_tokens") });
    expect(cut.usage?.outputTokens).toBeGreaterThan(0);
    // A limit too small for the copy gives the same, for real.
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly", maxOutputTokens: 20 }))).toMatchObject({
      kind: "incomplete",
    });

    sandbox.openai.switches.malformedNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "malformed",
      retryable: true,
    });

    sandbox.openai.switches.serverErrorNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "unavailable",
      status: 500,
      retryable: true,
    });
    expect(sandbox.openai.requests.map((r) => r.outcome)).toEqual(["refusal", "incomplete", "incomplete", "malformed"]);
  });

  it("refuses a request without a product title, and an unknown model without falling back", async () => {
    const writer = new OpenAICopyWriter(openaiSettings);
    const empty = await failure(writer.generate({ facts: { title: "  " }, language: "en", tone: "friendly" }));
    expect(empty).toMatchObject({ kind: "invalid_request", provider: "openai", message: expect.stringContaining("title") });
    sandbox.openai.switches.missingModel = "gpt-nope";
    const unknown = await failure(writer.generate({ facts, language: "en", tone: "friendly", model: "gpt-nope" }));
    expect(unknown).toMatchObject({ kind: "invalid_request", status: 404, retryable: false });
    expect((await writer.generate({ facts, language: "en", tone: "friendly" })).via).toBe("responses");
  });

  it("reports a wrong key as an auth error", async () => {
    const writer = new OpenAICopyWriter({ ...openaiSettings, apiKey: "sk-wrong" });
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "auth",
      status: 401,
      retryable: false,
    });
  });

  it("works with an OpenAI-compatible server that has only Chat Completions (a local model server)", async () => {
    sandbox.openai.switches.responsesApi = false;
    const writer = new OpenAICopyWriter({ ...openaiSettings, model: "llama3.1:8b" });
    const first = await writer.generate({ facts, language: "ms", tone: "playful" });
    expectGoodCopy(first);
    expect(first).toMatchObject({ via: "chat_completions", model: "llama3.1:8b" });
    expect(first.copy.description).toMatch(/^Hai!/);
    await writer.generate({ facts, language: "en", tone: "playful" });
    // It remembers: the second request went straight to Chat Completions.
    expect(sandbox.openai.requests.map((r) => r.endpoint)).toEqual(["chat/completions", "chat/completions"]);

    sandbox.openai.switches.refusalNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "refused" });
    sandbox.openai.switches.incompleteNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "incomplete" });
    sandbox.openai.switches.malformedNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "malformed" });
  });

  it("rejects a non-strict schema the way OpenAI does", async () => {
    const response = await fetch(`${sandbox.url}/openai/v1/responses`, {
      method: "POST",
      headers: { Authorization: `Bearer ${SANDBOX_OPENAI_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4.1-mini",
        input: "hi",
        text: {
          format: {
            type: "json_schema",
            name: "x",
            strict: true,
            schema: { type: "object", properties: { a: { type: "string" } }, required: [] },
          },
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_json_schema" } });
  });
});

describe("Anthropic copy (Messages API) against the sandbox", () => {
  it("writes schema-valid copy with structured output", async () => {
    const writer = new AnthropicCopyWriter(anthropicSettings);
    const result = await writer.generate({ facts, language: "ms", tone: "luxury" });
    expectGoodCopy(result);
    expect(result).toMatchObject({
      provider: "anthropic",
      model: "claude-haiku-4-5",
      via: "output_format",
      responseId: expect.stringMatching(/^msg_/),
    });
    expect(result.copy.description).toMatch(/^Nikmati Songket Tote Bag/);
    expect(sandbox.anthropic.requests[0]).toMatchObject({ endpoint: "messages (output_config)", language: "ms", outcome: "ok" });
  });

  it("falls back to a forced tool call for a model without structured output, and remembers it", async () => {
    sandbox.anthropic.switches.structuredOutputs = false;
    const writer = new AnthropicCopyWriter({ ...anthropicSettings, model: "claude-3-haiku-20240307" });
    const result = await writer.generate({ facts, language: "zh", tone: "friendly" });
    expectGoodCopy(result);
    expect(result.via).toBe("tool_use");
    expect(result.copy.description).toMatch(/[\u4e00-\u9fff]/);
    await writer.generate({ facts, language: "en", tone: "friendly" });
    expect(sandbox.anthropic.requests.map((r) => r.endpoint)).toEqual(["messages (tool_use)", "messages (tool_use)"]);

    sandbox.anthropic.switches.malformedNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "malformed",
      retryable: true,
    });
    sandbox.anthropic.switches.maxTokensNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "incomplete" });
  });

  it("reports 429 and 529 as retryable, a 500 as unavailable", async () => {
    const writer = new AnthropicCopyWriter(anthropicSettings);
    sandbox.anthropic.switches.rateLimitNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "rate_limited",
      status: 429,
      retryAfterMs: 1000,
      retryable: true,
      provider: "anthropic",
    });
    sandbox.anthropic.switches.overloadedNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({
      kind: "overloaded",
      status: 529,
      retryable: true,
    });
    sandbox.anthropic.switches.serverErrorNext = 1;
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "unavailable", status: 500 });
    expectGoodCopy(await writer.generate({ facts, language: "en", tone: "friendly" }));
  });

  it("tells a refusal, a max_tokens cut and malformed JSON apart, with the tokens they used", async () => {
    const writer = new AnthropicCopyWriter(anthropicSettings);
    sandbox.anthropic.switches.refusalNext = 1;
    const refused = await failure(writer.generate({ facts, language: "en", tone: "friendly" }));
    expect(refused).toMatchObject({ kind: "refused", retryable: false, message: expect.stringContaining("refusal switch") });
    expect(refused.usage?.totalTokens).toBeGreaterThan(0);

    sandbox.anthropic.switches.maxTokensNext = 1;
    const cut = await failure(writer.generate({ facts, language: "en", tone: "friendly" }));
    expect(cut).toMatchObject({ kind: "incomplete", retryable: false, message: expect.stringContaining("max_tokens") });
    expect(await failure(writer.generate({ facts, language: "en", tone: "friendly", maxOutputTokens: 30 }))).toMatchObject({
      kind: "incomplete",
    });

    sandbox.anthropic.switches.malformedNext = 1;
    const bad = await failure(writer.generate({ facts, language: "en", tone: "friendly" }));
    expect(bad).toMatchObject({ kind: "malformed", retryable: true });
    expect(bad.usage?.outputTokens).toBeGreaterThan(0);
  });

  it("checks the API key and the anthropic-version header", async () => {
    const wrong = new AnthropicCopyWriter({ ...anthropicSettings, apiKey: "sk-ant-wrong" });
    expect(await failure(wrong.generate({ facts, language: "en", tone: "friendly" }))).toMatchObject({ kind: "auth", status: 401 });
    const post = (headers: Record<string, string>) =>
      fetch(`${sandbox.url}/anthropic/v1/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hello" }] }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post({ "anthropic-version": "2023-06-01" })).toMatchObject({
      status: 401,
      body: { type: "error", error: { type: "authentication_error" } },
    });
    expect(await post({ "x-api-key": SANDBOX_ANTHROPIC_KEY })).toMatchObject({
      status: 400,
      body: { error: { message: "anthropic-version: header is required" } },
    });
    expect(await post({ "x-api-key": "nope", "anthropic-version": "2023-06-01" })).toMatchObject({ status: 401 });
    expect(await post({ "x-api-key": SANDBOX_ANTHROPIC_KEY, "anthropic-version": "2023-06-01" })).toMatchObject({
      status: 200,
      body: { type: "message", role: "assistant", stop_reason: "end_turn", usage: { input_tokens: expect.any(Number) } },
    });
  });
});

describe("copy writers from the configuration", () => {
  it("reach the run's sandbox when no provider key is set", async () => {
    for (const provider of ["openai", "anthropic"] as const) {
      const writer = copyWriter(provider);
      expect(writer.isSandbox).toBe(true);
      expectGoodCopy(await writer.generate({ facts, language: "en", tone: "friendly" }));
    }
  });

  it("show what they did on the stand-ins' pages", async () => {
    await new OpenAICopyWriter(openaiSettings).generate({ facts, language: "zh", tone: "friendly" });
    await new AnthropicCopyWriter(anthropicSettings).generate({ facts, language: "ms", tone: "friendly" });
    const openaiPage = await (await fetch(`${sandbox.url}/openai`)).text();
    expect(openaiPage).toContain("Songket Tote Bag");
    expect(openaiPage).toContain("<code>responses</code>");
    const anthropicPage = await (await fetch(`${sandbox.url}/anthropic`)).text();
    expect(anthropicPage).toContain("Songket Tote Bag");
    expect(anthropicPage).toContain("messages (output_config)");
  });
});
