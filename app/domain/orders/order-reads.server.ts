/** Reads of one order shared by the admin, the customer's page and the printed documents. */
import { and, asc, eq } from "drizzle-orm";

import { schema, type Tx } from "~db/client";

/** The order and its lines in their order on it, read in the caller's transaction. Undefined: no such order. */
export async function orderWithLines(tx: Tx, shopId: string, orderId: string) {
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  if (!order) return undefined;
  const lines = await tx
    .select()
    .from(schema.orderLines)
    .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)))
    .orderBy(asc(schema.orderLines.position));
  return { order, lines };
}
