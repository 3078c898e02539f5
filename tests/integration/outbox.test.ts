import type { Worker } from "bullmq";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis, queue } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { startNotifyWorker } from "../../workers/notify";
import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { until } from "../helpers/async";
import { makeUser } from "../helpers/factories";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Its own database, Redis and sandbox: this file stops Redis, and runs a dispatcher and a
// worker that must not see any other test's jobs.
let stack: IsolatedStack;
let dispatcher: OutboxDispatcher;
let worker: Worker;

beforeAll(async () => {
  stack = await isolatedStack();
  dispatcher = new OutboxDispatcher(200);
  await dispatcher.start();
  worker = startNotifyWorker();
  await worker.waitUntilReady();
});

afterAll(async () => {
  await dispatcher?.stop();
  await worker?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

const inbox = async (phone: string) =>
  (
    (await (await fetch(`${stack.sandbox.url}/wassenger/inbox.json?phone=${encodeURIComponent(phone)}`)).json()) as {
      messages: Array<{ reference: string; message: string }>;
    }
  ).messages;

describe("outbox → BullMQ → worker", () => {
  it("delivers committed work exactly once although Redis was down between commit and dispatch", async () => {
    await stack.stopRedis();
    const phone = "+60198765432";
    const user = await makeUser({ phone: "019-876 5432" }); // commits the welcome message and its outbox row
    const [message] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.userId, user.id)));

    // While Redis is down the dispatcher keeps failing, and keeps the row.
    const outboxRow = async () => {
      const [row] = await asPlatform((tx) =>
        tx
          .select()
          .from(schema.outbox)
          .where(sql`${schema.outbox.payload}->>'messageId' = ${message.id}`),
      );
      return row;
    };
    const failing = await until(async () => {
      const row = await outboxRow(); // a failed dispatch attempt
      return row && row.attempts > 0 && row;
    });
    expect(failing.dispatchedAt).toBeNull();
    expect(failing.lastError).toBeTruthy();

    await stack.startRedis();
    const sent = await until(async () => {
      const [m] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.id, message.id)));
      return m.status !== "pending" && m; // sent
    });
    expect(sent.status).toMatch(/sent|delivered/);
    expect(sent.providerMessageId).toMatch(/^[0-9a-f]{24}$/);

    // A dispatcher that crashed after enqueueing but before marking the row dispatched
    // dispatches it again: the outbox id is the job id, so nothing runs twice.
    await asPlatform((tx) => tx.update(schema.outbox).set({ dispatchedAt: null }).where(eq(schema.outbox.id, failing.id)));
    dispatcher.wake();
    await until(async () => (await outboxRow()).dispatchedAt !== null); // re-dispatched
    // The re-dispatch has been answered by Redis: a second job, had BullMQ taken one, is now waiting
    // or running. Wait for the queue to be idle (a condition, not a pause), then count the sends.
    const counts = await until(async () => {
      const c = await queue("notify").getJobCounts("completed", "waiting", "active", "delayed", "failed", "prioritized");
      return c.waiting + c.active + c.delayed + c.prioritized === 0 && c;
    });
    expect(counts).toEqual({ completed: 1, waiting: 0, active: 0, delayed: 0, failed: 0, prioritized: 0 });
    const job = await queue("notify").getJob(failing.id);
    expect(job?.attemptsStarted).toBe(1);
    const delivered = (await inbox(phone)).filter((m) => m.reference === message.id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].message).toContain("welcome to NetShop");
  });
});
