import { withShop } from "~db/client";
import { planUsage } from "~/domain/billing/plans.server";

/** Media storage the shop uses, and its plan's limit (null: none). */
export async function shopStorage(shopId: string): Promise<{ used: number; limit: number | null; plan: string }> {
  const usage = await withShop(shopId, (tx) => planUsage(tx, shopId));
  return { used: usage.storageBytes, limit: usage.plan.storageLimitBytes, plan: usage.plan.name };
}

/** The plan and how much of it the shop uses, for the catalog pages. */
export async function catalogUsage(shopId: string) {
  const usage = await withShop(shopId, (tx) => planUsage(tx, shopId));
  return {
    plan: usage.plan.name,
    products: usage.products,
    productLimit: usage.plan.productLimit,
    storageBytes: usage.storageBytes,
    storageLimit: usage.plan.storageLimitBytes,
  };
}
