/**
 * AI copy: `generate` writes one product's copy, alone or as one product of a bulk run (each has
 * its own outbox row: app/domain/ai/jobs.server.ts).
 *
 * `batch` serves outbox rows written before bulk runs were one row per product: it builds the
 * BullMQ flow those runs used (a parent `aibatch-<batch id>` and one `generate` child per queued
 * product, `aicopy-<job id>`). Building it twice changes nothing (the parent's id is checked
 * first, and BullMQ ignores ids it already has). The flow's parent runs when every child is done
 * and closes the batch; a child that fails does not hold it up.
 */
import { FlowProducer, type Job } from "bullmq";

import { config } from "~/config.server";
import { copyJobGaveUp, runCopyJob } from "~/domain/ai/copy-processor.server";
import { batchChildren, completeBatch } from "~/domain/ai/jobs.server";
import { DEFAULT_JOB_OPTIONS, type JobPayload } from "~/domain/jobs/queues";
import { logger } from "~/lib/logger.server";
import { queue, redisConnection } from "~/lib/redis.server";

import { startProcessor } from "./processor";

export const batchParentId = (batchId: string) => `aibatch-${batchId}`;
export const batchChildId = (jobId: string) => `aicopy-${jobId}`;

let flows: FlowProducer | undefined;
function flowProducer(): FlowProducer {
  flows ??= new FlowProducer({ connection: redisConnection(), prefix: config().QUEUE_PREFIX });
  return flows;
}

async function runBatch(payload: JobPayload<"ai-copy", "batch">, job: Job): Promise<string> {
  const parentId = batchParentId(payload.batchId);
  // The flow's parent: every child is done.
  if (job.id === parentId) {
    await completeBatch(payload.shopId, payload.batchId);
    return "completed";
  }
  // The outbox's job: build the flow, once.
  if (await queue("ai-copy").getJob(parentId)) return "flow exists";
  const found = await batchChildren(payload.shopId, payload.batchId);
  if (!found) return "no such batch";
  const children = found.jobs.filter((j) => j.status === "queued" || j.status === "running");
  await flowProducer().add({
    name: "batch",
    queueName: "ai-copy",
    data: payload,
    opts: { ...DEFAULT_JOB_OPTIONS, jobId: parentId },
    children: children.map((c) => ({
      name: "generate",
      queueName: "ai-copy",
      data: { shopId: payload.shopId, jobId: c.id },
      opts: { ...DEFAULT_JOB_OPTIONS, jobId: batchChildId(c.id), ignoreDependencyOnFailure: true },
    })),
  });
  return `flow of ${children.length}`;
}

export function startAiCopyWorker(options: { lockDuration?: number; stalledInterval?: number; concurrency?: number } = {}) {
  const worker = startProcessor(
    "ai-copy",
    {
      generate: (payload: JobPayload<"ai-copy", "generate">, job: Job) =>
        runCopyJob(payload, { made: job.attemptsMade, of: job.opts.attempts ?? 1 }),
      batch: runBatch,
    },
    {
      concurrency: options.concurrency ?? config().WORKER_CONCURRENCY,
      lockDuration: options.lockDuration,
      stalledInterval: options.stalledInterval,
    },
  );
  // A job the queue has given up on (retries used up, or stalled too often, which never reaches
  // the processor) must not stay "running" in the admin holding credits.
  worker.on("failed", (job) => {
    if (!job || job.name !== "generate") return;
    void job
      .getState()
      .then((state) => (state === "failed" ? copyJobGaveUp(job.data.shopId, job.data.jobId) : undefined))
      .catch((error) => logger().warn({ err: (error as Error).message, jobId: job.id }, "could not record a copy job's failure"));
  });
  worker.on("closed", () => {
    const f = flows;
    flows = undefined;
    void f?.close().catch(() => {});
  });
  return worker;
}
