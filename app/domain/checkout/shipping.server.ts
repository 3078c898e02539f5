/**
 * A shop's shipping settings and rates. A shop that has never saved them gets the defaults
 * (DEFAULT_RATES) written on first use, once: the settings row is inserted with ON CONFLICT DO
 * NOTHING and only the transaction that inserted it writes the rates.
 */
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { coded, type CodedErrors, codedFieldErrors, listField } from "~/lib/forms";
import { isUuid, uuidField } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

import { INTERNATIONAL_COUNTRIES, type ShippingZone } from "./address";
import { DEFAULT_INTERNATIONAL_COUNTRIES, DEFAULT_ORDER_EXPIRY_MINUTES, DEFAULT_RATES, parseBrackets, type ShippingRate } from "./shipping";

// Messages are keys of settings:shipping.errors (coded: the page words them in its language).
const PREFIX = "settings:shipping.errors.";

export interface ShippingSetup {
  internationalCountries: string[];
  orderExpiryMinutes: number;
  rates: ShippingRate[];
}

/** The shop's shipping setup, writing the defaults the first time. Inside the caller's withShop. */
export async function shippingSetup(tx: Tx, shopId: string): Promise<ShippingSetup> {
  let [settings] = await tx.select().from(schema.shopShippingSettings).where(eq(schema.shopShippingSettings.shopId, shopId));
  if (!settings) {
    const inserted = await tx
      .insert(schema.shopShippingSettings)
      .values({ shopId, internationalCountries: DEFAULT_INTERNATIONAL_COUNTRIES, orderExpiryMinutes: DEFAULT_ORDER_EXPIRY_MINUTES })
      .onConflictDoNothing()
      .returning();
    if (inserted.length) {
      await tx.insert(schema.shippingRates).values(DEFAULT_RATES.map((r) => ({ ...r, shopId })));
      settings = inserted[0];
    } else {
      [settings] = await tx.select().from(schema.shopShippingSettings).where(eq(schema.shopShippingSettings.shopId, shopId));
    }
  }
  const rates = await tx
    .select()
    .from(schema.shippingRates)
    .where(eq(schema.shippingRates.shopId, shopId))
    .orderBy(asc(schema.shippingRates.zone), asc(schema.shippingRates.position), asc(schema.shippingRates.createdAt));
  return {
    internationalCountries: settings.internationalCountries,
    orderExpiryMinutes: settings.orderExpiryMinutes,
    rates: rates.map((r) => ({
      id: r.id,
      zone: r.zone,
      name: r.name,
      kind: r.kind,
      priceMinor: r.priceMinor,
      brackets: r.brackets,
      freeAboveMinor: r.freeAboveMinor,
      active: r.active,
      position: r.position,
    })),
  };
}

export function loadShippingSetup(shopId: string): Promise<ShippingSetup> {
  return withShop(shopId, (tx) => shippingSetup(tx, shopId));
}

const money = (message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,7}(\.\d{1,2})?$/, message)
    .transform((v) => Math.round(Number(v) * 100));

const RateSchema = z
  .object({
    rateId: uuidField()
      .optional()
      .or(z.literal("").transform(() => undefined)),
    zone: z.enum(["peninsular", "east", "international"], { error: "zone" }),
    name: z.string().trim().min(1, "name").max(80, "maxChars"),
    kind: z.enum(["flat", "weight"], { error: "kind" }),
    price: z.string().optional(),
    brackets: z.string().optional(),
    freeAbove: z.string().trim().optional(),
    active: z.string().optional(),
  })
  .transform((v, ctx) => {
    let priceMinor: number | null = null;
    let brackets: ShippingRate["brackets"] = [];
    if (v.kind === "flat") {
      const parsed = money("price").safeParse(v.price ?? "");
      if (!parsed.success) ctx.addIssue({ code: "custom", path: ["price"], message: "price" });
      else priceMinor = parsed.data;
    } else {
      const parsed = parseBrackets(v.brackets ?? "");
      if (!Array.isArray(parsed)) ctx.addIssue({ code: "custom", path: ["brackets"], message: parsed.key, params: parsed.values });
      else brackets = parsed;
    }
    let freeAboveMinor: number | null = null;
    if (v.freeAbove) {
      const parsed = money("freeAbove").safeParse(v.freeAbove);
      if (!parsed.success) ctx.addIssue({ code: "custom", path: ["freeAbove"], message: "freeAbove" });
      else freeAboveMinor = parsed.data;
    }
    return {
      rateId: v.rateId,
      zone: v.zone as ShippingZone,
      name: v.name,
      kind: v.kind,
      priceMinor,
      brackets,
      freeAboveMinor,
      active: v.active === "on" || v.active === "true",
    };
  });

const SettingsSchema = z.object({
  countries: listField(z.array(z.enum(INTERNATIONAL_COUNTRIES, { error: "countries" }))),
  orderExpiryMinutes: z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, "expiryMinutes")
    .transform(Number)
    .refine((n) => n >= 5 && n <= 10080, "expiryRange"),
});

type Result = { ok: true } | { ok: false; errors: CodedErrors };
interface Actor extends RequestInfo {
  shopId: string;
  userId: string;
}

export async function saveShippingRate(actor: Actor, form: Record<string, unknown>): Promise<Result> {
  const parsed = RateSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, PREFIX) };
  const { rateId, ...rate } = parsed.data;
  return withShop(actor.shopId, async (tx) => {
    await shippingSetup(tx, actor.shopId);
    if (rateId) {
      const updated = await tx
        .update(schema.shippingRates)
        .set({ ...rate, updatedAt: new Date() })
        .where(and(eq(schema.shippingRates.shopId, actor.shopId), eq(schema.shippingRates.id, rateId)))
        .returning({ id: schema.shippingRates.id });
      if (!updated.length) return { ok: false as const, errors: { form: coded(`${PREFIX}rateGone`) } };
    } else {
      await tx.insert(schema.shippingRates).values({ ...rate, shopId: actor.shopId, position: 100 });
    }
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "shipping.rate_saved",
      targetType: "shipping_rate",
      targetId: rateId,
      after: rate,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const };
  });
}

export async function deleteShippingRate(actor: Actor, rateId: string): Promise<Result> {
  if (!isUuid(rateId)) return { ok: false, errors: { form: coded(`${PREFIX}rateGone`) } };
  return withShop(actor.shopId, async (tx) => {
    await tx.delete(schema.shippingRates).where(and(eq(schema.shippingRates.shopId, actor.shopId), eq(schema.shippingRates.id, rateId)));
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "shipping.rate_deleted",
      targetType: "shipping_rate",
      targetId: rateId,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const };
  });
}

/** `countries`: one country or a list (a checkbox group), none when absent. */
export async function saveShippingSettings(actor: Actor, form: { countries?: unknown; orderExpiryMinutes: unknown }): Promise<Result> {
  const parsed = SettingsSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, PREFIX) };
  return withShop(actor.shopId, async (tx) => {
    await shippingSetup(tx, actor.shopId);
    await tx
      .update(schema.shopShippingSettings)
      .set({ internationalCountries: parsed.data.countries, orderExpiryMinutes: parsed.data.orderExpiryMinutes, updatedAt: new Date() })
      .where(eq(schema.shopShippingSettings.shopId, actor.shopId));
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "shipping.settings_changed",
      targetType: "shop",
      targetId: actor.shopId,
      after: parsed.data,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const };
  });
}
