/**
 * The worker process: the outbox dispatcher and every queue's processors. Scale out by running
 * more of these against the same Redis and PostgreSQL. `npm run workers`.
 */
import type { Worker } from "bullmq";

import { config, ConfigError } from "~/config.server";
import { outboxFinishesWritten } from "~/domain/jobs/outbox.server";
import { SYNC_SCHEDULERS_ID, syncAllReportSchedulers } from "~/domain/reports/schedule.server";
import { closeStorage } from "~/integrations/storage.server";
import { logger } from "~/lib/logger.server";
import { installProcessGuards } from "~/lib/process-guards.server";
import { closeRedis, queue, redis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { startAccountingWorker } from "./accounting";
import { startAiCopyWorker } from "./ai-copy";
import { startKlingWorkers } from "./ai-media";
import { startCatalogCsvWorker } from "./catalog-csv";
import { startDropshipWorker } from "./dropship";
import { INTERRUPTED_WORK_SCHEDULER, scheduleMaintenance, startMaintenanceWorker } from "./maintenance";
import { startMediaWorker } from "./media";
import { startNotifyWorker } from "./notify";
import { OutboxDispatcher } from "./outbox-dispatcher";
import { OutboxReconciler } from "./outbox-reconciler";
import { startPrivacyWorker } from "./privacy";
import { startProbeWorker } from "./probe";
import { startReportsWorker } from "./reports";

/** The job schedulers live in Redis: true while Redis still has them (a cheap probe). */
async function schedulersPresent(): Promise<boolean> {
  const [maintenance, sweeper, reports] = await Promise.all([
    queue("maintenance").getJobScheduler("expire-orders"),
    queue("maintenance").getJobScheduler(INTERRUPTED_WORK_SCHEDULER),
    queue("reports").getJobScheduler(SYNC_SCHEDULERS_ID),
  ]);
  return Boolean(maintenance && sweeper && reports);
}

async function assertSchedulers(): Promise<void> {
  await scheduleMaintenance();
  // Daily-report schedulers live in Redis; make sure every shop has its own (hourly thereafter).
  await syncAllReportSchedulers().catch((error) =>
    logger().warn({ err: error }, "daily-report schedulers not synced; the hourly job retries"),
  );
}

export async function startWorkers(options: { reconcileEveryMs?: number } = {}): Promise<{ stop(): Promise<void> }> {
  const dispatcher = new OutboxDispatcher();
  await dispatcher.start();
  // Work Redis lost is dispatched again; schedulers Redis lost are re-created (not only at start).
  const reconciler = new OutboxReconciler({
    everyMs: options.reconcileEveryMs ?? config().OUTBOX_RECONCILE_MS,
    onRequeue: () => dispatcher.wake(),
    schedulersPresent,
    restoreSchedulers: assertSchedulers,
  });
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
    startProbeWorker(),
  ];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  await assertSchedulers();
  reconciler.start();
  // Redis came back after a disconnect (ioredis reconnected; perhaps a restart without
  // persistence or a failover): reconcile at once instead of at the next pass.
  const client = redis();
  let disconnected = false;
  const onClose = () => (disconnected = true);
  const onReady = () => {
    if (!disconnected) return;
    disconnected = false;
    logger().info("Redis is back: checking what it lost");
    reconciler.wake();
    dispatcher.wake();
  };
  client.on("close", onClose);
  client.on("ready", onReady);
  return {
    async stop() {
      client.off("close", onClose);
      client.off("ready", onReady);
      await reconciler.stop();
      await dispatcher.stop();
      // close() waits for active jobs to finish; then their outbox rows are written.
      await Promise.all(workers.map((w) => w.close()));
      await outboxFinishesWritten();
    },
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("workers/main.ts");
if (isMain) {
  process.env.NETSHOP_PROCESS ??= "workers";
  installProcessGuards();
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
