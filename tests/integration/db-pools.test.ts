/**
 * The database pools' fault paths (db/client.ts) against a real PostgreSQL:
 * - recyclePools, what the process guard does after postgres.js's write-on-a-closed-connection
 *   crash (porsager/postgres#1154): the old pools end, new ones answer, every LISTEN is attached
 *   again on the new pool and notifications reach it;
 * - the backends of a real worker process terminated (pg_terminate_backend, what a PostgreSQL
 *   failover or restart does to them) while it works: the process carries on, listens again and
 *   processes the outbox as before.
 */
import { randomBytes } from "node:crypto";

import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, listen, recyclePools } from "~db/client";

import { until } from "../helpers/async";
import { startWorkerProcess } from "../helpers/processes";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Its own database: this file terminates every application backend in it.
let stack: IsolatedStack;
let owner: postgres.Sql;

beforeAll(async () => {
  stack = await isolatedStack();
  owner = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await owner?.end();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

/** The application's backends in this database (the owner's own connection excluded). */
const appBackends = () =>
  owner<{ pid: number; application_name: string; query: string }[]>`
    select pid, application_name, query from pg_stat_activity
     where datname = current_database() and application_name like 'netshop-%' and pid <> pg_backend_pid()`;

describe("database pools", () => {
  it("replaced (the process guard's path): old pools end, new ones answer, LISTEN attached again and notified", async () => {
    const channel = `pooltest_${randomBytes(4).toString("hex")}`;
    const received: string[] = [];
    let listens = 0;
    const unlisten = await listen(
      channel,
      (payload) => received.push(payload),
      () => listens++,
    );
    await owner`select pg_notify(${channel}, 'before')`;
    await until(async () => received.includes("before"));
    const before = (await appBackends()).map((b) => b.pid);
    expect(before.length).toBeGreaterThan(0);

    recyclePools();

    // The new pool answers, and its LISTEN is attached (a notification sent now arrives).
    expect((await asPlatform((tx) => tx.execute(sql`select 1 as one`)))[0].one).toBe(1);
    await until(async () => listens >= 2);
    await owner`select pg_notify(${channel}, 'after')`;
    await until(async () => received.includes("after"));
    // The old pools' connections are gone.
    await until(async () => (await appBackends()).every((b) => !before.includes(b.pid)));
    await unlisten();
  });

  it("a worker process whose backends are terminated mid-stream carries on, listens again and loses nothing", async () => {
    // This process's own pools are closed: every application backend left is the worker's.
    await closeDatabase();
    const worker = await startWorkerProcess();
    const label = randomBytes(6).toString("hex");
    // Committed through the owner's connection (which is never cut), with the insert trigger's NOTIFY.
    const commit = (n: number) =>
      owner`insert into outbox (queue, job_name, payload)
            select 'probe', 'ping', jsonb_build_object('label', ${label}::text) from generate_series(1, ${n})`;
    const unfinished = async () =>
      Number(
        (await owner<{ n: number }[]>`select count(*)::int as n from outbox where payload->>'label' = ${label} and finished_at is null`)[0]
          .n,
      );
    const listening = async () => (await appBackends()).filter((b) => /^listen /i.test(b.query.trim()));
    try {
      await until(async () => (await listening()).length > 0);
      for (let round = 0; round < 3; round++) {
        await commit(50);
        // Cut every connection of the worker while its work is in flight.
        const cut = await owner<{ pid: number }[]>`
          select pid from pg_stat_activity
           where datname = current_database() and application_name like 'netshop-%' and pid <> pg_backend_pid()`;
        await owner`select pg_terminate_backend(pid) from pg_stat_activity where pid in ${owner(cut.map((c) => c.pid))}`;
        await commit(50);
        // Each listening backend is a new one: the LISTEN was attached again.
        await until(async () => (await listening()).some((b) => !cut.some((c) => c.pid === b.pid)));
      }
      await until(async () => (await unfinished()) === 0);
      expect(worker.child.exitCode).toBeNull();
      expect(worker.child.signalCode).toBeNull();
      const [{ n }] = await owner<{ n: number }[]>`select count(*)::int as n from outbox where payload->>'label' = ${label}`;
      expect(n).toBe(300);
    } finally {
      await worker.stop();
    }
  });
});
