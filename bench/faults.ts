/**
 * `npm run bench:faults [-- --seconds 60 --rate 2]`: buyers keep checking out over HTTP, the
 * way people do (`--rate` new buyers a second, each its own client: the shop's page, add to
 * cart, the checkout form, /pay, the PaySeller sandbox's hosted page, "Pay", back to the shop;
 * the order becomes paid by the gateway's signed callback, retried by the gateway while our web
 * process is down), while the web and worker processes (the production build, under npm start's
 * supervisor) are killed with SIGKILL, Redis (without persistence) is restarted empty and every
 * application connection to PostgreSQL is terminated, one fault every few seconds in turn. A
 * buyer whose page fails reloads it, as a person would. Then it waits for the payments and the
 * outbox to drain and counts, per kind of side effect, what the shop's records say went out
 * against what the provider sandbox received (tests/helpers/delivery-audit.ts): WhatsApp
 * messages and emails (by our message id, their reference) and AutoCount documents (invoice,
 * receipt, knock-off, by number), each lost (never received) or duplicated (received twice);
 * and that no stock went below zero. Prints
 * `faults: orders=<n> paid=<n> lost=<n> duplicated=<n> oversold=<n> max_recovery_s=<n>` and the
 * per-kind counts; orders: buyers who started; recovery: from a fault to the next outbox row
 * finished by the workers. Its own PostgreSQL cluster and Redis (both cut here), never
 * configured ones.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import postgres from "postgres";

import { startSandbox } from "../sandbox/server";
import { buildIfStale, startAppProcesses } from "../scripts/app-processes";
import { freePort, LOCAL_S3_CREDENTIALS, startPostgres, startRedis, startS3 } from "../scripts/services";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    rate: { type: "string", default: "2" },
    "autocount-rpm": { type: "string", default: "1200" },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);

const run = randomBytes(3).toString("hex");
const tmp = path.join(os.tmpdir(), `netshop-bench-faults-${run}`);
const pg = await startPostgres({ dataDir: path.join(tmp, "pg"), password: `pw-${run}` });
let redis = await startRedis({ dataDir: path.join(tmp, "redis") });
const redisPort = redis.port;
const s3 = await startS3({ dataDir: path.join(tmp, "s3"), buckets: ["netshop-bench"] });
const webPort = await freePort();
const webUrl = `http://127.0.0.1:${webPort}`;
const secret = randomBytes(16).toString("hex");
const sandbox = await startSandbox({
  wassengerWebhook: { url: `${webUrl}/webhooks/wassenger/${secret}`, secret },
  // The gateway keeps retrying its callback while our web process is down (PaySeller: 4 retries
  // over minutes; here sooner, the run is short).
  callbackRetryDelaysMs: [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 60_000],
  autocountRequestsPerMinute: Number(values["autocount-rpm"]),
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
  PUBLIC_URL: webUrl,
  PASSWORD_HASH_COST: "10",
  OUTBOX_RECONCILE_MS: "2000",
  // Recovery from a killed worker is bounded by its jobs' lock plus the stalled check.
  WORKER_LOCK_MS: "10000",
  WORKER_STALLED_CHECK_MS: "5000",
  // One web process (the restarted process is back sooner than a cluster of them).
  WEB_PROCESSES: process.env.WEB_PROCESSES ?? "1",
  // Every buyer is its own client address (X-Forwarded-For from one trusted proxy hop).
  TRUST_PROXY: "1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
});
const { migrateDatabase } = await import("../db/migrate");
await migrateDatabase({ ownerUrl: pg.url, rolePassword: process.env.DB_ROLE_PASSWORD });
buildIfStale();

const { makeUser, makeShop, onPlan } = await import("../tests/helpers/factories");
const { sellable, peninsularRateId, checkoutForm } = await import("../tests/helpers/checkout");
const { FormClient } = await import("../tests/helpers/web");
const { choose } = await import("../tests/helpers/merchant-endpoint");
const { auditDeliveries, committedDeliveries, formatAudit } = await import("../tests/helpers/delivery-audit");
const { savePaymentSettings } = await import("~/domain/orders/payment-settings.server");
const { syncToAutoCountSandbox } = await import("../tests/helpers/accounting");
const { closeDatabase } = await import("~db/client");
const { closeRedis } = await import("~/lib/redis.server");
const { installProcessGuards } = await import("~/lib/process-guards.server");
// This process's own pools are cut too: it rides them out like the app does.
installProcessGuards();

// A shop taking payment through PaySeller (sandbox), booking to AutoCount (sandbox), whose
// owner is told of each paid order by WhatsApp.
const owner = await makeUser();
const shop = await makeShop(owner.id);
await onPlan(shop.id, "growth");
const who = { ip: "127.0.0.1", userAgent: "bench:faults" };
const payments = await savePaymentSettings({ userId: owner.id, shopId: shop.id }, { gateway: "payseller", mode: "sandbox" }, who);
if (!payments.ok) throw new Error(`shop set-up: ${JSON.stringify(payments)}`);
await syncToAutoCountSandbox({ userId: owner.id, shopId: shop.id });
const { variantId } = await sellable(shop.id, owner.id, { stock: 100_000, price: "12.50", title: "Kopi Tenom" });
const rateId = await peninsularRateId(shop.id);
const ownerSql = postgres(pg.url, { max: 2, onnotice: () => {} });

const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"));
const app = startAppProcesses({ env, logDir: path.join(tmp, "logs"), restart: true });
await app.ready;
console.error(`bench:faults: web and workers ready; ${seconds} s of buyers at ${rate}/s with faults (logs in ${tmp}/logs)`);

/** A step of a buyer's visit: a failed page (connection refused, 5xx) is reloaded, a second apart, for up to two minutes. */
async function reloading(step: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let failure = "";
    const res = await step().catch(
      (error: Error) => void (failure = `${error.message}: ${(error.cause as Error | undefined)?.message ?? ""}`),
    );
    if (res && res.status < 500) return res;
    if (attempt >= 120) throw new Error(`gave up after ${attempt} tries (${res?.status ?? failure})`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** One buyer's visit: shop → cart → checkout → /pay → the gateway's hosted page → Pay → back to the shop. */
async function buyer(n: number): Promise<void> {
  const client = new FormClient(webUrl);
  client.forwardedFor = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const base = `/s/${shop.slug}`;
  await reloading(() => client.get(base));
  await reloading(() => client.post(`${base}/cart`, { intent: "add", variantId, quantity: "1" }));
  await reloading(() => client.get(`${base}/checkout`));
  // Half give a WhatsApp number (told by WhatsApp), half only an email address (told by email).
  const form = checkoutForm(rateId, n % 2 ? { phone: `+6012${String(1_000_000 + n).slice(-7)}` } : {});
  const placed = await reloading(() => client.post(`${base}/checkout`, { ...form, intent: "place" }));
  const pay = placed.headers.get("location");
  if (!pay?.endsWith("/pay")) throw new Error(`checkout answered ${placed.status} ${pay ?? ""}`);
  const hosted = (await reloading(() => client.get(pay))).headers.get("location");
  if (!hosted) throw new Error("/pay did not send the buyer to the gateway");
  const { response } = await choose(hosted, "paid");
  const back = response.headers.get("location");
  if (back) await reloading(() => client.get(new URL(back).pathname + new URL(back).search));
}

let buyers = 0;
let abandoned = 0;
let stopBuyers = false;
const visits: Array<Promise<void>> = [];
const arrivals = (async () => {
  while (!stopBuyers) {
    const n = ++buyers;
    visits.push(
      buyer(n).catch((error: Error) => {
        abandoned++;
        if (abandoned <= 5) console.error(`bench:faults: buyer ${n} gave up: ${error.message}`);
      }),
    );
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
stopBuyers = true;
await arrivals;
await Promise.all(visits);

// Drain: every payment the gateway took is paid here (its callback got through), and every
// outbox row is finished; or nothing moved for 180 s.
const gatewayPaid = () => [...sandbox.payseller.payments.values()].filter((p) => p.status === "paid").length;
let last = { state: "", at: Date.now() };
for (;;) {
  const [{ unfinished }] = await ownerSql<
    { unfinished: number }[]
  >`select count(*)::int as unfinished from outbox where finished_at is null`;
  const [{ paid }] = await ownerSql<{ paid: number }[]>`select count(*)::int as paid from orders where payment_status = 'paid'`;
  if (unfinished === 0 && paid >= gatewayPaid()) break;
  const state = `${unfinished}/${paid}`;
  if (state !== last.state) last = { state, at: Date.now() };
  else if (Date.now() - last.at > 180_000) {
    console.error(`bench:faults: gave up draining: ${unfinished} outbox rows unfinished, ${paid} of ${gatewayPaid()} payments recorded`);
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}

const [{ paid, placed }] = await ownerSql<{ paid: number; placed: number }[]>`
  select count(*) filter (where payment_status = 'paid')::int as paid, count(*)::int as placed from orders`;
const audit = await auditDeliveries(sandbox.url, await committedDeliveries(shop.id, { autocount: true }));
const kinds = Object.values(audit);
const lost = kinds.reduce((sum, k) => sum + k.lost, 0) + Math.max(0, gatewayPaid() - paid);
const duplicated = kinds.reduce((sum, k) => sum + k.duplicated, 0);
const [{ oversold }] = await ownerSql<{ oversold: number }[]>`select count(*)::int as oversold from inventory_levels where on_hand < 0`;
// Recovery: from each fault to the first outbox row the workers finished after it.
let maxRecovery = 0;
for (const fault of faults) {
  const [{ first }] = await ownerSql<{ first: Date | null }[]>`
    select min(finished_at) as first from outbox where finished_at > ${new Date(fault.at)}`;
  if (first) maxRecovery = Math.max(maxRecovery, (first.getTime() - fault.at) / 1000);
}
console.log(
  `faults: orders=${buyers} paid=${paid} lost=${lost} duplicated=${duplicated} oversold=${oversold} max_recovery_s=${maxRecovery.toFixed(1)} placed=${placed} abandoned=${abandoned} faults=${faults.length}`,
);
console.log(`faults by kind: ${formatAudit(audit)} gateway_paid=${gatewayPaid()}`);

await app.stop();
await ownerSql.end();
await closeRedis();
await closeDatabase();
await sandbox.close();
await redis.stop();
await s3.stop();
await pg.stop();
