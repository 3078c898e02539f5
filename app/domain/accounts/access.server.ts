import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";

import { isWritable } from "~/domain/billing/subscription-status";
import { subscriptionStatus } from "~/domain/billing/subscriptions.server";
import { listShopsForUser, type ShopAccess } from "~/domain/shops/shops.server";
import type { Locale } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { redirect } from "~/lib/redirect.server";

import { allows, type Permission } from "./permissions";
import { isRecentlyAuthenticated, requireUser, type Session, type User } from "./sessions.server";

export const FROZEN_MESSAGE = "The shop's administrator froze your account. Ask them to unfreeze it.";

export interface AdminAccess {
  user: User;
  session: Session;
  /** Every shop this person can open (frozen ones included, marked). */
  shops: ShopAccess[];
  /** The shop the admin is working in, or null before the first shop exists. */
  shop: ShopAccess | null;
}
export type ShopAdminAccess = AdminAccess & { shop: ShopAccess };

/** The signed-in merchant and the shop they are working in (the session's choice, if still allowed). */
export async function requireAdmin(request: Request): Promise<AdminAccess> {
  const { user, session } = await requireUser(request);
  const shops = await listShopsForUser(user.id);
  const usable = shops.filter((s) => !s.frozen);
  const shop = usable.find((s) => s.shopId === session.activeShopId) ?? usable[0] ?? null;
  if (!shop && shops.length > 0) throw new Response(serverT(await localeFor(request), "team")("access.frozen"), { status: 403 });
  return { user, session, shops, shop };
}

type AccessFor<P extends Permission> = P extends "signed-in" ? AdminAccess : ShopAdminAccess;

/**
 * The one permission check of the admin: the signed-in person, and (except for "signed-in") the
 * current shop, where their role must allow `permission`. Throws a redirect to the login page,
 * or a 403 response that says what is missing.
 */
export async function requirePermission<P extends Permission>(
  request: Request,
  permission: P,
  admin: (request: Request) => Promise<AdminAccess> = requireAdmin,
): Promise<AccessFor<P>> {
  const access = await admin(request);
  if (permission === "signed-in") return access as AccessFor<P>;
  // People without a shop create one first.
  if (!access.shop) throw redirect("/admin/shops/new");
  if (!allows(access.shop, permission)) throw forbidden(permission, await localeFor(request));
  return access as AccessFor<P>;
}

// The admin layout's loader and the page's run side by side for one request: they read the
// session and the person's shops once (two transactions fewer per admin page). Keyed by the
// request's load context, the one object Remix gives every loader of a request (each gets its own
// Request). Loaders only: an action may change the session (switching shops) before they run.
const accessPerRequest = new WeakMap<object, Promise<AdminAccess>>();
function adminOnce(context: unknown): (request: Request) => Promise<AdminAccess> {
  if (typeof context !== "object" || context === null) return requireAdmin;
  return (request) => {
    let access = accessPerRequest.get(context);
    if (!access) accessPerRequest.set(context, (access = requireAdmin(request)));
    return access;
  };
}

/** The 403 that says what is missing, in the reader's language. */
function forbidden(permission: Permission, locale: Locale): Response {
  const t = serverT(locale, "team");
  const message =
    permission === "owner"
      ? t("access.owner")
      : permission === "member" || permission === "signed-in"
        ? t("access.member")
        : t("access.area", { area: t(`area.${permission}`) });
  return new Response(message, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * Sensitive actions (staff, payment settings, exports, deletions, 2FA changes) need the person
 * to have logged in or re-authenticated within REAUTH_AFTER_MS; otherwise they are sent to
 * confirm their password and come back to the page.
 */
export function requireRecentAuth(access: AdminAccess, request: Request): void {
  if (isRecentlyAuthenticated(access.session)) return;
  const url = new URL(request.url);
  throw redirect(`/admin/reauth?redirectTo=${encodeURIComponent(url.pathname + url.search)}`, 303);
}

/** What every guarded loader or action carries, so tests can find routes that forgot a guard. */
export interface Guard {
  permission: Permission;
  recentAuth: boolean;
}
export type Guarded<F> = F & { guard: Guard };

/**
 * Declares an admin loader and the permission it needs. Every loader under /admin is written
 * this way (tests/integration/permissions.test.ts fails for one that is not):
 *
 *   export const loader = \/* @__PURE__ *\/ adminLoader("products", async ({ request, access }) => { … });
 *
 * The annotation lets the browser build drop the call (this module is empty there); a unit
 * test (tests/unit/architecture.test.ts) checks that no route forgets it.
 */
export function adminLoader<P extends Permission, T>(
  permission: P,
  handler: (args: LoaderFunctionArgs & { access: AccessFor<P> }) => Promise<T>,
): Guarded<(args: LoaderFunctionArgs) => Promise<T>> {
  const loader = async (args: LoaderFunctionArgs) =>
    handler({ ...args, access: await requirePermission(args.request, permission, adminOnce(args.context)) });
  return Object.assign(loader, { guard: { permission, recentAuth: false } });
}

/**
 * Declares an admin action and the permission it needs; `{ recentAuth: true }` marks it
 * sensitive (see requireRecentAuth).
 *
 *   export const action = \/* @__PURE__ *\/ adminAction("settings", async ({ request, access }) => { … }, { recentAuth: true });
 */
export function adminAction<P extends Permission, T>(
  permission: P,
  handler: (args: ActionFunctionArgs & { access: AccessFor<P> }) => Promise<T>,
  options: { recentAuth?: boolean; whileSuspended?: boolean } = {},
): Guarded<(args: ActionFunctionArgs) => Promise<T>> {
  const action = async (args: ActionFunctionArgs) => {
    const access = await requirePermission(args.request, permission);
    // A suspended shop's admin is read-only (billing stays open so the owner can pay).
    if (access.shop && permission !== "signed-in" && !options.whileSuspended && !isWritable(await subscriptionStatus(access.shop.shopId))) {
      throw new Response(serverT(await localeFor(args.request), "billing")("readOnly"), {
        status: 423,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    if (options.recentAuth) requireRecentAuth(access, args.request);
    return handler({ ...args, access });
  };
  return Object.assign(action, { guard: { permission, recentAuth: options.recentAuth ?? false } });
}
