/**
 * The worker process: the outbox dispatcher and every queue's processors. Scale out by running
 * more of these against the same Redis and PostgreSQL. `npm run workers`.
 */
import type { Worker } from "bullmq";
import { closeDatabase } from "~db/client";
import { config, ConfigError } from "~/config.server";
import { closeStorage } from "~/integrations/storage.server";
import { logger } from "~/lib/logger.server";
import { closeRedis } from "~/lib/redis.server";
import { startAiCopyWorker } from "./ai-copy";
import { startKlingWorkers } from "./ai-media";
import { startAccountingWorker } from "./accounting";
import { startCatalogCsvWorker } from "./catalog-csv";
import { startDropshipWorker } from "./dropship";
import { startMediaWorker } from "./media";
import { startNotifyWorker } from "./notify";
import { scheduleMaintenance, startMaintenanceWorker } from "./maintenance";
import { OutboxDispatcher } from "./outbox-dispatcher";
import { startPrivacyWorker } from "./privacy";
import { startReportsWorker } from "./reports";
import { syncAllReportSchedulers } from "~/domain/reports/schedule.server";

export async function startWorkers(): Promise<{ stop(): Promise<void> }> {
  const dispatcher = new OutboxDispatcher();
  await dispatcher.start();
  const workers: Worker[] = [
    startNotifyWorker(),
    startMediaWorker(),
    startCatalogCsvWorker(),
    ...(await startKlingWorkers()),
    startMaintenanceWorker(),
    startAiCopyWorker(),
    startAccountingWorker(),
    startReportsWorker(),
    startDropshipWorker(),
    startPrivacyWorker(),
  ];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  await scheduleMaintenance();
  // Daily-report schedulers live in Redis; make sure every shop has its own (hourly thereafter).
  await syncAllReportSchedulers().catch((error) =>
    logger().warn({ err: error }, "daily-report schedulers not synced; the hourly job retries"),
  );
  return {
    async stop() {
      await dispatcher.stop();
      // close() waits for active jobs to finish.
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("workers/main.ts");
if (isMain) {
  process.env.NETSHOP_PROCESS ??= "workers";
  try {
    config();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const running = await startWorkers();
  logger().info("workers running");
  process.send?.({ type: "ready" });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "workers shutting down: finishing active jobs");
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await running.stop();
    closeStorage();
    await Promise.allSettled([closeDatabase(), closeRedis()]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
