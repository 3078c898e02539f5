/**
 * Storefront customer accounts, per shop and optional (guest checkout is always possible):
 * sign-up (bcrypt, 18+ required, marketing consent recorded), login (rate limited), logout, and
 * the account page's orders and saved addresses. A guest's earlier orders are not attached to a
 * new account by email: without proof the address is theirs, that would show someone else's
 * orders to whoever signs up with it.
 */
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { TFunction } from "i18next";
import { z } from "zod";

import { hashPassword, passwordProblem, verifyPassword } from "~/domain/accounts/passwords.server";
import { accountFields, checkbox } from "~/domain/accounts/signup-fields.server";
import { authT } from "~/domain/accounts/wording.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { acceptedAtSignup, recordAcceptance, type SignupPolicyRefusal } from "~/domain/policies/versions.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { phoneField } from "~/lib/phone";
import { clearFailures, consume, consumeAll, delayBefore, DELAYS, isLimited, recordFailure, reset } from "~/lib/rate-limit.server";
import { pgConstraint, schema, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

import { currentCustomer, mergeAnonymousCart, startCustomerSession } from "./visitor.server";

/** The storefront sign-up form's rules, every refusal worded in `locale` (the storefront's language on the request). */
function customerSignupSchema(locale: Locale) {
  const t = authT(locale);
  return z
    .object({
      ...accountFields(locale),
      phone: phoneField.optional(t("problems.signup.phoneOptional")),
      adult: checkbox(t("problems.signup.adultCustomer")),
      marketing: z.string().optional().catch(undefined),
    })
    .superRefine((v, ctx) => {
      const problem = passwordProblem(v.password, { email: v.email, locale });
      if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
    });
}

interface Who {
  ip?: string;
  userAgent?: string;
  /** The browser's anonymous cart, merged into the customer's. */
  anonymousCartId: string | undefined;
  /** The account this browser logged in to before (knownCustomerId): never slowed for it. */
  knownCustomerId?: string;
  /** The storefront's language on this request: refusals are worded in it, and a new account's messages follow it. */
  language?: Locale;
  /** The clock (ms) for the slowing down of wrong passwords; tests inject one. */
  now?: number;
}

export type CustomerAuthResult =
  | { ok: true; customerId: string; setCookie: string }
  | { ok: false; errors: FieldErrors; retryAfterSeconds?: number; slowedSeconds?: number; policies?: SignupPolicyRefusal };

export async function signUpCustomer(shopId: string, form: Record<string, unknown>, who: Who): Promise<CustomerAuthResult> {
  // Unticked checkboxes are not sent at all: read them as empty so their rules run.
  const t = authT(who.language ?? DEFAULT_LOCALE);
  const parsed = customerSignupSchema(who.language ?? DEFAULT_LOCALE).safeParse({ adult: "", marketing: "", ...form });
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const input = parsed.data;
  const limited = await consume("signupPerIp", `customer:${who.ip ?? "unknown"}`);
  if (!limited.ok)
    return {
      ok: false,
      errors: { form: t("problems.signup.tooMany") },
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  const passwordHash = await hashPassword(input.password);
  try {
    return await withShop(shopId, async (tx) => {
      const now = new Date();
      // The privacy policy the sign-up page showed, if it is still the one in force.
      const shown = await acceptedAtSignup(tx, ["privacy"], form);
      if (!shown.ok) return { ok: false as const, errors: {}, policies: shown.refusal };
      const accepted = shown.versions;
      const [customer] = await tx
        .insert(schema.customers)
        .values({
          shopId,
          email: input.email,
          phone: input.phone,
          name: input.name,
          passwordHash,
          marketingConsent: input.marketing === "on",
          marketingConsentAt: input.marketing === "on" ? now : null,
          language: who.language,
        })
        .returning({ id: schema.customers.id });
      await recordAcceptance(tx, { kind: "customer", shopId, customerId: customer.id }, accepted, now);
      await mergeAnonymousCart(tx, shopId, who.anonymousCartId, customer.id);
      const setCookie = await startCustomerSession(tx, shopId, customer.id, who);
      return { ok: true as const, customerId: customer.id, setCookie };
    });
  } catch (error) {
    if (pgConstraint(error) === "customers_account_email_key")
      return { ok: false, errors: { email: t("problems.signup.emailTakenCustomer") } };
    throw error;
  }
}

const loginSchema = (t: TFunction<"checkout">) =>
  z.object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email(t("account.loginErrors.email")).max(254, t("account.loginErrors.email"))),
    password: z.string().min(1, t("account.loginErrors.password")),
  });

/** The wrong password that starts slowing a customer account down also tells the customer, once per window. */
const CUSTOMER_ALERT_AT = DELAYS.loginFailuresPerAccount.free + 1;

/**
 * A customer's login. Limits: attempts per address, wrong passwords per account and address, and
 * — across every address — wrong passwords per account (the admin login's rule, issue 15): after
 * the free tries each further attempt waits twice as long, capped at a few minutes, never a
 * lock-out; the browser that logged in to the account before is never slowed, and the customer is
 * told (WhatsApp, or email without a phone) when the slowing starts.
 */
export async function logInCustomer(shopId: string, form: Record<string, unknown>, who: Who): Promise<CustomerAuthResult> {
  // Refusals in the storefront's language on this request.
  const t = serverT(who.language ?? "en", "checkout");
  const parsed = loginSchema(t).safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { email: address, password } = parsed.data;
  const limited = await consumeAll(["loginPerIp", `customer:${who.ip ?? "unknown"}`]);
  if (!limited.ok)
    return {
      ok: false,
      errors: { form: t("account.loginErrors.tooManyAttempts") },
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  const accountKey = `customer:${shopId}:${address}`;
  const fromHereKey = `${accountKey}|${who.ip ?? "unknown"}`;
  const blocked = await isLimited("loginPerAccount", fromHereKey);
  if (!blocked.ok)
    return {
      ok: false,
      errors: { form: t("account.loginErrors.tooManyWrong") },
      retryAfterSeconds: blocked.retryAfterSeconds,
    };
  const [account] = await withShop(shopId, (tx) =>
    tx
      .select({
        id: schema.customers.id,
        passwordHash: schema.customers.passwordHash,
        name: schema.customers.name,
        phone: schema.customers.phone,
        language: schema.customers.language,
      })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.email, address), isNotNull(schema.customers.passwordHash))),
  );
  const wait = await delayBefore("loginFailuresPerAccount", accountKey, who.now);
  if (wait > 0 && !(account && who.knownCustomerId === account.id))
    return { ok: false, errors: { form: "Too many wrong passwords for this account." }, retryAfterSeconds: wait, slowedSeconds: wait };
  if (!(await verifyPassword(password, account?.passwordHash ?? undefined)) || !account) {
    await consume("loginPerAccount", fromHereKey);
    const { failures } = await recordFailure("loginFailuresPerAccount", accountKey, who.now);
    if (account && failures === CUSTOMER_ALERT_AT) await tellCustomerOfSlowing(shopId, { ...account, email: address }, failures);
    return { ok: false, errors: { form: t("account.loginErrors.invalid") } };
  }
  await reset("loginPerAccount", fromHereKey);
  await clearFailures("loginFailuresPerAccount", accountKey);
  const setCookie = await withShop(shopId, async (tx) => {
    await mergeAnonymousCart(tx, shopId, who.anonymousCartId, account.id);
    return startCustomerSession(tx, shopId, account.id, who);
  });
  return { ok: true, customerId: account.id, setCookie };
}

/** In the customer's language (the shop's when they never chose one). */
async function tellCustomerOfSlowing(
  shopId: string,
  account: { name: string; phone: string | null; email: string; language: Locale | null },
  failures: number,
) {
  const [shop] = await withShop(shopId, (tx) =>
    tx.select({ name: schema.shops.name, language: schema.shops.language }).from(schema.shops).where(eq(schema.shops.id, shopId)),
  );
  const t = serverT(account.language ?? shop?.language ?? "en", "common");
  const values = { name: account.name.split(/\s+/)[0], failures, shop: shop?.name ?? "NetShop" };
  const text = t("security.customerNotice.message", values);
  await withShop(shopId, (tx) =>
    account.phone
      ? queueMessage(tx, { channel: "whatsapp", shopId, to: account.phone, purpose: "security_notice", body: text })
      : queueMessage(tx, {
          channel: "email",
          shopId,
          to: account.email,
          purpose: "security_notice",
          subject: t("security.customerNotice.subject", values),
          body: text,
        }),
  );
}

export interface AccountOverview {
  name: string;
  email: string | null;
  phone: string | null;
  marketingConsent: boolean;
  orders: Array<{ id: string; number: number; status: string; totalMinor: number; currency: string; createdAt: Date }>;
  addresses: Array<{ id: string; address: PostalAddress; isDefault: boolean }>;
}

export async function accountOverview(shopId: string, customerId: string): Promise<AccountOverview | undefined> {
  return withShop(shopId, async (tx) => {
    const [customer] = await tx
      .select({
        name: schema.customers.name,
        email: schema.customers.email,
        phone: schema.customers.phone,
        marketingConsent: schema.customers.marketingConsent,
      })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId)));
    if (!customer) return undefined;
    const orders = await tx
      .select({
        id: schema.orders.id,
        number: schema.orders.number,
        status: schema.orders.status,
        totalMinor: schema.orders.totalMinor,
        currency: schema.orders.currency,
        createdAt: schema.orders.createdAt,
      })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.customerId, customerId)))
      .orderBy(desc(schema.orders.createdAt))
      .limit(100);
    const addresses = await tx
      .select({ id: schema.customerAddresses.id, address: schema.customerAddresses.address, isDefault: schema.customerAddresses.isDefault })
      .from(schema.customerAddresses)
      .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.customerId, customerId)))
      .orderBy(desc(schema.customerAddresses.isDefault), desc(schema.customerAddresses.createdAt));
    return { ...customer, orders, addresses };
  });
}

/** The storefront's language switched: a customer signed in to this shop gets their messages in it from now on. */
export async function rememberCustomerLanguage(request: Request, slug: string, language: Locale): Promise<void> {
  const shop = await storefrontShopBySlug(slug);
  const customer = shop ? await currentCustomer(request, shop.id) : undefined;
  if (!shop || !customer) return;
  await withShop(shop.id, (tx) =>
    tx
      .update(schema.customers)
      .set({ language, updatedAt: new Date() })
      .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.id, customer.id))),
  );
}
