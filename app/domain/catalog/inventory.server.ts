/**
 * Stock on hand and its ledger. This module is the only writer of inventory_levels.on_hand:
 * every change is one statement that updates the level and appends the ledger row with the
 * balance after it, so the two cannot disagree, and concurrent changes never lose an update
 * (the UPDATE takes the row lock and re-reads the latest committed value).
 *
 * Lock order, to stay free of deadlocks with product saves: the product row first (its
 * stock_on_hand total is updated in the same transaction), then the level row.
 *
 * For checkout (later): reservations change `reserved` with one conditional UPDATE
 * (`on_hand - reserved >= qty`), and a paid order records a `sold` movement here.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";

import { coded, type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { isUuid, uuidField } from "~/lib/ids";
import { pgConstraint, schema, type Tx, withShop } from "~db/client";

import { ADJUSTMENT_REASONS, type InventoryReason } from "./catalog-rules";

export class InventoryError extends Error {
  constructor(
    message: string,
    public readonly code: "not-found" | "untracked" | "insufficient",
    /** The variant's title, for the refusal's words. */
    public readonly variant = "",
  ) {
    super(message);
    this.name = "InventoryError";
  }
}

export type Adjustment = { variantId: string; reason: InventoryReason; note?: string | null; actorUserId?: string | null } & (
  { delta: number } | { setTo: number }
);

/** Applies one stock change; returns the new on-hand quantity. Runs inside the caller's withShop. */
export async function adjustInventory(tx: Tx, shopId: string, adjustment: Adjustment): Promise<{ onHand: number; delta: number }> {
  const [variant] = await tx
    .select({ productId: schema.variants.productId, track: schema.variants.trackInventory, title: schema.variants.title })
    .from(schema.variants)
    .where(eq(schema.variants.id, adjustment.variantId));
  if (!variant) throw new InventoryError("That variant does not exist.", "not-found");
  if (!variant.track) {
    throw new InventoryError(`Turn on "Track inventory" for ${variant.title} before adjusting its stock.`, "untracked", variant.title);
  }
  // The product row first (lock order), then the level row.
  await tx.execute(sql`select 1 from ${schema.products} where ${schema.products.id} = ${variant.productId} for no key update`);
  let delta: number;
  if ("setTo" in adjustment) {
    const [level] = await tx
      .select({ onHand: schema.inventoryLevels.onHand })
      .from(schema.inventoryLevels)
      .where(eq(schema.inventoryLevels.variantId, adjustment.variantId))
      .for("update");
    delta = adjustment.setTo - (level?.onHand ?? 0);
    if (delta === 0) return { onHand: adjustment.setTo, delta: 0 };
  } else {
    delta = adjustment.delta;
  }
  if (!Number.isInteger(delta) || delta === 0) throw new Error("an inventory change needs a non-zero whole delta");

  let onHand: number;
  try {
    const rows = await tx.execute<{ on_hand_after: number }>(sql`
      with level as (
        update ${schema.inventoryLevels}
           set on_hand = on_hand + ${delta}, updated_at = now()
         where variant_id = ${adjustment.variantId}
        returning on_hand
      )
      insert into ${schema.inventoryMovements} (shop_id, variant_id, delta, reason, note, actor_user_id, on_hand_after)
      select ${shopId}, ${adjustment.variantId}, ${delta}, ${adjustment.reason}, ${adjustment.note ?? null}, ${adjustment.actorUserId ?? null}, on_hand
        from level
      returning on_hand_after`);
    if (rows.length === 0) throw new InventoryError("That variant has no stock record.", "not-found");
    onHand = rows[0].on_hand_after;
  } catch (error) {
    if (pgConstraint(error) === "inventory_levels_on_hand_check") {
      throw new InventoryError(
        `${variant.title}: that would take stock below zero. Remove at most what is on hand.`,
        "insufficient",
        variant.title,
      );
    }
    throw error;
  }
  await tx
    .update(schema.products)
    .set({ stockOnHand: sql`coalesce(${schema.products.stockOnHand}, 0) + ${delta}` })
    .where(eq(schema.products.id, variant.productId));
  return { onHand, delta };
}

/**
 * Sets products.stock_on_hand from its variants (after variants were added, removed or their
 * tracking changed). The caller holds the product row lock.
 */
export async function recomputeProductStock(tx: Tx, productId: string): Promise<void> {
  await tx.execute(sql`
    update ${schema.products} p
       set stock_on_hand = (
         select case when count(*) filter (where v.track_inventory) = 0 then null
                     else coalesce(sum(l.on_hand) filter (where v.track_inventory), 0)::int end
           from ${schema.variants} v
           left join ${schema.inventoryLevels} l on l.shop_id = v.shop_id and l.variant_id = v.id
          where v.product_id = p.id)
     where p.id = ${productId}`);
}

/** The latest ledger rows of a product's variants, newest first. */
export async function productLedger(tx: Tx, productId: string, limit = 30) {
  return tx
    .select({
      id: schema.inventoryMovements.id,
      variantTitle: schema.variants.title,
      delta: schema.inventoryMovements.delta,
      reason: schema.inventoryMovements.reason,
      note: schema.inventoryMovements.note,
      onHandAfter: schema.inventoryMovements.onHandAfter,
      actorName: schema.users.name,
      createdAt: schema.inventoryMovements.createdAt,
    })
    .from(schema.inventoryMovements)
    .innerJoin(
      schema.variants,
      and(eq(schema.variants.shopId, schema.inventoryMovements.shopId), eq(schema.variants.id, schema.inventoryMovements.variantId)),
    )
    .leftJoin(schema.users, eq(schema.users.id, schema.inventoryMovements.actorUserId))
    .where(eq(schema.variants.productId, productId))
    .orderBy(desc(schema.inventoryMovements.createdAt), desc(schema.inventoryMovements.id))
    .limit(limit);
}

/** Variants whose on_hand differs from the sum of their ledger (should be none, ever). */
export async function ledgerDrift(tx: Tx) {
  const rows = await tx.execute<{ variant_id: string; on_hand: number; ledger: number }>(sql`
    select l.variant_id, l.on_hand, coalesce(sum(m.delta), 0)::int as ledger
      from ${schema.inventoryLevels} l
      left join ${schema.inventoryMovements} m on m.shop_id = l.shop_id and m.variant_id = l.variant_id
     group by l.variant_id, l.on_hand
    having l.on_hand <> coalesce(sum(m.delta), 0)`);
  return [...rows];
}

const AdjustSchema = z.object({
  variantId: uuidField("stockVariantChoice"),
  delta: z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,7}$/, "stockDelta")
    .transform(Number)
    .refine((n) => n !== 0, "stockDeltaZero"),
  reason: z.enum(ADJUSTMENT_REASONS, { error: "stockReasonChoice" }),
  note: z.string().trim().max(200, "maxChars").optional(),
});

/** Refusals are coded (`catalog:fieldErrors.`): the page words them. */
export type AdjustResult = { ok: true; onHand: number } | { ok: false; errors: CodedErrors };

const INVENTORY_PROBLEMS = { "not-found": "stockVariantGone", untracked: "stockUntracked", insufficient: "stockBelowZero" } as const;

/** A person's stock adjustment on one of a product's variants (undefined: no such product or variant). */
export async function adjustStock(
  shopId: string,
  productId: string,
  form: Record<string, unknown>,
  actorUserId: string,
): Promise<AdjustResult | undefined> {
  if (!isUuid(productId)) return undefined;
  const parsed = AdjustSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "catalog:fieldErrors.") };
  const { variantId, delta, reason, note } = parsed.data;
  try {
    return await withShop(shopId, async (tx) => {
      const [variant] = await tx
        .select({ id: schema.variants.id })
        .from(schema.variants)
        .where(and(eq(schema.variants.id, variantId), eq(schema.variants.productId, productId)));
      if (!variant) return undefined;
      const { onHand } = await adjustInventory(tx, shopId, { variantId, delta, reason, note: note || null, actorUserId });
      return { ok: true as const, onHand };
    });
  } catch (error) {
    if (error instanceof InventoryError)
      return { ok: false, errors: { delta: coded(`catalog:fieldErrors.${INVENTORY_PROBLEMS[error.code]}`, { variant: error.variant }) } };
    throw error;
  }
}

/** The product's recent stock changes, for its editor. */
export async function productStockHistory(shopId: string, productId: string, limit = 30) {
  if (!isUuid(productId)) return [];
  return withShop(shopId, (tx) => productLedger(tx, productId, limit));
}
