/**
 * An order's stock through its life, inside the caller's transaction:
 *
 * - reserve (checkout): one conditional UPDATE per variant —
 *   `reserved = reserved + q WHERE on_hand - reserved >= q` — so concurrent checkouts can never
 *   hold more than is on hand; a refused line rolls the whole order back (StockShortage).
 *   Untracked variants hold nothing; tracked variants that allow backorder hold nothing either
 *   (they may sell beyond stock) and are taken off on_hand, down to zero, when paid.
 * - commit (paid, from markOrderPaid): on_hand −= q and reserved −= what this order held, with a
 *   `sold` ledger row; idempotent; works for orders that never reserved.
 * - release (expired or cancelled before payment): gives the held units back; idempotent.
 *
 * orders.stock_state records where the order stands (none → reserved → committed | released);
 * order_lines.reserved_quantity what each line holds. Rows are locked in a fixed order (the
 * order row, then products and levels by id) so concurrent orders never deadlock.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";

import { schema, type Tx } from "~db/client";

import { recordOrderEvent } from "./timeline.server";

export type StockState = "none" | "reserved" | "committed" | "released";

export interface ShortLine {
  variantId: string;
  requested: number;
  available: number;
}

/** Some line could not be reserved: nothing of the order was written (throw to roll back). */
export class StockShortage extends Error {
  constructor(public readonly lines: ShortLine[]) {
    super(`not enough stock for ${lines.map((l) => l.variantId).join(", ")}`);
    this.name = "StockShortage";
  }
}

/**
 * Reserves units for a set of variant quantities (before the order row exists, so the order
 * number's lock is taken after). Returns the units reserved per variant (0 for untracked and
 * backorder variants). Throws StockShortage listing every line that is short.
 */
export async function reserveStock(tx: Tx, items: Array<{ variantId: string; quantity: number }>): Promise<Map<string, number>> {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.variantId, (merged.get(item.variantId) ?? 0) + item.quantity);
  const ids = [...merged.keys()].sort();
  const reserved = new Map<string, number>();
  const short: ShortLine[] = [];
  for (const variantId of ids) {
    const quantity = merged.get(variantId)!;
    const rows = await tx.execute<{ reserved: number }>(sql`
      update ${schema.inventoryLevels} l
         set reserved = l.reserved + ${quantity}, updated_at = now()
        from ${schema.variants} v
       where l.variant_id = ${variantId} and v.shop_id = l.shop_id and v.id = l.variant_id
         and v.track_inventory and not v.allow_backorder
         and l.on_hand - l.reserved >= ${quantity}
      returning l.reserved`);
    if (rows.length > 0) {
      reserved.set(variantId, quantity);
      continue;
    }
    // Not reserved: either nothing to hold (untracked, backorder) or not enough.
    const [info] = await tx
      .select({
        track: schema.variants.trackInventory,
        backorder: schema.variants.allowBackorder,
        onHand: schema.inventoryLevels.onHand,
        held: schema.inventoryLevels.reserved,
      })
      .from(schema.variants)
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(eq(schema.variants.id, variantId));
    if (info && (!info.track || info.backorder)) {
      reserved.set(variantId, 0);
      continue;
    }
    short.push({ variantId, requested: quantity, available: Math.max(0, (info?.onHand ?? 0) - (info?.held ?? 0)) });
  }
  if (short.length) throw new StockShortage(short);
  return reserved;
}

async function lockOrder(tx: Tx, shopId: string, orderId: string) {
  const [order] = await tx
    .select({ stockState: schema.orders.stockState, number: schema.orders.number })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  if (!order) throw new Error(`order ${orderId} not found`);
  return { ...order, stockState: order.stockState as StockState };
}

async function orderLines(tx: Tx, shopId: string, orderId: string) {
  return tx
    .select({
      id: schema.orderLines.id,
      variantId: schema.orderLines.variantId,
      quantity: schema.orderLines.quantity,
      reservedQuantity: schema.orderLines.reservedQuantity,
    })
    .from(schema.orderLines)
    .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)))
    .orderBy(asc(schema.orderLines.variantId));
}

/**
 * Takes a paid order's units off on_hand (and what it held off reserved), with a `sold` ledger
 * row per variant and the product's stock total kept in step. Idempotent. Backorders and orders
 * that never reserved take off at most what is on hand (stock never goes below zero).
 */
export async function commitOrderStock(tx: Tx, shopId: string, orderId: string): Promise<boolean> {
  const order = await lockOrder(tx, shopId, orderId);
  if (order.stockState === "committed") return false;
  const held = order.stockState === "reserved";
  const lines = await orderLines(tx, shopId, orderId);
  const byVariant = new Map<string, { quantity: number; reserved: number }>();
  for (const line of lines) {
    if (!line.variantId) continue;
    const had = byVariant.get(line.variantId) ?? { quantity: 0, reserved: 0 };
    byVariant.set(line.variantId, { quantity: had.quantity + line.quantity, reserved: had.reserved + (held ? line.reservedQuantity : 0) });
  }
  const variantIds = [...byVariant.keys()];
  if (variantIds.length) {
    const variants = await tx
      .select({ id: schema.variants.id, productId: schema.variants.productId, track: schema.variants.trackInventory })
      .from(schema.variants)
      .where(inArray(schema.variants.id, variantIds));
    const tracked = variants.filter((v) => v.track).sort((a, b) => a.productId.localeCompare(b.productId) || a.id.localeCompare(b.id));
    // Lock order as the inventory module: products, then levels.
    const productIds = [...new Set(tracked.map((v) => v.productId))].sort();
    if (productIds.length) {
      await tx
        .select({ id: schema.products.id })
        .from(schema.products)
        .where(inArray(schema.products.id, productIds))
        .orderBy(asc(schema.products.id))
        .for("no key update");
    }
    for (const variant of tracked) {
      const want = byVariant.get(variant.id)!;
      const [level] = await tx
        .select({ onHand: schema.inventoryLevels.onHand, reserved: schema.inventoryLevels.reserved })
        .from(schema.inventoryLevels)
        .where(eq(schema.inventoryLevels.variantId, variant.id))
        .for("update");
      if (!level) continue;
      const sold = Math.min(want.quantity, level.onHand);
      const unreserve = Math.min(want.reserved, level.reserved);
      await tx
        .update(schema.inventoryLevels)
        .set({ onHand: level.onHand - sold, reserved: level.reserved - unreserve, updatedAt: new Date() })
        .where(eq(schema.inventoryLevels.variantId, variant.id));
      if (sold > 0) {
        await tx.insert(schema.inventoryMovements).values({
          shopId,
          variantId: variant.id,
          delta: -sold,
          reason: "sold",
          // The reason ("sold") is worded by the page; the note is only the order number, in any language.
          note: `#${order.number}`,
          onHandAfter: level.onHand - sold,
        });
        await tx
          .update(schema.products)
          .set({ stockOnHand: sql`greatest(coalesce(${schema.products.stockOnHand}, 0) - ${sold}, 0)` })
          .where(eq(schema.products.id, variant.productId));
      }
    }
  }
  await tx
    .update(schema.orders)
    .set({ stockState: "committed" })
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  return true;
}

/** Gives back the units an unpaid order holds. Idempotent: false when it held nothing. */
export async function releaseOrderStock(tx: Tx, shopId: string, orderId: string): Promise<boolean> {
  const order = await lockOrder(tx, shopId, orderId);
  if (order.stockState !== "reserved") return false;
  const lines = await orderLines(tx, shopId, orderId);
  const byVariant = new Map<string, number>();
  for (const line of lines) {
    if (line.variantId && line.reservedQuantity > 0)
      byVariant.set(line.variantId, (byVariant.get(line.variantId) ?? 0) + line.reservedQuantity);
  }
  for (const variantId of [...byVariant.keys()].sort()) {
    const units = byVariant.get(variantId)!;
    await tx.execute(sql`
      update ${schema.inventoryLevels}
         set reserved = reserved - least(${units}, reserved), updated_at = now()
       where variant_id = ${variantId}`);
  }
  await tx
    .update(schema.orders)
    .set({ stockState: "released" })
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  if (byVariant.size) {
    const units = [...byVariant.values()].reduce((a, b) => a + b, 0);
    await recordOrderEvent(tx, {
      shopId,
      orderId,
      type: "stock_released",
      summary: `${units} reserved unit${units === 1 ? "" : "s"} returned to stock`,
      wording: { key: "stockReleased", values: { count: units } },
      data: { units },
    });
  }
  return true;
}
