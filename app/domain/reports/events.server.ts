/**
 * First-party storefront analytics for the dashboard's funnel (visits → carts → checkouts →
 * orders). Recorded only when the visitor allowed analytics (the consent cookie says "all");
 * nothing identifying is kept: the kind, the path and the time.
 */
import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";

import { analyticsAllowed } from "~/lib/consent.server";
import { logger } from "~/lib/logger.server";
import { schema, type Tx, withShop } from "~db/client";

export type StorefrontEventKind = (typeof schema.storefrontEventKindEnum.enumValues)[number];

/** Records one event when the visitor consented; returns whether it did. Never fails the page. */
export async function recordStorefrontEvent(
  request: Request,
  shopId: string,
  kind: StorefrontEventKind,
  extra: { orderId?: string } = {},
): Promise<boolean> {
  if (!(await analyticsAllowed(request))) return false;
  try {
    const path = new URL(request.url).pathname.slice(0, 300);
    // The time is the application's clock (not the database default), so tests can set it to either side of a shop's midnight.
    await withShop(shopId, (tx) =>
      tx.insert(schema.storefrontEvents).values({ shopId, kind, path, orderId: extra.orderId ?? null, createdAt: new Date() }),
    );
    return true;
  } catch (error) {
    logger().warn({ err: error, shopId, kind }, "storefront event not recorded");
    return false;
  }
}

export async function eventCounts(tx: Tx, shopId: string, start: SQL, end: SQL): Promise<Record<StorefrontEventKind, number>> {
  const e = schema.storefrontEvents;
  const rows = await tx
    .select({ kind: e.kind, n: sql<number>`count(*)::int` })
    .from(e)
    .where(and(eq(e.shopId, shopId), gte(e.createdAt, start), lt(e.createdAt, end)))
    .groupBy(e.kind);
  const out = { visit: 0, cart: 0, checkout: 0, order: 0 };
  for (const r of rows) out[r.kind] = Number(r.n);
  return out;
}
