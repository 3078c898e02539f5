/**
 * `npm run bench:outbox [-- --events 20000 --per-commit 10 --committers 4]`: commits N events
 * (outbox rows of the no-op `probe:ping` job, `--per-commit` to a transaction, from `--committers`
 * concurrent committers) while ONE worker process (dist/workers.js, as production runs it)
 * dispatches and processes them. Measures commit → processed from the rows themselves
 * (created_at → finished_at, one clock: PostgreSQL's), checks none was lost (every row finished)
 * and none ran twice (every job started once, BullMQ's attemptsStarted), and prints
 * `outbox: events=<n> per_second=<n> p99_ms=<n> lost=<n> ran_twice=<n> worker_start_ms=<n> worker_cpu_ms_per_1000=<n>`;
 * the last is the worker process's CPU time (dispatch and processing) per 1,000 events, which the
 * machine's load does not change: 1,000 / it is the events per second one free core could carry.
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";

import { buildIfStale, DIST } from "../scripts/app-processes";
import { treeCpuMs } from "./cpu";
import { benchEnvironment } from "./environment";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    "per-commit": { type: "string", default: "10" },
    committers: { type: "string", default: "4" },
  },
});
const events = Number(values.events);
const perCommit = Number(values["per-commit"]);
const committers = Number(values.committers);

process.env.LOG_LEVEL ??= "warn";
process.env.QUEUE_PREFIX = `benchoutbox${randomBytes(3).toString("hex")}`;
const environment = await benchEnvironment();
buildIfStale();
const { asPlatform, closeDatabase } = await import("~db/client");
const { enqueueManyAfterCommit } = await import("~/domain/jobs/outbox.server");
const { closeRedis, redis, queue } = await import("~/lib/redis.server");
const { sql } = await import("drizzle-orm");

const started = performance.now();
const worker = fork(path.join(DIST, "workers.js"), [], {
  env: { ...process.env, NETSHOP_PROCESS: "workers" },
  execArgv: ["--enable-source-maps"],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
await new Promise<void>((resolve, reject) => {
  worker.on("message", (m: { type?: string }) => m?.type === "ready" && resolve());
  worker.once("exit", (code) => reject(new Error(`the worker process exited (${code})`)));
});
const workerStartMs = Math.round(performance.now() - started);
const workerCpuAtStart = treeCpuMs(worker.pid!);

const label = randomBytes(6).toString("hex");
let next = 0;
await Promise.all(
  Array.from({ length: committers }, async () => {
    while (next < events) {
      const n = Math.min(perCommit, events - next);
      next += n;
      await asPlatform((tx) =>
        enqueueManyAfterCommit(
          tx,
          Array.from({ length: n }, () => ({ queue: "probe" as const, name: "ping" as const, payload: { label } })),
        ),
      );
    }
  }),
);

const committedMs = Math.round(performance.now() - started) - workerStartMs;
console.error(`committed ${events} events in ${committedMs} ms`);
const mine = sql`queue = 'probe' and payload->>'label' = ${label}`;
const unfinished = async () =>
  Number((await asPlatform((tx) => tx.execute(sql`select count(*)::int as n from outbox where ${mine} and finished_at is null`)))[0].n);
// Done when every row is finished, or when nothing moved for 30 s (then the rest are lost).
let last = { left: -1, at: performance.now() };
for (;;) {
  const left = await unfinished();
  if (left === 0) break;
  if (left !== last.left) last = { left, at: performance.now() };
  else if (performance.now() - last.at > 30_000) break;
  await new Promise((r) => setTimeout(r, 200));
}

const workerCpuMs = treeCpuMs(worker.pid!) - workerCpuAtStart;
const [figures] = await asPlatform((tx) =>
  tx.execute(sql`
    select count(*) filter (where finished_at is not null)::int as finished,
           extract(epoch from max(finished_at) - min(created_at))::float8 as seconds,
           percentile_cont(0.99) within group (order by extract(epoch from finished_at - created_at) * 1000)::float8 as p99_ms
      from outbox where ${mine}`),
);
const ids = (await asPlatform((tx) => tx.execute(sql`select id from outbox where ${mine}`))).map((r) => String(r.id));
let ranTwice = 0;
for (let i = 0; i < ids.length; i += 1000) {
  const pipeline = redis().pipeline();
  for (const id of ids.slice(i, i + 1000)) pipeline.hget(queue("probe").toKey(id), "ats");
  for (const [, ats] of (await pipeline.exec()) ?? []) if (Number(ats) > 1) ranTwice++;
}
const finished = Number(figures.finished);
console.log(
  `outbox: events=${events} per_second=${Math.round(finished / Number(figures.seconds))} p99_ms=${Math.round(Number(figures.p99_ms))} lost=${events - finished} ran_twice=${ranTwice} worker_start_ms=${workerStartMs} worker_cpu_ms_per_1000=${Math.round((workerCpuMs / events) * 1000)}`,
);

worker.kill("SIGTERM");
await new Promise((r) => worker.once("exit", r));
await closeRedis();
await closeDatabase();
await environment.stop();
