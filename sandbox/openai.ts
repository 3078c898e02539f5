/**
 * OpenAI stand-in, mounted at /openai/v1: the Responses API (`POST /responses`) and, for
 * OpenAI-compatible local servers, Chat Completions (`POST /chat/completions`), each in OpenAI's
 * real envelope. Checks the Bearer key and strict json_schema rules, writes schema-valid copy from
 * the prompt (sandbox/copywriter.ts), and has switches for 429 (rate limit and quota), 5xx,
 * refusal, incomplete (max_output_tokens) and malformed JSON, and for a server without the
 * Responses API. A readable page at /openai lists recent requests; /openai/_control is for tests.
 */
import { randomBytes } from "node:crypto";

import express, { type Request, type Response, type Router } from "express";

import {
  copyStandInTools,
  inputText,
  type LoggedRequest,
  readCopyPrompt,
  shapeToSchema,
  strictSchemaProblem,
  tokenCount,
  writeCopy,
} from "./copywriter";

export const SANDBOX_OPENAI_KEY = "sandbox-openai-key";

export interface OpenAISwitches {
  /** Answer the next N requests with 429 rate_limit_exceeded. */
  rateLimitNext: number;
  /** Answer the next N requests with 429 insufficient_quota. */
  quotaExceededNext: number;
  /** Answer the next N requests with 500. */
  serverErrorNext: number;
  /** The next N answers are refusals. */
  refusalNext: number;
  /** The next N answers stop at max_output_tokens (incomplete). */
  incompleteNext: number;
  /** The next N answers carry JSON that does not parse. */
  malformedNext: number;
  /** False: /responses answers 404, like a local server with Chat Completions only. */
  responsesApi: boolean;
  /** A model name answered with 404 model_not_found. */
  missingModel: string;
  /** Every answer waits this long (a slow model; tests kill a worker mid-job with it). */
  delayMs: number;
}

const defaults = (): OpenAISwitches => ({
  rateLimitNext: 0,
  quotaExceededNext: 0,
  serverErrorNext: 0,
  refusalNext: 0,
  incompleteNext: 0,
  malformedNext: 0,
  responsesApi: true,
  missingModel: "",
  delayMs: 0,
});

const id = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;

function openAIError(res: Response, status: number, message: string, type: string, code: string | null, param: string | null = null) {
  res.setHeader("x-request-id", id("req_"));
  return res.status(status).json({ error: { message, type, param, code } });
}

type Outcome = "ok" | "refusal" | "incomplete" | "malformed";

export class OpenAISandbox {
  switches: OpenAISwitches = defaults();
  requests: LoggedRequest[] = [];
  /** The sandbox's clock (tests replace it to pass a rate-limit window without waiting for it). */
  now: () => number = Date.now;
  /** Like the real API, a 429's window holds: requests before this instant are refused too. */
  private limitedUntil = 0;

  reset() {
    this.switches = defaults();
    this.requests = [];
    this.now = Date.now;
    this.limitedUntil = 0;
  }

  private take(
    name: "refusalNext" | "incompleteNext" | "malformedNext" | "rateLimitNext" | "quotaExceededNext" | "serverErrorNext",
  ): boolean {
    if (this.switches[name] > 0) {
      this.switches[name]--;
      return true;
    }
    return false;
  }

  private log(entry: LoggedRequest) {
    this.requests.push(entry);
    if (this.requests.length > 200) this.requests.shift();
  }

  /** The API, mounted at /openai/v1. */
  api(): Router {
    const r = express.Router();
    r.use(express.json({ limit: "2mb" }));
    r.use((req, res, next) => {
      const key = req.get("authorization")?.replace(/^Bearer\s+/i, "");
      if (!key) {
        return openAIError(
          res,
          401,
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
          "invalid_request_error",
          null,
        );
      }
      if (key !== SANDBOX_OPENAI_KEY) {
        return openAIError(
          res,
          401,
          `Incorrect API key provided: ${key.slice(0, 3)}***${key.slice(-4)}.`,
          "invalid_request_error",
          "invalid_api_key",
        );
      }
      if (this.take("rateLimitNext")) this.limitedUntil = this.now() + 1_000;
      if (this.now() < this.limitedUntil) {
        res.setHeader("retry-after", String(Math.max(1, Math.ceil((this.limitedUntil - this.now()) / 1000))));
        res.setHeader("x-ratelimit-limit-requests", "500");
        res.setHeader("x-ratelimit-remaining-requests", "0");
        res.setHeader("x-ratelimit-reset-requests", "1s");
        return openAIError(res, 429, "Rate limit reached for requests. Please try again in 1s.", "requests", "rate_limit_exceeded");
      }
      if (this.take("quotaExceededNext")) {
        return openAIError(
          res,
          429,
          "You exceeded your current quota, please check your plan and billing details.",
          "insufficient_quota",
          "insufficient_quota",
        );
      }
      if (this.take("serverErrorNext")) {
        return openAIError(res, 500, "The server had an error while processing your request. Sorry about that!", "server_error", null);
      }
      if (this.switches.missingModel && req.body?.model === this.switches.missingModel) {
        return openAIError(
          res,
          404,
          `The model \`${req.body.model}\` does not exist or you do not have access to it.`,
          "invalid_request_error",
          "model_not_found",
        );
      }
      next();
    });
    r.use((_req, _res, next) => (this.switches.delayMs > 0 ? void setTimeout(next, this.switches.delayMs) : next()));
    r.get("/models", (_req, res) =>
      res.json({
        object: "list",
        data: ["gpt-4.1-mini", "gpt-4.1", "gpt-5-mini"].map((m) => ({
          id: m,
          object: "model",
          created: 1_700_000_000,
          owned_by: "system",
        })),
      }),
    );
    r.post("/responses", (req, res) => {
      if (!this.switches.responsesApi) return res.status(404).json({ detail: "Not Found" });
      this.responses(req, res);
    });
    r.post("/chat/completions", (req, res) => this.chat(req, res));
    r.use((_req, res) => openAIError(res, 404, "Invalid URL", "invalid_request_error", null));
    return r;
  }

  /** Decides the answer for a prompt: the copy as JSON text, or one of the failure outcomes. */
  private logAnswer(endpoint: LoggedRequest["endpoint"], model: LoggedRequest["model"], a: ReturnType<OpenAISandbox["answer"]>) {
    this.log({
      at: new Date().toISOString(),
      endpoint,
      model,
      language: a.prompt?.language,
      product: a.prompt?.facts.title,
      outcome: a.outcome,
      inputTokens: a.inputTokens,
      outputTokens: a.outputTokens,
    });
  }

  private answer(promptText: string, schema: unknown, maxTokens: number | undefined) {
    const prompt = readCopyPrompt(promptText);
    const copy = prompt
      ? shapeToSchema(writeCopy(prompt.language, prompt.tone, prompt.facts), schema)
      : { note: "No product facts found in the prompt." };
    let text = JSON.stringify(copy);
    let outcome: Outcome = "ok";
    if (this.take("refusalNext")) {
      outcome = "refusal";
      text = "I'm sorry, but I can't help with that request.";
    } else if (this.take("malformedNext")) {
      outcome = "malformed";
      text = `${text.slice(0, Math.floor(text.length * 0.6))}`;
    } else if (this.take("incompleteNext") || (maxTokens !== undefined && tokenCount(text) > maxTokens)) {
      outcome = "incomplete";
      text = text.slice(0, Math.max(1, Math.min(text.length - 1, (maxTokens ?? 16) * 4)));
    }
    return { prompt, text, outcome, inputTokens: tokenCount(promptText), outputTokens: outcome === "refusal" ? 12 : tokenCount(text) };
  }

  private responses(req: Request, res: Response) {
    const body = req.body ?? {};
    if (typeof body.model !== "string" || !body.model)
      return openAIError(res, 400, "Missing required parameter: 'model'.", "invalid_request_error", "missing_required_parameter", "model");
    if (body.input === undefined)
      return openAIError(res, 400, "Missing required parameter: 'input'.", "invalid_request_error", "missing_required_parameter", "input");
    const format = body.text?.format;
    if (format?.type === "json_schema") {
      const problem = format.strict ? strictSchemaProblem(format.schema) : undefined;
      if (problem)
        return openAIError(
          res,
          400,
          `Invalid schema for response_format '${format.name}': ${problem}.`,
          "invalid_request_error",
          "invalid_json_schema",
          "text.format.schema",
        );
    }
    const promptText = [typeof body.instructions === "string" ? body.instructions : "", inputText(body.input)].join("\n");
    const maxTokens = typeof body.max_output_tokens === "number" ? body.max_output_tokens : undefined;
    const a = this.answer(promptText, format?.schema, maxTokens);
    const usage = {
      input_tokens: a.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: a.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: a.inputTokens + a.outputTokens,
    };
    const content =
      a.outcome === "refusal"
        ? [{ type: "refusal", refusal: a.text }]
        : [{ type: "output_text", annotations: [], logprobs: [], text: a.text }];
    const incomplete = a.outcome === "incomplete";
    this.logAnswer("responses", body.model, a);
    res.setHeader("x-request-id", id("req_"));
    res.json({
      id: id("resp_"),
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status: incomplete ? "incomplete" : "completed",
      background: false,
      error: null,
      incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
      instructions: body.instructions ?? null,
      max_output_tokens: maxTokens ?? null,
      model: body.model,
      output: [{ id: id("msg_"), type: "message", status: incomplete ? "incomplete" : "completed", role: "assistant", content }],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: "default",
      store: body.store ?? true,
      temperature: 1,
      text: { format: format ?? { type: "text" }, verbosity: "medium" },
      tool_choice: "auto",
      tools: [],
      top_p: 1,
      truncation: "disabled",
      usage,
      user: null,
      metadata: {},
    });
  }

  private chat(req: Request, res: Response) {
    const body = req.body ?? {};
    if (typeof body.model !== "string" || !body.model)
      return openAIError(res, 400, "you must provide a model parameter", "invalid_request_error", null, "model");
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      return openAIError(
        res,
        400,
        "Missing required parameter: 'messages'.",
        "invalid_request_error",
        "missing_required_parameter",
        "messages",
      );
    const format = body.response_format;
    if (format?.type === "json_schema") {
      const problem = format.json_schema?.strict ? strictSchemaProblem(format.json_schema?.schema) : undefined;
      if (problem)
        return openAIError(
          res,
          400,
          `Invalid schema for response_format '${format.json_schema?.name}': ${problem}.`,
          "invalid_request_error",
          "invalid_json_schema",
          "response_format",
        );
    }
    const promptText = body.messages.map((m: { content?: unknown }) => inputText(m.content)).join("\n");
    const maxTokens =
      typeof body.max_completion_tokens === "number"
        ? body.max_completion_tokens
        : typeof body.max_tokens === "number"
          ? body.max_tokens
          : undefined;
    const a = this.answer(promptText, format?.json_schema?.schema, maxTokens);
    this.logAnswer("chat/completions", body.model, a);
    res.json({
      id: id("chatcmpl-"),
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: a.outcome === "refusal" ? null : a.text,
            refusal: a.outcome === "refusal" ? a.text : null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: a.outcome === "incomplete" ? "length" : "stop",
        },
      ],
      usage: {
        prompt_tokens: a.inputTokens,
        completion_tokens: a.outputTokens,
        total_tokens: a.inputTokens + a.outputTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: "default",
      system_fingerprint: "fp_sandbox",
    });
  }

  /** Readable page and test controls. */
  tools(): Router {
    return copyStandInTools(
      this,
      "OpenAI (product copy)",
      `Requests NetShop made to the OpenAI stand-in at <code>/openai/v1</code> (key <code>${SANDBOX_OPENAI_KEY}</code>).`,
    );
  }
}
