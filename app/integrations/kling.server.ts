/**
 * Kling AI client (https://api-singapore.klingai.com): virtual try-on, image-to-video and
 * text-to-video tasks. The only code that speaks Kling's protocol; see shared PROVIDERS.md.
 *
 * - Auth: `Authorization: Bearer <JWT>`, HS256 signed with the secret key, claims iss = access
 *   key, exp = now + 1800 s, nbf = now − 5 s. The token is cached until shortly before it
 *   expires, and re-signed once when Kling answers 1004 (expired).
 * - Every answer is `{code, message, request_id, data}`; code 0 is success. Tasks go
 *   submitted → processing → succeed | failed.
 * - Idempotent creates: `external_task_id` (our job id) is unique per Kling account and a task
 *   can be queried by it in place of its task_id. What Kling answers to a second create with the
 *   same external_task_id is not documented: an error (we then look the task up) or the existing
 *   task (returned as is) are both handled.
 * - Callbacks are unsigned: `parseKlingCallback` reads one as a hint; confirm with `getTask`.
 * - Limits are concurrent tasks per account: 1303 (and 1302, too fast) mean "try again later",
 *   backing off from at least 1 s. Result URLs expire after 30 days: copy results at once.
 */
import { createHmac } from "node:crypto";

import { z } from "zod";

import { config, type Env } from "~/config.server";
import { imageInfo } from "~/lib/image-info";

export const SANDBOX_KLING_ACCESS_KEY = "sandbox-kling-access-key";
export const SANDBOX_KLING_SECRET_KEY = "sandbox-kling-secret-key";

export interface KlingSettings {
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  /** True when this is NetShop's sandbox stand-in, not Kling. */
  sandbox: boolean;
  timeoutMs?: number;
}

export function klingSettings(env: Env = config()): KlingSettings {
  if (env.KLING_ACCESS_KEY && env.KLING_SECRET_KEY) {
    return {
      baseUrl: env.KLING_BASE_URL.replace(/\/$/, ""),
      accessKey: env.KLING_ACCESS_KEY,
      secretKey: env.KLING_SECRET_KEY,
      sandbox: false,
    };
  }
  if (!env.SANDBOX_URL) {
    throw new Error("Kling is not configured: set KLING_ACCESS_KEY and KLING_SECRET_KEY, or SANDBOX_URL to use the sandbox");
  }
  return {
    baseUrl: `${env.SANDBOX_URL.replace(/\/$/, "")}/kling`,
    accessKey: SANDBOX_KLING_ACCESS_KEY,
    secretKey: SANDBOX_KLING_SECRET_KEY,
    sandbox: true,
  };
}

// --- Limits (Kling's documented input rules) ----------------------------------------------------

export const KLING_LIMITS = {
  maxImageBytes: 10 * 1024 * 1024,
  minImageSide: 300,
  /** Image-to-video input aspect ratio (width / height), 1:2.5 to 2.5:1. */
  minAspect: 1 / 2.5,
  maxAspect: 2.5,
  maxPromptChars: 2500,
  maxExternalTaskIdChars: 128,
} as const;

export const TRY_ON_MODELS = ["kolors-virtual-try-on-v1", "kolors-virtual-try-on-v1-5"] as const;
export type TryOnModel = (typeof TRY_ON_MODELS)[number];
export const VIDEO_MODES = ["std", "pro"] as const;
export type VideoMode = (typeof VIDEO_MODES)[number];
export const VIDEO_DURATIONS = [5, 10] as const;
export type VideoDuration = (typeof VIDEO_DURATIONS)[number];
export const VIDEO_ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type VideoAspectRatio = (typeof VIDEO_ASPECT_RATIOS)[number];

export const DEFAULT_TRY_ON_MODEL: TryOnModel = "kolors-virtual-try-on-v1-5";
export const DEFAULT_VIDEO_MODEL = "kling-v2-6";

// --- Tasks --------------------------------------------------------------------------------------

export type KlingTaskKind = "try-on" | "image-to-video" | "text-to-video";
export type KlingTaskStatus = "submitted" | "processing" | "succeed" | "failed";

const TASK_PATHS: Record<KlingTaskKind, string> = {
  "try-on": "/v1/images/kolors-virtual-try-on",
  "image-to-video": "/v1/videos/image2video",
  "text-to-video": "/v1/videos/text2video",
};

export interface KlingTask {
  kind: KlingTaskKind;
  taskId: string;
  status: KlingTaskStatus;
  /** Kling's words for the status; the failure reason when failed. */
  statusMessage?: string;
  externalTaskId?: string;
  createdAt?: Date;
  updatedAt?: Date;
  images: Array<{ index: number; url: string }>;
  videos: Array<{ id?: string; url: string; durationSeconds?: number }>;
  /** Kling units charged for the task (`final_unit_deduction`), once known. */
  unitsDeducted?: number;
  requestId?: string;
  /** True when a create found this task already there under its external_task_id (a retried create). */
  existing: boolean;
}

export function isFinished(task: Pick<KlingTask, "status">): boolean {
  return task.status === "succeed" || task.status === "failed";
}

/** A failed task's reason in plain words for the merchant, and whether retrying could help. */
export function describeTaskFailure(task: Pick<KlingTask, "status" | "statusMessage">): { reason: string; contentBlocked: boolean } {
  const message = task.statusMessage ?? "";
  const contentBlocked = /risk|securit|sensitiv|content|policy|violat|inappropriate|nsfw/i.test(message);
  if (contentBlocked) {
    return { reason: "Kling refused the images or prompt under its content rules. Try other images or wording.", contentBlocked };
  }
  if (/human|person|body|face/i.test(message)) {
    return { reason: "Kling could not find a person in the model photo. Use a clear photo of one person.", contentBlocked };
  }
  return { reason: message ? `Kling could not finish the task: ${message}` : "Kling could not finish the task.", contentBlocked };
}

const TaskSchema = z.looseObject({
  task_id: z.string().min(1),
  task_status: z.string(),
  task_status_msg: z.string().nullish(),
  task_info: z.looseObject({ external_task_id: z.string().nullish() }).nullish(),
  final_unit_deduction: z.union([z.string(), z.number()]).nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  task_result: z
    .looseObject({
      images: z.array(z.looseObject({ index: z.number().optional(), url: z.string() })).nullish(),
      videos: z
        .array(
          z.looseObject({
            id: z.union([z.string(), z.number()]).optional(),
            url: z.string(),
            duration: z.union([z.string(), z.number()]).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

const EnvelopeSchema = z.looseObject({
  code: z.number(),
  message: z.string().nullish(),
  request_id: z.string().nullish(),
  data: z.unknown().optional(),
});

const KNOWN_STATUSES: readonly string[] = ["submitted", "processing", "succeed", "failed"];

function toTask(kind: KlingTaskKind, data: unknown, requestId: string | undefined): KlingTask {
  const parsed = TaskSchema.safeParse(data);
  if (!parsed.success) {
    throw new KlingError(`Kling answered with a task we cannot read: ${parsed.error.issues[0]?.message}`, "protocol", {
      status: 200,
      requestId,
    });
  }
  const t = parsed.data;
  const number = (v: string | number | null | undefined) => {
    const n = typeof v === "number" ? v : v ? Number(v) : NaN;
    return Number.isFinite(n) ? n : undefined;
  };
  return {
    kind,
    taskId: t.task_id,
    // An unknown status is treated as still running: we keep polling rather than act on it.
    status: (KNOWN_STATUSES.includes(t.task_status) ? t.task_status : "processing") as KlingTaskStatus,
    statusMessage: t.task_status_msg || undefined,
    externalTaskId: t.task_info?.external_task_id || undefined,
    createdAt: t.created_at ? new Date(t.created_at) : undefined,
    updatedAt: t.updated_at ? new Date(t.updated_at) : undefined,
    images: (t.task_result?.images ?? []).map((image, i) => ({ index: image.index ?? i, url: image.url })),
    videos: (t.task_result?.videos ?? []).map((video) => ({
      id: video.id === undefined ? undefined : String(video.id),
      url: video.url,
      durationSeconds: number(video.duration),
    })),
    unitsDeducted: number(t.final_unit_deduction),
    requestId,
    existing: false,
  };
}

// --- Errors -------------------------------------------------------------------------------------

export type KlingErrorKind =
  /** 1000–1004: the keys are wrong (or the clock is far off). Fix the configuration. */
  | "auth"
  /** 1100, 1103, 1304: the account is suspended, lacks permission or is IP-restricted. */
  | "account"
  /** 1101, 1102: arrears, or the resource pack is used up. Buy more; retrying cannot help. */
  | "credits_exhausted"
  /** Refused input (ours or Kling's 1200/1201/1202): change the input. `field` names it when known. */
  | "invalid_input"
  /** No such task. */
  | "not_found"
  /** A create with an external_task_id that already exists, and the task could not be found. */
  | "duplicate_task"
  /** 1300, 1301: the content safety policy blocked the prompt or images. */
  | "content_blocked"
  /** 1302: requests too fast. Retry later with backoff. */
  | "rate_limited"
  /** 1303: too many tasks running for the account. Retry later with backoff; not a failure. */
  | "concurrency_limit"
  /** 5000–5002 or another 5xx: Kling's side. Retry later. */
  | "server"
  /** Network error or timeout: Kling may or may not have acted. Retry (creates are idempotent). */
  | "unavailable"
  /** An answer we cannot read. */
  | "protocol";

const RETRYABLE: ReadonlySet<KlingErrorKind> = new Set(["rate_limited", "concurrency_limit", "server", "unavailable"]);

/** Kling asks for backoff retries starting at no less than 1 s. */
export const KLING_MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/** Exponential backoff from `baseMs` (≥ 1 s), doubling per attempt (0-based), capped, with ±20 % jitter. */
export function klingBackoffMs(attempt: number, baseMs = KLING_MIN_BACKOFF_MS, random = Math.random): number {
  const base = Math.max(KLING_MIN_BACKOFF_MS, baseMs) * 2 ** Math.max(0, attempt);
  const jitter = 0.8 + random() * 0.4;
  return Math.max(KLING_MIN_BACKOFF_MS, Math.round(Math.min(MAX_BACKOFF_MS, base) * jitter));
}

export class KlingError extends Error {
  readonly kind: KlingErrorKind;
  /** HTTP status (0 when no answer came). */
  readonly status: number;
  /** Kling's service code, when it sent one. */
  readonly code?: number;
  readonly requestId?: string;
  /** For retryable errors: how long to wait before the first retry (≥ 1 s). */
  readonly retryAfterMs?: number;
  /** The input field at fault, for invalid_input found before sending. */
  readonly field?: string;

  constructor(
    message: string,
    kind: KlingErrorKind,
    details: { status?: number; code?: number; requestId?: string; retryAfterMs?: number; field?: string } = {},
  ) {
    super(message);
    this.name = "KlingError";
    this.kind = kind;
    this.status = details.status ?? 0;
    this.code = details.code;
    this.requestId = details.requestId;
    this.field = details.field;
    this.retryAfterMs = RETRYABLE.has(kind) ? Math.max(KLING_MIN_BACKOFF_MS, details.retryAfterMs ?? 0) : undefined;
  }

  /** Trying again later can succeed (rate or concurrency limit, Kling's outage, network). */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** The delay before retry number `attempt` (0-based): exponential from retryAfterMs. */
  retryDelayMs(attempt: number): number {
    return klingBackoffMs(attempt, this.retryAfterMs ?? KLING_MIN_BACKOFF_MS);
  }

  /** What happened, in plain words for the merchant. */
  get plainReason(): string {
    switch (this.kind) {
      case "content_blocked":
        return "Kling refused the images or prompt under its content rules. Try other images or wording.";
      case "credits_exhausted":
        return "The Kling account has run out of credits. Top it up, then try again.";
      case "concurrency_limit":
      case "rate_limited":
        return "Kling is busy with other tasks for this account; this one will start shortly.";
      case "auth":
        return "Kling did not accept the configured API keys.";
      case "account":
        return "The Kling account cannot run this task (suspended, no permission or IP restriction).";
      case "invalid_input":
        return this.message;
      case "server":
      case "unavailable":
        return "Kling is not responding right now; the task will be retried.";
      default:
        return "Kling could not run the task.";
    }
  }
}

function kindForCode(code: number | undefined, status: number, message: string): KlingErrorKind {
  if (code === undefined) {
    if (status === 401) return "auth";
    if (status === 404) return "not_found";
    if (status === 429) return "rate_limited";
    if (status >= 500) return "server";
    return "protocol";
  }
  if (code >= 1000 && code <= 1004) return "auth";
  if (code === 1101 || code === 1102) return "credits_exhausted";
  if (code === 1100 || code === 1103 || code === 1304) return "account";
  if (code === 1300 || code === 1301) return "content_blocked";
  if (code === 1302) return "rate_limited";
  if (code === 1303) return "concurrency_limit";
  if (code >= 5000 && code <= 5999) return "server";
  if (code >= 1200 && code <= 1203) {
    if (/not (be )?(found|exist)|does ?n[o']t exist|no such task/i.test(message) || code === 1203) return "not_found";
    if (/external_task_id|duplicat|already exist|not unique/i.test(message)) return "duplicate_task";
    return "invalid_input";
  }
  if (status >= 500) return "server";
  return "protocol";
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

// --- JWT ----------------------------------------------------------------------------------------

export const KLING_TOKEN_TTL_SECONDS = 1800;
/** A cached token is replaced this long before it expires, so it never expires in flight. */
export const KLING_TOKEN_REFRESH_MARGIN_SECONDS = 60;

const base64url = (input: Buffer | string) => Buffer.from(input).toString("base64url");

/** The API token Kling expects: a JWT (HS256) with iss = access key, exp = now + 1800, nbf = now − 5. */
export function signKlingJwt(accessKey: string, secretKey: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ iss: accessKey, exp: nowSeconds + KLING_TOKEN_TTL_SECONDS, nbf: nowSeconds - 5 }));
  const signature = createHmac("sha256", secretKey).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

// --- Input checks -------------------------------------------------------------------------------

/** An image for Kling: an http(s) URL, raw base64 (no `data:` prefix), or the bytes themselves. */
export type KlingImage = string | Uint8Array;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(field: string, message: string): KlingError {
  return new KlingError(message, "invalid_input", { status: 0, field });
}

/**
 * Checks an image against Kling's rules (jpg/png, ≤ 10 MB, ≥ 300 px each side, and for video
 * inputs an aspect ratio between 1:2.5 and 2.5:1) and returns the string Kling expects. URLs are
 * checked for form only: Kling fetches them itself.
 */
export function klingImageField(field: string, image: KlingImage, options: { checkAspect?: boolean } = {}): string {
  let bytes: Uint8Array;
  if (typeof image === "string") {
    const value = image.trim();
    if (/^https?:\/\//i.test(value)) {
      try {
        new URL(value);
      } catch {
        throw invalid(field, `${field} is not a valid URL.`);
      }
      return value;
    }
    if (/^data:/i.test(value)) {
      throw invalid(field, `${field} must be a URL or raw base64 without the "data:…;base64," prefix.`);
    }
    if (!value || value.length % 4 === 1 || !BASE64.test(value)) {
      throw invalid(field, `${field} must be an http(s) URL or base64-encoded JPEG/PNG data.`);
    }
    if ((value.length * 3) / 4 > KLING_LIMITS.maxImageBytes + 3) throw invalid(field, `${field} is larger than 10 MB.`);
    bytes = Buffer.from(value, "base64");
  } else {
    bytes = image;
  }
  if (bytes.length > KLING_LIMITS.maxImageBytes) throw invalid(field, `${field} is larger than 10 MB.`);
  const info = imageInfo(bytes);
  if (!info) throw invalid(field, `${field} must be a JPEG or PNG image.`);
  if (info.width < KLING_LIMITS.minImageSide || info.height < KLING_LIMITS.minImageSide) {
    throw invalid(field, `${field} is ${info.width}×${info.height} px; Kling needs at least 300 px on each side.`);
  }
  if (options.checkAspect) {
    const aspect = info.width / info.height;
    if (aspect < KLING_LIMITS.minAspect - 1e-9 || aspect > KLING_LIMITS.maxAspect + 1e-9) {
      throw invalid(field, `${field} is ${info.width}×${info.height} px; its aspect ratio must be between 1:2.5 and 2.5:1.`);
    }
  }
  return typeof image === "string" ? image.trim() : Buffer.from(bytes).toString("base64");
}

function checkPrompt(field: string, value: string | undefined, required: boolean): string | undefined {
  const text = value?.trim();
  if (!text) {
    if (required) throw invalid(field, `${field} is required.`);
    return undefined;
  }
  if (text.length > KLING_LIMITS.maxPromptChars) {
    throw invalid(field, `${field} is ${text.length} characters; Kling accepts at most ${KLING_LIMITS.maxPromptChars}.`);
  }
  return text;
}

function commonFields(input: { callbackUrl?: string; externalTaskId?: string }) {
  const fields: Record<string, string> = {};
  if (input.callbackUrl !== undefined) {
    if (!/^https?:\/\//i.test(input.callbackUrl)) throw invalid("callbackUrl", "callbackUrl must be an http(s) URL.");
    fields.callback_url = input.callbackUrl;
  }
  if (input.externalTaskId !== undefined) {
    const id = input.externalTaskId;
    if (!id || id.length > KLING_LIMITS.maxExternalTaskIdChars || /[\s/?#]/.test(id)) {
      throw invalid("externalTaskId", "externalTaskId must be 1–128 characters without spaces, '/', '?' or '#'.");
    }
    fields.external_task_id = id;
  }
  return fields;
}

function checkOneOf<T>(field: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value !== undefined && !allowed.includes(value)) throw invalid(field, `${field} must be one of ${allowed.join(", ")}.`);
  return value;
}

// --- Inputs -------------------------------------------------------------------------------------

export interface CommonTaskInput {
  /** Where Kling POSTs the task on every status change (a hint: confirm with getTask). */
  callbackUrl?: string;
  /** Our id for the task (the job id), unique per Kling account: makes the create idempotent. */
  externalTaskId?: string;
}

export interface TryOnInput extends CommonTaskInput {
  model?: TryOnModel;
  /** The person (model photo). */
  humanImage: KlingImage;
  /** The garment (product image). */
  clothImage: KlingImage;
}

export interface ImageToVideoInput extends CommonTaskInput {
  model?: string;
  /** First frame. At least one of image and imageTail. */
  image?: KlingImage;
  /** Last frame. */
  imageTail?: KlingImage;
  prompt?: string;
  negativePrompt?: string;
  mode?: VideoMode;
  duration?: VideoDuration;
  /** 0–1; not supported by kling-v2.x models. */
  cfgScale?: number;
}

export interface TextToVideoInput extends CommonTaskInput {
  model?: string;
  prompt: string;
  negativePrompt?: string;
  mode?: VideoMode;
  duration?: VideoDuration;
  aspectRatio?: VideoAspectRatio;
  cfgScale?: number;
}

function cfgScale(value: number | undefined): number | undefined {
  if (value !== undefined && !(value >= 0 && value <= 1)) throw invalid("cfgScale", "cfgScale must be between 0 and 1.");
  return value;
}

/** The request bodies, checked. Exported for tests and for showing errors before queueing a job. */
export const klingBodies = {
  tryOn(input: TryOnInput): Record<string, unknown> {
    return {
      model_name: checkOneOf("model", input.model, TRY_ON_MODELS) ?? DEFAULT_TRY_ON_MODEL,
      human_image: klingImageField("humanImage", input.humanImage),
      cloth_image: klingImageField("clothImage", input.clothImage),
      ...commonFields(input),
    };
  },
  imageToVideo(input: ImageToVideoInput): Record<string, unknown> {
    if (input.image === undefined && input.imageTail === undefined) throw invalid("image", "image is required (or imageTail).");
    const negative = checkPrompt("negativePrompt", input.negativePrompt, false);
    const prompt = checkPrompt("prompt", input.prompt, false);
    return {
      model_name: input.model ?? DEFAULT_VIDEO_MODEL,
      ...(input.image !== undefined ? { image: klingImageField("image", input.image, { checkAspect: true }) } : {}),
      ...(input.imageTail !== undefined ? { image_tail: klingImageField("imageTail", input.imageTail, { checkAspect: true }) } : {}),
      ...(prompt ? { prompt } : {}),
      ...(negative ? { negative_prompt: negative } : {}),
      ...(cfgScale(input.cfgScale) !== undefined ? { cfg_scale: input.cfgScale } : {}),
      mode: checkOneOf("mode", input.mode, VIDEO_MODES) ?? "std",
      // Kling takes the duration as a string.
      duration: String(checkOneOf("duration", input.duration, VIDEO_DURATIONS) ?? 5),
      ...commonFields(input),
    };
  },
  textToVideo(input: TextToVideoInput): Record<string, unknown> {
    const prompt = checkPrompt("prompt", input.prompt, true);
    const negative = checkPrompt("negativePrompt", input.negativePrompt, false);
    return {
      model_name: input.model ?? DEFAULT_VIDEO_MODEL,
      prompt,
      ...(negative ? { negative_prompt: negative } : {}),
      ...(cfgScale(input.cfgScale) !== undefined ? { cfg_scale: input.cfgScale } : {}),
      mode: checkOneOf("mode", input.mode, VIDEO_MODES) ?? "std",
      aspect_ratio: checkOneOf("aspectRatio", input.aspectRatio, VIDEO_ASPECT_RATIOS) ?? "16:9",
      duration: String(checkOneOf("duration", input.duration, VIDEO_DURATIONS) ?? 5),
      ...commonFields(input),
    };
  },
};

// --- Client -------------------------------------------------------------------------------------

export interface KlingClientOptions {
  /** Milliseconds since the epoch; replaceable so tests can move the token clock. */
  now?: () => number;
  fetch?: typeof fetch;
}

export class KlingClient {
  private cachedToken?: { token: string; expiresAt: number };
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly settings: KlingSettings,
    options: KlingClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
  }

  get isSandbox(): boolean {
    return this.settings.sandbox;
  }

  /** Starts a virtual try-on: the garment on the person. */
  createTryOn(input: TryOnInput): Promise<KlingTask> {
    return this.create("try-on", klingBodies.tryOn(input), input.externalTaskId);
  }

  /** Starts an image-to-video task (5 or 10 s, std or pro). */
  createImageToVideo(input: ImageToVideoInput): Promise<KlingTask> {
    return this.create("image-to-video", klingBodies.imageToVideo(input), input.externalTaskId);
  }

  /** Starts a text-to-video task. */
  createTextToVideo(input: TextToVideoInput): Promise<KlingTask> {
    return this.create("text-to-video", klingBodies.textToVideo(input), input.externalTaskId);
  }

  /** The task's current state, by Kling's task_id or our external_task_id. Throws not_found. */
  async getTask(kind: KlingTaskKind, id: string): Promise<KlingTask> {
    if (!id) throw invalid("id", "A task id is required.");
    const { data, requestId } = await this.request("GET", `${TASK_PATHS[kind]}/${encodeURIComponent(id)}`);
    return toTask(kind, data, requestId);
  }

  /** The task created with this external_task_id, or undefined when there is none. */
  async findTask(kind: KlingTaskKind, externalTaskId: string): Promise<KlingTask | undefined> {
    try {
      return await this.getTask(kind, externalTaskId);
    } catch (error) {
      if (error instanceof KlingError && error.kind === "not_found") return undefined;
      throw error;
    }
  }

  /** Downloads a result (image or video) from its temporary URL, to copy it into our bucket. */
  async downloadResult(
    url: string,
    options: { maxBytes?: number; timeoutMs?: number } = {},
  ): Promise<{ bytes: Uint8Array; contentType: string }> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
    } catch (error) {
      throw new KlingError(`Kling result unreachable: ${(error as Error).message}`, "unavailable");
    }
    if (response.status === 404 || response.status === 403 || response.status === 410) {
      throw new KlingError(`Kling result is gone (HTTP ${response.status}); results expire after 30 days`, "not_found", {
        status: response.status,
      });
    }
    if (!response.ok)
      throw new KlingError(`Kling result download failed: HTTP ${response.status}`, response.status >= 500 ? "server" : "protocol", {
        status: response.status,
      });
    const max = options.maxBytes ?? 500 * 1024 * 1024;
    const declared = Number(response.headers.get("content-length") ?? NaN);
    if (declared > max)
      throw new KlingError(`Kling result is ${declared} bytes, over the ${max}-byte limit`, "protocol", { status: response.status });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > max) throw new KlingError(`Kling result is over the ${max}-byte limit`, "protocol", { status: response.status });
    return { bytes, contentType: response.headers.get("content-type") ?? "application/octet-stream" };
  }

  /** The current API token (cached until shortly before it expires). */
  token(options: { renew?: boolean } = {}): string {
    const nowSeconds = Math.floor(this.now() / 1000);
    const cached = this.cachedToken;
    if (!options.renew && cached && nowSeconds < cached.expiresAt - KLING_TOKEN_REFRESH_MARGIN_SECONDS) return cached.token;
    const token = signKlingJwt(this.settings.accessKey, this.settings.secretKey, nowSeconds);
    this.cachedToken = { token, expiresAt: nowSeconds + KLING_TOKEN_TTL_SECONDS };
    return token;
  }

  private async create(kind: KlingTaskKind, body: Record<string, unknown>, externalTaskId?: string): Promise<KlingTask> {
    try {
      const { data, requestId } = await this.request("POST", TASK_PATHS[kind], body);
      // If Kling answers a repeated external_task_id with the task it already has, this is that task.
      return toTask(kind, data, requestId);
    } catch (error) {
      if (externalTaskId && error instanceof KlingError && error.kind === "duplicate_task") {
        const existing = await this.findTask(kind, externalTaskId);
        if (existing) return { ...existing, existing: true };
      }
      throw error;
    }
  }

  private async request(method: "GET" | "POST", path: string, body?: unknown): Promise<{ data: unknown; requestId?: string }> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.settings.baseUrl}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${this.token({ renew: attempt > 0 })}`,
            Accept: "application/json",
            ...(body ? { "Content-Type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.settings.timeoutMs ?? 30_000),
        });
      } catch (error) {
        throw new KlingError(`Kling unreachable (${method} ${path}): ${(error as Error).message}`, "unavailable");
      }
      const text = await response.text();
      const envelope = EnvelopeSchema.safeParse(safeJson(text));
      const requestId = envelope.success ? (envelope.data.request_id ?? undefined) : undefined;
      if (response.ok && envelope.success && envelope.data.code === 0) return { data: envelope.data.data, requestId };

      const code = envelope.success ? envelope.data.code : undefined;
      // An expired token (a cached one that outlived its time in flight): sign a fresh one, once.
      if (code === 1004 && attempt === 0) continue;
      const message = (envelope.success ? envelope.data.message : undefined) || text.slice(0, 200) || `HTTP ${response.status}`;
      const kind = kindForCode(code, response.status, message);
      throw new KlingError(`Kling ${method} ${path}: ${message}${code !== undefined ? ` (code ${code})` : ""}`, kind, {
        status: response.status,
        code,
        requestId,
        retryAfterMs: retryAfterMs(response.headers),
      });
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// --- Callbacks ----------------------------------------------------------------------------------

export interface KlingCallbackHint {
  taskId: string;
  externalTaskId?: string;
  /** The status the callback claims. Unsigned: confirm with getTask before acting on it. */
  claimedStatus?: KlingTaskStatus;
}

/**
 * Reads a Kling callback body: the task object, or (as some of Kling's pages show it) the task in
 * the usual `{code, message, request_id, data}` envelope. Throws KlingError("protocol") otherwise.
 */
export function parseKlingCallback(body: unknown): KlingCallbackHint {
  const envelope = EnvelopeSchema.safeParse(body);
  const candidate = envelope.success && envelope.data.data && typeof envelope.data.data === "object" ? envelope.data.data : body;
  const task = TaskSchema.safeParse(candidate);
  if (!task.success) throw new KlingError("Not a Kling task callback", "protocol", { status: 0 });
  return {
    taskId: task.data.task_id,
    externalTaskId: task.data.task_info?.external_task_id || undefined,
    claimedStatus: KNOWN_STATUSES.includes(task.data.task_status) ? (task.data.task_status as KlingTaskStatus) : undefined,
  };
}
