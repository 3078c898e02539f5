/**
 * AI copy jobs end to end in the worker: the `ai-copy` processor against the sandbox's OpenAI
 * (reached as an OpenAI-compatible server through OPENAI_BASE_URL) and Anthropic stand-ins,
 * provider errors, credits (refused, held, charged once), retries, a worker killed mid-job, and
 * bulk runs as a BullMQ flow with progress and cancel.
 */
import { type ChildProcess, spawn } from "node:child_process";

import type { Worker } from "bullmq";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { requestCopy } from "~/domain/ai/copy-requests.server";
import { applyDraftField, productCopyPage, restoreVersion } from "~/domain/ai/copy-review.server";
import { saveAiSettings } from "~/domain/ai/copy-settings.server";
import { creditBalances } from "~/domain/ai/credits.server";
import { cancelBatch, getBatch, requestBulkCopy, retryJob } from "~/domain/ai/jobs.server";
import { getProduct } from "~/domain/catalog/products.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { startAiCopyWorker } from "../../workers/ai-copy";
import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { until } from "../helpers/async";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

let stack: IsolatedStack;
let dispatcher: OutboxDispatcher;
let worker: Worker;
let owner: { id: string };
const actor = () => ({ userId: owner.id, ip: "127.0.0.1", userAgent: "vitest" });

beforeAll(async () => {
  stack = await isolatedStack();
  // OpenAI through a configured base URL, as for a local OpenAI-compatible model server (here the
  // sandbox's); Anthropic through the sandbox default (no key).
  Object.assign(process.env, {
    OPENAI_API_KEY: "sandbox-openai-key",
    OPENAI_BASE_URL: `${stack.sandbox.url}/openai/v1`,
    OPENAI_MODEL: "local-model-8b",
  });
  dispatcher = new OutboxDispatcher(200);
  await dispatcher.start();
  // The default lock: a short one lapses on a busy machine while a job is still running, and the
  // job would be run again (asking the provider twice). Only the killed worker's lock is short.
  worker = startAiCopyWorker();
  await worker.waitUntilReady();
  owner = await makeUser();
});
afterAll(async () => {
  await dispatcher?.stop();
  await worker?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

async function newShop(title = "Songket Tote Bag") {
  const shop = await makeShop(owner.id);
  const product = await makeProduct(shop.id, owner.id, {
    title,
    options: [["Colour", ["Gold", "Emerald"]]],
    extra: { brand: "Tenun Kita", productType: "Bags", descriptionMd: "Woven tote." },
  });
  return { shopId: shop.id, productId: product.productId };
}

const jobOf = (shopId: string, jobId: string) =>
  withShop(shopId, async (tx) => (await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)))[0]);
const finished = (shopId: string, jobId: string) =>
  until(async () => {
    const job = await jobOf(shopId, jobId);
    return job && ["succeeded", "failed", "cancelled"].includes(job.status) && job;
  });
const draftsOf = (shopId: string, jobId: string) =>
  withShop(shopId, (tx) => tx.select().from(schema.aiCopyDrafts).where(eq(schema.aiCopyDrafts.jobId, jobId)));
const chargesOf = (shopId: string, jobId?: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.aiCreditUsage)
      .where(jobId ? eq(schema.aiCreditUsage.jobId, jobId) : undefined),
  );
const balance = (shopId: string) => withShop(shopId, async (tx) => (await creditBalances(tx, shopId)).copy);

async function queueCopy(shopId: string, productId: string, languages = ["en", "ms", "zh"], tone = "friendly") {
  const queued = await requestCopy(shopId, productId, { tone, languages, notes: "Woven by artisans in Kelantan." }, actor());
  if (!queued?.ok) throw new Error(`not queued: ${JSON.stringify(queued)}`);
  return queued.jobId;
}

describe("copy for one product", () => {
  it("writes English, Malay and Chinese copy with OpenAI, records tokens, holds credits while queued and charges once", async () => {
    const { shopId, productId } = await newShop();
    await worker.pause();
    const jobId = await queueCopy(shopId, productId);
    expect(await balance(shopId)).toMatchObject({ allowance: 50, used: 0, held: 3, left: 47 });
    worker.resume();
    const job = await finished(shopId, jobId);
    expect(job).toMatchObject({
      status: "succeeded",
      progress: 100,
      provider: "openai",
      model: "local-model-8b",
      attempts: 1,
      error: null,
    });
    expect(job.inputTokens).toBeGreaterThan(0);
    expect(job.outputTokens).toBeGreaterThan(0);
    const [draft] = await draftsOf(shopId, jobId);
    expect(job.resultDraftId).toBe(draft.id);
    expect(Object.keys(draft.content).sort()).toEqual(["en", "ms", "zh"]);
    expect(draft.content.en.description).toContain("Songket Tote Bag");
    expect(draft.content.en.description).toContain("Woven by artisans in Kelantan.");
    expect(draft.content.ms.description).toMatch(/^Kenali Songket Tote Bag/);
    expect(draft.content.zh.description).toMatch(/[\u4e00-\u9fff]/);
    expect(draft.content.en.bulletPoints.length).toBeGreaterThanOrEqual(3);
    expect(draft.content.en.bulletPoints.length).toBeLessThanOrEqual(5);
    expect([...draft.content.en.seoTitle].length).toBeLessThanOrEqual(60);
    expect(draft.content.en.tags.length).toBeGreaterThan(0);
    // Nothing reached the product: a draft waits for review.
    expect((await getProduct(shopId, productId))!.product.descriptionMd).toBe("Woven tote.");
    expect(await chargesOf(shopId)).toHaveLength(1);
    expect(await balance(shopId)).toMatchObject({ used: 3, held: 0, left: 47 });
    // The facts the model was given came from the product and the notes.
    expect(stack.sandbox.openai.requests.filter((r) => r.product === "Songket Tote Bag").map((r) => r.language)).toEqual([
      "en",
      "ms",
      "zh",
    ]);
  });

  it("writes with Anthropic when the shop chooses it, in the tone asked for", async () => {
    const { shopId, productId } = await newShop("Batik Silk Scarf");
    expect(await saveAiSettings(shopId, actor(), { provider: "anthropic", model: "", tone: "luxury", languages: ["en", "zh"] })).toEqual({
      ok: true,
    });
    const jobId = await queueCopy(shopId, productId, ["en", "zh"], "luxury");
    const job = await finished(shopId, jobId);
    expect(job).toMatchObject({ status: "succeeded", provider: "anthropic", model: "claude-haiku-4-5", credits: 2 });
    const [draft] = await draftsOf(shopId, jobId);
    expect(draft.content.en.description).toMatch(/^Indulge in the Batik Silk Scarf/);
    expect(draft.content.zh.description).toMatch(/^尽享/);
    expect(stack.sandbox.anthropic.requests.filter((r) => r.product === "Batik Silk Scarf").map((r) => [r.language, r.outcome])).toEqual([
      ["en", "ok"],
      ["zh", "ok"],
    ]);
    expect(await chargesOf(shopId, jobId)).toEqual([expect.objectContaining({ credits: 2, kind: "copy" })]);
  });

  it("waits and tries again after a 429, and charges once", async () => {
    const { shopId, productId } = await newShop("Rattan Basket");
    stack.sandbox.openai.switches.rateLimitNext = 1;
    const jobId = await queueCopy(shopId, productId, ["en"]);
    const job = await finished(shopId, jobId);
    expect(job).toMatchObject({ status: "succeeded", attempts: 2, providerStatus: null });
    expect(stack.sandbox.openai.switches.rateLimitNext).toBe(0);
    expect(await chargesOf(shopId, jobId)).toHaveLength(1);
  });

  it("fails a refusal at once with a plain message, charges nothing and releases the held credits", async () => {
    const { shopId, productId } = await newShop("Kopi Sachets");
    stack.sandbox.openai.switches.refusalNext = 1;
    const jobId = await queueCopy(shopId, productId, ["en", "ms"]);
    const job = await finished(shopId, jobId);
    expect(job).toMatchObject({ status: "failed", errorCode: "refused", attempts: 1 });
    expect(job.error).toBe("OpenAI declined to write copy for this product. Check the product's title and your notes, then try again.");
    expect(job.inputTokens).toBeGreaterThan(0); // a refusal is still billed by the provider: recorded
    expect(await chargesOf(shopId)).toHaveLength(0);
    expect(await balance(shopId)).toMatchObject({ used: 0, held: 0, left: 50 });
  });

  it("tries a malformed answer again, and fails clearly when it stays malformed", async () => {
    const { shopId, productId } = await newShop("Pandan Candle");
    stack.sandbox.openai.switches.malformedNext = 1;
    const recovered = await finished(shopId, await queueCopy(shopId, productId, ["en"]));
    expect(recovered.status).toBe("succeeded");

    stack.sandbox.openai.switches.malformedNext = 3;
    const job = await finished(shopId, await queueCopy(shopId, productId, ["en"]));
    expect(job).toMatchObject({ status: "failed", errorCode: "malformed" });
    expect(job.error).toBe(
      "OpenAI's answer was not usable product copy, 3 times in a row. Press Retry, or choose another model in AI settings.",
    );
    expect(await chargesOf(shopId)).toHaveLength(1);
  });

  it("shows a provider that stays down as failed once the queue's attempts are used up", async () => {
    const { shopId, productId } = await newShop("Ikat Table Runner");
    // A job whose queue entry allows one attempt (the outbox gives eight, with backoff).
    const [row] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.aiJobs)
        .values({
          shopId,
          kind: "copy",
          provider: "openai",
          model: "local-model-8b",
          productId,
          input: { tone: "friendly", languages: ["en"] },
          credits: 1,
        })
        .returning(),
    );
    stack.sandbox.openai.switches.serverErrorNext = 1;
    await queue("ai-copy").add("generate", { shopId, jobId: row.id }, { attempts: 1, jobId: `test-${row.id}` });
    const job = await finished(shopId, row.id);
    expect(job).toMatchObject({
      status: "failed",
      errorCode: "provider_unavailable",
      error: "OpenAI could not be reached after 1 attempts. Press Retry to try again.",
    });
    expect(await chargesOf(shopId)).toHaveLength(0);
    expect(await balance(shopId)).toMatchObject({ held: 0, left: 50 });
  });

  it("retries a failed job on its queue without charging twice", async () => {
    const { shopId, productId } = await newShop("Tenun Cushion");
    stack.sandbox.openai.switches.refusalNext = 1;
    const jobId = await queueCopy(shopId, productId, ["en"]);
    expect((await finished(shopId, jobId)).status).toBe("failed");
    expect(await retryJob(shopId, jobId, actor())).toEqual({ ok: true });
    expect(await retryJob(shopId, jobId, actor())).toEqual({ ok: false, errors: { form: { key: "ai:errors.retryOnlyFailed" } } });
    expect(await finished(shopId, jobId)).toMatchObject({ status: "succeeded", error: null });
    expect(await draftsOf(shopId, jobId)).toHaveLength(1);
    expect(await chargesOf(shopId, jobId)).toHaveLength(1);

    // Even a job that was charged and then shown as failed again is charged only once.
    await withShop(shopId, (tx) => tx.update(schema.aiJobs).set({ status: "failed" }).where(eq(schema.aiJobs.id, jobId)));
    const before = stack.sandbox.openai.requests.length;
    expect(await retryJob(shopId, jobId, actor())).toEqual({ ok: true });
    expect((await finished(shopId, jobId)).status).toBe("succeeded");
    expect(stack.sandbox.openai.requests.length).toBe(before); // the draft had every language: nothing asked again
    expect(await chargesOf(shopId, jobId)).toHaveLength(1);
    expect(await draftsOf(shopId, jobId)).toHaveLength(1);

    // Try-on and video jobs go back to their own queues.
    const [tryon] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.aiJobs)
        .values({ shopId, kind: "tryon", provider: "kling", status: "failed", error: "Kling blocked the image.", credits: 1 })
        .returning(),
    );
    expect(await retryJob(shopId, tryon.id, actor())).toEqual({ ok: true });
    const outbox = await withShop(shopId, (tx) => tx.select().from(schema.outbox).where(eq(schema.outbox.queue, "ai-tryon")));
    expect(outbox.map((o) => [o.jobName, o.payload])).toEqual([["run", { shopId, jobId: tryon.id }]]);
    expect((await jobOf(shopId, tryon.id)).status).toBe("queued");
  });

  it("refuses a job when the month's credits are used up", async () => {
    const { shopId, productId } = await newShop("Sambal Jar");
    // 16 products × 3 languages = 48 of the Free plan's 50 credits, held.
    const others = [];
    for (let i = 0; i < 16; i++) others.push((await makeProduct(shopId, owner.id, { title: `Sambal ${i}` })).productId);
    await worker.pause();
    const bulk = await requestBulkCopy(shopId, others, { tone: "friendly", languages: ["en", "ms", "zh"] }, actor());
    expect(bulk).toMatchObject({ ok: true, count: 16 });
    const refused = await requestCopy(shopId, productId, { tone: "friendly", languages: ["en", "ms", "zh"] }, actor());
    expect(refused).toEqual({
      ok: false,
      errors: {
        form: "Your Free plan includes 50 AI copy credits a month and 2 are left (48 held by jobs in progress): this needs 3. Credits renew on the 1st, or upgrade your plan for more.",
      },
      planLimit: { field: "form", limit: { limit: "credits", plan: "Free", kind: "copy", allowance: 50, left: 2, held: 48, needs: 3 } },
    });
    expect(await requestCopy(shopId, productId, { tone: "friendly", languages: ["en", "ms"] }, actor())).toMatchObject({ ok: true });
    worker.resume();
    const batchId = (bulk as { batchId: string }).batchId;
    const done = await until(async () => {
      const b = await getBatch(shopId, batchId);
      return b?.batch.finishedAt ? b : undefined;
    });
    expect(done.batch.status).toBe("succeeded");
    expect(done.jobs.every((j) => j.status === "succeeded")).toBe(true);
    await until(async () => (await balance(shopId)).held === 0);
    expect(await balance(shopId)).toMatchObject({ used: 50, held: 0, left: 0 });
  });
});

describe("review and apply", () => {
  it("applies a field in one language through the catalog, keeps the earlier copy, and restores it", async () => {
    const { shopId, productId } = await newShop("Kenanga Batik Shirt");
    const jobId = await queueCopy(shopId, productId, ["en", "ms"]);
    const job = await finished(shopId, jobId);
    const draftId = job.resultDraftId!;
    const page = (await productCopyPage(shopId, productId))!;
    expect(page.drafts.map((d) => d.id)).toEqual([draftId]);
    const ms = page.drafts[0].content.ms!;

    expect(await applyDraftField(shopId, productId, { draftId, language: "ms", field: "description" }, actor())).toEqual({ ok: true });
    let product = (await getProduct(shopId, productId))!.product;
    expect(product.descriptionMd).toBe(ms.description);
    expect(product.descriptionHtml).toContain("Kenali Kenanga Batik Shirt");
    expect(product.title).toBe("Kenanga Batik Shirt"); // only the field applied changed

    expect(await applyDraftField(shopId, productId, { draftId, language: "ms", field: "bulletPoints" }, actor())).toEqual({ ok: true });
    expect(await applyDraftField(shopId, productId, { draftId, language: "en", field: "metaDescription" }, actor())).toEqual({ ok: true });
    expect(await applyDraftField(shopId, productId, { draftId, language: "en", field: "tags" }, actor())).toEqual({ ok: true });
    product = (await getProduct(shopId, productId))!.product;
    expect(product.descriptionHtml).toContain("<ul>");
    expect(product.descriptionMd.startsWith(ms.description)).toBe(true);
    expect(product.seoDescription).toBe(page.drafts[0].content.en!.metaDescription);
    expect(product.tags).toEqual(page.drafts[0].content.en!.tags);
    // Bullet points applied twice replace the list rather than adding a second one.
    expect(await applyDraftField(shopId, productId, { draftId, language: "ms", field: "bulletPoints" }, actor())).toEqual({ ok: true });
    expect((await getProduct(shopId, productId))!.product.descriptionMd).toBe(product.descriptionMd);

    const after = (await productCopyPage(shopId, productId))!;
    expect(Object.keys(after.drafts[0].applied).sort()).toEqual(["en.metaDescription", "en.tags", "ms.bulletPoints", "ms.description"]);
    expect(after.versions).toHaveLength(5);
    const original = after.versions[after.versions.length - 1];
    expect(original).toMatchObject({ descriptionMd: "Woven tote.", reason: "apply ms.description" });

    expect(await restoreVersion(shopId, productId, original.id, actor())).toEqual({ ok: true });
    product = (await getProduct(shopId, productId))!.product;
    expect(product).toMatchObject({ descriptionMd: "Woven tote.", seoDescription: null, tags: [] });
    expect(product.descriptionHtml).toContain("<p>Woven tote.</p>");
    expect((await productCopyPage(shopId, productId))!.versions).toHaveLength(6);
    expect(await applyDraftField(shopId, productId, { draftId, language: "zh", field: "title" }, actor())).toEqual({
      ok: false,
      errors: { form: { key: "ai:errors.noCopyInLanguage" } },
    });
  });
});

describe("bulk runs", () => {
  it("queues one outbox row per product, with progress per product, and a cancel stops the queued ones and releases their credits", async () => {
    const shop = await makeShop(owner.id);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await makeProduct(shop.id, owner.id, { title: `Bulk Kuih ${i}` })).productId);
    stack.sandbox.openai.switches.delayMs = 700;
    try {
      const bulk = await requestBulkCopy(shop.id, ids, { tone: "playful", languages: ["en"] }, actor());
      if (!bulk.ok) throw new Error("not queued");
      // One outbox row per product (the outbox owns each until it is done: nothing lives only in Redis).
      const batchJobs = (await getBatch(shop.id, bulk.batchId))!.jobs.map((j) => j.id);
      const rows = await withShop(shop.id, (tx) =>
        tx
          .select()
          .from(schema.outbox)
          .where(sql`${schema.outbox.queue} = 'ai-copy' and ${schema.outbox.payload}->>'jobId' in ${batchJobs}`),
      );
      expect(rows.map((r) => r.jobName)).toEqual(Array(12).fill("generate"));
      // Progress: some products written, others still waiting.
      await until(async () => (await getBatch(shop.id, bulk.batchId))!.jobs.some((j) => j.status === "running"));
      const cancelled = await cancelBatch(shop.id, bulk.batchId, actor());
      expect(cancelled).toBeGreaterThan(0);
      const done = await until(async () => {
        const b = await getBatch(shop.id, bulk.batchId);
        return b?.batch.finishedAt && b.jobs.every((j) => j.status !== "running" && j.status !== "queued") ? b : undefined;
      });
      expect(done.batch.status).toBe("cancelled");
      const statuses = done.jobs.map((j) => j.status);
      expect(statuses.filter((s) => s === "cancelled")).toHaveLength(cancelled!);
      expect(statuses.every((s) => s === "succeeded" || s === "cancelled")).toBe(true);
      const succeeded = statuses.filter((s) => s === "succeeded").length;
      expect(succeeded).toBeGreaterThan(0); // running ones finished
      expect(await chargesOf(shop.id)).toHaveLength(succeeded);
      expect(await balance(shop.id)).toMatchObject({ used: succeeded, held: 0 });
      // A product's job dispatched again (Redis lost it) changes nothing: once the worker has
      // finished it (its outbox row is marked finished), the batch is as it was.
      const [again] = await withShop(shop.id, (tx) =>
        tx
          .insert(schema.outbox)
          .values({ shopId: shop.id, queue: "ai-copy", jobName: "generate", payload: { shopId: shop.id, jobId: batchJobs[0] } })
          .returning({ id: schema.outbox.id }),
      );
      await until(async () => {
        const [row] = await withShop(shop.id, (tx) => tx.select().from(schema.outbox).where(eq(schema.outbox.id, again.id)));
        return row?.finishedAt !== null && row?.finishedAt !== undefined;
      });
      expect((await getBatch(shop.id, bulk.batchId))!.jobs.map((j) => j.status).sort()).toEqual([...statuses].sort());
      expect(await chargesOf(shop.id)).toHaveLength(succeeded);
    } finally {
      stack.sandbox.openai.switches.delayMs = 0;
    }
  });
});

describe("a worker killed mid-job", () => {
  it("is finished by another worker with exactly one draft and one charge", async () => {
    const { shopId, productId } = await newShop("Killed Worker Kebaya");
    await worker.close();
    stack.sandbox.openai.switches.delayMs = 1000;
    let child: ChildProcess | undefined;
    try {
      // node itself (not the tsx wrapper, whose SIGKILL would leave its node child running).
      child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/ai-copy-worker.ts"], {
        env: process.env,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      await new Promise<void>((resolve, reject) => {
        child!.once("message", () => resolve());
        child!.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
      });
      const jobId = await queueCopy(shopId, productId);
      // Killed once the first language is written and the second is being asked for.
      await until(async () => (await jobOf(shopId, jobId)).progress >= 33);
      child.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
      stack.sandbox.openai.switches.delayMs = 0;
      // Checks often for the killed worker's lapsed (short) lock; its own locks are the default.
      worker = startAiCopyWorker({ stalledInterval: 1_000 });
      const job = await finished(shopId, jobId);
      expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
      const drafts = await draftsOf(shopId, jobId);
      expect(drafts).toHaveLength(1);
      expect(Object.keys(drafts[0].content).sort()).toEqual(["en", "ms", "zh"]);
      expect(await chargesOf(shopId)).toEqual([expect.objectContaining({ jobId, credits: 3 })]);
      // English was written once, by the killed worker; it was not asked for again.
      expect(stack.sandbox.openai.requests.filter((r) => r.product === "Killed Worker Kebaya" && r.language === "en")).toHaveLength(1);
    } finally {
      stack.sandbox.openai.switches.delayMs = 0;
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});

describe("an OpenAI-compatible server without the Responses API", () => {
  it("writes the copy through Chat Completions", async () => {
    const { shopId, productId } = await newShop("Local Model Lamp");
    stack.sandbox.openai.switches.responsesApi = false;
    try {
      const job = await finished(shopId, await queueCopy(shopId, productId, ["ms"]));
      expect(job).toMatchObject({ status: "succeeded", model: "local-model-8b" });
      expect(stack.sandbox.openai.requests.filter((r) => r.product === "Local Model Lamp").map((r) => r.endpoint)).toEqual([
        "chat/completions",
      ]);
      const [draft] = await draftsOf(shopId, job.id);
      expect(draft.content.ms.description).toMatch(/^Kenali Local Model Lamp/);
    } finally {
      stack.sandbox.openai.switches.responsesApi = true;
    }
  });
});
