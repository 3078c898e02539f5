/**
 * A buyer corrected their details on orders that were forwarded to a supplier: the supplier's
 * order (the recipient's name, phone and address: all a supplier gets of the customer) takes the
 * merchant order's recipient again.
 *
 * 1. In the correction's transaction (the guest-corrected flow): one `dropship:recipient-corrected`
 *    outbox entry per forward already sent and not yet shipped, rejected or cancelled. A forward
 *    not sent yet needs nothing: sendForward reads the order when it sends.
 * 2. The job reads the order's recipient now and writes it to the supplier's order only where it
 *    differs and the supplier has not shipped, then tells the supplier. Absolute values: a retry or
 *    a duplicate job finds nothing to change and sends nothing twice.
 */
import { and, eq, inArray, isNotNull, or, sql } from "drizzle-orm";

import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { noticesT, shopLanguage } from "~/domain/notify/language.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { schema, type Tx, withShop } from "~db/client";

import { supplierRecipient } from "./forwarding.server";

const OPEN = ["open", "accepted"] as const;

/** Queues the corrected recipient for each sent, unshipped forward of the orders; returns the orders concerned. */
export async function resendCorrectedRecipients(tx: Tx, shopId: string, orderIds: string[]): Promise<string[]> {
  if (!orderIds.length) return [];
  const f = schema.dropshipForwards;
  const forwards = await tx
    .select({ id: f.id, orderId: f.orderId })
    .from(f)
    .where(and(eq(f.shopId, shopId), inArray(f.orderId, orderIds), isNotNull(f.sentAt), inArray(f.status, [...OPEN])));
  for (const forward of forwards)
    await enqueueAfterCommit(tx, {
      queue: "dropship",
      name: "recipient-corrected",
      payload: { shopId, forwardId: forward.id },
      shopId,
    });
  return [...new Set(forwards.map((x) => x.orderId))];
}

/** The `dropship:recipient-corrected` job. Returns whether the supplier's order changed. */
export async function sendCorrectedRecipient({ shopId, forwardId }: { shopId: string; forwardId: string }): Promise<boolean> {
  const found = await withShop(shopId, async (tx) => {
    const [row] = await tx
      .select({ forward: schema.dropshipForwards, address: schema.orders.shippingAddress })
      .from(schema.dropshipForwards)
      .innerJoin(
        schema.orders,
        and(eq(schema.orders.shopId, schema.dropshipForwards.shopId), eq(schema.orders.id, schema.dropshipForwards.orderId)),
      )
      .where(and(eq(schema.dropshipForwards.shopId, shopId), eq(schema.dropshipForwards.id, forwardId)));
    return row;
  });
  if (!found?.address || !found.forward.sentAt) return false;
  const { forward, address } = found;
  const recipient = supplierRecipient(address);
  const o = schema.supplierOrders;
  return withShop(forward.supplierShopId, async (tx) => {
    const [changed] = await tx
      .update(o)
      .set({ ...recipient, updatedAt: new Date() })
      .where(
        and(
          eq(o.shopId, forward.supplierShopId),
          eq(o.id, forward.id),
          inArray(o.status, [...OPEN]),
          or(...Object.entries(recipient).map(([key, value]) => sql`${o[key as keyof typeof recipient]} is distinct from ${value}`)),
        ),
      )
      .returning({ reference: o.reference });
    if (!changed) return false;
    const [profile] = await tx
      .select({ whatsapp: schema.supplierProfiles.whatsapp })
      .from(schema.supplierProfiles)
      .where(eq(schema.supplierProfiles.shopId, forward.supplierShopId));
    if (profile)
      await queueMessage(tx, {
        channel: "whatsapp",
        shopId: forward.supplierShopId,
        to: profile.whatsapp,
        purpose: "dropship.recipient_corrected",
        body: noticesT(await shopLanguage(tx, forward.supplierShopId))("dropship.recipientCorrected", { reference: changed.reference }),
      });
    return true;
  });
}
