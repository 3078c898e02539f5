/**
 * Anthropic stand-in, mounted at /anthropic/v1: `POST /messages` in Anthropic's real envelope.
 * Checks the API key (`x-api-key`, or the Bearer form the SDK sends) and `anthropic-version`, answers structured output (`output_config.format`)
 * with schema-valid JSON text and a forced tool call (`tool_choice: {type: "tool"}`) with a
 * `tool_use` block, writing the copy from the prompt (sandbox/copywriter.ts). Switches: 429, 529
 * overloaded, 500, refusal, max_tokens, malformed JSON, and a model without structured output.
 * A readable page at /anthropic lists recent requests; /anthropic/_control is for tests.
 */
import { randomBytes } from "node:crypto";

import express, { type Request, type Response, type Router } from "express";

import { copyStandInTools, inputText, type LoggedRequest, readCopyPrompt, shapeToSchema, tokenCount, writeCopy } from "./copywriter";

export const SANDBOX_ANTHROPIC_KEY = "sandbox-anthropic-key";

export interface AnthropicSwitches {
  rateLimitNext: number;
  /** 529 overloaded_error. */
  overloadedNext: number;
  serverErrorNext: number;
  refusalNext: number;
  /** Stop at max_tokens with a cut-off answer. */
  maxTokensNext: number;
  malformedNext: number;
  /** False: `output_config.format` is refused, as for a model without structured output. */
  structuredOutputs: boolean;
}

const defaults = (): AnthropicSwitches => ({
  rateLimitNext: 0,
  overloadedNext: 0,
  serverErrorNext: 0,
  refusalNext: 0,
  maxTokensNext: 0,
  malformedNext: 0,
  structuredOutputs: true,
});

const id = (prefix: string) => `${prefix}${randomBytes(12).toString("base64url")}`;

function anthropicError(res: Response, status: number, type: string, message: string) {
  const requestId = id("req_");
  res.setHeader("request-id", requestId);
  return res.status(status).json({ type: "error", error: { type, message }, request_id: requestId });
}

export class AnthropicSandbox {
  switches: AnthropicSwitches = defaults();
  requests: LoggedRequest[] = [];

  reset() {
    this.switches = defaults();
    this.requests = [];
  }

  private take(name: Exclude<keyof AnthropicSwitches, "structuredOutputs">): boolean {
    if (this.switches[name] > 0) {
      this.switches[name]--;
      return true;
    }
    return false;
  }

  /** The API, mounted at /anthropic/v1. */
  api(): Router {
    const r = express.Router();
    r.use(express.json({ limit: "2mb" }));
    r.use((req, res, next) => {
      // The contract sheet names x-api-key; @anthropic-ai/sdk 1.x sends the same key as a Bearer
      // token. Either is accepted, and every key given must be the right one.
      const keys = [req.get("x-api-key"), /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "")?.[1]].filter((k): k is string => !!k);
      if (keys.length === 0) return anthropicError(res, 401, "authentication_error", "x-api-key header is required");
      if (keys.some((k) => k !== SANDBOX_ANTHROPIC_KEY)) return anthropicError(res, 401, "authentication_error", "invalid x-api-key");
      const version = req.get("anthropic-version");
      if (!version) return anthropicError(res, 400, "invalid_request_error", "anthropic-version: header is required");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(version) || version < "2023-01-01") {
        return anthropicError(res, 400, "invalid_request_error", `anthropic-version: "${version}" is not a valid version`);
      }
      if (this.take("rateLimitNext")) {
        res.setHeader("retry-after", "1");
        res.setHeader("anthropic-ratelimit-requests-limit", "50");
        res.setHeader("anthropic-ratelimit-requests-remaining", "0");
        return anthropicError(
          res,
          429,
          "rate_limit_error",
          "Number of request tokens has exceeded your per-minute rate limit. Please try again later.",
        );
      }
      if (this.take("overloadedNext")) return anthropicError(res, 529, "overloaded_error", "Overloaded");
      if (this.take("serverErrorNext")) return anthropicError(res, 500, "api_error", "Internal server error");
      next();
    });
    r.post("/messages", (req, res) => this.messages(req, res));
    r.use((_req, res) => anthropicError(res, 404, "not_found_error", "Not found"));
    return r;
  }

  private messages(req: Request, res: Response) {
    const body = req.body ?? {};
    if (typeof body.model !== "string" || !body.model) return anthropicError(res, 400, "invalid_request_error", "model: Field required");
    if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1)
      return anthropicError(res, 400, "invalid_request_error", "max_tokens: Field required");
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      return anthropicError(res, 400, "invalid_request_error", "messages: at least one message is required");
    const format = body.output_config?.format;
    if (format && !this.switches.structuredOutputs) {
      return anthropicError(
        res,
        400,
        "invalid_request_error",
        `output_config.format: structured outputs are not supported for model '${body.model}'`,
      );
    }
    if (format && (format.type !== "json_schema" || typeof format.schema !== "object")) {
      return anthropicError(res, 400, "invalid_request_error", 'output_config.format: expected {type: "json_schema", schema}');
    }
    const forcedTool =
      body.tool_choice?.type === "tool" && Array.isArray(body.tools)
        ? body.tools.find((t: { name?: string }) => t.name === body.tool_choice.name)
        : undefined;
    if (body.tool_choice?.type === "tool" && !forcedTool) {
      return anthropicError(res, 400, "invalid_request_error", `tool_choice: tool '${body.tool_choice.name}' not found in tools`);
    }

    const promptText = [inputText(body.system), inputText(body.messages)].join("\n");
    const prompt = readCopyPrompt(promptText);
    const schema = format?.schema ?? forcedTool?.input_schema;
    const copy = prompt ? shapeToSchema(writeCopy(prompt.language, prompt.tone, prompt.facts), schema) : undefined;
    const json = JSON.stringify(copy ?? {});

    let outcome = "ok";
    let stopReason = forcedTool ? "tool_use" : "end_turn";
    let stopDetails: unknown = null;
    let content: unknown[];
    if (this.take("refusalNext")) {
      outcome = "refusal";
      stopReason = "refusal";
      stopDetails = { type: "refusal", category: null, explanation: "The request was declined by the sandbox's refusal switch." };
      content = [{ type: "text", text: "I can't help with writing this.", citations: null }];
    } else if (this.take("maxTokensNext") || tokenCount(json) > body.max_tokens) {
      outcome = "max_tokens";
      stopReason = "max_tokens";
      const cut = json.slice(0, Math.max(1, Math.min(json.length - 1, body.max_tokens * 4)));
      content = forcedTool
        ? [{ type: "tool_use", id: id("toolu_"), name: forcedTool.name, input: {} }]
        : [{ type: "text", text: cut, citations: null }];
    } else if (this.take("malformedNext")) {
      outcome = "malformed";
      content = forcedTool
        ? [{ type: "tool_use", id: id("toolu_"), name: forcedTool.name, input: { ...copy, bulletPoints: "not a list" } }]
        : [{ type: "text", text: `Here is the copy: ${json.slice(0, Math.floor(json.length / 2))}`, citations: null }];
    } else if (forcedTool) {
      content = [{ type: "tool_use", id: id("toolu_"), name: forcedTool.name, input: copy ?? {} }];
    } else if (format) {
      content = [{ type: "text", text: json, citations: null }];
    } else {
      const text = copy ? `${String((copy as { description?: unknown }).description ?? "")}` : "Please tell me about the product.";
      content = [{ type: "text", text, citations: null }];
    }
    const inputTokens = tokenCount(promptText + JSON.stringify(body.tools ?? "") + JSON.stringify(format ?? ""));
    const outputTokens = outcome === "refusal" ? 10 : tokenCount(JSON.stringify(content));
    this.requests.push({
      at: new Date().toISOString(),
      endpoint: forcedTool ? "messages (tool_use)" : format ? "messages (output_config)" : "messages",
      model: body.model,
      language: prompt?.language,
      product: prompt?.facts.title,
      outcome,
      inputTokens,
      outputTokens,
    });
    if (this.requests.length > 200) this.requests.shift();
    res.setHeader("request-id", id("req_"));
    res.json({
      id: id("msg_01"),
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: stopDetails,
      container: null,
      usage: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        server_tool_use: null,
        service_tier: "standard",
      },
    });
  }

  /** Readable page and test controls. */
  tools(): Router {
    return copyStandInTools(
      this,
      "Anthropic (product copy)",
      `Requests NetShop made to the Anthropic stand-in at <code>/anthropic/v1/messages</code> (key <code>${SANDBOX_ANTHROPIC_KEY}</code>).`,
    );
  }
}
