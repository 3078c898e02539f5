/**
 * Forwarding paid orders to suppliers, and the merchant's prepaid wallet.
 *
 * 1. Checkout snapshots which lines are dropship lines (snapshotDropshipLines).
 * 2. The order-paid flow (forwardOnPaid, once per order) writes a `dropship:forward-order` outbox entry.
 * 3. The job, per supplier of the order, under the merchant's tenant: inserts the forward with the
 *    unique key (shop, order, supplier) — a retry or a duplicate job finds it and goes on from
 *    where it stopped — and charges the wallet for it once (the charge entry is unique per
 *    forward; the debit is one conditional UPDATE, so the balance never goes negative even with
 *    many orders at once). Not enough balance: the forward is held and the merchant alerted.
 * 4. A paid forward is sent: under the SUPPLIER's tenant, a supplier order with the same id
 *    (insert … on conflict do nothing) carrying only the recipient's name, phone and address and
 *    the lines. Then the forward is marked sent.
 *
 * Over ~400 lines (just) because the forwarding steps below are one protocol with the wallet debit.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { adjustInventory } from "~/domain/catalog/inventory.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { noticesT, shopLanguage } from "~/domain/notify/language.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { recordOrderEvent } from "~/domain/orders/timeline.server";
import { type Refusal, refuse } from "~/lib/forms";
import { schema, type Tx, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

import { alertOwner, ownerNotices, supplierVariantsChanged } from "./import.server";

/**
 * What a supplier receives of the order's recipient (and nothing more): name, phone and the
 * shipping address, as the supplier order's columns. Used when forwarding and when a correction
 * is re-sent.
 */
export const supplierRecipient = (address: PostalAddress) => ({
  recipientName: address.name,
  recipientPhone: address.phone ?? null,
  addressLine1: address.line1,
  addressLine2: address.line2 ?? null,
  city: address.city,
  state: address.state,
  postcode: address.postcode,
  country: address.country,
});
/**
 * For checkout, after the order's lines are inserted (same transaction): marks the lines whose
 * variant is linked to a supplier as dropship lines with the supplier, its variant and the cost
 * at this moment, and sets orders.has_dropship. Returns whether the order has dropship lines.
 */
export async function snapshotDropshipLines(tx: Tx, shopId: string, orderId: string): Promise<boolean> {
  await tx.execute(sql`
    update ${schema.orderLines} ol
       set source = 'dropship', supplier_shop_id = l.supplier_shop_id, supplier_variant_id = l.supplier_variant_id, supplier_cost_minor = l.supplier_cost_minor
      from ${schema.dropshipLinks} l
     where l.shop_id = ol.shop_id and l.variant_id = ol.variant_id and ol.shop_id = ${shopId} and ol.order_id = ${orderId}`);
  const [row] = await tx.execute<{ has: boolean }>(sql`
    update ${schema.orders} o set has_dropship = exists(select 1 from ${schema.orderLines} ol where ol.shop_id = o.shop_id and ol.order_id = o.id and ol.source = 'dropship')
     where o.shop_id = ${shopId} and o.id = ${orderId} returning has_dropship as has`);
  return Boolean(row?.has);
}

/** The order-paid flow's step (app/flows/order-paid.server.ts, in its transaction, once per order). */
export async function forwardOnPaid(tx: Tx, shopId: string, orderId: string): Promise<void> {
  const [order] = await tx
    .select({ hasDropship: schema.orders.hasDropship })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  if (!order?.hasDropship) return;
  await enqueueAfterCommit(tx, { queue: "dropship", name: "forward-order", payload: { shopId, orderId }, shopId });
}

/** The `dropship:forward-order` job. Idempotent; safe under duplicates and retries. */
export async function forwardOrder({
  shopId,
  orderId,
}: {
  shopId: string;
  orderId: string;
}): Promise<{ forwards: number; held: number; sent: number }> {
  const plan = await withShop(shopId, async (tx) => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
    if (!order || order.paymentStatus === "unpaid" || order.status === "cancelled") return null;
    const lines = await tx
      .select()
      .from(schema.orderLines)
      .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId), eq(schema.orderLines.source, "dropship")));
    const bySupplier = new Map<string, typeof lines>();
    for (const line of lines) {
      if (!line.supplierShopId) continue;
      bySupplier.set(line.supplierShopId, [...(bySupplier.get(line.supplierShopId) ?? []), line]);
    }
    let held = 0;
    for (const [supplierShopId, supplierLines] of bySupplier) {
      const cost = supplierLines.reduce((sum, l) => sum + (l.supplierCostMinor ?? 0) * l.quantity, 0);
      const [created] = await tx
        .insert(schema.dropshipForwards)
        .values({ shopId, orderId, supplierShopId, currency: order.currency, costTotalMinor: cost })
        .onConflictDoNothing({
          target: [schema.dropshipForwards.shopId, schema.dropshipForwards.orderId, schema.dropshipForwards.supplierShopId],
        })
        .returning();
      if (!created) continue;
      const paid = cost === 0 || (await chargeWallet(tx, shopId, created.id, cost));
      if (paid) {
        await tx
          .update(schema.dropshipForwards)
          .set({ status: "open", payment: "wallet", updatedAt: new Date() })
          .where(eq(schema.dropshipForwards.id, created.id));
      } else {
        held++;
        const message = (await ownerNotices(tx, shopId))("dropship.held", {
          number: order.number,
          amount: `${(cost / 100).toFixed(2)} ${order.currency}`,
        });
        await tx.insert(schema.dropshipAlerts).values({ shopId, kind: "held", message, orderId });
        await alertOwner(tx, shopId, "dropship.held", message);
      }
      await recordOrderEvent(tx, {
        shopId,
        orderId,
        type: "dropship_forwarded",
        summary: paid ? "Dropship lines paid from the wallet and sent to the supplier" : "Dropship lines held: wallet balance too low",
        wording: { key: paid ? "dropshipForwarded" : "dropshipHeld" },
        data: { forwardId: created.id, supplierShopId, costMinor: cost },
      });
    }
    const forwards = await tx
      .select()
      .from(schema.dropshipForwards)
      .where(and(eq(schema.dropshipForwards.orderId, orderId)));
    return { order, lines, forwards, held };
  });
  if (!plan) return { forwards: 0, held: 0, sent: 0 };
  let sent = 0;
  for (const forward of plan.forwards) {
    if (forward.payment === "unpaid" || forward.sentAt) continue;
    await sendForward(shopId, forward.id);
    sent++;
  }
  return { forwards: plan.forwards.length, held: plan.held, sent };
}

/**
 * Takes `amount` from the wallet in one statement that cannot go below zero (the WHERE holds the
 * row lock and re-checks the balance), with its ledger row. The unique charge key per forward
 * makes a second charge for the same forward fail. Returns false when the balance is too low.
 */
async function chargeWallet(tx: Tx, shopId: string, forwardId: string, amount: number): Promise<boolean> {
  const rows = await tx.execute<{ balance: string }>(sql`
    with w as (
      update ${schema.dropshipWallets} set balance_minor = balance_minor - ${amount}, updated_at = now()
       where shop_id = ${shopId} and balance_minor >= ${amount}
      returning balance_minor
    )
    insert into ${schema.dropshipWalletEntries} (shop_id, kind, amount_minor, balance_after_minor, forward_id, note)
    select ${shopId}, 'charge', ${-amount}, balance_minor, ${forwardId}, 'Supplier order' from w
    returning balance_after_minor as balance`);
  return rows.length > 0;
}

/** Creates the supplier's order from a paid forward (idempotent), then marks the forward sent. */
export async function sendForward(shopId: string, forwardId: string): Promise<void> {
  const data = await withShop(shopId, async (tx) => {
    const [forward] = await tx.select().from(schema.dropshipForwards).where(eq(schema.dropshipForwards.id, forwardId));
    if (!forward || forward.payment === "unpaid" || forward.sentAt) return null;
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, forward.orderId)));
    const [shop] = await tx.select({ slug: schema.shops.slug }).from(schema.shops).where(eq(schema.shops.id, shopId));
    const lines = await tx
      .select()
      .from(schema.orderLines)
      .where(
        and(
          eq(schema.orderLines.orderId, forward.orderId),
          eq(schema.orderLines.source, "dropship"),
          eq(schema.orderLines.supplierShopId, forward.supplierShopId),
        ),
      );
    return { forward, order, shop, lines };
  });
  if (!data) return;
  const { forward, order, shop, lines } = data;
  const address = order.shippingAddress;
  if (!address) throw new Error(`order ${order.id} has no shipping address`);
  const supplierLineIds = lines.map((l) => l.supplierVariantId).filter((x): x is string => Boolean(x));
  await withShop(forward.supplierShopId, async (tx) => {
    // The supplier's own titles and SKUs for its variants (the merchant may have renamed the copy).
    const own = supplierLineIds.length
      ? await tx
          .select({ id: schema.variants.id, sku: schema.variants.sku, title: schema.variants.title, product: schema.products.title })
          .from(schema.variants)
          .innerJoin(schema.products, eq(schema.products.id, schema.variants.productId))
          .where(inArray(schema.variants.id, supplierLineIds))
      : [];
    const byId = new Map(own.map((v) => [v.id, v]));
    const [created] = await tx
      .insert(schema.supplierOrders)
      .values({
        shopId: forward.supplierShopId,
        id: forward.id,
        merchantShopId: shopId,
        merchantOrderId: order.id,
        reference: `NS-${shop.slug}-${order.number}`,
        status: "open",
        ...supplierRecipient(address),
        currency: forward.currency,
        costTotalMinor: forward.costTotalMinor,
      })
      .onConflictDoNothing()
      .returning({ id: schema.supplierOrders.id });
    if (!created) return;
    await tx.insert(schema.supplierOrderLines).values(
      lines.map((l) => {
        const v = l.supplierVariantId ? byId.get(l.supplierVariantId) : undefined;
        return {
          shopId: forward.supplierShopId,
          supplierOrderId: forward.id,
          merchantLineId: l.id,
          variantId: l.supplierVariantId,
          title: v?.product ?? l.title,
          variantTitle: v?.title ?? l.variantTitle,
          sku: v?.sku ?? null,
          quantity: l.quantity,
          unitCostMinor: l.supplierCostMinor ?? 0,
        };
      }),
    );
    // The supplier's stock goes down by what was sold (clamped at what it has: a short line is
    // the supplier's to reject), and every merchant selling those variants follows by the sync job.
    const sold = new Map<string, number>();
    for (const l of lines)
      if (l.supplierVariantId && byId.has(l.supplierVariantId))
        sold.set(l.supplierVariantId, (sold.get(l.supplierVariantId) ?? 0) + l.quantity);
    for (const [variantId, quantity] of sold) {
      const [level] = await tx
        .select({ onHand: schema.inventoryLevels.onHand })
        .from(schema.inventoryLevels)
        .where(eq(schema.inventoryLevels.variantId, variantId));
      const take = Math.min(quantity, level?.onHand ?? 0);
      if (take > 0)
        await adjustInventory(tx, forward.supplierShopId, {
          variantId,
          delta: -take,
          reason: "sold",
          note: `Dropship order NS-${shop.slug}-${order.number}`,
        });
    }
    await supplierVariantsChanged(tx, forward.supplierShopId, [...sold.keys()]);
    const [profile] = await tx
      .select({ whatsapp: schema.supplierProfiles.whatsapp })
      .from(schema.supplierProfiles)
      .where(eq(schema.supplierProfiles.shopId, forward.supplierShopId));
    if (profile) {
      await queueMessage(tx, {
        channel: "whatsapp",
        shopId: forward.supplierShopId,
        to: profile.whatsapp,
        purpose: "dropship.new_order",
        // The supplier's number belongs to no account: their shop's language.
        body: noticesT(await shopLanguage(tx, forward.supplierShopId))("dropship.newOrder", {
          reference: `NS-${shop.slug}-${order.number}`,
          count: lines.reduce((n, l) => n + l.quantity, 0),
        }),
      });
    }
  });
  await withShop(shopId, (tx) =>
    tx
      .update(schema.dropshipForwards)
      .set({ sentAt: new Date(), updatedAt: new Date() })
      .where(and(eq(schema.dropshipForwards.id, forwardId), isNull(schema.dropshipForwards.sentAt))),
  );
}

/**
 * A held forward: pay it from the wallet now (after a top-up) or record that the merchant paid the
 * supplier another way ("manual"). Either way it is then sent.
 */
export async function payHeldForward(
  shopId: string,
  forwardId: string,
  how: "wallet" | "manual",
  actor: { userId: string } & RequestInfo,
): Promise<{ ok: true } | Refusal | undefined> {
  const result = await withShop(shopId, async (tx) => {
    const [forward] = await tx.select().from(schema.dropshipForwards).where(eq(schema.dropshipForwards.id, forwardId)).for("update");
    if (!forward) return undefined;
    if (forward.payment !== "unpaid") return { ok: true as const };
    if (how === "wallet" && !(await chargeWallet(tx, shopId, forward.id, forward.costTotalMinor))) {
      return refuse(
        "Your wallet balance is still too low for this supplier order. Top up first, or pay the supplier yourself and mark it paid.",
      );
    }
    await tx
      .update(schema.dropshipForwards)
      .set({ payment: how, status: "open", updatedAt: new Date() })
      .where(eq(schema.dropshipForwards.id, forward.id));
    await tx
      .update(schema.dropshipAlerts)
      .set({ resolvedAt: new Date() })
      .where(
        and(
          eq(schema.dropshipAlerts.orderId, forward.orderId),
          eq(schema.dropshipAlerts.kind, "held"),
          isNull(schema.dropshipAlerts.resolvedAt),
        ),
      );
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: how === "manual" ? "dropship.marked_paid" : "dropship.paid_from_wallet",
      targetType: "order",
      targetId: forward.orderId,
      after: { forwardId },
      ...actor,
    });
    return { ok: true as const };
  });
  if (result?.ok) await sendForward(shopId, forwardId);
  return result;
}

export async function walletSummary(shopId: string) {
  return withShop(shopId, async (tx) => {
    const [wallet] = await tx.select().from(schema.dropshipWallets).where(eq(schema.dropshipWallets.shopId, shopId));
    const [shop] = await tx.select({ currency: schema.shops.currency }).from(schema.shops).where(eq(schema.shops.id, shopId));
    const entries = await tx
      .select()
      .from(schema.dropshipWalletEntries)
      .orderBy(sql`${schema.dropshipWalletEntries.createdAt} desc`)
      .limit(20);
    return { balanceMinor: wallet?.balanceMinor ?? 0, currency: wallet?.currency ?? shop.currency, entries };
  });
}

/** The merchant's supplier orders (forwards) with their order numbers, and open alerts. */
export async function listForwards(shopId: string) {
  return withShop(shopId, async (tx) => {
    const forwards = await tx
      .select({ forward: schema.dropshipForwards, number: schema.orders.number, fulfilmentStatus: schema.orders.fulfilmentStatus })
      .from(schema.dropshipForwards)
      .innerJoin(
        schema.orders,
        and(eq(schema.orders.shopId, schema.dropshipForwards.shopId), eq(schema.orders.id, schema.dropshipForwards.orderId)),
      )
      .orderBy(sql`${schema.dropshipForwards.createdAt} desc`)
      .limit(100);
    const alerts = await tx
      .select()
      .from(schema.dropshipAlerts)
      .where(isNull(schema.dropshipAlerts.resolvedAt))
      .orderBy(sql`${schema.dropshipAlerts.createdAt} desc`)
      .limit(50);
    return { forwards: forwards.map((f) => ({ ...f.forward, number: f.number, fulfilmentStatus: f.fulfilmentStatus })), alerts };
  });
}

export async function dismissAlert(shopId: string, alertId: string): Promise<void> {
  await withShop(shopId, (tx) =>
    tx
      .update(schema.dropshipAlerts)
      .set({ resolvedAt: new Date() })
      .where(and(eq(schema.dropshipAlerts.id, alertId), isNull(schema.dropshipAlerts.resolvedAt))),
  );
}

/**
 * The order-refunded flow calls this when a paid order is cancelled (same transaction): forwards not yet
 * shipped are cancelled, what the wallet paid for them goes back (in this transaction), and a
 * `dropship:forward-cancelled` job tells each supplier. A parcel the supplier already handed to
 * the courier cannot be called back: that forward stays as it is.
 */
export async function cancelOrderForwards(tx: Tx, shopId: string, orderId: string): Promise<number> {
  const cancelled = await tx
    .update(schema.dropshipForwards)
    .set({ status: "cancelled", updatedAt: new Date() })
    .where(and(eq(schema.dropshipForwards.orderId, orderId), sql`${schema.dropshipForwards.status} in ('held', 'open', 'accepted')`))
    .returning();
  for (const forward of cancelled) {
    if (forward.payment === "wallet" && forward.costTotalMinor > 0) {
      const [{ refunded }] = await tx
        .select({ refunded: sql<number>`coalesce(sum(${schema.dropshipWalletEntries.amountMinor}), 0)::bigint` })
        .from(schema.dropshipWalletEntries)
        .where(and(eq(schema.dropshipWalletEntries.forwardId, forward.id), eq(schema.dropshipWalletEntries.kind, "refund")));
      const amount = forward.costTotalMinor - Number(refunded);
      if (amount > 0) {
        await tx.execute(sql`
          with w as (
            update ${schema.dropshipWallets} set balance_minor = balance_minor + ${amount}, updated_at = now() where shop_id = ${shopId} returning balance_minor
          )
          insert into ${schema.dropshipWalletEntries} (shop_id, kind, amount_minor, balance_after_minor, forward_id, note)
          select ${shopId}, 'refund', ${amount}, balance_minor, ${forward.id}, 'Order cancelled' from w`);
      }
    }
    if (forward.sentAt) {
      await enqueueAfterCommit(tx, {
        queue: "dropship",
        name: "forward-cancelled",
        payload: { supplierShopId: forward.supplierShopId, supplierOrderId: forward.id },
        shopId,
      });
    }
  }
  return cancelled.length;
}

/** The `dropship:forward-cancelled` job: the supplier's order is cancelled unless already shipped, and the supplier told. */
export async function supplierOrderCancelled({
  supplierShopId,
  supplierOrderId,
}: {
  supplierShopId: string;
  supplierOrderId: string;
}): Promise<void> {
  await withShop(supplierShopId, async (tx) => {
    const [o] = await tx
      .update(schema.supplierOrders)
      .set({ status: "cancelled", updatedAt: new Date() })
      .where(and(eq(schema.supplierOrders.id, supplierOrderId), sql`${schema.supplierOrders.status} in ('open', 'accepted')`))
      .returning({ reference: schema.supplierOrders.reference });
    if (!o) return;
    const [profile] = await tx
      .select({ whatsapp: schema.supplierProfiles.whatsapp })
      .from(schema.supplierProfiles)
      .where(eq(schema.supplierProfiles.shopId, supplierShopId));
    if (profile)
      await queueMessage(tx, {
        channel: "whatsapp",
        shopId: supplierShopId,
        to: profile.whatsapp,
        purpose: "dropship.cancelled",
        body: noticesT(await shopLanguage(tx, supplierShopId))("dropship.cancelled", { reference: o.reference }),
      });
  });
}
