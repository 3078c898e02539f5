/**
 * Importing a network product into a merchant's shop as a linked product, the merchant's pricing
 * rules, and the stock/cost sync that keeps linked variants in step with their supplier.
 *
 * A linked product is an ordinary product of the merchant (its copy is theirs to edit, images
 * are copies in the merchant's own media prefix); each of its variants has a dropship_links row
 * naming the supplier variant it is sold from. Stock of a linked variant mirrors the supplier's
 * available stock (0 = sold out on the storefront); its price follows the rule unless locked.
 */
import { randomUUID } from "node:crypto";

import { and, eq, inArray, sql } from "drizzle-orm";
import type { TFunction } from "i18next";
import { z } from "zod";

import { audit } from "~/domain/audit/audit.server";
import { limitRefusal } from "~/domain/billing/limit-refusals.server";
import {
  assertProductAllowance,
  type FeatureAccess,
  featureAccess,
  FeatureNotInPlan,
  PlanLimitReached,
} from "~/domain/billing/plans.server";
import { adjustInventory } from "~/domain/catalog/inventory.server";
import { type Actor, insertProduct, type ProductInput } from "~/domain/catalog/products.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { addStoredImage, mediaPrefix } from "~/domain/media/media.server";
import { noticesT, shopLanguage } from "~/domain/notify/language.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { copyObject } from "~/integrations/storage.server";
import { type FieldErrors, fieldErrors, type Refusal, refuse } from "~/lib/forms";
import { decimalStringToMinor } from "~/lib/money";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import { networkProduct, networkVariantState } from "./network.server";
import { DEFAULT_RULE, marginPercent, parseMultiplier, priceFor, type PricingRule } from "./pricing";

export interface ShopDropshipSettings extends PricingRule {
  marginAlertPercent: number;
}

export async function shopSettings(tx: Tx, shopId: string): Promise<ShopDropshipSettings> {
  const [row] = await tx.select().from(schema.dropshipSettings).where(eq(schema.dropshipSettings.shopId, shopId));
  return row
    ? {
        multiplierBp: row.multiplierBp,
        markupMinor: row.markupMinor,
        roundingEnding: row.roundingEnding,
        marginAlertPercent: row.marginAlertPercent,
      }
    : { ...DEFAULT_RULE, marginAlertPercent: 20 };
}

export async function getDropshipSettings(shopId: string): Promise<ShopDropshipSettings> {
  return withShop(shopId, (tx) => shopSettings(tx, shopId));
}

const money = z
  .string()
  .trim()
  .regex(/^\d{0,7}(\.\d{1,2})?$/, "Enter an amount like 5 or 5.00.");
const RuleSchema = z.object({
  multiplier: z
    .string()
    .trim()
    .transform(
      (v, ctx) => parseMultiplier(v) ?? (ctx.addIssue({ code: "custom", message: "Enter a multiplier like 1.8 (above 0)." }), z.NEVER),
    ),
  markup: money.default("0"),
  rounding: z.enum(["", "90", "99", "0"], { error: "Choose a rounding." }).default(""),
});
const SettingsSchema = RuleSchema.extend({
  marginAlertPercent: z.coerce
    .number({ error: "Enter a percentage." })
    .int("Enter a whole percentage.")
    .min(0, "Use 0 to 99.")
    .max(99, "Use 0 to 99."),
});

function ruleFrom(data: z.infer<typeof RuleSchema>): PricingRule {
  return {
    multiplierBp: data.multiplier,
    markupMinor: decimalStringToMinor(data.markup || "0"),
    roundingEnding: data.rounding === "" ? null : Number(data.rounding),
  };
}

/** Saves the shop's rule and re-prices every unlocked linked variant that has no rule of its own. */
export async function saveDropshipSettings(
  shopId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<{ ok: true; repriced: number } | { ok: false; errors: FieldErrors }> {
  const parsed = SettingsSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const rule = ruleFrom(parsed.data);
  return withShop(shopId, async (tx) => {
    const values = { ...rule, marginAlertPercent: parsed.data.marginAlertPercent, updatedAt: new Date() };
    await tx
      .insert(schema.dropshipSettings)
      .values({ shopId, ...values })
      .onConflictDoUpdate({ target: schema.dropshipSettings.shopId, set: values });
    await audit(tx, { shopId, actorUserId: actor.userId, action: "dropship.settings_changed", after: values, ...actor });
    const links = await tx
      .select()
      .from(schema.dropshipLinks)
      .where(and(eq(schema.dropshipLinks.priceLocked, false), sql`${schema.dropshipLinks.multiplierBp} is null`));
    for (const link of links)
      await tx
        .update(schema.variants)
        .set({ priceMinor: priceFor(link.supplierCostMinor, rule), updatedAt: new Date() })
        .where(eq(schema.variants.id, link.variantId));
    return { ok: true as const, repriced: links.length };
  });
}

const linkRule = (link: typeof schema.dropshipLinks.$inferSelect, shop: PricingRule): PricingRule =>
  link.multiplierBp === null
    ? shop
    : { multiplierBp: link.multiplierBp, markupMinor: link.markupMinor ?? 0, roundingEnding: link.roundingEnding };

export type ImportResult = { ok: true; productId: string; alreadyImported: boolean } | (Refusal & { feature?: FeatureAccess });

/**
 * One click: the network product becomes a product of the merchant's shop (active, so it sells
 * at once; the copy stays editable in the product editor), priced by the shop's rule, with the
 * supplier's images copied into the shop's media and each variant linked to its supplier variant.
 */
export async function importNetworkProduct(merchantShopId: string, supplierProductId: string, actor: Actor): Promise<ImportResult> {
  // Importing needs a plan with dropshipping (products imported before a downgrade keep selling).
  const access = await withShop(merchantShopId, (tx) => featureAccess(tx, merchantShopId, "dropshipping"));
  if (!access.allowed) return { ...refuse(new FeatureNotInPlan(access).message), feature: access };
  const product = await networkProduct(supplierProductId);
  if (!product) return refuse("That product is no longer in the network.");
  const [existing] = await withShop(merchantShopId, (tx) =>
    tx
      .select({ productId: schema.dropshipLinks.productId })
      .from(schema.dropshipLinks)
      .where(eq(schema.dropshipLinks.supplierProductId, supplierProductId))
      .limit(1),
  );
  if (existing) return { ok: true, productId: existing.productId, alreadyImported: true };
  // Images are copied object to object in the bucket before the transaction (a failed import
  // leaves unreferenced copies under a fresh prefix, nothing visible).
  const images: Array<(typeof product.images)[number] & { id: string; key: string }> = [];
  for (const image of product.images) {
    const id = randomUUID();
    const ext = image.key.split(".").pop() ?? "jpg";
    const key = `${mediaPrefix(merchantShopId, id)}original.${ext}`;
    await copyObject(image.key, key);
    images.push({ ...image, id, key });
  }
  try {
    const productId = await withShop(merchantShopId, async (tx) => {
      await assertProductAllowance(tx, merchantShopId, 1);
      const rule = await shopSettings(tx, merchantShopId);
      const input: ProductInput = {
        title: product.title,
        handle: null,
        descriptionMd: product.descriptionMd,
        status: "active",
        brand: null,
        productType: product.category,
        tags: product.tags,
        seoTitle: null,
        seoDescription: null,
        categoryId: null,
        collectionIds: [],
        options: product.options,
        variants: product.variants.map((v) => ({
          id: null,
          values: v.values,
          sku: null,
          barcode: null,
          priceMinor: priceFor(v.costMinor, rule),
          compareAtPriceMinor: null,
          costMinor: v.costMinor,
          weightGrams: v.weightGrams,
          trackInventory: true,
          allowBackorder: false,
          initialStock: v.stock,
        })),
      };
      const { productId, variantIds } = await insertProduct(tx, merchantShopId, input, actor, "import");
      await tx.insert(schema.dropshipLinks).values(
        product.variants.map((v, i) => ({
          shopId: merchantShopId,
          productId,
          variantId: variantIds[i],
          supplierShopId: product.supplierShopId,
          supplierProductId: product.id,
          supplierVariantId: v.id,
          supplierCostMinor: v.costMinor,
        })),
      );
      for (const image of images) {
        await addStoredImage(tx, {
          shopId: merchantShopId,
          id: image.id,
          productId,
          alt: image.alt,
          filename: image.filename,
          contentType: image.contentType,
          bytes: image.bytes,
          originalKey: image.key,
        });
      }
      await audit(tx, {
        shopId: merchantShopId,
        actorUserId: actor.userId,
        action: "dropship.product_imported",
        targetType: "product",
        targetId: productId,
        after: { supplierProductId, title: product.title },
        ...actor,
      });
      return productId;
    });
    return { ok: true, productId, alreadyImported: false };
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error);
    throw error;
  }
}

export async function listLinkedProducts(shopId: string) {
  return withShop(shopId, async (tx) => {
    const rows = await tx
      .select({
        productId: schema.products.id,
        title: schema.products.title,
        variantId: schema.variants.id,
        variantTitle: schema.variants.title,
        priceMinor: schema.variants.priceMinor,
        currency: schema.variants.currency,
        costMinor: schema.dropshipLinks.supplierCostMinor,
        stock: schema.inventoryLevels.onHand,
        priceLocked: schema.dropshipLinks.priceLocked,
        multiplierBp: schema.dropshipLinks.multiplierBp,
        markupMinor: schema.dropshipLinks.markupMinor,
        roundingEnding: schema.dropshipLinks.roundingEnding,
      })
      .from(schema.dropshipLinks)
      .innerJoin(schema.products, eq(schema.products.id, schema.dropshipLinks.productId))
      .innerJoin(schema.variants, eq(schema.variants.id, schema.dropshipLinks.variantId))
      .leftJoin(schema.inventoryLevels, eq(schema.inventoryLevels.variantId, schema.dropshipLinks.variantId))
      .orderBy(schema.products.title, schema.variants.position);
    return rows.map((r) => ({ ...r, margin: marginPercent(r.priceMinor, r.costMinor) }));
  });
}

/**
 * A product's own pricing rule (blank multiplier: back to the shop's rule) and its price lock.
 * Re-prices the product's variants at once unless locked.
 */
export async function saveProductRule(
  shopId: string,
  productId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors } | undefined> {
  const locked = form.priceLocked === "on" || form.priceLocked === "true";
  const useShop = String(form.multiplier ?? "").trim() === "";
  const parsed = useShop ? null : RuleSchema.safeParse(form);
  if (parsed && !parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const rule = parsed?.success ? ruleFrom(parsed.data) : null;
  return withShop(shopId, async (tx) => {
    const links = await tx.select().from(schema.dropshipLinks).where(eq(schema.dropshipLinks.productId, productId));
    if (!links.length) return undefined;
    await tx
      .update(schema.dropshipLinks)
      .set({
        multiplierBp: rule?.multiplierBp ?? null,
        markupMinor: rule?.markupMinor ?? null,
        roundingEnding: rule?.roundingEnding ?? null,
        priceLocked: locked,
      })
      .where(eq(schema.dropshipLinks.productId, productId));
    if (!locked) {
      const shop = await shopSettings(tx, shopId);
      for (const link of links)
        await tx
          .update(schema.variants)
          .set({ priceMinor: priceFor(link.supplierCostMinor, rule ?? shop), updatedAt: new Date() })
          .where(eq(schema.variants.id, link.variantId));
    }
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "dropship.pricing_changed",
      targetType: "product",
      targetId: productId,
      after: { rule, locked },
      ...actor,
    });
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------------------------------------
// Sync: supplier stock and cost → linked variants.

/** Called by supplier-side writes in their transaction: the sync runs after commit. */
export async function supplierVariantsChanged(tx: Tx, supplierShopId: string, variantIds: string[]): Promise<void> {
  if (!variantIds.length) return;
  await enqueueAfterCommit(tx, {
    queue: "dropship",
    name: "sync-variants",
    payload: { supplierShopId, variantIds },
    shopId: supplierShopId,
  });
}

/**
 * The `dropship:sync-variants` job. Finding the merchants that sell a supplier variant spans
 * tenants (a platform read of dropship_links, ids only); each merchant's update then runs in
 * its own withShop. Idempotent: it sets absolute values (stock, cost, price) from the current state.
 */
export async function syncSupplierVariants({
  variantIds,
}: {
  supplierShopId: string;
  variantIds: string[];
}): Promise<{ merchants: number; repriced: number; alerts: number }> {
  const state = await networkVariantState(variantIds);
  const links = await asPlatform((tx) =>
    tx
      .select({ shopId: schema.dropshipLinks.shopId })
      .from(schema.dropshipLinks)
      .where(inArray(schema.dropshipLinks.supplierVariantId, variantIds))
      .groupBy(schema.dropshipLinks.shopId),
  );
  let repriced = 0;
  let alerts = 0;
  for (const { shopId } of links) {
    await withShop(shopId, async (tx) => {
      const settings = await shopSettings(tx, shopId);
      const mine = await tx
        .select()
        .from(schema.dropshipLinks)
        .where(inArray(schema.dropshipLinks.supplierVariantId, variantIds))
        .for("update");
      const lowMargins: string[] = [];
      let t: TFunction<"notices"> | undefined;
      for (const link of mine) {
        const s = state.get(link.supplierVariantId);
        const stock = s && s.listed ? s.stock : 0;
        await adjustInventory(tx, shopId, { variantId: link.variantId, setTo: stock, reason: "correction", note: "Supplier stock sync" });
        if (!s || s.costMinor === link.supplierCostMinor) continue;
        const [variant] = await tx
          .select({ priceMinor: schema.variants.priceMinor, productId: schema.variants.productId, title: schema.variants.title })
          .from(schema.variants)
          .where(eq(schema.variants.id, link.variantId));
        const price = link.priceLocked ? variant.priceMinor : priceFor(s.costMinor, linkRule(link, settings));
        if (!link.priceLocked) repriced++;
        await tx
          .update(schema.variants)
          .set({ priceMinor: price, costMinor: s.costMinor, updatedAt: new Date() })
          .where(eq(schema.variants.id, link.variantId));
        await tx
          .update(schema.dropshipLinks)
          .set({ supplierCostMinor: s.costMinor, syncedAt: new Date() })
          .where(eq(schema.dropshipLinks.id, link.id));
        const before = marginPercent(variant.priceMinor, link.supplierCostMinor);
        const after = marginPercent(price, s.costMinor);
        // Told once when the margin crosses below the threshold, not on every later sync.
        if (after < settings.marginAlertPercent && before >= settings.marginAlertPercent) {
          const [p] = await tx
            .select({ title: schema.products.title })
            .from(schema.products)
            .where(eq(schema.products.id, variant.productId));
          const message = (t ??= await ownerNotices(tx, shopId))("dropship.marginLow", {
            product: p.title,
            variant: variant.title,
            cost: (s.costMinor / 100).toFixed(2),
            margin: after,
            threshold: settings.marginAlertPercent,
          });
          await tx.insert(schema.dropshipAlerts).values({ shopId, kind: "margin_low", message, productId: variant.productId });
          lowMargins.push(message);
          alerts++;
        }
      }
      if (lowMargins.length) await alertOwner(tx, shopId, "dropship.margin_low", lowMargins.join("\n"));
    });
  }
  return { merchants: links.length, repriced, alerts };
}

/** The shop owner's `t` for notices: their alerts (WhatsApp and the stored alert rows) are written in their language. */
export async function ownerNotices(tx: Tx, shopId: string): Promise<TFunction<"notices">> {
  const [owner] = await tx
    .select({ language: schema.users.preferredLanguage })
    .from(schema.shopMemberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.shopMemberships.userId))
    .where(and(eq(schema.shopMemberships.shopId, shopId), eq(schema.shopMemberships.role, "owner")));
  return noticesT(owner?.language ?? (await shopLanguage(tx, shopId)));
}

/** WhatsApp to the shop's owner, in their language (the alert itself is also on /admin/dropship/orders). */
export async function alertOwner(tx: Tx, shopId: string, purpose: string, message: string): Promise<void> {
  const [owner] = await tx
    .select({ phone: schema.users.phone, userId: schema.users.id, language: schema.users.preferredLanguage })
    .from(schema.shopMemberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.shopMemberships.userId))
    .where(and(eq(schema.shopMemberships.shopId, shopId), eq(schema.shopMemberships.role, "owner")));
  if (!owner) return;
  const body = noticesT(owner.language)("dropship.prefix", { message });
  await queueMessage(tx, { channel: "whatsapp", shopId, userId: owner.userId, to: owner.phone, purpose, body });
}
