import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import type { Job, Worker } from "bullmq";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { creditBalances } from "~/domain/ai/credits.server";
import { klingCallbackToken } from "~/domain/ai/kling-callback.server";
import { runKlingJob } from "~/domain/ai/kling-processor.server";
import { requestTryOn, requestVideo, retryKlingJob } from "~/domain/ai/kling-requests.server";
import { sweepUnmigratedResults } from "~/domain/ai/kling-results.server";
import { uploadModelPhoto } from "~/domain/ai/model-photos.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { coverImages } from "~/domain/media/media.server";
import { KlingClient, SANDBOX_KLING_ACCESS_KEY, SANDBOX_KLING_SECRET_KEY } from "~/integrations/kling.server";
import { readObject } from "~/integrations/storage.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { freePort } from "../../scripts/services";
import { klingHandler, startKlingWorkers } from "../../workers/ai-media";
import { scheduleMaintenance, startMaintenanceWorker } from "../../workers/maintenance";
import { startMediaWorker } from "../../workers/media";
import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { rejection, until } from "../helpers/async";
import { signIn } from "../helpers/auth";
import { makePng, makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";
import { FormClient, startWeb } from "../helpers/web";

// Its own database, Redis and sandbox: this file runs the workers, the outbox dispatcher, and
// a web server that receives Kling's callbacks (PUBLIC_URL points at it).
let stack: IsolatedStack;
let web: { url: string; close(): Promise<void> };
let dispatcher: OutboxDispatcher;
let workers: Worker[] = [];
let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string };
let productId: string;
let garmentId: string;
let modelPhotoId: string;

const kling = () => stack.sandbox.kling;

beforeAll(async () => {
  stack = await isolatedStack();
  const port = await freePort();
  process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  web = await startWeb({ port });
  dispatcher = new OutboxDispatcher(200);
  await dispatcher.start();
  workers = [startMediaWorker()];
  owner = await makeUser();
  shop = await makeShop(owner.id);
  productId = (await makeProduct(shop.id, owner.id, { title: "Songket shawl" })).productId;
  garmentId = await readyImage(productId, 600, 600);
  const photo = await uploadModelPhoto(
    shop.id,
    owner.id,
    new File([new Uint8Array(await makePng(600, 800))], "model.png", { type: "image/png" }),
  );
  if (!photo.ok) throw new Error(photo.errors.photo);
  modelPhotoId = photo.id;
});
afterAll(async () => {
  await dispatcher?.stop();
  await Promise.all(workers.map((w) => w.close()));
  await web?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});
beforeEach(() => kling().reset());

/** A product image, uploaded and processed (ready) by the media worker. */
async function readyImage(product: string, width: number, height: number): Promise<string> {
  const { addImageFromBuffer } = await import("~/domain/media/media.server");
  const id = await addImageFromBuffer(shop.id, product, {
    body: await makePng(width, height),
    contentType: "image/png",
    filename: `garment-${width}.png`,
    alt: "",
  });
  await until(async () => (await mediaRow(id))?.status === "ready");
  return id;
}

const mediaRow = async (id: string) =>
  withShop(shop.id, async (tx) => (await tx.select().from(schema.media).where(eq(schema.media.id, id)))[0]);
const jobRow = async (id: string) =>
  withShop(shop.id, async (tx) => (await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, id)))[0]);
const usage = async (jobId: string) =>
  withShop(shop.id, (tx) => tx.select().from(schema.aiCreditUsage).where(eq(schema.aiCreditUsage.jobId, jobId)));
const tasksOf = (jobId: string) => kling().tasks.filter((t) => t.externalTaskId?.startsWith(jobId));
const productMedia = async () => withShop(shop.id, (tx) => tx.select().from(schema.media).where(eq(schema.media.productId, productId)));

/** A try-on job row as a request makes it, without queueing it (these tests run the processor themselves). */
async function tryOnJob(): Promise<string> {
  const [job] = await withShop(shop.id, (tx) =>
    tx
      .insert(schema.aiJobs)
      .values({
        shopId: shop.id,
        kind: "tryon",
        provider: "kling",
        productId,
        input: { modelPhotoId, garmentMediaId: garmentId },
        credits: 1,
        createdBy: owner.id,
      })
      .returning({ id: schema.aiJobs.id }),
  );
  return job.id;
}

/** The bytes Kling serves for a task's result. */
async function klingResultBytes(jobId: string): Promise<Buffer> {
  const task = tasksOf(jobId).find((t) => t.status === "succeed")!;
  const json = kling().taskJson(task);
  const url = task.kind === "try-on" ? json.task_result.images![0].url : json.task_result.videos![0].url;
  return Buffer.from(await (await fetch(url)).arrayBuffer());
}

/**
 * The job's media, once the media worker has processed it, holds Kling's image: the same format
 * and size, not the same bytes (the media job decodes and re-encodes every image:
 * app/domain/media/ingest.server.ts).
 */
async function expectKlingImage(jobId: string): Promise<void> {
  const media = await until(async () => {
    const m = await mediaRow(jobId);
    return m?.status === "pending_approval" && m;
  });
  const [stored, fromKling] = await Promise.all([readObject(media.originalKey), klingResultBytes(jobId)]);
  const [storedMeta, klingMeta] = await Promise.all([sharp(stored).metadata(), sharp(fromKling).metadata()]);
  expect({ format: storedMeta.format, width: storedMeta.width, height: storedMeta.height }).toEqual({
    format: klingMeta.format,
    width: klingMeta.width,
    height: klingMeta.height,
  });
}

const fast = { pollBaseMs: 100, pollMaxMs: 300, hintCheckMs: 50 };

describe("through the queues: request → worker → Kling → our bucket → pending media", () => {
  beforeAll(async () => {
    workers.push(...(await startKlingWorkers()));
  });
  afterAll(async () => {
    const kw = workers.splice(1);
    await Promise.all(kw.map((w) => w.close()));
  });

  it("a try-on ends as pending media in our bucket with Kling's bytes, charged once, off the storefront until approved", async () => {
    const before = (await withShop(shop.id, (tx) => creditBalances(tx, shop.id))).tryon;
    const requested = await requestTryOn(shop.id, owner.id, productId, { modelPhotoId, garmentMediaId: garmentId });
    if (!requested?.ok) throw new Error(JSON.stringify(requested));
    // Held while queued.
    expect((await withShop(shop.id, (tx) => creditBalances(tx, shop.id))).tryon.held).toBe(before.held + 1);

    const job = await until(async () => {
      const j = await jobRow(requested.jobId);
      return j.status === "succeeded" && j;
    });
    expect(job).toMatchObject({ progress: 100, providerUnits: 1, resultMediaId: requested.jobId, error: null });
    expect(job.providerTaskId).toBe(tasksOf(requested.jobId)[0].id);
    expect(job.migratedAt).not.toBeNull();
    expect(tasksOf(requested.jobId)).toHaveLength(1);
    // Kling got a callback URL on our web server with the job's token.
    expect(tasksOf(requested.jobId)[0].callbackUrl).toBe(
      `${web.url}/webhooks/kling/${shop.id}/${requested.jobId}/${klingCallbackToken(shop.id, requested.jobId)}`,
    );

    const media = await until(async () => {
      const m = await mediaRow(requested.jobId);
      return m?.status === "pending_approval" && m;
    });
    expect(media).toMatchObject({ kind: "image", productId, needsApproval: true, contentType: "image/png" });
    expect(media.originalKey).toBe(`shops/${shop.id}/media/${requested.jobId}/original.png`);
    await expectKlingImage(requested.jobId);
    expect(media.renditions.length).toBeGreaterThan(0);

    // Charged once; nothing held.
    expect(await usage(requested.jobId)).toHaveLength(1);
    const after = (await withShop(shop.id, (tx) => creditBalances(tx, shop.id))).tryon;
    expect(after).toMatchObject({ used: before.used + 1, held: before.held });

    // Pending media is not the product's cover (nor anywhere the storefront reads ready media).
    const covers = await withShop(shop.id, (tx) => coverImages(tx, [productId]));
    expect(covers.get(productId)?.renditions).toEqual((await mediaRow(garmentId)).renditions);

    // Running the job again (a retried or duplicated delivery) changes nothing.
    await runKlingJob("tryon", { shopId: shop.id, jobId: requested.jobId }, fast);
    expect(tasksOf(requested.jobId)).toHaveLength(1);
    expect(await usage(requested.jobId)).toHaveLength(1);
    expect((await productMedia()).filter((m) => m.id === requested.jobId)).toHaveLength(1);
  });

  it("a video ends as pending video media with a poster frame made by the media worker", async () => {
    const imageId = await readyImage(productId, 640, 360);
    const requested = await requestVideo(shop.id, owner.id, productId, {
      mediaId: imageId,
      prompt: "The shawl ripples in a breeze",
      duration: "5",
      mode: "std",
    });
    if (!requested?.ok) throw new Error(JSON.stringify(requested));
    await until(async () => (await jobRow(requested.jobId)).status === "succeeded");
    const media = await until(async () => {
      const m = await mediaRow(requested.jobId);
      return m?.status === "pending_approval" && m;
    });
    expect(media).toMatchObject({ kind: "video", contentType: "video/mp4", needsApproval: true, posterSource: "frame" });
    expect(media.posterKey).toBe(`shops/${shop.id}/media/${requested.jobId}/poster.jpg`);
    expect(media.durationMs).toBeGreaterThan(4000);
    expect((await readObject(media.originalKey)).equals(await klingResultBytes(requested.jobId))).toBe(true);
    expect(kling().tasks[0]).toMatchObject({ duration: "5", mode: "std", prompt: "The shawl ripples in a breeze" });
    expect((await jobRow(requested.jobId)).providerUnits).toBe(2); // 1.5 units, rounded up
    expect(await usage(requested.jobId)).toMatchObject([{ credits: 1, kind: "video" }]);
  });

  it("refuses a request the plan's credits cannot cover, before anything is queued", async () => {
    const imageId = (await productMedia()).find((m) => m.kind === "image" && m.status === "ready")!.id;
    // Free plan: 2 video credits a month; 10 s pro costs 4.
    const refused = await requestVideo(shop.id, owner.id, productId, { mediaId: imageId, prompt: "Spin", duration: "10", mode: "pro" });
    expect(refused).toMatchObject({
      ok: false,
      errors: { form: expect.stringMatching(/AI video credits a month and 1 are left.*this needs 4/) },
    });
    const jobs = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.aiJobs)
        .where(and(eq(schema.aiJobs.kind, "video"), eq(schema.aiJobs.credits, 4))),
    );
    expect(jobs).toHaveLength(0);
    // And input problems are field errors.
    expect(await requestVideo(shop.id, owner.id, productId, { mediaId: imageId, prompt: "", duration: "7", mode: "std" })).toMatchObject({
      ok: false,
      errors: { prompt: "Describe the movement you want.", duration: "Choose 5 or 10 seconds." },
    });
  });

  it("an exhausted job keeps its error in plain words (the AI studio shows it with Retry)", async () => {
    const jobId = await tryOnJob();
    kling().switches.serverErrorNext = 1;
    const handler = klingHandler("tryon");
    const lastAttempt = { attemptsMade: 7, opts: { attempts: 8 }, timestamp: Date.now() } as unknown as Job;
    await expect(handler({ shopId: shop.id, jobId }, lastAttempt)).rejects.toThrow(/5000/);
    expect(await jobRow(jobId)).toMatchObject({
      status: "failed",
      error: "Kling is not responding right now.",
      errorCode: "provider_server",
    });
  });
});

describe("the processor against the Kling sandbox", () => {
  it("waits out Kling's concurrency limit (1303) and 'too fast' (1302) without failing, then succeeds", async () => {
    const jobId = await tryOnJob();
    kling().switches.concurrencyLimit = 0;
    const wait = await rejection(runKlingJob("tryon", { shopId: shop.id, jobId }, fast), RetryLater);
    expect(wait.delayMs).toBeGreaterThanOrEqual(1000);
    expect(await jobRow(jobId)).toMatchObject({
      status: "queued",
      error: null,
      errorCode: null,
      providerTaskId: null,
      providerStatus: "waiting for Kling (busy)",
    });

    kling().switches.concurrencyLimit = 5;
    kling().switches.rateLimitNext = 1;
    expect((await rejection(runKlingJob("tryon", { shopId: shop.id, jobId }, fast), RetryLater)).delayMs).toBeGreaterThanOrEqual(1000);
    expect((await jobRow(jobId)).status).toBe("queued");

    await runKlingJob("tryon", { shopId: shop.id, jobId }, fast);
    expect(await jobRow(jobId)).toMatchObject({ status: "succeeded", error: null });
    expect(tasksOf(jobId)).toHaveLength(1);
    expect(await usage(jobId)).toHaveLength(1);
  });

  it("a content block (1301) fails the job with the reason in plain words and charges nothing", async () => {
    const jobId = await tryOnJob();
    kling().switches.contentBlock = "create";
    await rejection(runKlingJob("tryon", { shopId: shop.id, jobId }, fast), PermanentJobFailure);
    expect(await jobRow(jobId)).toMatchObject({
      status: "failed",
      errorCode: "content_blocked",
      error: "Kling refused the images or prompt under its content rules. Try other images or wording.",
    });
    expect(await usage(jobId)).toHaveLength(0);

    // Blocked while running (the task ends failed): the same plain reason.
    const second = await tryOnJob();
    kling().switches.contentBlock = "task";
    await rejection(runKlingJob("tryon", { shopId: shop.id, jobId: second }, fast), PermanentJobFailure);
    expect(await jobRow(second)).toMatchObject({ status: "failed", errorCode: "content_blocked" });
    expect(await usage(second)).toHaveLength(0);

    // Retry (the AI studio: retryKlingJob, which holds the credits again and queues ai-tryon run
    // {shopId, jobId}): a fresh Kling task under a new external id.
    kling().switches.contentBlock = "off";
    expect(await retryKlingJob(shop.id, second)).toEqual({ ok: true });
    expect(await jobRow(second)).toMatchObject({ status: "queued", error: null });
    expect(await retryKlingJob(shop.id, second)).toEqual({ ok: false, errors: { form: "Only a failed job can be retried." } });
    await runKlingJob("tryon", { shopId: shop.id, jobId: second }, fast);
    const retried = await jobRow(second);
    expect(retried).toMatchObject({ status: "succeeded", error: null, errorCode: null });
    expect(retried.input.klingExternalId).toMatch(new RegExp(`^${second}-r\\d+$`));
    expect(
      tasksOf(second)
        .map((t) => t.status)
        .sort(),
    ).toEqual(["failed", "succeed"]);
    expect(await usage(second)).toHaveLength(1);
    // A stale re-run of a queue job older than a failure does nothing.
    const third = await tryOnJob();
    kling().switches.contentBlock = "create";
    const queuedAt = Date.now() - 1000;
    await rejection(runKlingJob("tryon", { shopId: shop.id, jobId: third }, fast), PermanentJobFailure);
    kling().switches.contentBlock = "off";
    await runKlingJob("tryon", { shopId: shop.id, jobId: third }, { ...fast, queuedAt });
    expect((await jobRow(third)).status).toBe("failed");
  });

  it("Kling's credits running out (1102) fails the job in plain words", async () => {
    const jobId = await tryOnJob();
    kling().switches.creditsExhausted = true;
    await rejection(runKlingJob("tryon", { shopId: shop.id, jobId }, fast), PermanentJobFailure);
    expect(await jobRow(jobId)).toMatchObject({
      status: "failed",
      errorCode: "credits_exhausted",
      error: "The Kling account has run out of credits. Top it up, then try again.",
    });
    expect(tasksOf(jobId)).toHaveLength(0);
  });

  it("re-signs an expired token (1004) mid-job and carries on", async () => {
    let now = Date.now();
    const client = new KlingClient(
      { baseUrl: `${stack.sandbox.url}/kling`, accessKey: SANDBOX_KLING_ACCESS_KEY, secretKey: SANDBOX_KLING_SECRET_KEY, sandbox: true },
      { now: () => now },
    );
    kling().switches.slowTasks = true;
    const jobId = await tryOnJob();
    const running = runKlingJob("tryon", { shopId: shop.id, jobId }, { ...fast, client });
    await until(async () => (await jobRow(jobId)).providerTaskId);
    // Our cached token still looks fresh to us but has expired by Kling's clock (which also finishes the task).
    now += 1_700_000;
    kling().clockOffsetMs += 1_801_000;
    await running;
    expect(kling().authRejections).toContain(1004);
    expect(await jobRow(jobId)).toMatchObject({ status: "succeeded" });
    expect(tasksOf(jobId)).toHaveLength(1);
  });

  it("a callback wakes the job at once (confirmed with Kling first); forged or foreign callbacks change nothing", async () => {
    kling().switches.slowTasks = true;
    const jobId = await tryOnJob();
    // Polling every 10 minutes: only the callback can finish this job within the test.
    const running = runKlingJob("tryon", { shopId: shop.id, jobId }, { pollBaseMs: 600_000, pollMaxMs: 600_000, hintCheckMs: 50 });
    const taskId = await until(async () => (await jobRow(jobId)).providerTaskId);
    const url = `${web.url}/webhooks/kling/${shop.id}/${jobId}/${klingCallbackToken(shop.id, jobId)}`;
    const post = (to: string, body: unknown) =>
      fetch(to, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

    // A forged "succeed": Kling says processing, so nothing is acted on.
    const forged = await post(url, {
      task_id: taskId,
      task_status: "succeed",
      task_result: { images: [{ index: 0, url: "https://evil.example/x.png" }] },
    });
    expect((await forged.json()).outcome).toMatch(/^confirmed: (submitted|processing)$/);
    expect((await jobRow(jobId)).providerResultUrl).toBeNull();
    // Wrong token, another job's token, another task: refused or ignored.
    expect(
      (await post(`${web.url}/webhooks/kling/${shop.id}/${jobId}/${"0".repeat(40)}`, { task_id: taskId, task_status: "succeed" })).status,
    ).toBe(404);
    const other = await tryOnJob();
    expect(
      (
        await post(`${web.url}/webhooks/kling/${shop.id}/${jobId}/${klingCallbackToken(shop.id, other)}`, {
          task_id: taskId,
          task_status: "succeed",
        })
      ).status,
    ).toBe(404);
    expect(await (await post(url, { task_id: "999", task_status: "succeed" })).json()).toEqual({ outcome: "ignored: another task" });
    expect((await post(url, { nonsense: true })).status).toBe(400);

    // Kling finishes the task and calls back: the job completes long before its next poll.
    kling().clockOffsetMs += 61_000;
    kling().tick();
    await running;
    expect(
      kling()
        .tasks.find((t) => t.id === taskId)!
        .callbacks.map((c) => [c.status, c.result]),
    ).toContainEqual(["succeed", "HTTP 200"]);
    expect(await jobRow(jobId)).toMatchObject({ status: "succeeded", progress: 100 });
    expect(await mediaRow(jobId)).toBeDefined();
  });

  it("polling alone finishes a job when no callback can arrive", async () => {
    const jobId = await tryOnJob();
    await runKlingJob("tryon", { shopId: shop.id, jobId }, { ...fast, callbacks: false });
    expect(tasksOf(jobId)[0].callbackUrl).toBeUndefined();
    expect(await jobRow(jobId)).toMatchObject({ status: "succeeded" });
  });

  it("a worker killed mid-job and restarted gives exactly one Kling task, one media record and one charge", async () => {
    kling().switches.slowTasks = true;
    const jobId = await tryOnJob();
    // One process (node with tsx's loader), so the kill reaches the processor itself.
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", path.resolve("tests/helpers/run-kling-job.ts"), "tryon", shop.id, jobId],
      { stdio: ["ignore", "ignore", "pipe"], env: process.env },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // Killed once the task exists at Kling (and is recorded), while it waits for the result.
    await until(async () => (await jobRow(jobId)).providerTaskId).catch((error) => {
      throw new Error(`${(error as Error).message}; the child said: ${stderr}`);
    });
    child.kill("SIGKILL");
    await exited;
    expect(await jobRow(jobId)).toMatchObject({ status: "running", migratedAt: null });
    expect(tasksOf(jobId)).toHaveLength(1);

    kling().clockOffsetMs += 61_000;
    await runKlingJob("tryon", { shopId: shop.id, jobId }, fast);
    expect(tasksOf(jobId)).toHaveLength(1);
    expect((await productMedia()).filter((m) => m.id === jobId)).toHaveLength(1);
    expect(await usage(jobId)).toHaveLength(1);

    // Killed after Kling created the task but before we recorded it: found by our external id, not created again.
    kling().switches.slowTasks = false;
    const lost = await tryOnJob();
    const client = new KlingClient({
      baseUrl: `${stack.sandbox.url}/kling`,
      accessKey: SANDBOX_KLING_ACCESS_KEY,
      secretKey: SANDBOX_KLING_SECRET_KEY,
      sandbox: true,
    });
    const orphan = await client.createTryOn({
      humanImage: await makePng(600, 800),
      clothImage: await makePng(600, 600),
      externalTaskId: lost,
    });
    await runKlingJob("tryon", { shopId: shop.id, jobId: lost }, fast);
    expect(await jobRow(lost)).toMatchObject({ status: "succeeded", providerTaskId: orphan.taskId });
    expect(tasksOf(lost)).toHaveLength(1);
  }); // a child process started and killed twice over: slow on a busy machine

  it("the sweeper copies a result a dead worker left at Kling, once; it runs on a job scheduler", async () => {
    const jobId = await tryOnJob();
    // The worker died right after recording Kling's result URL.
    const client = new KlingClient({
      baseUrl: `${stack.sandbox.url}/kling`,
      accessKey: SANDBOX_KLING_ACCESS_KEY,
      secretKey: SANDBOX_KLING_SECRET_KEY,
      sandbox: true,
    });
    const task = await client.createTryOn({
      humanImage: await makePng(600, 800),
      clothImage: await makePng(600, 600),
      externalTaskId: jobId,
    });
    const done = await until(async () => {
      const t = await client.getTask("try-on", task.taskId);
      return t.status === "succeed" && t;
    });
    await withShop(shop.id, (tx) =>
      tx
        .update(schema.aiJobs)
        .set({
          status: "running",
          providerTaskId: task.taskId,
          providerStatus: "succeed",
          providerResultUrl: done.images[0].url,
          providerResultAt: new Date(Date.now() - 20 * 3600_000),
        })
        .where(eq(schema.aiJobs.id, jobId)),
    );
    expect(await sweepUnmigratedResults()).toEqual({ migrated: 1, failed: 0 });
    const job = await jobRow(jobId);
    expect(job).toMatchObject({ status: "succeeded", resultMediaId: jobId });
    expect(job.migratedAt).not.toBeNull();
    await expectKlingImage(jobId);
    expect(await usage(jobId)).toHaveLength(1);
    expect(await sweepUnmigratedResults()).toEqual({ migrated: 0, failed: 0 });

    const maintenance = startMaintenanceWorker();
    await scheduleMaintenance();
    try {
      const schedulers = await queue("maintenance").getJobSchedulers();
      expect(schedulers).toContainEqual(
        expect.objectContaining({ key: "ai-result-sweeper", name: "ai-sweep-results", every: 6 * 3600_000 }),
      );
    } finally {
      await maintenance.close();
    }
  });
});

describe("routes: the studio, approval and the model photo upload, per shop", () => {
  let client: FormClient;
  let other: FormClient;
  let otherProductId: string;
  let strangerShopId: string;

  beforeAll(async () => {
    client = new FormClient(web.url);
    await signIn(client, owner);
    const stranger = await makeUser();
    strangerShopId = (await makeShop(stranger.id)).id;
    otherProductId = (await makeProduct(strangerShopId, stranger.id, { title: "Their tote" })).productId;
    other = new FormClient(web.url);
    await signIn(other, stranger);
  });

  it("shows the studio with the product's jobs and results; approve puts a result in the catalog", async () => {
    const page = await client.get(`/admin/products/${productId}/studio`);
    expect(page.status).toBe(200);
    expect(client.lastHtml).toContain("Virtual try-on");
    expect(client.lastHtml).toContain("Pending approval");
    const pending = (await productMedia()).find((m) => m.status === "pending_approval" && m.kind === "image")!;
    const approve = await client.post(`/admin/products/${productId}/studio`, { intent: "approve", mediaId: pending.id });
    expect(approve.status).toBe(302);
    expect(await mediaRow(pending.id)).toMatchObject({ status: "ready", needsApproval: false });
    // Approving twice is refused (nothing is pending).
    await client.get(`/admin/products/${productId}/studio`);
    expect((await client.post(`/admin/products/${productId}/studio`, { intent: "approve", mediaId: pending.id })).status).toBe(404);
  });

  it("retries a failed job from the studio (credits held again, queued for the worker)", async () => {
    const [failed] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.aiJobs)
        .where(and(eq(schema.aiJobs.status, "failed"), eq(schema.aiJobs.kind, "tryon")))
        .limit(1),
    );
    // This file has used up most of the Free plan's 10 try-on credits: move to Growth (200).
    await withShop(shop.id, (tx) =>
      tx
        .insert(schema.shopPlans)
        .values({ shopId: shop.id, planId: "growth" })
        .onConflictDoUpdate({ target: schema.shopPlans.shopId, set: { planId: "growth" } }),
    );
    await client.get(`/admin/products/${productId}/studio`);
    expect(client.lastHtml).toContain("Retry");
    const res = await client.post(`/admin/products/${productId}/studio`, { intent: "retry", jobId: failed.id });
    expect(res.status).toBe(302);
    expect(await jobRow(failed.id)).toMatchObject({ status: "queued", error: null });
  });

  it("uploads a model photo through a plain multipart form, refusing what Kling cannot use", async () => {
    await client.get(`/admin/products/${productId}/studio`);
    const csrf = client.csrfToken();
    const send = async (bytes: Uint8Array, name: string, type: string) => {
      const body = new FormData();
      body.set("_csrf", csrf);
      body.set("intent", "upload-model-photo");
      body.set("photo", new File([Buffer.from(bytes)], name, { type }));
      return fetch(`${web.url}/admin/products/${productId}/studio`, {
        method: "POST",
        body,
        headers: { Cookie: client.cookieHeader(), Origin: web.url },
        redirect: "manual",
      });
    };
    expect((await send(new Uint8Array(await makePng(200, 200)), "tiny.png", "image/png")).status).toBe(400);
    expect((await send(new TextEncoder().encode("not an image"), "x.png", "image/png")).status).toBe(400);
    const ok = await send(new Uint8Array(await makePng(500, 700)), "studio-model.png", "image/png");
    expect(ok.status).toBe(302);
    const photos = await withShop(shop.id, (tx) =>
      tx.select().from(schema.aiModelPhotos).where(eq(schema.aiModelPhotos.filename, "studio-model.png")),
    );
    expect(photos).toHaveLength(1);
    expect(photos[0].objectKey).toMatch(new RegExp(`^shops/${shop.id}/ai/model-photos/`));
  });

  it("another shop cannot see, use or approve anything of this shop's", async () => {
    expect((await other.get(`/admin/products/${productId}/studio`)).status).toBe(404);
    await other.get(`/admin/products/${otherProductId}/studio`);
    const csrf = other.csrfToken();
    expect(
      (await other.post(`/admin/products/${productId}/studio`, { intent: "tryon", modelPhotoId, garmentMediaId: garmentId }, { csrf }))
        .status,
    ).toBe(404);
    // Their own product with our model photo and our image: refused field by field.
    const res = await other.post(
      `/admin/products/${otherProductId}/studio`,
      { intent: "tryon", modelPhotoId, garmentMediaId: garmentId },
      { csrf },
    );
    expect(res.status).toBe(400);
    expect(other.lastHtml).toContain("Choose one of this product&#x27;s images.");
    const pending = (await productMedia())[0];
    expect(
      (await other.post(`/admin/products/${otherProductId}/studio`, { intent: "approve", mediaId: pending.id }, { csrf })).status,
    ).toBe(404);
    expect((await other.post(`/admin/products/${otherProductId}/media`, { intent: "reject", mediaId: pending.id }, { csrf })).status).toBe(
      404,
    );
    expect(await mediaRow(pending.id)).toBeDefined();
    const [ours] = await withShop(shop.id, (tx) => tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.status, "failed")).limit(1));
    expect((await other.post(`/admin/products/${otherProductId}/studio`, { intent: "retry", jobId: ours.id }, { csrf })).status).toBe(404);
    expect((await jobRow(ours.id)).status).toBe("failed");
    // A callback URL for our job under their shop id does not reach our job.
    const jobs = await withShop(shop.id, (tx) => tx.select().from(schema.aiJobs).limit(1));
    const hijack = await fetch(
      `${web.url}/webhooks/kling/${strangerShopId}/${jobs[0].id}/${klingCallbackToken(strangerShopId, jobs[0].id)}`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ task_id: jobs[0].providerTaskId ?? "1", task_status: "succeed" }),
      },
    );
    expect(hijack.status).toBe(404);
  });
});
