import path from "node:path";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";
import { migrateDatabase } from "~db/migrate";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { type AppProcesses, startAppProcesses } from "../../scripts/app-processes";
import { freePort, type RunningService, startPostgres, startRedis } from "../../scripts/services";
import { syncToAutoCountSandbox } from "../helpers/accounting";
import { until } from "../helpers/async";
import { makeProduct } from "../helpers/catalog";
import { auditDeliveries, committedDeliveries } from "../helpers/delivery-audit";
import { makeShop, makeUser, onPlan } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

// Issue 19, item 2: the web process and the workers, run as real processes the way production
// runs them, ride out a restart of PostgreSQL and of Redis: /readyz answers 503 while the
// dependency is away and 200 when it is back, neither process exits, and work flows afterwards.
// Then paid orders keep coming while the workers and web are SIGKILLed, Redis is restarted empty
// and PostgreSQL restarted: every customer and owner message and every AutoCount document goes
// out exactly once (counted at the sandbox, tests/helpers/delivery-audit.ts).
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
});

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
  });
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
  });

  it("survive a Redis restart the same way", async () => {
    const stopLoad = keepBusy();
    await redis.stop();
    await until(async () => (await readyz()) === 503);
    redis = await startRedis({ dataDir: path.join(tmp, "redis"), port: redis.port });
    await until(async () => (await readyz()) === 200);
    await stopLoad();
    await messageGoesOut();
    expect(exits).toEqual([]);
  });

  it("a child killed with SIGKILL is started again by its supervisor (npm start's), and work resumes", async () => {
    const before = { web: app.web.pid, workers: app.workers.pid };
    app.workers.kill("SIGKILL");
    app.web.kill("SIGKILL");
    await until(async () => exits.length === 2);
    expect(exits.sort()).toEqual(["web exited (SIGKILL)", "workers exited (SIGKILL)"]);
    await until(async () => app.web.pid !== before.web && app.workers.pid !== before.workers && (await readyz()) === 200);
    await messageGoesOut();
  });

  it("paid orders keep coming through SIGKILLs, an emptied Redis and a PostgreSQL restart: every message and AutoCount document exactly once", async () => {
    const owner = await makeUser();
    const shopId = (await makeShop(owner.id)).id;
    await onPlan(shopId, "growth");
    await syncToAutoCountSandbox({ userId: owner.id, shopId });
    sandbox.autocount.rateLimit.limit = 100_000;
    const product = await makeProduct(shopId, owner.id, { title: "Kopi Tenom", price: "12.50", stock: 1_000, status: "active" });
    const variantId = (await getProduct(shopId, product.productId))!.variants[0].id;
    let paid = 0;
    const order = async (i: number) => {
      // Orders tried while PostgreSQL is away fail like a buyer's request would; the rest are paid.
      await makeOrder(shopId, { lines: [{ variantId, quantity: 1 }], phone: i % 2 ? null : "+60123456789", email: `buyer${i}@example.com` })
        .then(() => paid++)
        .catch(() => {});
    };
    let i = 0;
    const some = async (n: number) => {
      for (const end = i + n; i < end; i++) await order(i);
    };
    await some(3);
    app.workers.kill("SIGKILL");
    await some(3);
    await redis.stop();
    redis = await startRedis({ dataDir: path.join(tmp, "redis"), port: redis.port });
    await some(3);
    await pg.stop();
    await startPg();
    await until(async () => (await readyz()) === 200);
    await some(3);
    app.web.kill("SIGKILL");
    await some(3);
    expect(paid).toBeGreaterThanOrEqual(12);
    await until(async () => {
      const rows = await asPlatform((tx) => tx.select().from(schema.outbox).where(eq(schema.outbox.shopId, shopId)));
      return rows.length > 0 && rows.every((r) => r.finishedAt !== null);
    }, 180_000);
    const expected = await committedDeliveries(shopId, { autocount: true });
    expect(expected.autocount.length).toBe(paid * 3); // one invoice, receipt and knock-off per paid order
    expect(expected.whatsapp.length + expected.email.length).toBe(paid * 2); // the customer and the owner
    const audit = await auditDeliveries(sandbox.url, expected);
    // Per kind, so a failure names the kind that lost or repeated something.
    const none = { lost: 0, duplicated: 0 };
    expect(audit).toMatchObject({ whatsapp: none, email: none, autocount: none });
  });
});
