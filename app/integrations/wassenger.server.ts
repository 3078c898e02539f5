/**
 * Wassenger (WhatsApp) API client: https://api.wassenger.com/v1. The only code that speaks
 * Wassenger's protocol. See shared PROVIDERS.md for the contract.
 *
 * - Auth: `Token: <key>` header. `GET /devices` validates a key.
 * - Send: `POST /messages` {phone (E.164 with +), message | template, device?, reference?,
 *   media?, deliverAt?} → 201 {id, waId, status: "queued"}.
 * - Free text to a WhatsApp Business number outside the 24 h window is rejected (Meta error
 *   131047): codes can be sent with an approved template instead.
 * - Webhooks: {event, data}; signature `X-Wassenger-Signature: sha256=<hex HMAC of raw body>`
 *   is unconfirmed, so it is verified when present and a secret URL token is always required.
 */
import { createHmac } from "node:crypto";

import { z } from "zod";

import { config, type Env } from "~/config.server";

import { retryAfterMs, safeEqualText, safeJson } from "./provider-http";

export const SANDBOX_WASSENGER_TOKEN = "sandbox-wassenger-token";

export interface WassengerSettings {
  baseUrl: string;
  token: string;
  deviceId?: string;
  /** True when this is NetShop's sandbox stand-in, not Wassenger. */
  sandbox: boolean;
  timeoutMs?: number;
}

export function wassengerSettings(env: Env = config()): WassengerSettings {
  if (env.WASSENGER_TOKEN) {
    return { baseUrl: env.WASSENGER_BASE_URL, token: env.WASSENGER_TOKEN, deviceId: env.WASSENGER_DEVICE_ID, sandbox: false };
  }
  return {
    baseUrl: `${env.SANDBOX_URL!.replace(/\/$/, "")}/wassenger/v1`,
    token: SANDBOX_WASSENGER_TOKEN,
    deviceId: env.WASSENGER_DEVICE_ID,
    sandbox: true,
  };
}

export type WassengerErrorKind = "unauthorized" | "rate_limited" | "template_required" | "invalid_request" | "not_found" | "unavailable";

export class WassengerError extends Error {
  constructor(
    message: string,
    public readonly kind: WassengerErrorKind,
    public readonly status: number,
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "WassengerError";
  }
  /** Worth trying again later (rate limit, outage); the others need a change first. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "unavailable";
  }
}

export const E164 = /^\+[1-9]\d{6,14}$/;

const SentMessageSchema = z.looseObject({
  id: z.string(),
  waId: z.string().optional(),
  status: z.string(),
});
export type SentMessage = z.infer<typeof SentMessageSchema>;

export interface TemplateMessage {
  name: string;
  language: string;
  /** Body parameters, in order ({{1}}, {{2}}, …). */
  params: string[];
  /** For authentication templates: the one-time code behind the template's copy-code button. */
  copyCode?: string;
}

/** The approved template for sign-in codes (WASSENGER_CODE_TEMPLATE, `name[:language]`), if configured. */
export function codeTemplate(env: Env = config()): { name: string; language: string } | undefined {
  if (!env.WASSENGER_CODE_TEMPLATE) return undefined;
  const [name, language = "en"] = env.WASSENGER_CODE_TEMPLATE.split(":");
  return { name, language };
}

export class WassengerClient {
  constructor(private readonly settings: WassengerSettings) {}

  get isSandbox(): boolean {
    return this.settings.sandbox;
  }

  /** Checks the API key: resolves when valid, throws WassengerError("unauthorized") when not. */
  async validateKey(): Promise<void> {
    await this.request("GET", "/devices");
  }

  async sendText(input: { phone: string; message: string; reference?: string; mediaUrl?: string; deliverAt?: Date }): Promise<SentMessage> {
    assertPhone(input.phone);
    return SentMessageSchema.parse(
      await this.request("POST", "/messages", {
        phone: input.phone,
        message: input.message,
        ...(input.mediaUrl ? { media: { url: input.mediaUrl } } : {}),
        ...(input.deliverAt ? { deliverAt: input.deliverAt.toISOString() } : {}),
        ...this.common(input.reference),
      }),
    );
  }

  /** Sends an approved WhatsApp template (needed outside the 24-hour customer window). */
  async sendTemplate(input: { phone: string; template: TemplateMessage; reference?: string }): Promise<SentMessage> {
    assertPhone(input.phone);
    return SentMessageSchema.parse(
      await this.request("POST", "/messages", {
        phone: input.phone,
        template: {
          name: input.template.name,
          language: input.template.language,
          components: [
            { type: "body", parameters: input.template.params.map((text) => ({ type: "text", text })) },
            ...(input.template.copyCode
              ? [{ type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: input.template.copyCode }] }]
              : []),
          ],
        },
        ...this.common(input.reference),
      }),
    );
  }

  /**
   * The message we sent with this `reference`, if the provider has one (`GET /messages?reference=`):
   * how a send whose outcome is unknown is resolved without sending it again.
   */
  async findByReference(reference: string): Promise<SentMessage | undefined> {
    const found = z.array(SentMessageSchema).parse(await this.request("GET", `/messages?reference=${encodeURIComponent(reference)}`));
    return found[0];
  }

  /** Whether `phone` has a WhatsApp account (200) or not (404). */
  async numberExists(phone: string): Promise<boolean> {
    assertPhone(phone);
    try {
      await this.request("POST", "/numbers/exists", { phone });
      return true;
    } catch (error) {
      if (error instanceof WassengerError && error.kind === "not_found") return false;
      throw error;
    }
  }

  private common(reference?: string) {
    return {
      ...(this.settings.deviceId ? { device: this.settings.deviceId } : {}),
      ...(reference ? { reference } : {}),
    };
  }

  private async request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.baseUrl}${path}`, {
        method,
        headers: {
          Token: this.settings.token,
          Accept: "application/json",
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new WassengerError(`Wassenger unreachable: ${(error as Error).message}`, "unavailable", 0);
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (response.ok) return json;
    const message = describeError(json, text, response.status);
    if (response.status === 401 || (response.status === 403 && !isTemplateRejection(message))) {
      throw new WassengerError(`Wassenger rejected the API key: ${message}`, "unauthorized", response.status);
    }
    if (response.status === 429) {
      throw new WassengerError(`Wassenger rate limit: ${message}`, "rate_limited", 429, retryAfterMs(response.headers));
    }
    if (isTemplateRejection(message)) {
      throw new WassengerError(`WhatsApp needs an approved template for this recipient: ${message}`, "template_required", response.status);
    }
    if (response.status === 404) throw new WassengerError(message, "not_found", 404);
    if (response.status >= 500) throw new WassengerError(`Wassenger error ${response.status}: ${message}`, "unavailable", response.status);
    throw new WassengerError(`Wassenger refused the request: ${message}`, "invalid_request", response.status);
  }
}

function assertPhone(phone: string) {
  if (!E164.test(phone)) {
    throw new WassengerError(`phone must be E.164 with a leading + (got ${phone.slice(0, 4)}…)`, "invalid_request", 0);
  }
}

function describeError(json: unknown, text: string, status: number): string {
  if (json && typeof json === "object") {
    const o = json as Record<string, unknown>;
    const parts = [o.message, o.errorCode ?? o.code, (o.error as Record<string, unknown> | undefined)?.message]
      .filter((p) => p !== undefined && p !== null)
      .map(String);
    if (parts.length) return parts.join(" ");
  }
  return text.slice(0, 300) || `HTTP ${status}`;
}

function isTemplateRejection(message: string): boolean {
  return /131047|re-?engagement|24[- ]?hour|template (is )?required/i.test(message);
}

// --- Webhooks ----------------------------------------------------------------------------------

export const WassengerWebhookSchema = z.looseObject({
  id: z.string().optional(),
  event: z.string(),
  data: z.looseObject({
    id: z.string().optional(),
    ack: z.string().optional(),
    reference: z.string().optional(),
    phone: z.string().optional(),
    error: z.unknown().optional(),
    /** Inbound messages (message:in:new): the sender and the text. */
    fromNumber: z.string().optional(),
    body: z.string().optional(),
  }),
});
export type WassengerWebhook = z.infer<typeof WassengerWebhookSchema>;

export function signWassengerBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

/** True when the signature header, if present, matches. Absent headers are the caller's call. */
export function verifyWassengerSignature(rawBody: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  return safeEqualText(signWassengerBody(rawBody, secret), header.trim());
}

/** A stable id for a delivery, for deduplication (Wassenger retries for about 24 hours). */
export function webhookEventId(hook: WassengerWebhook): string {
  return hook.id ?? `${hook.event}:${hook.data.id ?? ""}:${hook.data.ack ?? ""}`;
}

/** An incoming WhatsApp message (a person replying to us): its sender and text, or undefined. */
export function inboundMessageOf(hook: WassengerWebhook): { from: string; text: string } | undefined {
  if (hook.event !== "message:in:new" || !hook.data.fromNumber || hook.data.body === undefined) return undefined;
  const from = hook.data.fromNumber.startsWith("+") ? hook.data.fromNumber : `+${hook.data.fromNumber}`;
  return { from, text: hook.data.body };
}

/** Maps a webhook event to our message status, or undefined when it is not about delivery. */
export function deliveryStatusOf(hook: WassengerWebhook): "sent" | "delivered" | "read" | "failed" | undefined {
  if (hook.event === "message:out:sent") return "sent";
  if (hook.event === "message:out:failed") return "failed";
  if (hook.event === "message:out:ack") {
    if (hook.data.ack === "delivered") return "delivered";
    if (hook.data.ack === "read" || hook.data.ack === "played") return "read";
    if (hook.data.ack === "server") return "sent";
  }
  return undefined;
}
