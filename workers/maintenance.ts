import { deleteStaleCarts } from "~/domain/checkout/cart.server";
import { expireDueOrders } from "~/domain/orders/expiry.server";
import { queue } from "~/lib/redis.server";
import { startProcessor } from "./processor";

/** Housekeeping on the `maintenance` queue: unpaid orders expire (every minute); old anonymous carts go (daily). */
export function startMaintenanceWorker() {
  return startProcessor(
    "maintenance",
    {
      "expire-orders": async () => ({ expired: await expireDueOrders() }),
      "sweep-carts": async () => ({ deleted: await deleteStaleCarts() }),
    },
    { concurrency: 1 },
  );
}

/**
 * The repeating jobs, as BullMQ job schedulers: stored in Redis, so they survive restarts, and
 * upserted (not duplicated) by every worker process that starts.
 */
export async function scheduleMaintenance(): Promise<void> {
  await queue("maintenance").upsertJobScheduler("expire-orders", { every: 60_000 }, { name: "expire-orders", data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } });
  await queue("maintenance").upsertJobScheduler("sweep-carts", { every: 24 * 3600_000 }, { name: "sweep-carts", data: {}, opts: { removeOnComplete: 30, removeOnFail: 100 } });
}
