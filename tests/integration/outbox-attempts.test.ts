import type { Worker } from "bullmq";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { DEFAULT_JOB_OPTIONS } from "~/domain/jobs/queues";
import { closeRedis, queue } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { OutboxReconciler } from "../../workers/outbox-reconciler";
import { startProcessor } from "../../workers/processor";
import { until } from "../helpers/async";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Issue 19: BullMQ counts a job's attempts in Redis. When Redis loses a job that already failed
// some runs, the reconciler dispatches it again as a new job: it must get only the attempts its
// outbox row has left, or a failing job runs up to 8 more times after every Redis loss.
let stack: IsolatedStack;
let dispatcher: OutboxDispatcher;
let reconciler: OutboxReconciler;
let worker: Worker;
const runs = new Map<string, number>();

beforeAll(async () => {
  stack = await isolatedStack(); // its Redis runs without persistence
  dispatcher = new OutboxDispatcher(200);
  await dispatcher.start();
  // Passes only when the test asks for one (pass()).
  reconciler = new OutboxReconciler({ everyMs: 600_000, onRequeue: () => dispatcher.wake() });
  // The real processor with a handler that always fails with a retryable error.
  worker = startProcessor("probe", {
    ping: async (_payload, job) => {
      const n = (runs.get(job.id!) ?? 0) + 1;
      runs.set(job.id!, n);
      // After its third run the job waits in Redis (the queue paused) until Redis is lost.
      if (n === 3) await queue("probe").pause();
      throw new Error("the provider answered 503");
    },
  });
  await worker.waitUntilReady();
});

afterAll(async () => {
  await reconciler?.stop();
  await dispatcher?.stop();
  await worker?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

const row = async (id: string) => {
  const [r] = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.outbox)
      .where(sql`${schema.outbox.id} = ${id}`),
  );
  return r;
};

/** Runs the job's next retry now instead of after its backoff (seconds to minutes). */
async function promoteRetries(id: string) {
  const job = await queue("probe").getJob(id);
  if (job && (await job.getState()) === "delayed") await job.promote().catch(() => {});
}

describe("a failing job whose Redis is lost", () => {
  it("keeps its attempt limit: 8 runs in all, not 8 more after the loss", async () => {
    const limit = DEFAULT_JOB_OPTIONS.attempts;
    const id = await asPlatform((tx) => enqueueAfterCommit(tx, { queue: "probe", name: "ping", payload: { label: "attempts" } }));

    // Three runs fail; each failure is recorded on the row (with its backoff) before the retry,
    // which is run at once once it is recorded.
    await until(async () => {
      const r = await row(id);
      if (r.runAttempts >= 3) return true;
      if (r.runAttempts === runs.get(id)) await promoteRetries(id);
      return false;
    });
    await until(async () => ["delayed", "waiting"].includes(await queue("probe").getJobState(id)));
    expect(runs.get(id)).toBe(3);
    expect((await row(id)).finishedAt).toBeNull();

    await stack.stopRedis();
    await stack.startRedis(); // empty: the job and its attempt count are gone

    await until(async () => (await reconciler.pass().catch(() => ({ requeued: 0 }))).requeued === 1);
    // Dispatched again (same job id) once its recorded backoff is over, with the attempts left.
    const again = await until(() => queue("probe").getJob(id), 120_000);
    expect(again.opts.attempts).toBe(limit - 3);

    await until(async () => {
      const r = await row(id);
      if (r.finishedAt) return true;
      await promoteRetries(id);
      return false;
    }, 240_000);
    expect(runs.get(id)).toBe(limit); // 3 before the loss, 5 after: the limit held
    const finished = await row(id);
    expect(finished.lastError).toBe("the provider answered 503");
    expect(finished.runAttempts).toBe(limit - 1); // the last run's failure finished it instead
    expect(
      await queue("probe")
        .getJob(id)
        .then((j) => j?.getState()),
    ).toBe("failed");
  });
});
