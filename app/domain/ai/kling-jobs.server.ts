/**
 * Kling try-on images and product videos: requests (one ai_jobs row each, credits held), the
 * processor of the `ai-tryon` and `ai-video` queues, the callback hint, copying results into our
 * bucket and the sweeper that guarantees no result stays only at Kling.
 *
 * Idempotency, step by step (a run can die anywhere and be run again):
 * 1. The task's external_task_id is our job id (or, after a retry of a task Kling failed, a
 *    suffixed id recorded on the job before use), so Kling itself refuses a second task.
 * 2. Before creating, the processor looks the task up by that id; after creating it records the
 *    provider task id at once. A run that finds a recorded task id only polls it.
 * 3. The result is copied to a key named by the job, and the media row's id IS the job id: a
 *    second copy overwrites the same object and inserts nothing.
 * 4. Credits are charged in the transaction that records the media (ai_credit_usage is unique
 *    per job): once.
 *
 * Over ~400 lines because the four idempotency steps below span request, processor, callback and
 * sweeper of the same ai_jobs row; model photos (uploadModelPhoto … deleteModelPhoto) could move
 * out next.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { z } from "zod";

import { config, publicUrl } from "~/config.server";
import { assertAiCredits, chargeAiCredits, creditBalances } from "~/domain/ai/credits.server";
import { assertStorageAllowance, PlanLimitReached } from "~/domain/billing/plans.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { ingestImage, toPng } from "~/domain/media/ingest.server";
import { addGeneratedMedia, mediaPrefix, type MediaView, mediaView } from "~/domain/media/media.server";
import { sniffContentType } from "~/domain/media/media-rules";
import {
  DEFAULT_TRY_ON_MODEL,
  DEFAULT_VIDEO_MODEL,
  describeTaskFailure,
  isFinished,
  KLING_LIMITS,
  KlingClient,
  KlingError,
  klingSettings,
  type KlingTask,
  type KlingTaskKind,
  parseKlingCallback,
  TRY_ON_MODELS,
} from "~/integrations/kling.server";
import { deleteObjects, publicObjectUrl, putObject, readObject } from "~/integrations/storage.server";
import { type Refusal, refuse } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { logger } from "~/lib/logger.server";
import { keyedHash, safeEqual } from "~/lib/secrets.server";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

export type KlingJobKind = "tryon" | "video";
type AiJob = typeof schema.aiJobs.$inferSelect;

const TASK_KIND: Record<KlingJobKind, KlingTaskKind> = { tryon: "try-on", video: "image-to-video" };

/** AI credits a try-on costs. */
export const TRYON_CREDITS = 1;
/** AI credits a video costs: 1 for 5 s standard; 10 s doubles it, pro doubles it. */
export function videoCredits(duration: 5 | 10, mode: "std" | "pro"): number {
  return (duration === 10 ? 2 : 1) * (mode === "pro" ? 2 : 1);
}

// --- The Kling client ---------------------------------------------------------------------------

let sharedClient: KlingClient | undefined;
/** One client per process, so its JWT is cached across jobs. */
export function klingClient(): KlingClient {
  sharedClient ??= new KlingClient(klingSettings());
  return sharedClient;
}

export function isKlingSandbox(): boolean {
  return klingSettings().sandbox;
}

// --- Model photos -------------------------------------------------------------------------------

const MODEL_PHOTO_TYPES: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png" };

export type UploadModelPhotoResult = { ok: true; id: string } | Refusal;

/**
 * Stores a model photo (a person, for try-on) in our bucket. Kling takes JPEG or PNG of at least
 * 300 px a side and at most 10 MB: refused here, with the reason, before any credit is spent.
 */
export async function uploadModelPhoto(shopId: string, userId: string | null, file: unknown): Promise<UploadModelPhotoResult> {
  if (!(file instanceof Blob) || file.size === 0) return refuse("Choose a photo to upload.", "photo");
  const filename = ((file as File).name || "model-photo").trim().slice(0, 200);
  if (file.size > KLING_LIMITS.maxImageBytes) return refuse(`${filename} is over 10 MB: use a smaller photo.`, "photo");
  // Decoded and re-encoded (app/domain/media/ingest.server.ts): the size is the pixels', never a header's.
  const checked = await ingestImage(Buffer.from(await file.arrayBuffer()), {
    accept: ["image/jpeg", "image/png"],
    claimed: file.type || undefined,
    name: filename,
  });
  if (!checked.ok) return refuse(`${checked.message} Use a JPG or PNG photo.`, "photo");
  const { body: bytes, contentType, width, height } = checked;
  if (bytes.length > KLING_LIMITS.maxImageBytes) return refuse(`${filename} is over 10 MB: use a smaller photo.`, "photo");
  const info = { width, height };
  if (info.width < KLING_LIMITS.minImageSide || info.height < KLING_LIMITS.minImageSide) {
    return refuse(`${filename} is ${info.width}×${info.height} px: use a photo at least 300 px on each side.`, "photo");
  }
  const id = crypto.randomUUID();
  const objectKey = `shops/${shopId}/ai/model-photos/${id}.${MODEL_PHOTO_TYPES[contentType]}`;
  try {
    await withShop(shopId, (tx) => assertStorageAllowance(tx, shopId, bytes.length));
  } catch (error) {
    if (error instanceof PlanLimitReached) return refuse(error.message, "photo");
    throw error;
  }
  await putObject({ key: objectKey, body: bytes, contentType, immutable: true });
  await withShop(shopId, (tx) =>
    tx.insert(schema.aiModelPhotos).values({
      shopId,
      id,
      filename,
      contentType,
      objectKey,
      bytes: bytes.length,
      width: info.width,
      height: info.height,
      createdBy: userId,
    }),
  );
  return { ok: true, id };
}

export async function listModelPhotos(shopId: string) {
  const rows = await withShop(shopId, (tx) =>
    tx.select().from(schema.aiModelPhotos).orderBy(desc(schema.aiModelPhotos.createdAt)).limit(50),
  );
  return rows.map((r) => ({ id: r.id, filename: r.filename, width: r.width, height: r.height, url: publicObjectUrl(r.objectKey) }));
}

export async function deleteModelPhoto(shopId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const gone = await withShop(shopId, (tx) =>
    tx.delete(schema.aiModelPhotos).where(eq(schema.aiModelPhotos.id, id)).returning({ key: schema.aiModelPhotos.objectKey }),
  );
  if (gone.length) await deleteObjects(gone.map((g) => g.key));
  return gone.length > 0;
}

// --- Requests -----------------------------------------------------------------------------------

export type RequestResult = { ok: true; jobId: string } | Refusal;

const TryOnFields = z.object({
  modelPhotoId: z.string().uuid("Choose a model photo."),
  garmentMediaId: z.string().uuid("Choose a garment image."),
  model: z.enum(TRY_ON_MODELS).default(DEFAULT_TRY_ON_MODEL),
});

const VideoFields = z.object({
  mediaId: z.string().uuid("Choose a product image."),
  prompt: z.string().trim().min(1, "Describe the movement you want.").max(KLING_LIMITS.maxPromptChars, "Use at most 2,500 characters."),
  duration: z.enum(["5", "10"], { error: "Choose 5 or 10 seconds." }).transform((v) => Number(v) as 5 | 10),
  mode: z.enum(["std", "pro"], { error: "Choose standard or pro." }),
});

function zodErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}

/** A product image that can go to Kling (ready, JPEG/PNG/WebP, ≥ 300 px, and for video an allowed aspect). */
async function productImage(tx: Tx, productId: string, mediaId: string, forVideo: boolean): Promise<string | undefined> {
  const [m] = await tx
    .select()
    .from(schema.media)
    .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId)));
  if (!m || m.kind !== "image" || m.status !== "ready") return "Choose one of this product's images.";
  if (!m.width || !m.height || m.width < KLING_LIMITS.minImageSide || m.height < KLING_LIMITS.minImageSide) {
    return `This image is ${m.width}×${m.height} px: Kling needs at least 300 px on each side.`;
  }
  const aspect = m.width / m.height;
  if (forVideo && (aspect < KLING_LIMITS.minAspect || aspect > KLING_LIMITS.maxAspect))
    return "This image is too narrow or too wide for a video (1:2.5 to 2.5:1).";
  return undefined;
}

async function productExists(tx: Tx, productId: string): Promise<boolean> {
  const [p] = await tx.select({ id: schema.products.id }).from(schema.products).where(eq(schema.products.id, productId));
  return Boolean(p);
}

/**
 * The steps both Kling requests share: an unknown product is undefined, the fields are checked,
 * then `queue` runs in the shop's transaction; a plan without the credits refuses.
 */
async function requestKlingJob<T extends z.ZodTypeAny>(
  shopId: string,
  productId: string,
  fields: Record<string, unknown>,
  shape: T,
  queue: (tx: Tx, input: z.infer<T>) => Promise<RequestResult>,
): Promise<RequestResult | undefined> {
  if (!isUuid(productId)) return undefined;
  const parsed = shape.safeParse(fields);
  if (!parsed.success) {
    if (!(await withShop(shopId, (tx) => productExists(tx, productId)))) return undefined;
    return { ok: false, errors: zodErrors(parsed.error) };
  }
  try {
    return await withShop(shopId, async (tx) => ((await productExists(tx, productId)) ? queue(tx, parsed.data) : undefined));
  } catch (error) {
    if (error instanceof PlanLimitReached) return refuse(error.message);
    throw error;
  }
}

/** The job row, its credits held, and its run queued after commit. */
async function insertKlingJob(
  tx: Tx,
  job: Omit<typeof schema.aiJobs.$inferInsert, "provider"> & { kind: "tryon" | "video" },
): Promise<RequestResult> {
  await assertAiCredits(tx, job.shopId, job.kind, job.credits!);
  const [row] = await tx
    .insert(schema.aiJobs)
    .values({ ...job, provider: "kling" })
    .returning({ id: schema.aiJobs.id });
  const queue = job.kind === "tryon" ? "ai-tryon" : "ai-video";
  await enqueueAfterCommit(tx, { queue, name: "run", payload: { shopId: job.shopId, jobId: row.id }, shopId: job.shopId });
  return { ok: true, jobId: row.id };
}

/** Queues a try-on of one of the product's images on a model photo. Undefined: no such product. */
export function requestTryOn(
  shopId: string,
  userId: string | null,
  productId: string,
  fields: Record<string, unknown>,
): Promise<RequestResult | undefined> {
  return requestKlingJob(shopId, productId, fields, TryOnFields, async (tx, input) => {
    const garment = await productImage(tx, productId, input.garmentMediaId, false);
    if (garment) return refuse(garment, "garmentMediaId");
    const [photo] = await tx
      .select({ id: schema.aiModelPhotos.id })
      .from(schema.aiModelPhotos)
      .where(eq(schema.aiModelPhotos.id, input.modelPhotoId));
    if (!photo) return refuse("Choose one of your model photos.", "modelPhotoId");
    return insertKlingJob(tx, {
      shopId,
      kind: "tryon",
      model: input.model,
      productId,
      input: { modelPhotoId: input.modelPhotoId, garmentMediaId: input.garmentMediaId },
      credits: TRYON_CREDITS,
      createdBy: userId,
    });
  });
}

/** Queues a video made from one of the product's images. Undefined: no such product. */
export function requestVideo(
  shopId: string,
  userId: string | null,
  productId: string,
  fields: Record<string, unknown>,
): Promise<RequestResult | undefined> {
  return requestKlingJob(shopId, productId, fields, VideoFields, async (tx, input) => {
    const problem = await productImage(tx, productId, input.mediaId, true);
    if (problem) return refuse(problem, "mediaId");
    return insertKlingJob(tx, {
      shopId,
      kind: "video",
      model: DEFAULT_VIDEO_MODEL,
      productId,
      input: { mediaId: input.mediaId, prompt: input.prompt, duration: input.duration, mode: input.mode },
      credits: videoCredits(input.duration, input.mode),
      createdBy: userId,
    });
  });
}

// --- Callbacks ----------------------------------------------------------------------------------

/** The secret token in a job's callback URL: a keyed hash of the shop and job (unguessable, per job). */
export function klingCallbackToken(shopId: string, jobId: string): string {
  return keyedHash("kling-callback", `${shopId}:${jobId}`).slice(0, 40);
}

/**
 * Where Kling should POST the job's status changes, or undefined when Kling could not reach us
 * (the real Kling and a loopback PUBLIC_URL): polling alone then finishes the job.
 */
export function klingCallbackUrl(shopId: string, jobId: string): string | undefined {
  const base = publicUrl();
  if (!isKlingSandbox() && /^https?:\/\/(localhost|127\.|\[::1\])/i.test(base)) return undefined;
  return `${base}/webhooks/kling/${shopId}/${jobId}/${klingCallbackToken(shopId, jobId)}`;
}

export type CallbackOutcome = { status: 200 | 400 | 404; outcome: string };

/**
 * A Kling callback: unsigned, so only a hint. The URL's token must match the job; the task it
 * names must be the job's; then the task is fetched from Kling (GET) and only what Kling says
 * there is recorded. The processor, which is polling the task, acts on it at once.
 */
export async function handleKlingCallback(input: {
  shopId: string;
  jobId: string;
  token: string;
  body: unknown;
}): Promise<CallbackOutcome> {
  if (!isUuid(input.shopId) || !isUuid(input.jobId) || !safeEqual(input.token, klingCallbackToken(input.shopId, input.jobId))) {
    return { status: 404, outcome: "unknown" };
  }
  let hint;
  try {
    hint = parseKlingCallback(input.body);
  } catch {
    return { status: 400, outcome: "not a Kling task" };
  }
  const job = await loadJob(input.shopId, input.jobId);
  if (!job || (job.kind !== "tryon" && job.kind !== "video")) return { status: 404, outcome: "unknown" };
  const externalId = externalTaskId(job);
  const ours = hint.taskId === job.providerTaskId || hint.externalTaskId === externalId;
  if (!ours) return { status: 200, outcome: "ignored: another task" };
  if (job.status === "succeeded" || job.status === "cancelled") return { status: 200, outcome: "ignored: job done" };
  // Confirm with Kling before believing anything.
  // If Kling cannot be reached this throws, and the route answers 503 so Kling sends it again.
  const task = await klingClient().findTask(TASK_KIND[job.kind], job.providerTaskId ?? hint.taskId);
  if (!task) return { status: 200, outcome: "ignored: Kling has no such task" };
  if (task.externalTaskId && task.externalTaskId !== externalId) return { status: 200, outcome: "ignored: another task" };
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({
        providerStatus: task.status,
        providerTaskId: sql`coalesce(${schema.aiJobs.providerTaskId}, ${task.taskId})`,
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, job.id)),
  );
  return { status: 200, outcome: `confirmed: ${task.status}` };
}

// --- The processor ------------------------------------------------------------------------------

async function loadJob(shopId: string, jobId: string): Promise<AiJob | undefined> {
  if (!isUuid(jobId)) return undefined;
  return withShop(shopId, async (tx) => (await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)))[0]);
}

function externalTaskId(job: AiJob): string {
  const recorded = job.input.klingExternalId;
  return typeof recorded === "string" && recorded ? recorded : job.id;
}

async function updateJob(job: Pick<AiJob, "shopId" | "id">, set: Partial<typeof schema.aiJobs.$inferInsert>): Promise<void> {
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(schema.aiJobs.id, job.id)),
  );
}

/** Marks the job failed with a reason in plain words; its held credits are released. */
export async function failKlingJob(job: Pick<AiJob, "shopId" | "id">, reason: string, code: string): Promise<void> {
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({ status: "failed", error: reason, errorCode: code, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(schema.aiJobs.id, job.id), inArray(schema.aiJobs.status, ["queued", "running"]))),
  );
}

export interface KlingRunOptions {
  client?: KlingClient;
  /** First poll after this long, then ×1.5 up to pollMaxMs. */
  pollBaseMs?: number;
  pollMaxMs?: number;
  /** How often to look for a confirmed callback between polls. */
  hintCheckMs?: number;
  /** After this long in one run, the job steps aside (RetryLater) and continues in a later run. */
  maxWaitMs?: number;
  /** When the queue job was created (ms): tells a retry of a failed job from a stale re-run. */
  queuedAt?: number;
  /** Give Kling a callback URL (default); off, polling alone finishes the job. */
  callbacks?: boolean;
}

/** Raw bytes Kling accepts: JPEG and PNG as they are, anything else (WebP) converted to PNG. */
async function klingReady(bytes: Buffer): Promise<Buffer> {
  const type = sniffContentType(bytes.subarray(0, 16));
  if (type === "image/jpeg" || type === "image/png") return bytes;
  return toPng(bytes);
}

async function createTask(client: KlingClient, job: AiJob, externalId: string, callbacks: boolean): Promise<KlingTask> {
  const callbackUrl = callbacks ? klingCallbackUrl(job.shopId, job.id) : undefined;
  return withShop(job.shopId, async (tx) => {
    // Reading inputs inside withShop keeps them to this shop's rows.
    if (job.kind === "tryon") {
      const [photo] = await tx
        .select()
        .from(schema.aiModelPhotos)
        .where(eq(schema.aiModelPhotos.id, String(job.input.modelPhotoId)));
      const [garment] = await tx
        .select()
        .from(schema.media)
        .where(eq(schema.media.id, String(job.input.garmentMediaId)));
      if (!photo) throw new InputGone("The model photo was deleted before the try-on started.");
      if (!garment) throw new InputGone("The garment image was deleted before the try-on started.");
      return { photo, garment };
    }
    const [image] = await tx
      .select()
      .from(schema.media)
      .where(eq(schema.media.id, String(job.input.mediaId)));
    if (!image) throw new InputGone("The product image was deleted before the video started.");
    return { image };
  }).then(async (inputs: { photo?: { objectKey: string }; garment?: { originalKey: string }; image?: { originalKey: string } }) => {
    if (inputs.photo && inputs.garment) {
      return client.createTryOn({
        model: (job.model as (typeof TRY_ON_MODELS)[number] | null) ?? DEFAULT_TRY_ON_MODEL,
        humanImage: await klingReady(await readObject(inputs.photo.objectKey)),
        clothImage: await klingReady(await readObject(inputs.garment.originalKey)),
        externalTaskId: externalId,
        callbackUrl,
      });
    }
    return client.createImageToVideo({
      model: job.model ?? DEFAULT_VIDEO_MODEL,
      image: await klingReady(await readObject(inputs.image!.originalKey)),
      prompt: String(job.input.prompt ?? ""),
      duration: Number(job.input.duration) === 10 ? 10 : 5,
      mode: job.input.mode === "pro" ? "pro" : "std",
      externalTaskId: externalId,
      callbackUrl,
    });
  });
}

class InputGone extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Progress shown while Kling works: 10 created, 15 submitted, 20–85 processing (by expected time), 90 result ready. */
function progressFor(job: AiJob, task: KlingTask): number {
  if (task.status === "submitted") return 15;
  if (task.status !== "processing") return 90;
  const expectedMs = job.kind === "tryon" ? 30_000 : 90_000 * (Number(job.input.duration) === 10 ? 2 : 1);
  const since = task.createdAt ? Date.now() - task.createdAt.getTime() : 0;
  return Math.min(85, 20 + Math.round((65 * Math.max(0, since)) / expectedMs));
}

/** What to do with a Kling error: wait (limits), retry (outages), or fail with the reason in plain words. */
async function onKlingError(job: AiJob, error: unknown): Promise<never> {
  if (error instanceof InputGone) {
    await failKlingJob(job, error.message, "input_missing");
    throw new PermanentJobFailure(error.message);
  }
  if (!(error instanceof KlingError)) throw error;
  if (error.kind === "concurrency_limit" || error.kind === "rate_limited") {
    // Not a failure: the job waits its turn. Shown as queued, with why.
    await updateJob(job, { status: "queued", providerStatus: "waiting for Kling (busy)" });
    throw new RetryLater(error.plainReason, error.retryDelayMs(Math.min(8, Math.max(0, job.attempts - 1))));
  }
  if (error.retryable) {
    // Kling's outage or the network: BullMQ retries with backoff; the last attempt records the error.
    await updateJob(job, { providerStatus: "retrying: Kling not responding" });
    throw error;
  }
  const code = error.kind === "content_blocked" || error.kind === "credits_exhausted" ? error.kind : `provider_${error.kind}`;
  await failKlingJob(job, error.plainReason, code);
  throw new PermanentJobFailure(error.plainReason);
}

/**
 * Runs one try-on or video job to the end: create (or find) the Kling task, wait for it by
 * polling with backoff (a confirmed callback cuts the wait short), copy the result into our
 * bucket as pending product media, charge the credits. Safe to run any number of times.
 */
export async function runKlingJob(
  kind: KlingJobKind,
  payload: { shopId: string; jobId: string },
  options: KlingRunOptions = {},
): Promise<void> {
  const client = options.client ?? klingClient();
  let job = await loadJob(payload.shopId, payload.jobId);
  if (!job || job.kind !== kind || job.status === "cancelled") return;
  if (job.status === "succeeded") {
    if (job.providerResultUrl && !job.migratedAt) await migrateKlingResult(job.shopId, job.id, client);
    return;
  }
  // A queue job older than the failure is a stale re-run (a worker died as it failed): nothing to do.
  if (job.status === "failed" && options.queuedAt !== undefined && job.finishedAt && job.finishedAt.getTime() > options.queuedAt) return;
  // A retry (retryKlingJob, or the AI studio's Retry re-queueing the job). Kling's external ids are
  // single use: if Kling already ran (and failed) a task for this job, the new task gets a new id,
  // recorded before the create so a crash cannot lead to two.
  const retryOfFailedTask =
    Boolean(job.providerTaskId) && job.providerStatus === "failed" && (job.status === "failed" || job.status === "queued");
  if (job.status === "failed" || retryOfFailedTask) {
    const set: Record<string, unknown> = { status: "queued", error: null, errorCode: null, finishedAt: null, progress: 0 };
    if (retryOfFailedTask) {
      set.input = { ...job.input, klingExternalId: `${job.id}-r${job.attempts + 1}` };
      Object.assign(set, { providerTaskId: null, providerStatus: null, providerResultUrl: null, providerResultAt: null });
    }
    await updateJob(job, set);
    job = (await loadJob(payload.shopId, payload.jobId))!;
  }
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({
        status: "running",
        startedAt: job!.startedAt ?? new Date(),
        attempts: sql`${schema.aiJobs.attempts} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, job!.id)),
  );
  job = { ...job, attempts: job.attempts + 1 };
  const taskKind = TASK_KIND[kind];
  const externalId = externalTaskId(job);

  // 1. The task: recorded, or found by our id, or created now (and recorded at once).
  let taskId = job.providerTaskId;
  if (!taskId) {
    let task: KlingTask;
    try {
      task = (await client.findTask(taskKind, externalId)) ?? (await createTask(client, job, externalId, options.callbacks ?? true));
    } catch (error) {
      return onKlingError(job, error);
    }
    taskId = task.taskId;
    await withShop(job.shopId, (tx) =>
      tx
        .update(schema.aiJobs)
        .set({ providerTaskId: task.taskId, providerStatus: task.status, progress: 10, updatedAt: new Date() })
        .where(and(eq(schema.aiJobs.id, job!.id), isNull(schema.aiJobs.providerTaskId))),
    );
  }

  // 2. Wait for it: poll with backoff; a confirmed callback (recorded by handleKlingCallback) wakes us.
  const base = options.pollBaseMs ?? 1_000;
  const max = options.pollMaxMs ?? 15_000;
  const hintEvery = options.hintCheckMs ?? 500;
  const maxWait = options.maxWaitMs ?? 20 * 60_000;
  const started = Date.now();
  let delay = base;
  let task: KlingTask | undefined;
  for (let polls = 0; ; polls++) {
    try {
      task = await client.getTask(taskKind, taskId);
    } catch (error) {
      if (!(error instanceof KlingError) || !error.retryable) return onKlingError(job, error);
      task = undefined; // an outage while polling: keep waiting
    }
    if (task) {
      if (isFinished(task)) break;
      await updateJob(job, { providerStatus: task.status, progress: progressFor(job, task) });
    }
    if (Date.now() - started > maxWait) throw new RetryLater("Kling is still working on it", max);
    const wakeAt = Date.now() + delay;
    while (Date.now() < wakeAt) {
      await sleep(Math.min(hintEvery, wakeAt - Date.now()));
      const [row] = await withShop(job.shopId, (tx) =>
        tx.select({ s: schema.aiJobs.providerStatus }).from(schema.aiJobs).where(eq(schema.aiJobs.id, job!.id)),
      );
      if (row?.s === "succeed" || row?.s === "failed") break;
    }
    delay = Math.min(max, Math.round(delay * 1.5));
  }

  // 3. Act on what Kling says (never on a callback alone).
  if (task.status === "failed") {
    const { reason, contentBlocked } = describeTaskFailure(task);
    await updateJob(job, { providerStatus: "failed" });
    await failKlingJob(job, reason, contentBlocked ? "content_blocked" : "provider_failed");
    throw new PermanentJobFailure(reason);
  }
  const url = kind === "tryon" ? task.images[0]?.url : task.videos[0]?.url;
  if (!url) throw new Error("Kling reported success without a result URL");
  // Recorded before the copy: if we die now, the sweeper still finds and copies it.
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({
        providerStatus: "succeed",
        providerResultUrl: url,
        providerResultAt: sql`coalesce(${schema.aiJobs.providerResultAt}, now())`,
        providerUnits: task!.unitsDeducted === undefined ? null : Math.ceil(task!.unitsDeducted),
        progress: 90,
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, job!.id)),
  );
  await migrateKlingResult(job.shopId, job.id, client);
}

export type RetryResult = { ok: true } | Refusal;

/**
 * Retries a failed try-on or video job (the AI studio's Retry): its credits are held again (if
 * the month's allowance still has them) and it is queued as ai-tryon / ai-video run {shopId, jobId}.
 */
export async function retryKlingJob(shopId: string, jobId: string): Promise<RetryResult | undefined> {
  if (!isUuid(jobId)) return undefined;
  try {
    return await withShop(shopId, async (tx) => {
      const [job] = await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)).for("update");
      if (!job || (job.kind !== "tryon" && job.kind !== "video")) return undefined;
      if (job.status !== "failed") return refuse("Only a failed job can be retried.");
      await assertAiCredits(tx, shopId, job.kind, job.credits);
      await tx
        .update(schema.aiJobs)
        .set({ status: "queued", error: null, errorCode: null, finishedAt: null, progress: 0, updatedAt: new Date() })
        .where(eq(schema.aiJobs.id, jobId));
      if (job.kind === "tryon") await enqueueAfterCommit(tx, { queue: "ai-tryon", name: "run", payload: { shopId, jobId }, shopId });
      else await enqueueAfterCommit(tx, { queue: "ai-video", name: "run", payload: { shopId, jobId }, shopId });
      return { ok: true as const };
    });
  } catch (error) {
    if (error instanceof PlanLimitReached) return refuse(error.message);
    throw error;
  }
}

/** The BullMQ attempt that exhausts retries records the last error on the job, for the admin's Retry. */
export async function recordKlingJobExhausted(payload: { shopId: string; jobId: string }, error: Error): Promise<void> {
  const job = await loadJob(payload.shopId, payload.jobId);
  if (!job) return;
  const reason = error instanceof KlingError ? error.plainReason : "The job could not be finished after several tries.";
  await failKlingJob(
    job,
    reason.replace(/; the task will be retried\.?$/, "."),
    error instanceof KlingError ? `provider_${error.kind}` : "provider_error",
  );
}

// --- Copying results into our bucket ------------------------------------------------------------

/**
 * Copies a job's Kling result into our bucket and adds it to the product's media, pending
 * approval; marks the job succeeded and charges its credits. Idempotent. Returns whether it copied.
 */
export async function migrateKlingResult(shopId: string, jobId: string, client: KlingClient = klingClient()): Promise<boolean> {
  const job = await loadJob(shopId, jobId);
  if (!job?.providerResultUrl || job.migratedAt) return false;
  const { bytes } = await client.downloadResult(job.providerResultUrl);
  const buffer = Buffer.from(bytes);
  const contentType = sniffContentType(buffer.subarray(0, 16));
  const kind = job.kind === "video" ? "video" : "image";
  const expected = kind === "video" ? ["video/mp4", "video/webm"] : ["image/png", "image/jpeg", "image/webp"];
  if (!contentType || !expected.includes(contentType))
    throw new Error(`Kling's result is not ${kind === "video" ? "a video" : "an image"} (${contentType ?? "unknown"})`);
  const ext = { "video/mp4": "mp4", "video/webm": "webm", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" }[contentType]!;
  // The media row's id is the job's: one result, one media record, however often this runs.
  const key = `${mediaPrefix(shopId, job.id)}original.${ext}`;
  await putObject({ key, body: buffer, contentType });
  const short = job.id.slice(0, 8);
  return withShop(shopId, async (tx) => {
    const [locked] = await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)).for("update");
    if (!locked || locked.migratedAt) return false;
    const product = locked.productId ? await productExists(tx, locked.productId) : false;
    if (product) {
      await addGeneratedMedia(tx, {
        shopId,
        id: locked.id,
        productId: locked.productId!,
        kind,
        filename: kind === "video" ? `kling-video-${short}.${ext}` : `kling-try-on-${short}.${ext}`,
        contentType,
        bytes: buffer.length,
        originalKey: key,
      });
    }
    const succeeded = locked.status !== "failed" && locked.status !== "cancelled";
    await tx
      .update(schema.aiJobs)
      .set({
        migratedAt: new Date(),
        resultMediaId: product ? locked.id : null,
        ...(succeeded ? { status: "succeeded" as const, progress: 100, error: null, errorCode: null, finishedAt: new Date() } : {}),
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, jobId));
    if (succeeded) await chargeAiCredits(tx, { shopId, id: locked.id, kind: locked.kind, credits: locked.credits });
    if (!product) await deleteObjects([key]);
    return true;
  });
}

/**
 * The daily sweeper: copies every Kling result not yet in our bucket (a worker died between
 * Kling's success and the copy), so no provider URL stays ours to serve for more than a day.
 * Runs across shops (asPlatform) on ai_jobs_unmigrated_idx; each copy runs in its shop.
 */
export async function sweepUnmigratedResults(
  options: { client?: KlingClient; limit?: number } = {},
): Promise<{ migrated: number; failed: number }> {
  const rows = await asPlatform((tx) =>
    tx
      .select({ shopId: schema.aiJobs.shopId, id: schema.aiJobs.id })
      .from(schema.aiJobs)
      .where(and(isNotNull(schema.aiJobs.providerResultUrl), isNull(schema.aiJobs.migratedAt)))
      .orderBy(asc(schema.aiJobs.providerResultAt))
      .limit(options.limit ?? 1000),
  );
  let migrated = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      if (await migrateKlingResult(row.shopId, row.id, options.client)) migrated++;
    } catch (error) {
      failed++;
      logger().warn({ shopId: row.shopId, jobId: row.id, err: (error as Error).message }, "could not copy a Kling result");
    }
  }
  return { migrated, failed };
}

// --- The studio page ----------------------------------------------------------------------------

export interface StudioJob {
  id: string;
  kind: KlingJobKind;
  status: AiJob["status"];
  progress: number;
  providerStatus: string | null;
  error: string | null;
  errorCode: string | null;
  credits: number;
  providerUnits: number | null;
  prompt: string | null;
  createdAt: string;
  result: MediaView | null;
}

/** Everything the product's AI studio shows. Undefined: no such product. */
export async function productStudio(shopId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  const loaded = await withShop(shopId, async (tx) => {
    const [product] = await tx
      .select({ id: schema.products.id, title: schema.products.title })
      .from(schema.products)
      .where(eq(schema.products.id, productId));
    if (!product) return undefined;
    const media = await tx
      .select()
      .from(schema.media)
      .where(eq(schema.media.productId, productId))
      .orderBy(asc(schema.media.position), asc(schema.media.createdAt));
    const jobs = await tx
      .select()
      .from(schema.aiJobs)
      .where(and(eq(schema.aiJobs.productId, productId), inArray(schema.aiJobs.kind, ["tryon", "video"])))
      .orderBy(desc(schema.aiJobs.createdAt))
      .limit(30);
    const credits = await creditBalances(tx, shopId);
    return { product, media, jobs, credits };
  });
  if (!loaded) return undefined;
  const views = new Map(loaded.media.map((m) => [m.id, mediaView(m)]));
  return {
    product: loaded.product,
    images: loaded.media.filter((m) => m.kind === "image" && m.status === "ready").map((m) => views.get(m.id)!),
    pending: loaded.media.filter((m) => m.needsApproval).map((m) => views.get(m.id)!),
    jobs: loaded.jobs.map((j): StudioJob => ({
      id: j.id,
      kind: j.kind as KlingJobKind,
      status: j.status,
      progress: j.progress,
      providerStatus: j.providerStatus,
      error: j.error,
      errorCode: j.errorCode,
      credits: j.credits,
      providerUnits: j.providerUnits,
      prompt: typeof j.input.prompt === "string" ? j.input.prompt : null,
      createdAt: j.createdAt.toISOString(),
      result: j.resultMediaId ? (views.get(j.resultMediaId) ?? null) : null,
    })),
    credits: { tryon: loaded.credits.tryon, video: loaded.credits.video },
    modelPhotos: await listModelPhotos(shopId),
    sandbox: isKlingSandbox(),
    concurrency: config().KLING_CONCURRENCY,
  };
}
