/**
 * Services for benchmarks, like `npm start` does it: each one from its URL when configured
 * (DATABASE_URL, REDIS_URL, S3_ENDPOINT), otherwise started locally. The benchmark database
 * lives in .data/bench/postgres and is kept between runs, so the large data set is seeded once.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ROOT } from "../scripts/app-processes";
import { LOCAL_S3_CREDENTIALS, localSecrets, startPostgres, startRedis, startS3 } from "../scripts/services";

export async function benchEnvironment(log: (line: string) => void = (l) => console.error(l)): Promise<{ stop(): Promise<void> }> {
  const stops: Array<() => Promise<void>> = [];
  const env = process.env;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  env.LOG_LEVEL ??= "warn";
  env.NODE_ENV ??= "production";
  const dataDir = path.join(ROOT, ".data", "bench");
  const secrets = localSecrets(dataDir);
  env.SESSION_SECRET ??= secrets.sessionSecret;
  env.DATA_ENCRYPTION_KEY ??= secrets.dataEncryptionKey;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "netshop-bench-"));
  fs.chmodSync(tmp, 0o755);
  stops.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
  if (!env.DATABASE_URL) {
    const pg = await startPostgres({ dataDir: path.join(dataDir, "postgres"), password: secrets.postgresPassword });
    stops.push(pg.stop);
    env.DATABASE_URL = pg.url;
    env.DB_ROLE_PASSWORD ??= secrets.rolePassword;
    log(`PostgreSQL (embedded) for benchmarks, data in .data/bench/postgres`);
  }
  if (!env.REDIS_URL) {
    const redis = await startRedis({ dataDir: path.join(tmp, "redis") });
    stops.push(redis.stop);
    env.REDIS_URL = redis.url;
    env.QUEUE_PREFIX ??= `bench${randomBytes(3).toString("hex")}`;
  }
  if (!env.S3_ENDPOINT) {
    const s3 = await startS3({ dataDir: path.join(tmp, "s3"), buckets: ["netshop-bench"] });
    stops.push(s3.stop);
    Object.assign(env, {
      S3_ENDPOINT: s3.url,
      S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
      S3_BUCKET: "netshop-bench",
      MEDIA_PUBLIC_BASE_URL: `${s3.url}/netshop-bench`,
    });
  }
  // Nothing here sends messages; the configuration only needs to know where the sandbox would be.
  env.SANDBOX_URL ??= "http://127.0.0.1:9";
  const { migrateDatabase } = await import("../db/migrate");
  await migrateDatabase({ ownerUrl: env.DATABASE_URL!, rolePassword: env.DB_ROLE_PASSWORD });
  return {
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => {});
    },
  };
}
