import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";

import { publicUrl } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { type FeatureAccess, FeatureNotInPlan, planAllows, requireFeature } from "~/domain/billing/plans.server";
import { coded, type CodedErrors, codedFieldErrors, type FieldErrors, fieldErrors } from "~/lib/forms";
import { asPlatform, pgConstraint, readAsPlatform, schema, withShop } from "~db/client";

import { CURRENCIES, LANGUAGES } from "./shop-options";

export type Shop = typeof schema.shops.$inferSelect;
export type Role = (typeof schema.membershipRoleEnum.enumValues)[number];

/** Paths and names a shop slug may not take (they would shadow routes or mislead). */
const RESERVED_SLUGS = new Set([
  "admin",
  "api",
  "app",
  "assets",
  "build",
  "cdn",
  "checkout",
  "help",
  "login",
  "logout",
  "mail",
  "netshop",
  "platform",
  "s",
  "shop",
  "signup",
  "static",
  "status",
  "supplier",
  "support",
  "www",
]);

export const TIMEZONES = Intl.supportedValuesOf("timeZone");

export const CreateShopSchema = z.object({
  name: z.string().trim().min(2, "Enter your shop's name (at least 2 characters).").max(80, "Use at most 80 characters."),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(3, "Use at least 3 characters.")
    .max(40, "Use at most 40 characters.")
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and hyphens (not at the start or end).")
    .refine((s) => !RESERVED_SLUGS.has(s), "That address is reserved. Choose another."),
  currency: z.enum(CURRENCIES, { error: "Choose a currency from the list." }).default("MYR"),
  timezone: z
    .string()
    .default("Asia/Kuala_Lumpur")
    .refine((tz) => TIMEZONES.includes(tz), "Choose a time zone from the list."),
  language: z.enum(LANGUAGES, { error: "Choose English, Bahasa Melayu or 简体中文." }).default("en"),
});

export type CreateShopResult = { ok: true; shop: Shop } | { ok: false; errors: FieldErrors };

/** Creates a shop with `userId` as its owner. Platform-level: the tenant does not exist yet. */
export async function createShop(userId: string, form: Record<string, unknown>, request: RequestInfo): Promise<CreateShopResult> {
  const parsed = CreateShopSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  try {
    const shop = await asPlatform(async (tx) => {
      const [shop] = await tx.insert(schema.shops).values(parsed.data).returning();
      await tx.insert(schema.shopMemberships).values({ shopId: shop.id, userId, role: "owner" });
      await audit(tx, {
        shopId: shop.id,
        actorUserId: userId,
        action: "shop.created",
        targetType: "shop",
        targetId: shop.id,
        after: parsed.data,
        ...request,
      });
      return shop;
    });
    return { ok: true, shop };
  } catch (error) {
    if (pgConstraint(error) === "shops_slug_key") {
      return { ok: false, errors: { slug: "That shop address is taken. Choose another." } };
    }
    throw error;
  }
}

export interface ShopAccess {
  shopId: string;
  slug: string;
  name: string;
  /** IANA zone of the shop's calendar (its "today", report days, file dates). */
  timezone: string;
  role: Role;
  permissions: string[];
  frozen: boolean;
}

/** The shops a person belongs to (for the shop switcher). Platform-level: spans shops. */
export async function listShopsForUser(userId: string): Promise<ShopAccess[]> {
  const rows = await readAsPlatform((db) =>
    db
      .select({
        shopId: schema.shops.id,
        slug: schema.shops.slug,
        name: schema.shops.name,
        timezone: schema.shops.timezone,
        role: schema.shopMemberships.role,
        permissions: schema.shopMemberships.permissions,
        frozenAt: schema.shopMemberships.frozenAt,
      })
      .from(schema.shopMemberships)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.shopMemberships.shopId))
      // Supplier shops (dropshipping) have their own portal at /supplier, not the merchant admin.
      .where(and(eq(schema.shopMemberships.userId, userId), eq(schema.shops.status, "active"), eq(schema.shops.kind, "merchant")))
      .orderBy(asc(schema.shops.name)),
  );
  return rows.map(({ frozenAt, ...r }) => ({ ...r, frozen: frozenAt !== null }));
}

/** The storefront's shop for a slug. Platform-level: the request names no shop id yet. */
export async function findShopBySlug(slug: string): Promise<Shop | undefined> {
  const [shop] = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.shops)
      .where(and(eq(schema.shops.slug, slug.toLowerCase()), eq(schema.shops.status, "active"), eq(schema.shops.kind, "merchant"))),
  );
  return shop;
}

/**
 * The active shop whose own domain this is (storefront on a custom domain), and whether it is
 * served there: a shop whose plan no longer has its own domain serves on its NetShop address only
 * (the domain stays saved, and serves again after an upgrade). Platform-level.
 */
export async function findShopByDomain(domain: string): Promise<{ id: string; slug: string; served: boolean } | undefined> {
  return asPlatform(async (tx) => {
    const [shop] = await tx
      .select({ id: schema.shops.id, slug: schema.shops.slug })
      .from(schema.shops)
      .where(and(sql`lower(${schema.shops.customDomain}) = ${domain.toLowerCase()}`, eq(schema.shops.status, "active")));
    return shop && { ...shop, served: await planAllows(tx, shop.id, "ownDomain") };
  });
}

/** The current shop's own row, read through its tenant scope. */
export async function getShop(shopId: string): Promise<Shop> {
  const [shop] = await withShop(shopId, (tx) => tx.select().from(schema.shops).where(eq(schema.shops.id, shopId)));
  if (!shop) throw new Error(`shop ${shopId} not visible`);
  return shop;
}

/**
 * A shop's own domain for its storefront: a host name only ("shop.example.my"), lower-cased,
 * no scheme, port or path; empty to remove it. Not an IP address, not localhost, not ours.
 */
export const CustomDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) =>
    s
      .replace(/^https?:\/\//, "")
      .replace(/\/+$/, "")
      .replace(/\.$/, ""),
  )
  .refine(
    (s) =>
      s === "" || (s.length <= 253 && /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(s)),
    "domainFormat",
  )
  .refine((s) => s === "" || !/(^|\.)(localhost|netshop\.local)$/.test(s), "domainOwn")
  .refine((s) => s === "" || s !== new URL(publicUrl()).hostname, "domainNetshop")
  .transform((s) => (s === "" ? null : s));

/** The settings form's messages are keys of the settings namespace's errors, worded by the page (see ~/lib/forms). */
const PREFIX = "settings:errors.";

/** The shop-creation rules for name, time zone and language, with coded messages (creation's stay English for now). */
export const ShopSettingsSchema = z.object({
  name: z.string().trim().min(2, "shopName").max(80, "maxChars"),
  timezone: z
    .string()
    .default("Asia/Kuala_Lumpur")
    .refine((tz) => TIMEZONES.includes(tz), "timezone"),
  language: z.enum(LANGUAGES, { error: "language" }).default("en"),
  customDomain: CustomDomainSchema.optional(),
});

/** Updates the shop's name, time zone, language and own domain; audited with before and after. */
export async function updateShopSettings(
  actor: { userId: string; shopId: string },
  form: Record<string, unknown>,
  request: RequestInfo,
): Promise<{ ok: true } | { ok: false; errors: CodedErrors; feature?: FeatureAccess }> {
  const parsed = ShopSettingsSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, PREFIX) };
  try {
    await withShop(actor.shopId, async (tx) => {
      const [before] = await tx
        .select({
          name: schema.shops.name,
          timezone: schema.shops.timezone,
          language: schema.shops.language,
          customDomain: schema.shops.customDomain,
        })
        .from(schema.shops)
        .where(eq(schema.shops.id, actor.shopId))
        .for("update");
      // Setting or changing the own domain needs a plan with it; keeping or removing it does not.
      if (parsed.data.customDomain && parsed.data.customDomain !== before?.customDomain) {
        await requireFeature(tx, actor.shopId, "ownDomain");
      }
      await tx
        .update(schema.shops)
        .set({ ...parsed.data, updatedAt: new Date() })
        .where(eq(schema.shops.id, actor.shopId));
      await audit(tx, {
        shopId: actor.shopId,
        actorUserId: actor.userId,
        action: "shop.settings_changed",
        targetType: "shop",
        targetId: actor.shopId,
        before,
        after: parsed.data,
        ...request,
      });
    });
  } catch (error) {
    // A plan without its own domain: the page words the refusal (featureRefusal) from `feature`.
    if (error instanceof FeatureNotInPlan) return { ok: false, errors: {}, feature: error.access };
    if (pgConstraint(error) === "shops_custom_domain_key") return { ok: false, errors: { customDomain: coded(`${PREFIX}domainTaken`) } };
    throw error;
  }
  return { ok: true };
}
