import type { MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Outlet, useLoaderData, useRouteError, useSubmit } from "@remix-run/react";

import { providerModes } from "~/config.server";
import { adminLoader } from "~/domain/accounts/access.server";
import { allows, type Permission } from "~/domain/accounts/permissions";
import { subscriptionStatus } from "~/domain/billing/subscriptions.server";
import { supplierOf } from "~/domain/dropship/suppliers.server";
import { pendingPolicyNotice } from "~/domain/policies/versions.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import type en from "~/locales/en";
import { Banner } from "~/ui/banner";
import { ConsoleNav } from "~/ui/console-nav";
import { PostForm } from "~/ui/csrf";
import { PolicyChangeBanner } from "~/ui/policy-notice";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.admin") }];

/** Pages a person without a shop can open (their own account, creating the first shop). */
const WITHOUT_SHOP = /^\/admin\/(shops\/new|account|reauth)(\/|$)/;

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ request, access }) => {
  const path = new URL(request.url).pathname;
  // A supplier without a merchant shop signs in to their portal, not to "Create your shop".
  if (!access.shop && !WITHOUT_SHOP.test(path)) throw redirect((await supplierOf(access.user.id)) ? "/supplier" : "/admin/shops/new");
  const sandboxed = Object.entries(providerModes())
    .filter(([, mode]) => mode === "sandbox")
    .map(([name]) => name);
  // Independent reads, at the same time (this layout runs on every admin request).
  const [billingStatus, policy] = await Promise.all([
    // Suspended or overdue: one banner on every page, with the way to pay.
    access.shop ? subscriptionStatus(access.shop.shopId) : null,
    // A significant policy change not yet acknowledged (issue 14).
    pendingPolicyNotice({ kind: "user", userId: access.user.id }),
  ]);
  return {
    user: { name: access.user.name, email: access.user.email },
    shops: access.shops.filter((s) => !s.frozen).map((s) => ({ id: s.shopId, name: s.name })),
    shop: access.shop
      ? { id: access.shop.shopId, name: access.shop.name, slug: access.shop.slug, role: access.shop.role, timezone: access.shop.timezone }
      : null,
    // Only the areas this person's role opens are shown (the server checks again on every request).
    visible: access.shop ? NAV.filter((item) => allows(access.shop!, item.permission)).map((item) => item.key) : [],
    sandboxed,
    billingStatus,
    policyNotice: policy ? { id: policy.id, document: policy.document, summary: policy.summary } : null,
    path,
  };
});

/** Areas of the admin and what each needs; the ones still being built are shown, but not as links. */
// `key` names the label in the `admin` translations (admin.nav.<key>).
const NAV: Array<{ key: AdminNavKey; to?: string; permission: Permission }> = [
  { key: "dashboard", to: "/admin", permission: "member" },
  { key: "products", to: "/admin/products", permission: "products" },
  { key: "deals", to: "/admin/deals", permission: "products" },
  { key: "orders", to: "/admin/orders", permission: "orders" },
  { key: "customers", to: "/admin/customers", permission: "customers" },
  { key: "privacy", to: "/admin/privacy", permission: "customers" },
  { key: "dropshipping", to: "/admin/dropship", permission: "products" },
  { key: "aiStudio", to: "/admin/ai", permission: "ai" },
  { key: "reports", to: "/admin/reports", permission: "reports" },
  { key: "settings", to: "/admin/settings", permission: "settings" },
  { key: "billing", to: "/admin/billing", permission: "owner" },
  { key: "staff", to: "/admin/staff", permission: "owner" },
  { key: "auditLog", to: "/admin/audit", permission: "owner" },
];
type AdminNavKey = Exclude<keyof typeof en.admin.nav, "label">;

export default function AdminLayout() {
  const { user, shops, shop, sandboxed, visible, billingStatus, policyNotice, path } = useLoaderData<typeof loader>();
  const { t: tb } = useTranslation("billing");
  const submit = useSubmit();
  const { t, i18n } = useTranslation("admin");
  return (
    <div className="admin">
      <ConsoleNav
        home="/admin"
        label={t("nav.label")}
        header={
          shop && shops.length > 1 ? (
            <PostForm action="/admin/switch-shop" className="shop-switcher" onChange={(e) => submit(e.currentTarget)}>
              <label className="sr-only" htmlFor="shop-switcher">
                {t("shop")}
              </label>
              <select id="shop-switcher" name="shopId" defaultValue={shop.id}>
                {shops.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              <noscript>
                <button type="submit" className="secondary">
                  {t("switchShop")}
                </button>
              </noscript>
            </PostForm>
          ) : shop ? (
            <div className="small" style={{ padding: "0 0.5rem" }} data-testid="current-shop">
              {shop.name}
            </div>
          ) : null
        }
        links={NAV.filter((area) => visible.includes(area.key)).map((area) => ({
          key: area.key,
          label: t(`nav.${area.key}`),
          to: area.to && shop ? area.to : undefined,
          end: area.to === "/admin",
        }))}
        footer={
          <>
            {shop ? (
              <a href="/admin/shops/new" style={{ color: "#d1fae5" }}>
                {t("addShop")}
              </a>
            ) : null}
            <div>
              <a href="/admin/account" style={{ color: "#fff" }}>
                {user.name}
              </a>
              <div className="small" style={{ color: "#8fb8b0" }}>
                {user.email}
              </div>
            </div>
          </>
        }
      />
      <main className="admin-main">
        {billingStatus === "suspended" || billingStatus === "past_due" ? (
          <div
            className={`banner ${billingStatus === "suspended" ? "error" : "info"}`}
            role="alert"
            data-testid="billing-banner"
            data-billing={billingStatus}
          >
            {tb(billingStatus === "suspended" ? "suspendedBanner" : "pastDueBanner")}{" "}
            {visible.includes("billing") ? (
              <a href="/admin/billing" className="button">
                {tb("payNow")}
              </a>
            ) : null}
          </div>
        ) : null}
        {sandboxed.length > 0 ? (
          <Banner tone="info" role={null} small data-testid="sandbox-banner">
            {t("sandboxBanner", {
              providers: new Intl.ListFormat(i18n.language, { type: "disjunction" }).format(
                sandboxed.map((name) => (name === "email" ? t("emailProvider") : providerLabel(name))),
              ),
            })}
          </Banner>
        ) : null}
        <PolicyChangeBanner notice={policyNotice} action="/admin/account/policy" redirectTo={path} />
        <Outlet />
      </main>
    </div>
  );
}

function providerLabel(name: string): string {
  return (
    ({ wassenger: "Wassenger (WhatsApp)", openai: "OpenAI", anthropic: "Anthropic", kling: "Kling" } as Record<string, string>)[name] ??
    name
  );
}

/** Errors inside the admin (a page the role does not allow, a missing record) keep the navigation. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation(["admin", "common"]);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail =
    isRouteErrorResponse(error) && typeof error.data === "string" && error.data
      ? error.data
      : status === 404
        ? t("error.notFoundDetail")
        : t("common:error.genericDetail");
  return (
    <main className="admin-main">
      <div className="card medium" data-testid="admin-error">
        <p className="eyebrow">{t("common:error.eyebrow", { status })}</p>
        <h1>{status === 403 ? t("common:error.forbidden") : status === 404 ? t("error.notFound") : t("common:error.generic")}</h1>
        <p>{detail}</p>
        <p>
          <a href="/admin">{t("error.back")}</a>
        </p>
      </div>
    </main>
  );
}
