/**
 * A private stack for one test file: its own database (migrated, on the run's PostgreSQL), its
 * own Redis server and its own provider sandbox. Tests that run workers or the outbox
 * dispatcher, or stop Redis, use one, so no other test file sees their jobs.
 *
 * Call before anything reads the configuration (config() is read once per test file).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";

import { migrateDatabase } from "~db/migrate";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { ensureDatabase, startRedis } from "../../scripts/services";

export interface IsolatedStack {
  databaseUrl: string;
  sandbox: RunningSandbox;
  redisPort: number;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  stop(): Promise<void>;
}

export async function isolatedStack(options: { webhookBaseUrl?: string } = {}): Promise<IsolatedStack> {
  const run = randomBytes(4).toString("hex");
  const base = process.env.DATABASE_URL!;
  const name = `netshop_iso_${run}`;
  await ensureDatabase(base, name);
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migrateDatabase({ ownerUrl: url.toString(), rolePassword: process.env.DB_ROLE_PASSWORD });

  const redisDir = path.join(process.env.TEST_TMP_DIR ?? "/tmp", `redis-${run}`);
  let redis = await startRedis({ dataDir: redisDir });
  const redisPort = redis.port;
  const secret = process.env.WASSENGER_WEBHOOK_SECRET!;
  const sandbox = await startSandbox(
    options.webhookBaseUrl ? { wassengerWebhook: { url: `${options.webhookBaseUrl}/webhooks/wassenger/${secret}`, secret } } : {},
  );
  Object.assign(process.env, {
    DATABASE_URL: url.toString(),
    DATABASE_APP_URL: "",
    DATABASE_PLATFORM_URL: "",
    REDIS_URL: redis.url,
    SANDBOX_URL: sandbox.url,
    QUEUE_PREFIX: `iso${run}`,
  });
  return {
    databaseUrl: url.toString(),
    sandbox,
    redisPort,
    stopRedis: () => redis.stop(),
    startRedis: async () => {
      redis = await startRedis({ dataDir: redisDir, port: redisPort });
    },
    async stop() {
      await sandbox.close();
      await redis.stop();
    },
  };
}
