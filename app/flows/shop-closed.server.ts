/**
 * An owner closes their shop (on their privacy page, before their account can be deleted):
 *
 *   1. One transaction in the shop's scope: the owner is checked (only the owner, who typed the
 *      shop's address to confirm); the subscription is cancelled (the billing machine's own move,
 *      audited); the shop becomes `closed`, which takes the storefront offline at once (storefront
 *      lookups serve active shops only, and the row's change reaches every web process's cache);
 *      the closure is audited. The shop's records then follow the privacy map: tax invoices stay
 *      7 years; customers keep their rights through the merchant and the platform's console.
 *   2. Platform scope: a deletion of the owner's account that was held for this shop is queued
 *      again (at the end of its cooling-off), so it proceeds once no open shop is left.
 */
import { and, eq } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { lockSubscription, moveSubscription } from "~/domain/billing/subscriptions.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { isUuid } from "~/lib/ids";
import { asPlatform, schema, withShop } from "~db/client";

export type ShopClosure = { ok: true } | { ok: false; error: "closeShop.notOwner" | "closeShop.confirmError" };

export async function closeShopForDeletion(
  owner: { id: string },
  input: { shopId: unknown; confirm: unknown },
  who: RequestInfo,
  now = new Date(),
): Promise<ShopClosure> {
  if (!isUuid(input.shopId)) return { ok: false, error: "closeShop.notOwner" };
  const shopId = input.shopId;
  // 1. Close it.
  const closed = await withShop(shopId, async (tx) => {
    const [shop] = await tx
      .select({ slug: schema.shops.slug, status: schema.shops.status })
      .from(schema.shops)
      .innerJoin(schema.shopMemberships, eq(schema.shopMemberships.shopId, schema.shops.id))
      .where(and(eq(schema.shops.id, shopId), eq(schema.shopMemberships.userId, owner.id), eq(schema.shopMemberships.role, "owner")))
      .for("update");
    if (!shop) return "closeShop.notOwner" as const;
    if (
      String(input.confirm ?? "")
        .trim()
        .toLowerCase() !== shop.slug
    )
      return "closeShop.confirmError" as const;
    if (shop.status === "closed") return "ok" as const;
    const subscription = await lockSubscription(tx, shopId);
    if (subscription.status !== "cancelled") {
      await moveSubscription(
        tx,
        subscription,
        "cancelled",
        { cancelledAt: now, scheduledPlanId: null, scheduledInterval: null },
        {
          userId: owner.id,
          reason: "shop closed by its owner",
          ...who,
        },
      );
    }
    await tx.update(schema.shops).set({ status: "closed", updatedAt: now }).where(eq(schema.shops.id, shopId));
    await audit(tx, {
      shopId,
      actorUserId: owner.id,
      action: "shop.closed",
      targetType: "shop",
      targetId: shopId,
      before: { status: shop.status },
      after: { status: "closed", reason: "owner's account deletion" },
      ...who,
    });
    return "ok" as const;
  });
  if (closed !== "ok") return { ok: false, error: closed };

  // 2. A held deletion of the owner's account goes on.
  await asPlatform(async (tx) => {
    const held = await tx
      .select()
      .from(schema.privacyRequests)
      .where(
        and(
          eq(schema.privacyRequests.subjectKind, "user"),
          eq(schema.privacyRequests.subjectId, owner.id),
          eq(schema.privacyRequests.kind, "deletion"),
          eq(schema.privacyRequests.status, "cooling_off"),
        ),
      );
    for (const request of held) {
      await enqueueAfterCommit(tx, {
        queue: "privacy",
        name: "erase",
        payload: { requestId: request.id, shopId: null },
        shopId: null,
        delayMs: Math.max(0, (request.coolingOffUntil?.getTime() ?? now.getTime()) - now.getTime()),
      });
    }
  });
  return { ok: true };
}
