/**
 * A merchant opens a shop:
 *   1. The shop and its owner's membership (shops area), audited — one transaction of its own.
 *   2. Its subscription starts: 14 days of Growth, no payment details (billing area).
 */
import type { RequestInfo } from "~/domain/audit/audit.server";
import { startTrial } from "~/domain/billing/subscriptions.server";
import { createShop, type CreateShopResult } from "~/domain/shops/shops.server";
import { withShop } from "~db/client";

export async function openShop(
  userId: string,
  form: Record<string, unknown>,
  request: RequestInfo,
  now: Date = new Date(),
): Promise<CreateShopResult> {
  const result = await createShop(userId, form, request);
  if (result.ok) await withShop(result.shop.id, (tx) => startTrial(tx, result.shop.id, now));
  return result;
}
