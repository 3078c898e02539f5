import { planUsage } from "~/domain/billing/plans.server";
import { withShop } from "~db/client";

/** Media storage the shop uses, and its plan's limit (null: none). */
export async function shopStorage(shopId: string): Promise<{ used: number; limit: number | null; plan: string }> {
  const usage = await withShop(shopId, (tx) => planUsage(tx, shopId));
  return { used: usage.storageBytes, limit: usage.plan.storageLimitBytes, plan: usage.plan.name };
}
