/**
 * Kling AI stand-in, mounted at /kling: the try-on and video endpoints of PROVIDERS.md in Kling's
 * envelope `{code, message, request_id, data}`.
 *
 * - Verifies the JWT of every request: 1001 empty, 1002 malformed, 1000 unknown key or bad
 *   signature, 1003 not yet valid, 1004 expired (HTTP 401).
 * - Runs a clock-driven task state machine (submitted → processing → succeed | failed), POSTs
 *   the task to `callback_url` on every status change, and serves real PNG bytes and real MP4
 *   bytes (sandbox/fixtures) at the result URLs.
 * - external_task_id is unique per account; a task can be queried by it.
 * - Switches: concurrency limit (1303, counting running tasks), 1302, 1301 (at create or as a
 *   failed task), 1102, 5xx (5000–5002), slow tasks, what a duplicate external_task_id gets,
 *   and callbacks in the envelope form. The sandbox clock can be moved forward for tests.
 *
 * A readable page at /kling lists recent tasks with their results; /kling/_control is for tests.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import path from "node:path";

import express, { type Request, type Response, type Router } from "express";

import { imageInfo } from "../app/lib/image-info";
import { applySwitches, esc, page, switchesText } from "./html";
import { colourFrom, garmentPng, personPng } from "./png";

export const SANDBOX_KLING_ACCOUNT = { accessKey: "sandbox-kling-access-key", secretKey: "sandbox-kling-secret-key" };

type Kind = "try-on" | "image-to-video" | "text-to-video";
type Status = "submitted" | "processing" | "succeed" | "failed";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const TRY_ON_MODELS = ["kolors-virtual-try-on-v1", "kolors-virtual-try-on-v1-5"];
const VIDEO_MODELS = [
  "kling-v1",
  "kling-v1-5",
  "kling-v1-6",
  "kling-v2-master",
  "kling-v2-1",
  "kling-v2-1-master",
  "kling-v2-5-turbo",
  "kling-v2-6",
];
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export interface KlingSwitches {
  /** Tasks an account may have submitted or processing at once, per resource type (video / try-on). */
  concurrencyLimit: number;
  /** Answer the next N creates with 429 code 1302 (too fast). */
  rateLimitNext: number;
  /** "create": creates answer 400 code 1301; "task": tasks end failed for content reasons. */
  contentBlock: "off" | "create" | "task";
  /** Creates answer 429 code 1102 (resource pack used up). */
  creditsExhausted: boolean;
  /** Answer the next N requests with a server error (code `serverErrorCode`). */
  serverErrorNext: number;
  serverErrorCode: 5000 | 5001 | 5002;
  /** Tasks take `slowTaskMs` to process instead of a moment. */
  slowTasks: boolean;
  /** What a second create with the same external_task_id gets: an error, or the existing task. */
  duplicateExternalId: "reject" | "return-existing";
  /** Send callbacks as `{code, message, request_id, data: task}` instead of the bare task. */
  callbackEnvelope: boolean;
}

const defaultSwitches = (): KlingSwitches => ({
  concurrencyLimit: 5,
  rateLimitNext: 0,
  contentBlock: "off",
  creditsExhausted: false,
  serverErrorNext: 0,
  serverErrorCode: 5000,
  slowTasks: false,
  duplicateExternalId: "reject",
  callbackEnvelope: false,
});

export interface SandboxKlingTask {
  id: string;
  kind: Kind;
  account: string;
  externalTaskId?: string;
  status: Status;
  statusMessage: string;
  model: string;
  mode?: string;
  duration?: "5" | "10";
  aspect: "16:9" | "9:16" | "1:1";
  prompt?: string;
  createdAt: number;
  updatedAt: number;
  processingAt: number;
  finishAt: number;
  outcome: "succeed" | "failed";
  units: number;
  resultBase: string;
  callbackUrl?: string;
  callbacks: Array<{ status: Status; at: number; result: string }>;
}

const STATUS_CODE: Record<number, number> = {
  1000: 401,
  1001: 401,
  1002: 401,
  1003: 401,
  1004: 401,
  1102: 429,
  1201: 400,
  1203: 404,
  1301: 400,
  1302: 429,
  1303: 429,
  5000: 500,
  5001: 503,
  5002: 504,
};

function reply(res: Response, code: number, message: string, data?: unknown) {
  const requestId = randomUUID();
  res
    .status(code === 0 ? 200 : (STATUS_CODE[code] ?? 400))
    .json({ code, message, request_id: requestId, ...(data !== undefined ? { data } : {}) });
}

class InputError extends Error {}

export class KlingSandbox {
  switches: KlingSwitches = defaultSwitches();
  tasks: SandboxKlingTask[] = [];
  /** access key → secret key */
  accounts = new Map<string, string>([[SANDBOX_KLING_ACCOUNT.accessKey, SANDBOX_KLING_ACCOUNT.secretKey]]);
  /** Added to the real time: moved forward by tests to expire tokens and finish tasks. */
  clockOffsetMs = 0;
  timing = { submittedMs: 150, processingMs: 600, slowTaskMs: 60_000 };
  callbackDeliveries = 0;
  /** Kling codes of the requests refused for their token, oldest first (for tests and the page). */
  authRejections: number[] = [];
  private ticker?: NodeJS.Timeout;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Starts the clock that moves tasks along (and fires their callbacks). */
  start() {
    this.ticker ??= setInterval(() => this.tick(), 25);
    this.ticker.unref();
  }

  stop() {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  reset() {
    this.switches = defaultSwitches();
    this.tasks = [];
    this.clockOffsetMs = 0;
    this.callbackDeliveries = 0;
    this.authRejections = [];
    this.accounts = new Map([[SANDBOX_KLING_ACCOUNT.accessKey, SANDBOX_KLING_ACCOUNT.secretKey]]);
  }

  /** Moves every unfinished task to the state the clock says it is in, with a callback per change. */
  tick() {
    const now = this.now();
    for (const task of this.tasks) {
      if (task.status === "succeed" || task.status === "failed") continue;
      const target: Status = now >= task.finishAt ? task.outcome : now >= task.processingAt ? "processing" : "submitted";
      if (target === task.status) continue;
      // A task that jumps straight to its end still passes through processing, as Kling's do.
      if (task.status === "submitted" && target !== "processing") this.transition(task, "processing", now);
      this.transition(task, target, now);
    }
  }

  private transition(task: SandboxKlingTask, status: Status, now: number) {
    task.status = status;
    task.updatedAt = now;
    if (status === "failed") {
      task.statusMessage = "Failure to pass the risk control system: the input content triggers the platform's content security policy";
    } else if (status === "succeed") {
      task.statusMessage = "";
    }
    if (task.callbackUrl) void this.sendCallback(task, status);
  }

  /** POSTs the task to its callback_url, retrying a few times like a real provider. */
  private async sendCallback(task: SandboxKlingTask, status: Status) {
    const taskJson = this.taskJson(task);
    const body = this.switches.callbackEnvelope ? { code: 0, message: "SUCCEED", request_id: randomUUID(), data: taskJson } : taskJson;
    let result = "not delivered";
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const response = await fetch(task.callbackUrl!, {
          method: "POST",
          headers: { "Content-Type": "application/json", "User-Agent": "Kling-Callback/sandbox" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        });
        this.callbackDeliveries++;
        result = `HTTP ${response.status}`;
        if (response.ok) break;
      } catch (error) {
        result = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
    task.callbacks.push({ status, at: this.now(), result });
  }

  /** The task as Kling's query endpoint shows it. */
  taskJson(task: SandboxKlingTask) {
    const succeeded = task.status === "succeed";
    return {
      task_id: task.id,
      task_status: task.status,
      task_status_msg: task.statusMessage,
      task_info: task.externalTaskId ? { external_task_id: task.externalTaskId } : {},
      created_at: task.createdAt,
      updated_at: task.updatedAt,
      ...(succeeded ? { final_unit_deduction: String(task.units) } : {}),
      task_result: succeeded
        ? task.kind === "try-on"
          ? { images: [{ index: 0, url: `${task.resultBase}/results/${task.id}/0.png` }] }
          : { videos: [{ id: `${task.id}-v0`, url: `${task.resultBase}/results/${task.id}/video.mp4`, duration: task.duration }] }
        : {},
    };
  }

  // --- Auth ------------------------------------------------------------------------------------

  /** The account a request's JWT belongs to, or the Kling error code and message. */
  private authenticate(req: Request): { account: string } | { code: number; message: string } {
    const header = req.get("authorization");
    if (!header) return { code: 1001, message: "Authorization is empty" };
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) return { code: 1002, message: "Authorization is invalid: expected 'Bearer <token>'" };
    const parts = match[1].split(".");
    if (parts.length !== 3) return { code: 1002, message: "Authorization is invalid: not a JWT" };
    let head: { alg?: string };
    let claims: { iss?: unknown; exp?: unknown; nbf?: unknown };
    try {
      head = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    } catch {
      return { code: 1002, message: "Authorization is invalid: unreadable JWT" };
    }
    if (head.alg !== "HS256") return { code: 1002, message: "Authorization is invalid: alg must be HS256" };
    if (typeof claims.iss !== "string" || typeof claims.exp !== "number")
      return { code: 1002, message: "Authorization is invalid: iss and exp are required" };
    const secret = this.accounts.get(claims.iss);
    if (!secret) return { code: 1000, message: "Authentication failed: unknown access key" };
    const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], "base64url");
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return { code: 1000, message: "Authentication failed: signature mismatch" };
    const nowSeconds = Math.floor(this.now() / 1000);
    if (typeof claims.nbf === "number" && claims.nbf > nowSeconds) return { code: 1003, message: "Authorization is not yet valid" };
    if (claims.exp <= nowSeconds) return { code: 1004, message: "Authorization has expired" };
    return { account: claims.iss };
  }

  // --- API -------------------------------------------------------------------------------------

  /** The API, mounted at /kling/v1. */
  api(): Router {
    const r = express.Router();
    r.use(express.json({ limit: "40mb" }));
    r.use((req, res, next) => {
      const auth = this.authenticate(req);
      if ("code" in auth) {
        this.authRejections.push(auth.code);
        return reply(res, auth.code, auth.message);
      }
      res.locals.account = auth.account;
      if (this.switches.serverErrorNext > 0) {
        this.switches.serverErrorNext--;
        const code = this.switches.serverErrorCode;
        return reply(
          res,
          code,
          code === 5001 ? "Server temporarily unavailable" : code === 5002 ? "Server internal timeout" : "Server internal error",
        );
      }
      this.tick();
      next();
    });
    const routes: Array<[string, Kind]> = [
      ["/images/kolors-virtual-try-on", "try-on"],
      ["/videos/image2video", "image-to-video"],
      ["/videos/text2video", "text-to-video"],
    ];
    for (const [route, kind] of routes) {
      r.post(
        route,
        (req, res) =>
          void this.create(kind, req, res).catch((error) => reply(res, 5000, `Server internal error: ${(error as Error).message}`)),
      );
      r.get(`${route}/:id`, (req, res) => {
        const id = String(req.params.id);
        const task = this.tasks.find(
          (t) => t.account === res.locals.account && t.kind === kind && (t.id === id || t.externalTaskId === id),
        );
        if (!task) return reply(res, 1203, "Task not found: check the task_id or external_task_id");
        reply(res, 0, "SUCCEED", this.taskJson(task));
      });
      r.get(route, (req, res) => {
        const pageNum = Math.max(1, Number(req.query.pageNum ?? 1) || 1);
        const pageSize = Math.min(500, Math.max(1, Number(req.query.pageSize ?? 30) || 30));
        const mine = this.tasks.filter((t) => t.account === res.locals.account && t.kind === kind).reverse();
        reply(
          res,
          0,
          "SUCCEED",
          mine.slice((pageNum - 1) * pageSize, pageNum * pageSize).map((t) => this.taskJson(t)),
        );
      });
    }
    r.use((_req, res) => reply(res, 1202, "The requested method is invalid"));
    return r;
  }

  private async create(kind: Kind, req: Request, res: Response) {
    const account: string = res.locals.account;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (this.switches.rateLimitNext > 0) {
      this.switches.rateLimitNext--;
      res.setHeader("Retry-After", "1");
      return reply(res, 1302, "The API request is too fast, exceeding the platform's rate limit");
    }
    if (this.switches.creditsExhausted) return reply(res, 1102, "Resource pack depleted or expired: account balance not enough");

    let fields: Awaited<ReturnType<KlingSandbox["readBody"]>>;
    try {
      fields = await this.readBody(kind, body);
    } catch (error) {
      if (error instanceof InputError) return reply(res, 1201, error.message);
      throw error;
    }
    const externalTaskId = typeof body.external_task_id === "string" && body.external_task_id ? body.external_task_id : undefined;
    if (externalTaskId) {
      const existing = this.tasks.find((t) => t.account === account && t.externalTaskId === externalTaskId);
      if (existing) {
        if (this.switches.duplicateExternalId === "return-existing") return reply(res, 0, "SUCCEED", this.createdJson(existing));
        return reply(res, 1201, `external_task_id '${externalTaskId}' already exists`);
      }
    }
    if (this.switches.contentBlock === "create") {
      return reply(res, 1301, "Failure to pass the risk control system: the input content triggers the platform's content security policy");
    }
    const family = (k: Kind) => (k === "try-on" ? "try-on" : "video");
    const running = this.tasks.filter(
      (t) => t.account === account && family(t.kind) === family(kind) && (t.status === "submitted" || t.status === "processing"),
    );
    if (running.length >= this.switches.concurrencyLimit) return reply(res, 1303, "parallel task over resource pack limit");

    const now = this.now();
    const processingAt = now + this.timing.submittedMs;
    const task: SandboxKlingTask = {
      id: String(BigInt(`0x${randomBytes(7).toString("hex")}`)),
      kind,
      account,
      externalTaskId,
      status: "submitted",
      statusMessage: "",
      model: fields.model,
      mode: fields.mode,
      duration: fields.duration,
      aspect: fields.aspect,
      prompt: fields.prompt,
      createdAt: now,
      updatedAt: now,
      processingAt,
      finishAt: processingAt + (this.switches.slowTasks ? this.timing.slowTaskMs : this.timing.processingMs),
      outcome: this.switches.contentBlock === "task" ? "failed" : "succeed",
      units: kind === "try-on" ? 1 : (fields.mode === "pro" ? 3.5 : 1.5) * (fields.duration === "10" ? 2 : 1),
      resultBase: `${req.protocol}://${req.get("host")}${req.baseUrl.replace(/\/v1$/, "")}`,
      callbackUrl: fields.callbackUrl,
      callbacks: [],
    };
    this.tasks.push(task);
    if (this.tasks.length > 500) this.tasks.shift();
    reply(res, 0, "SUCCEED", this.createdJson(task));
  }

  private createdJson(task: SandboxKlingTask) {
    return {
      task_id: task.id,
      task_status: task.status,
      task_info: task.externalTaskId ? { external_task_id: task.externalTaskId } : {},
      created_at: task.createdAt,
      updated_at: task.updatedAt,
    };
  }

  /** Checks a create body as Kling does (1201 with a reason on any problem). */
  private async readBody(kind: Kind, body: Record<string, unknown>) {
    const text = (name: string, required: boolean) => {
      const value = body[name];
      if (value === undefined || value === null || value === "") {
        if (required) throw new InputError(`${name} is required`);
        return undefined;
      }
      if (typeof value !== "string") throw new InputError(`${name} must be a string`);
      if (value.length > 2500) throw new InputError(`${name} cannot exceed 2500 characters`);
      return value;
    };
    const callbackUrl = text("callback_url", false);
    if (callbackUrl && !/^https?:\/\/\S+$/.test(callbackUrl)) throw new InputError("callback_url must be an http(s) URL");
    if (body.external_task_id !== undefined && (typeof body.external_task_id !== "string" || !body.external_task_id)) {
      throw new InputError("external_task_id must be a non-empty string");
    }
    if (kind === "try-on") {
      const model = (body.model_name as string | undefined) ?? "kolors-virtual-try-on-v1";
      if (!TRY_ON_MODELS.includes(model)) throw new InputError(`model_name '${model}' is invalid`);
      await this.readImage("human_image", body.human_image, false);
      await this.readImage("cloth_image", body.cloth_image, false);
      return { model, aspect: "9:16" as const, callbackUrl, mode: undefined, duration: undefined, prompt: undefined };
    }
    const model = (body.model_name as string | undefined) ?? "kling-v1";
    if (!VIDEO_MODELS.includes(model)) throw new InputError(`model_name '${model}' is invalid`);
    const mode = (body.mode as string | undefined) ?? "std";
    if (mode !== "std" && mode !== "pro") throw new InputError("mode must be one of std, pro");
    const duration = body.duration ?? "5";
    if (duration !== "5" && duration !== "10") throw new InputError('duration must be the string "5" or "10"');
    const prompt = text("prompt", kind === "text-to-video");
    text("negative_prompt", false);
    if (body.cfg_scale !== undefined && !(typeof body.cfg_scale === "number" && body.cfg_scale >= 0 && body.cfg_scale <= 1)) {
      throw new InputError("cfg_scale must be a number between 0 and 1");
    }
    if (kind === "text-to-video") {
      const aspect = (body.aspect_ratio as string | undefined) ?? "16:9";
      if (aspect !== "16:9" && aspect !== "9:16" && aspect !== "1:1") throw new InputError("aspect_ratio must be one of 16:9, 9:16, 1:1");
      return { model, mode, duration, aspect, prompt, callbackUrl } as const;
    }
    if (body.image === undefined && body.image_tail === undefined) throw new InputError("at least one of image and image_tail is required");
    const first = body.image !== undefined ? await this.readImage("image", body.image, true) : undefined;
    const last = body.image_tail !== undefined ? await this.readImage("image_tail", body.image_tail, true) : undefined;
    const size = first ?? last!;
    const ratio = size.width / size.height;
    const aspect = ratio > 1.2 ? "16:9" : ratio < 0.83 ? "9:16" : "1:1";
    return { model, mode, duration, aspect, prompt, callbackUrl } as const;
  }

  /** Reads an image field (URL, fetched; or raw base64) and applies Kling's image rules. */
  private async readImage(name: string, value: unknown, checkAspect: boolean) {
    if (typeof value !== "string" || !value) throw new InputError(`${name} is required`);
    let bytes: Buffer;
    if (/^https?:\/\//i.test(value)) {
      try {
        const response = await fetch(value, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        bytes = Buffer.from(await response.arrayBuffer());
      } catch (error) {
        throw new InputError(`${name} url could not be downloaded: ${(error as Error).message}`);
      }
    } else {
      if (value.startsWith("data:")) throw new InputError(`${name} base64 must not include a data: prefix`);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new InputError(`${name} is neither a URL nor valid base64`);
      bytes = Buffer.from(value, "base64");
    }
    if (bytes.length > MAX_IMAGE_BYTES) throw new InputError(`${name} file size cannot exceed 10MB`);
    const info = imageInfo(bytes);
    if (!info) throw new InputError(`${name} format must be jpg/jpeg/png`);
    if (info.width < 300 || info.height < 300) throw new InputError(`${name} width and height must be at least 300px`);
    const ratio = info.width / info.height;
    if (checkAspect && (ratio < 0.4 - 1e-9 || ratio > 2.5 + 1e-9))
      throw new InputError(`${name} aspect ratio must be between 1:2.5 and 2.5:1`);
    return info;
  }

  // --- Results, samples, page and controls -----------------------------------------------------

  /** Result files, sample inputs, the readable page and test controls, mounted at /kling. */
  tools(): Router {
    const r = express.Router();
    r.use(express.json());
    r.get("/results/:id/0.png", (req, res) => {
      const task = this.tasks.find((t) => t.id === req.params.id && t.kind === "try-on" && t.status === "succeed");
      if (!task) return res.status(404).type("text").send("Not found");
      res
        .type("png")
        .set("Cache-Control", "public, max-age=86400")
        .send(personPng(576, 768, colourFrom(task.id)));
    });
    r.get("/results/:id/video.mp4", (req, res) => {
      const task = this.tasks.find((t) => t.id === req.params.id && t.kind !== "try-on" && t.status === "succeed");
      if (!task) return res.status(404).type("text").send("Not found");
      const file = `kling-${task.aspect.replace(":", "x")}-${task.duration ?? "5"}s.mp4`;
      res.type("video/mp4").sendFile(path.join(FIXTURES, file)); // sendFile answers Range requests, as a CDN would
    });
    r.get("/samples/person.png", (_req, res) => res.type("png").send(personPng(600, 800, [148, 163, 184])));
    r.get("/samples/garment.png", (_req, res) => res.type("png").send(garmentPng(600, 600, [190, 24, 93])));
    r.get("/", (_req, res) => res.type("html").send(this.page()));
    r.get("/_control", (_req, res) =>
      res.json({
        switches: this.switches,
        clockOffsetMs: this.clockOffsetMs,
        callbackDeliveries: this.callbackDeliveries,
        tasks: this.tasks.map((t) => ({ ...this.taskJson(t), kind: t.kind, callbacks: t.callbacks })),
      }),
    );
    r.post("/_control", (req, res) => {
      const b = req.body ?? {};
      if (b.reset) this.reset();
      applySwitches(this.switches, b);
      if (typeof b.advanceClockSeconds === "number") this.clockOffsetMs += b.advanceClockSeconds * 1000;
      if (b.account && typeof b.account.accessKey === "string" && typeof b.account.secretKey === "string") {
        this.accounts.set(b.account.accessKey, b.account.secretKey);
      }
      this.tick();
      res.json({ switches: this.switches, clockOffsetMs: this.clockOffsetMs });
    });
    return r;
  }

  private page(): string {
    this.tick();
    const rows = this.tasks
      .slice(-50)
      .reverse()
      .map((t) => {
        const result =
          t.status !== "succeed"
            ? esc(t.statusMessage || "—")
            : t.kind === "try-on"
              ? `<a href="${esc(`${t.resultBase}/results/${t.id}/0.png`)}"><img src="${esc(`${t.resultBase}/results/${t.id}/0.png`)}" alt="try-on result" width="72"></a>`
              : `<video src="${esc(`${t.resultBase}/results/${t.id}/video.mp4`)}" width="160" controls muted preload="metadata"></video>`;
        const callbacks = t.callbackUrl ? t.callbacks.map((c) => `${c.status}: ${c.result}`).join("<br>") || "pending" : "no callback_url";
        return `<tr><td><code>${esc(t.id)}</code><br><span class="muted">${esc(t.externalTaskId ?? "")}</span></td><td>${esc(t.kind)}<br><span class="muted">${esc(t.model)} ${esc(t.mode ?? "")} ${esc(t.duration ? `${t.duration} s` : "")}</span></td><td>${esc(t.status)}</td><td>${result}</td><td class="muted">${callbacks}</td><td class="muted">${esc(new Date(t.createdAt).toLocaleTimeString())}</td></tr>`;
      })
      .join("");
    return page(
      "Kling",
      `<h1>Kling AI (try-on and video)</h1><p class="muted">Tasks NetShop created at <code>/kling/v1</code>, newest first. Access key <code>${SANDBOX_KLING_ACCOUNT.accessKey}</code>.</p><p class="muted">Switches: ${switchesText(this.switches)}</p>
<table><thead><tr><th>Task / external id</th><th>Kind</th><th>Status</th><th>Result</th><th>Callbacks</th><th>Created</th></tr></thead><tbody>${rows || `<tr><td colspan="6" class="muted">No tasks yet.</td></tr>`}</tbody></table>`,
      { refreshSeconds: 3 },
    );
  }
}
