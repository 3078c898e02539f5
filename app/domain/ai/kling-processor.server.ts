/**
 * The processor of the `ai-tryon` and `ai-video` queues: one Kling try-on or video job run to the
 * end. Its neighbours: kling-requests (the job row), kling-callback (the hint), kling-results (the
 * copy into our bucket and the sweeper), kling-job-rows (the row helpers they share).
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
 */
import { and, eq, isNull, sql } from "drizzle-orm";

import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { toPng } from "~/domain/media/ingest.server";
import { sniffContentType } from "~/domain/media/media-rules";
import {
  DEFAULT_TRY_ON_MODEL,
  DEFAULT_VIDEO_MODEL,
  describeTaskFailure,
  isFinished,
  KlingClient,
  KlingError,
  type KlingTask,
  TRY_ON_MODELS,
} from "~/integrations/kling.server";
import { readObject } from "~/integrations/storage.server";
import { schema, withShop } from "~db/client";

import { klingCallbackUrl } from "./kling-callback.server";
import {
  type AiJob,
  externalTaskId,
  failKlingJob,
  klingClient,
  type KlingJobKind,
  loadJob,
  TASK_KIND,
  updateJob,
} from "./kling-job-rows.server";
import { migrateKlingResult } from "./kling-results.server";

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
