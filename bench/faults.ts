/**
 * `npm run bench:faults [-- --seconds 60 --rate 4]`: paid orders keep coming (`--rate` a second,
 * each paid through the one paid hook, markOrderPaid, which commits the customer's WhatsApp
 * message and the outbox rows) while the web and worker processes (the production build, under
 * npm start's supervisor) are killed with SIGKILL, Redis (without persistence) is restarted
 * empty and every application connection to PostgreSQL is terminated, one fault every few
 * seconds in turn. Then it waits for the outbox to drain and checks every WhatsApp message the
 * orders committed was sent exactly once (the Wassenger sandbox's inbox, by reference) and that
 * no stock went below zero. Prints
 * `faults: orders=<n> paid=<n> lost=<n> duplicated=<n> oversold=<n> max_recovery_s=<n>`;
 * recovery: from a fault to the next outbox row finished by the workers.
 * Its own PostgreSQL cluster and Redis (both restarted or cut here), never configured ones.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import postgres from "postgres";

import { startSandbox } from "../sandbox/server";
import { buildIfStale, startAppProcesses } from "../scripts/app-processes";
import { freePort, LOCAL_S3_CREDENTIALS, startPostgres, startRedis, startS3 } from "../scripts/services";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" }, rate: { type: "string", default: "4" } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);

const run = randomBytes(3).toString("hex");
const tmp = path.join(os.tmpdir(), `netshop-bench-faults-${run}`);
const pg = await startPostgres({ dataDir: path.join(tmp, "pg"), password: `pw-${run}` });
let redis = await startRedis({ dataDir: path.join(tmp, "redis") });
const redisPort = redis.port;
const s3 = await startS3({ dataDir: path.join(tmp, "s3"), buckets: ["netshop-bench"] });
const webPort = await freePort();
const secret = randomBytes(16).toString("hex");
const sandbox = await startSandbox({
  wassengerWebhook: { url: `http://127.0.0.1:${webPort}/webhooks/wassenger/${secret}`, secret },
});
Object.assign(process.env, {
  NODE_ENV: "production",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
  DATABASE_URL: pg.url,
  DB_ROLE_PASSWORD: `roles-${run}`,
  REDIS_URL: redis.url,
  SANDBOX_URL: sandbox.url,
  S3_ENDPOINT: s3.url,
  S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
  S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  S3_FORCE_PATH_STYLE: "true",
  S3_BUCKET: "netshop-bench",
  MEDIA_PUBLIC_BASE_URL: `${s3.url}/netshop-bench`,
  QUEUE_PREFIX: `benchfaults${run}`,
  SESSION_SECRET: randomBytes(32).toString("hex"),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
  WASSENGER_WEBHOOK_SECRET: secret,
  PORT: String(webPort),
  PUBLIC_URL: `http://127.0.0.1:${webPort}`,
  PASSWORD_HASH_COST: "10",
  OUTBOX_RECONCILE_MS: "1000",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
});
const { migrateDatabase } = await import("../db/migrate");
await migrateDatabase({ ownerUrl: pg.url, rolePassword: process.env.DB_ROLE_PASSWORD });
buildIfStale();

const { makeUser, makeShop } = await import("../tests/helpers/factories");
const { makeProduct } = await import("../tests/helpers/catalog");
const { makeOrder } = await import("../tests/helpers/orders");
const { closeDatabase } = await import("~db/client");
const { closeRedis } = await import("~/lib/redis.server");
const { installProcessGuards } = await import("~/lib/process-guards.server");
// This process's own pools are cut too: it rides them out like the app does.
installProcessGuards();

const owner = await makeUser();
const shopId = (await makeShop(owner.id)).id;
const product = await makeProduct(shopId, owner.id, { title: "Kopi Tenom", price: "12.50", stock: 100_000, status: "active" });
const ownerSql = postgres(pg.url, { max: 2, onnotice: () => {} });
const [variant] = await ownerSql<{ id: string }[]>`select id from variants where product_id = ${product.productId}`;

const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"));
const app = startAppProcesses({ env, logDir: path.join(tmp, "logs"), restart: true });
await app.ready;
console.error(`bench:faults: web and workers ready; ${seconds} s of orders at ${rate}/s with faults`);

// Orders, paid through markOrderPaid (makeOrder's default), each in its own transaction.
let attempts = 0;
let stopOrders = false;
const orders = (async () => {
  while (!stopOrders) {
    attempts++;
    await makeOrder(shopId, { lines: [{ variantId: variant.id, quantity: 1 }], phone: "+60123456789" }).catch(() => {});
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
})();

// Faults, in turn.
const faults: Array<{ name: string; at: number }> = [];
const inject: Array<[string, () => Promise<void>]> = [
  ["kill -9 workers", async () => void app.workers.kill("SIGKILL")],
  ["kill -9 web", async () => void app.web.kill("SIGKILL")],
  [
    "Redis restarted empty",
    async () => {
      await redis.stop();
      redis = await startRedis({ dataDir: path.join(tmp, "redis"), port: redisPort });
    },
  ],
  [
    "PostgreSQL connections terminated",
    async () => {
      await ownerSql`select pg_terminate_backend(pid) from pg_stat_activity
                      where datname = current_database() and application_name like 'netshop-%'`;
    },
  ],
];
const every = (seconds * 1000) / (inject.length * 2 + 1);
const end = Date.now() + seconds * 1000;
for (let i = 0; Date.now() + every < end; i++) {
  await new Promise((r) => setTimeout(r, every));
  const [name, act] = inject[i % inject.length];
  faults.push({ name, at: Date.now() });
  console.error(`bench:faults: ${name}`);
  await act().catch((error) => console.error(`bench:faults: ${name} failed: ${(error as Error).message}`));
}
await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
stopOrders = true;
await orders;

// Drain: every outbox row finished (or nothing moved for 120 s).
let last = { left: -1, at: Date.now() };
for (;;) {
  const [{ n }] = await ownerSql<{ n: number }[]>`select count(*)::int as n from outbox where finished_at is null`;
  if (n === 0) break;
  if (n !== last.left) last = { left: n, at: Date.now() };
  else if (Date.now() - last.at > 120_000) break;
  await new Promise((r) => setTimeout(r, 500));
}

const [{ paid }] = await ownerSql<{ paid: number }[]>`select count(*)::int as paid from orders where payment_status = 'paid'`;
const messages = await ownerSql<{ id: string }[]>`select id from messages where channel = 'whatsapp'`;
const inbox = (await (await fetch(`${sandbox.url}/wassenger/inbox.json`)).json()) as { messages: Array<{ reference: string }> };
const sends = new Map<string, number>();
for (const m of inbox.messages) sends.set(m.reference, (sends.get(m.reference) ?? 0) + 1);
const lost = messages.filter((m) => !sends.has(m.id)).length;
const duplicated = messages.filter((m) => (sends.get(m.id) ?? 0) > 1).length;
const [{ oversold }] = await ownerSql<{ oversold: number }[]>`select count(*)::int as oversold from inventory_levels where on_hand < 0`;
// Recovery: from each fault to the first outbox row the workers finished after it.
let maxRecovery = 0;
for (const fault of faults) {
  const [{ first }] = await ownerSql<{ first: Date | null }[]>`
    select min(finished_at) as first from outbox where finished_at > ${new Date(fault.at)}`;
  if (first) maxRecovery = Math.max(maxRecovery, (first.getTime() - fault.at) / 1000);
}
console.log(
  `faults: orders=${attempts} paid=${paid} lost=${lost} duplicated=${duplicated} oversold=${oversold} max_recovery_s=${maxRecovery.toFixed(1)} messages=${messages.length} faults=${faults.length}`,
);

await app.stop();
await ownerSql.end();
await closeRedis();
await closeDatabase();
await sandbox.close();
await redis.stop();
await s3.stop();
await pg.stop();
