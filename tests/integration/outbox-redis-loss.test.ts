import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SYNC_SCHEDULERS_ID } from "~/domain/reports/schedule.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { startWorkers } from "../../workers/main";
import { until } from "../helpers/async";
import { makeUser } from "../helpers/factories";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Issue 19, item 1: a Redis that restarts without persistence (a managed Redis's failover) loses
// every job it held. The outbox owns the truth until a job's processor finishes, so the work
// is dispatched again (same job id) and done exactly once; the job schedulers come back too.
let stack: IsolatedStack;
let workers: { stop(): Promise<void> };

beforeAll(async () => {
  stack = await isolatedStack(); // its Redis runs without persistence (no AOF, no snapshots)
  workers = await startWorkers({ reconcileEveryMs: 100 });
});

afterAll(async () => {
  await workers?.stop();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

const inbox = async () =>
  ((await (await fetch(`${stack.sandbox.url}/wassenger/inbox.json`)).json()) as { messages: Array<{ reference: string }> }).messages;

describe("Redis loses its data", () => {
  it("work already dispatched to Redis is dispatched again and done exactly once; schedulers come back", async () => {
    expect(await queue("maintenance").getJobScheduler("expire-orders")).toBeTruthy();
    // The jobs wait in Redis (the queue is paused) when Redis goes.
    await queue("notify").pause();
    const users: Array<{ id: string }> = [];
    for (let i = 0; i < 12; i++) users.push(await makeUser());
    const messages = await asPlatform((tx) =>
      tx
        .select({ id: schema.messages.id })
        .from(schema.messages)
        .where(
          inArray(
            schema.messages.userId,
            users.map((u) => u.id),
          ),
        ),
    );
    expect(messages.length).toBeGreaterThanOrEqual(users.length);
    const ids = messages.map((m) => m.id);
    const rows = () =>
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.outbox)
          .where(sql`${schema.outbox.payload}->>'messageId' = any(${`{${ids.join(",")}}`}::text[])`),
      );
    await until(async () => (await rows()).every((r) => r.dispatchedAt !== null));
    expect((await rows()).every((r) => r.finishedAt === null)).toBe(true);
    expect(await queue("notify").getJobCounts("waiting")).toEqual({ waiting: ids.length });

    await stack.stopRedis();
    await stack.startRedis(); // empty: the jobs, the pause and the schedulers are gone

    await until(async () => (await rows()).every((r) => r.finishedAt !== null));
    const sent = await asPlatform((tx) => tx.select().from(schema.messages).where(inArray(schema.messages.id, ids)));
    for (const m of sent) expect(m.status).toMatch(/sent|delivered/);
    const references = (await inbox()).map((m) => m.reference).filter((r) => ids.includes(r));
    expect(references.sort()).toEqual([...ids].sort()); // every message once, none twice

    await until(async () => Boolean(await queue("maintenance").getJobScheduler("expire-orders")));
    expect(await queue("reports").getJobScheduler(SYNC_SCHEDULERS_ID)).toBeTruthy();
  });
});
