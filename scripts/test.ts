/**
 * `npm test [-- filters]`: everything, on throw-away services.
 *
 * Starts PostgreSQL (embedded, in a temp dir), Redis and an S3-protocol store unless
 * DATABASE_URL / REDIS_URL / S3_ENDPOINT are given (a given PostgreSQL gets a fresh database
 * that is dropped afterwards; a given Redis gets a unique queue prefix), starts the provider
 * sandbox, migrates, builds the app, then runs vitest in two phases:
 *   1. unit and integration tests (tests/unit, tests/integration), in parallel;
 *   2. end-to-end tests (tests/e2e) in Chromium against the real web and worker processes.
 * Stops what it started. Filters are passed to vitest (e.g. `npm test -- tenancy`).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { browserUploadCorsXml } from "../app/integrations/storage.server";
import { startSandbox } from "../sandbox/server";
import { buildIfStale, ROOT, startAppProcesses } from "./app-processes";
import { ensureDatabase, freePort, LOCAL_S3_CREDENTIALS, startPostgres, startRedis, startS3 } from "./services";

const args = process.argv.slice(2);
const stops: Array<() => Promise<void>> = [];
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netshop-test-"));
  fs.chmodSync(tmp, 0o755); // the embedded PostgreSQL runs as 'postgres' when we are root
  stops.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
  const run = randomBytes(4).toString("hex");
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  Object.assign(env, {
    NODE_ENV: "test",
    LOG_LEVEL: env.LOG_LEVEL ?? "warn",
    SESSION_SECRET: randomBytes(32).toString("hex"),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    QUEUE_PREFIX: `test${run}`,
    WASSENGER_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
    TEST_TMP_DIR: tmp,
    // bcrypt at cost 4: the same code paths, without hundreds of cost-12 hashes racing a busy CPU.
    PASSWORD_HASH_COST: env.PASSWORD_HASH_COST ?? "4",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });

  const webPort = await freePort();
  env.PORT = String(webPort);
  env.PUBLIC_URL = `http://127.0.0.1:${webPort}`;

  const services: Promise<void>[] = [];
  if (env.DATABASE_URL) {
    const database = `netshop_test_${run}`;
    const url = new URL(env.DATABASE_URL);
    url.pathname = `/${database}`;
    await ensureDatabase(env.DATABASE_URL, database);
    env.DATABASE_URL = url.toString();
    env.DB_ROLE_PASSWORD ??= "netshop-test-roles";
    stops.push(() => dropDatabase(url.toString(), database));
  } else {
    services.push(
      startPostgres({ dataDir: path.join(tmp, "pg"), password: randomBytes(12).toString("hex"), ephemeral: true }).then((pg) => {
        stops.push(pg.stop);
        env.DATABASE_URL = pg.url;
        env.DB_ROLE_PASSWORD = randomBytes(12).toString("hex");
      }),
    );
  }
  if (!env.REDIS_URL) {
    services.push(
      startRedis({ dataDir: path.join(tmp, "redis") }).then((redis) => {
        stops.push(redis.stop);
        env.REDIS_URL = redis.url;
      }),
    );
  }
  if (!env.S3_ENDPOINT) {
    services.push(
      // Browsers upload straight to the store from the app's pages: the bucket allows that origin.
      startS3({ dataDir: path.join(tmp, "s3"), buckets: ["netshop-test"], corsXml: browserUploadCorsXml([env.PUBLIC_URL]) }).then((s3) => {
        stops.push(s3.stop);
        Object.assign(env, {
          S3_ENDPOINT: s3.url,
          S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
          S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
          S3_FORCE_PATH_STYLE: "true",
          S3_BUCKET: "netshop-test",
          MEDIA_PUBLIC_BASE_URL: `${s3.url}/netshop-test`,
        });
      }),
    );
  }
  const sandbox = await startSandbox({
    wassengerWebhook: { url: `${env.PUBLIC_URL}/webhooks/wassenger/${env.WASSENGER_WEBHOOK_SECRET}`, secret: env.WASSENGER_WEBHOOK_SECRET },
  });
  stops.push(sandbox.close);
  env.SANDBOX_URL = sandbox.url;
  await Promise.all(services);

  Object.assign(process.env, env);
  const { migrateDatabase } = await import("../db/migrate");
  await migrateDatabase({ ownerUrl: env.DATABASE_URL, rolePassword: env.DB_ROLE_PASSWORD });
  const build = buildIfStale();
  console.log(`test services ready, migrated${build.built ? `, app built (${build.ms} ms)` : ""} in ${elapsed()}`);

  const filters = args.filter((a) => !a.startsWith("-"));
  const e2eFiles = listTests("tests/e2e").filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  const otherFiles = [...listTests("tests/unit"), ...listTests("tests/integration")].filter(
    (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
  );

  let code = 0;
  if (otherFiles.length > 0) {
    code = await vitest(["--project", "unit", "--project", "integration", ...args], env);
  }
  if (code === 0 && e2eFiles.length > 0) {
    const app = startAppProcesses({ env, logDir: path.join(tmp, "logs") });
    stops.push(app.stop);
    await app.ready;
    console.log(`web and workers running at ${env.PUBLIC_URL} (${elapsed()})`);
    code = await vitest(["--project", "e2e", ...args], { ...env, E2E_BASE_URL: env.PUBLIC_URL, E2E_LOG_DIR: path.join(tmp, "logs") });
    if (code !== 0) printLogs(path.join(tmp, "logs"));
  }
  return code;
}

function listTests(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join(dir, f));
}

function vitest(extra: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      path.join(ROOT, "node_modules", ".bin", "vitest"),
      ["run", "--config", "tests/vitest.config.ts", "--passWithNoTests", ...extra],
      { cwd: ROOT, env: { ...env, NODE_ENV: "test" }, stdio: "inherit" },
    );
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

function printLogs(dir: string) {
  for (const name of ["web", "workers"]) {
    const file = path.join(dir, `${name}.log`);
    if (!fs.existsSync(file)) continue;
    const lines = fs.readFileSync(file, "utf8").trim().split("\n").slice(-15);
    console.error(`--- last lines of ${name}.log ---\n${lines.join("\n")}`);
  }
}

async function dropDatabase(url: string, database: string) {
  const { default: postgres } = await import("postgres");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists "${database}" with (force)`).catch(() => {});
  await sql.end();
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  console.log(`npm test finished in ${elapsed()} (exit ${code})`);
}
process.exit(code);
