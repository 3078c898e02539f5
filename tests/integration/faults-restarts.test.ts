import path from "node:path";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";
import { migrateDatabase } from "~db/migrate";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { type AppProcesses, startAppProcesses } from "../../scripts/app-processes";
import { freePort, type RunningService, startPostgres, startRedis } from "../../scripts/services";
import { until } from "../helpers/async";
import { makeUser } from "../helpers/factories";

// Issue 19, item 2: the web process and the workers, run as real processes the way production
// runs them, ride out a restart of PostgreSQL and of Redis: /readyz answers 503 while the
// dependency is away and 200 when it is back, neither process exits, and work flows afterwards.
// This file restarts its own PostgreSQL cluster and Redis, never the run's shared ones.
// (A persistent cluster: an ephemeral one is deleted when it stops.)
const run = Math.random().toString(36).slice(2, 8);
const tmp = path.join(process.env.TEST_TMP_DIR ?? "/tmp", `faults-${run}`);
const password = `pw-${run}`;
let pgPort: number;
let pg: RunningService;
let redis: RunningService & { port: number };
let sandbox: RunningSandbox;
let app: AppProcesses;
let webUrl: string;
const exits: string[] = [];

const startPg = async () => {
  pg = await startPostgres({ dataDir: path.join(tmp, "pg"), password, port: pgPort });
};

beforeAll(async () => {
  pgPort = await freePort();
  await startPg();
  await migrateDatabase({ ownerUrl: pg.url, rolePassword: process.env.DB_ROLE_PASSWORD });
  redis = await startRedis({ dataDir: path.join(tmp, "redis") });
  sandbox = await startSandbox();
  const port = await freePort();
  webUrl = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    DATABASE_URL: pg.url,
    DATABASE_APP_URL: "",
    DATABASE_PLATFORM_URL: "",
    REDIS_URL: redis.url,
    SANDBOX_URL: sandbox.url,
    QUEUE_PREFIX: `faults${run}`,
  });
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"));
  app = startAppProcesses({
    env: {
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: webUrl,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PASSWORD_HASH_COST: "10",
    },
    logDir: path.join("/tmp", `netshop-faults-logs-${run}`),
    restart: true,
  });
  app.onUnexpectedExit((name, code) => exits.push(`${name} exited (${code})`));
  await app.ready;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await closeRedis();
  await closeDatabase();
  await sandbox?.close();
  await redis?.stop();
  await pg?.stop();
});

const readyz = async () => {
  const res = await fetch(`${webUrl}/readyz`).catch(() => undefined);
  return res?.status;
};

/** A committed message (the welcome message of a sign-up) that the workers must send. */
async function messageGoesOut() {
  const user = await makeUser();
  await until(async () => {
    const [m] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.userId, user.id)));
    return m && m.status !== "pending" && m;
  }, 60_000);
}

/** Requests that keep the processes' connections busy while a dependency goes (until `stop`). */
function keepBusy() {
  let running = true;
  const loops = Array.from({ length: 8 }, async () => {
    while (running) await readyz();
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

describe("processes that ride out their dependencies", () => {
  it("survive a PostgreSQL restart: /readyz 503 while it is down, 200 after, work flows again", async () => {
    expect(await readyz()).toBe(200);
    await messageGoesOut();
    const stopLoad = keepBusy();
    await pg.stop();
    await until(async () => (await readyz()) === 503);
    await startPg();
    await until(async () => (await readyz()) === 200);
    await stopLoad();
    await messageGoesOut();
    expect(exits).toEqual([]);
  }, 240_000);

  it("survive a Redis restart the same way", async () => {
    const stopLoad = keepBusy();
    await redis.stop();
    await until(async () => (await readyz()) === 503);
    redis = await startRedis({ dataDir: path.join(tmp, "redis"), port: redis.port });
    await until(async () => (await readyz()) === 200);
    await stopLoad();
    await messageGoesOut();
    expect(exits).toEqual([]);
  }, 240_000);

  it("a child killed with SIGKILL is started again by its supervisor (npm start's), and work resumes", async () => {
    const before = { web: app.web.pid, workers: app.workers.pid };
    app.workers.kill("SIGKILL");
    app.web.kill("SIGKILL");
    await until(async () => exits.length === 2);
    expect(exits.sort()).toEqual(["web exited (SIGKILL)", "workers exited (SIGKILL)"]);
    await until(async () => app.web.pid !== before.web && app.workers.pid !== before.workers && (await readyz()) === 200);
    await messageGoesOut();
  }, 240_000);
});
