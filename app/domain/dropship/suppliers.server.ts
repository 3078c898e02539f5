/**
 * Suppliers of the dropshipping network: sign-up, who may open the supplier portal, and the
 * platform operators' page (approval, suspension, wallet top-ups).
 *
 * A supplier is a shop of kind "supplier" (its own tenant: every supplier table and its catalog
 * are confined by RLS exactly like a merchant's) with a supplier_profiles row. Its staff are users
 * with a membership of that shop. Operators are users with users.platform_role = 'operator';
 * their pages are platform code (asPlatform), by nature across tenants.
 */
import { randomBytes } from "node:crypto";

import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";

import { requireUser, type Session, type User } from "~/domain/accounts/sessions.server";
import { signUp } from "~/domain/accounts/signup.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { handleize } from "~/domain/catalog/catalog-rules";
import { noticesT, shopLanguage } from "~/domain/notify/language.server";
import { queueMessage } from "~/domain/notify/messages.server";
import type { SignupPolicyRefusal } from "~/domain/policies/versions.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { isUuid } from "~/lib/ids";
import { escapeLike } from "~/lib/like";
import { decimalStringToMinor } from "~/lib/money";
import { phoneField } from "~/lib/phone";
import { redirect } from "~/lib/redirect.server";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import { MY_STATES, REGIONS } from "./options";
export { MY_STATES, REGIONS };

export const SupplierProfileSchema = z.object({
  supplierName: z
    .string()
    .trim()
    .min(2, "Enter the supplier's trading name (at least 2 characters).")
    .max(80, "Use at most 80 characters."),
  contactName: z.string().trim().min(1, "Enter the contact person's name.").max(100, "Use at most 100 characters."),
  whatsapp: phoneField.required("Enter the WhatsApp number orders go to.", "Enter a valid WhatsApp number, e.g. 012-345 6789."),
  warehouseCity: z.string().trim().min(1, "Enter the warehouse's town or city.").max(80, "Use at most 80 characters."),
  warehouseState: z.enum(MY_STATES, { error: "Choose the warehouse's state." }),
  regions: z.array(z.enum(REGIONS)).min(1, "Choose at least one region you ship to."),
  handlingDays: z.coerce
    .number({ error: "Enter a number of days." })
    .int("Enter whole days.")
    .min(0, "Use 0 or more days.")
    .max(60, "Use at most 60 days."),
});

export type SupplierSignupResult =
  { ok: true; userId: string; supplierShopId: string } | { ok: false; errors: FieldErrors; policies?: SignupPolicyRefusal };

/**
 * Opens a supplier: a new account (unless `userId` is a signed-in person) and a supplier shop with
 * its profile, pending approval. Platform-level: the tenant does not exist yet.
 */
export async function signUpSupplier(
  form: Record<string, unknown> & { regions?: unknown },
  request: RequestInfo,
  userId: string | null,
  language: Locale = DEFAULT_LOCALE,
): Promise<SupplierSignupResult> {
  const regions = Array.isArray(form.regions) ? form.regions : form.regions ? [form.regions] : [];
  const profile = SupplierProfileSchema.safeParse({ ...form, regions });
  const errors: FieldErrors = profile.success ? {} : fieldErrors(profile.error);
  let owner = userId;
  if (!owner) {
    if (!profile.success) {
      // Validate the account fields too, so every problem shows at once (nothing is written).
      const account = await signUpDryRun(form, language);
      return { ok: false, errors: { ...account, ...errors } };
    }
    const account = await signUp({ ...form, companyName: profile.data.supplierName }, request, language);
    if (!account.ok) return { ok: false, errors: account.errors, policies: account.policies };
    owner = account.userId;
  }
  if (!profile.success) return { ok: false, errors };
  const p = profile.data;
  const slug = `supplier-${handleize(p.supplierName).slice(0, 24) || "shop"}-${randomBytes(3).toString("hex")}`;
  const shopId = await asPlatform(async (tx) => {
    const [shop] = await tx
      .insert(schema.shops)
      // The sign-up page's language: what NetShop sends the supplier's WhatsApp number is written in it.
      .values({ slug, name: p.supplierName, kind: "supplier", companyName: p.supplierName, language })
      .returning({ id: schema.shops.id });
    await tx.insert(schema.shopMemberships).values({ shopId: shop.id, userId: owner!, role: "owner" });
    await tx.insert(schema.supplierProfiles).values({
      shopId: shop.id,
      companyName: p.supplierName,
      contactName: p.contactName,
      whatsapp: p.whatsapp,
      warehouseCity: p.warehouseCity,
      warehouseState: p.warehouseState,
      regions: p.regions,
      handlingDays: p.handlingDays,
    });
    await audit(tx, {
      shopId: shop.id,
      actorUserId: owner,
      action: "supplier.signed_up",
      targetType: "shop",
      targetId: shop.id,
      after: { name: p.supplierName },
      ...request,
    });
    return shop.id;
  });
  return { ok: true, userId: owner, supplierShopId: shopId };
}

async function signUpDryRun(form: Record<string, unknown>, language: Locale): Promise<FieldErrors> {
  const { signupSchema } = await import("~/domain/accounts/signup.server");
  const parsed = signupSchema(language).safeParse({ ...form, companyName: String(form.supplierName ?? "") || "x" });
  return parsed.success ? {} : fieldErrors(parsed.error);
}

// ---------------------------------------------------------------------------------------------
// Portal access.

export interface SupplierAccess {
  user: User;
  session: Session;
  supplier: { shopId: string; name: string; status: "pending" | "approved" | "suspended"; role: string };
}

/** The signed-in person's supplier (the first supplier shop they belong to); sign-up otherwise. */
export async function requireSupplier(request: Request): Promise<SupplierAccess> {
  const { user, session } = await requireUser(request);
  const row = await supplierOf(user.id);
  if (!row) throw redirect("/supplier/signup");
  return { user, session, supplier: row };
}

/** The first active supplier shop a person belongs to (a supplier signing in belongs on /supplier, not in the merchant admin). */
export async function supplierOf(userId: string): Promise<SupplierAccess["supplier"] | undefined> {
  const [row] = await asPlatform((tx) =>
    tx
      .select({
        shopId: schema.shops.id,
        name: schema.shops.name,
        status: schema.supplierProfiles.status,
        role: schema.shopMemberships.role,
      })
      .from(schema.shopMemberships)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.shopMemberships.shopId))
      .innerJoin(schema.supplierProfiles, eq(schema.supplierProfiles.shopId, schema.shops.id))
      .where(
        and(
          eq(schema.shopMemberships.userId, userId),
          eq(schema.shops.kind, "supplier"),
          eq(schema.shops.status, "active"),
          sql`${schema.shopMemberships.frozenAt} is null`,
        ),
      )
      .orderBy(asc(schema.shops.createdAt))
      .limit(1),
  );
  return row;
}

export type SupplierGuard = { permission: "supplier" };

/** Declares a /supplier loader: the signed-in person must belong to a supplier. */
export function supplierLoader<T>(handler: (args: LoaderFunctionArgs & { access: SupplierAccess }) => Promise<T>) {
  const loader = async (args: LoaderFunctionArgs) => handler({ ...args, access: await requireSupplier(args.request) });
  return Object.assign(loader, { guard: { permission: "supplier" } as SupplierGuard });
}

/** Declares a /supplier action; listing products and shipping need an approved supplier. */
export function supplierAction<T>(
  handler: (args: ActionFunctionArgs & { access: SupplierAccess }) => Promise<T>,
  options: { approved?: boolean } = {},
) {
  const action = async (args: ActionFunctionArgs) => {
    const access = await requireSupplier(args.request);
    if (options.approved !== false && access.supplier.status !== "approved") {
      throw new Response("Your supplier account is not approved (yet). The platform team reviews new suppliers within a working day.", {
        status: 403,
      });
    }
    return handler({ ...args, access });
  };
  return Object.assign(action, { guard: { permission: "supplier" } as SupplierGuard });
}

// ---------------------------------------------------------------------------------------------
// Platform operators (/platform): platform code, across tenants by nature.

export async function requireOperator(request: Request): Promise<{ user: User; session: Session }> {
  const current = await requireUser(request);
  const refuse = async (key: "operatorsOnly" | "secondFactor") =>
    new Response(serverT(await localeFor(request), "billing")(`errors.${key}`), { status: 403 });
  if (current.user.platformRole !== "operator") throw await refuse("operatorsOnly");
  // The console sees every merchant's account: only a sign-in with a second factor opens it.
  if (!current.session.secondFactor) throw await refuse("secondFactor");
  return current;
}

export function operatorLoader<T>(handler: (args: LoaderFunctionArgs & { operator: User }) => Promise<T>) {
  const loader = async (args: LoaderFunctionArgs) => handler({ ...args, operator: (await requireOperator(args.request)).user });
  return Object.assign(loader, { guard: { permission: "platform-operator" } });
}
export function operatorAction<T>(handler: (args: ActionFunctionArgs & { operator: User }) => Promise<T>) {
  const action = async (args: ActionFunctionArgs) => handler({ ...args, operator: (await requireOperator(args.request)).user });
  return Object.assign(action, { guard: { permission: "platform-operator" } });
}

export async function listSuppliers() {
  return asPlatform((tx) =>
    tx
      .select({
        shopId: schema.supplierProfiles.shopId,
        name: schema.shops.name,
        contactName: schema.supplierProfiles.contactName,
        whatsapp: schema.supplierProfiles.whatsapp,
        warehouseState: schema.supplierProfiles.warehouseState,
        status: schema.supplierProfiles.status,
        createdAt: schema.supplierProfiles.createdAt,
        products: sql<number>`(select count(*)::int from ${schema.products} p where p.shop_id = ${schema.supplierProfiles.shopId} and p.status = 'active')`,
      })
      .from(schema.supplierProfiles)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.supplierProfiles.shopId))
      .orderBy(desc(schema.supplierProfiles.createdAt))
      .limit(500),
  );
}

export async function setSupplierStatus(
  operatorId: string,
  supplierShopId: string,
  status: "approved" | "suspended",
  request: RequestInfo,
): Promise<boolean> {
  if (!isUuid(supplierShopId)) return false;
  // One supplier's rows: its own tenant transaction, like any tenant write.
  return withShop(supplierShopId, async (tx) => {
    const [row] = await tx
      .update(schema.supplierProfiles)
      .set({ status, statusChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(schema.supplierProfiles.shopId, supplierShopId))
      .returning({ whatsapp: schema.supplierProfiles.whatsapp, name: schema.supplierProfiles.companyName });
    if (!row) return false;
    await audit(tx, {
      shopId: supplierShopId,
      actorUserId: operatorId,
      action: `supplier.${status}`,
      targetType: "shop",
      targetId: supplierShopId,
      after: { status },
      ...request,
    });
    await queueMessage(tx, {
      channel: "whatsapp",
      shopId: supplierShopId,
      to: row.whatsapp,
      purpose: `supplier.${status}`,
      // The supplier's number belongs to no account: their shop's language.
      body: noticesT(await shopLanguage(tx, supplierShopId))(status === "approved" ? "dropship.approved" : "dropship.suspended", {
        name: row.name,
      }),
    });
    return true;
  });
}

/** Merchant shops for the top-up form (name and slug, balance). */
export async function listMerchantWallets(search: string) {
  const q = `%${escapeLike(search.trim().toLowerCase())}%`;
  return asPlatform((tx) =>
    tx
      .select({
        shopId: schema.shops.id,
        name: schema.shops.name,
        slug: schema.shops.slug,
        balanceMinor: sql<number>`coalesce(${schema.dropshipWallets.balanceMinor}, 0)::bigint`,
      })
      .from(schema.shops)
      .leftJoin(schema.dropshipWallets, eq(schema.dropshipWallets.shopId, schema.shops.id))
      .where(and(eq(schema.shops.kind, "merchant"), sql`(lower(${schema.shops.name}) like ${q} or ${schema.shops.slug} like ${q})`))
      .orderBy(asc(schema.shops.name))
      .limit(50),
  ).then((rows) => rows.map((r) => ({ ...r, balanceMinor: Number(r.balanceMinor) })));
}

// Messages: keys of the supplier namespace's platform.errors, translated by recordTopUp.
const TopUpSchema = z.object({
  shopSlug: z.string({ error: "shopSlug" }).trim().min(1, "shopSlug"),
  amount: z
    .string({ error: "amount" })
    .trim()
    .regex(/^\d{1,7}(\.\d{1,2})?$/, "amount"),
  note: z.string({ error: "note" }).trim().max(200, "note").default(""),
  token: z.string({ error: "token" }).regex(/^[A-Za-z0-9_-]{16,64}$/, "token"),
});
type TopUpError = "shopSlug" | "amount" | "note" | "token" | "positive" | "noShop";

/** A fresh one-time token for one rendering of the top-up form. */
export function newTopUpToken(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * Records a top-up the platform received (bank transfer etc.) into a merchant's wallet: one
 * statement raises the balance and the ledger row records the balance after it. Idempotent per
 * form token: a repeated submission (double click, resent form) credits nothing and answers with
 * the first submission's result (the balance after that top-up).
 */
export async function recordTopUp(
  operatorId: string,
  form: Record<string, unknown>,
  request: RequestInfo,
  locale: Locale = DEFAULT_LOCALE,
): Promise<{ ok: true; balanceMinor: number; repeated: boolean } | { ok: false; errors: FieldErrors }> {
  const t = serverT(locale, "supplier");
  const message = (key: TopUpError) => t(`platform.errors.${key}`);
  const parsed = TopUpSchema.safeParse(form);
  if (!parsed.success) {
    const errors = Object.fromEntries(Object.entries(fieldErrors(parsed.error)).map(([field, key]) => [field, message(key as TopUpError)]));
    if (errors.token) errors.form = errors.token;
    return { ok: false, errors };
  }
  const amountMinor = decimalStringToMinor(parsed.data.amount);
  if (amountMinor <= 0) return { ok: false, errors: { amount: message("positive") } };
  const [shop] = await asPlatform((tx) =>
    tx
      .select({ id: schema.shops.id })
      .from(schema.shops)
      .where(and(eq(schema.shops.slug, parsed.data.shopSlug.toLowerCase()), eq(schema.shops.kind, "merchant"))),
  );
  if (!shop) return { ok: false, errors: { shopSlug: message("noShop") } };
  const credited = await creditWalletOnce(
    shop.id,
    {
      kind: "topup",
      amountMinor,
      note: parsed.data.note || "Top-up",
      actorUserId: operatorId,
      forwardId: null,
      topupToken: parsed.data.token,
    },
    (tx) =>
      audit(tx, {
        shopId: shop.id,
        actorUserId: operatorId,
        action: "dropship.wallet_topped_up",
        targetType: "shop",
        targetId: shop.id,
        after: { amountMinor },
        ...request,
      }),
  );
  return { ok: true, ...credited };
}

type CreditEntry = {
  kind: "topup" | "refund";
  amountMinor: number;
  note: string;
  actorUserId: string | null;
  forwardId: string | null;
  topupToken?: string | null;
};

/** Adds money to a merchant's wallet (top-up, refund of a rejected line), with its ledger row. */
export async function creditWallet(merchantShopId: string, entry: CreditEntry): Promise<number> {
  return (await creditWalletOnce(merchantShopId, entry)).balanceMinor;
}

/**
 * `creditWallet`, once per `topupToken`: concurrent submissions with one token wait on an advisory
 * lock for it, the second finds the first's ledger row and credits nothing (the unique key on
 * (shop_id, topup_token) backs this up). `onCredited` (the audit entry) runs in the same
 * transaction, only when money was credited.
 */
async function creditWalletOnce(
  merchantShopId: string,
  entry: CreditEntry,
  onCredited?: (tx: Tx) => Promise<unknown>,
): Promise<{ balanceMinor: number; repeated: boolean }> {
  return withShop(merchantShopId, async (tx) => {
    const token = entry.topupToken ?? null;
    if (token) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`wallet-topup:${merchantShopId}:${token}`}))`);
      const [done] = await tx
        .select({ balanceAfterMinor: schema.dropshipWalletEntries.balanceAfterMinor })
        .from(schema.dropshipWalletEntries)
        .where(and(eq(schema.dropshipWalletEntries.shopId, merchantShopId), eq(schema.dropshipWalletEntries.topupToken, token)));
      if (done) return { balanceMinor: Number(done.balanceAfterMinor), repeated: true };
    }
    const [shop] = await tx.select({ currency: schema.shops.currency }).from(schema.shops).where(eq(schema.shops.id, merchantShopId));
    const rows = await tx.execute<{ balance_after: string }>(sql`
      with w as (
        insert into ${schema.dropshipWallets} (shop_id, currency, balance_minor) values (${merchantShopId}, ${shop.currency}, ${entry.amountMinor})
        on conflict (shop_id) do update set balance_minor = ${schema.dropshipWallets}.balance_minor + excluded.balance_minor, updated_at = now()
        returning balance_minor
      )
      insert into ${schema.dropshipWalletEntries} (shop_id, kind, amount_minor, balance_after_minor, forward_id, note, actor_user_id, topup_token)
      select ${merchantShopId}, ${entry.kind}, ${entry.amountMinor}, balance_minor, ${entry.forwardId}, ${entry.note}, ${entry.actorUserId}, ${token} from w
      returning balance_after_minor as balance_after`);
    await onCredited?.(tx);
    return { balanceMinor: Number(rows[0].balance_after), repeated: false };
  });
}
