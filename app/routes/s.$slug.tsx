import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";

import { publicUrl } from "~/config.server";
import { cartItemCount } from "~/domain/checkout/cart.server";
import { shopper } from "~/domain/checkout/visitor.server";
import { recordStorefrontEvent } from "~/domain/reports/events.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { themeStyle } from "~/domain/storefront/theme";
import { consentChoice } from "~/lib/consent.server";
import { useTranslation } from "~/lib/i18n-react";
import { ErrorBoundary as RefusedRequest, type HydrateHandle } from "~/root";
import { LanguageSwitcher } from "~/ui/language-switcher";
import { CountdownScript, type StorefrontLayoutData } from "~/ui/storefront";
import { AnnouncementBar, CookieBar, ShopBrand, ShopFooterLinks } from "~/ui/storefront-theme";

// Storefront pages are plain HTML with plain links and forms: no Remix client in the browser (issue 16; app/root.tsx).
export const handle: HydrateHandle = { hydrate: false };

export async function loader({
  params,
  request,
  context,
}: LoaderFunctionArgs): Promise<StorefrontLayoutData & { cartCount: number; loggedIn: boolean }> {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  // On the shop's own domain, paths have no /s/:slug prefix (the HTTP layer adds it back).
  const base = context.customDomain ? "" : `/s/${shop.slug}`;
  const origin = context.customDomain ? `${new URL(publicUrl()).protocol}//${new URL(request.url).host}` : publicUrl();
  // A cacheable page is only served to visitors without cookies: no cart, no login, no consent
  // (so no analytics) yet.
  if (!context.publicPage) {
    // First-party analytics (the dashboard's funnel): only with the visitor's consent.
    await recordStorefrontEvent(request, shop.id, "visit");
  }
  const who = context.publicPage ? null : await shopper(request, shop.id);
  return {
    shop: { name: shop.name, slug: shop.slug, language: shop.language, currency: shop.currency, timezone: shop.timezone },
    theme: shop.theme,
    base,
    origin,
    consent: context.publicPage ? null : await consentChoice(request),
    // The cart link's count and whether a customer is logged in (checkout area).
    cartCount: who ? await cartItemCount(who) : 0,
    loggedIn: who ? who.customer !== undefined : false,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.shop.name }, { property: "og:site_name", content: data.shop.name }] : [{ title: "Shop not found" }];

export default function StorefrontLayout() {
  const { shop, theme, base, consent, cartCount, loggedIn } = useLoaderData<typeof loader>();
  const { t } = useTranslation("storefront");
  const { t: tc } = useTranslation("checkout");
  const { t: tp } = useTranslation("privacy");
  const location = useLocation();
  // Where the language and consent forms come back to, as this host spells it.
  const here = base + location.pathname.replace(/^\/s\/[^/]+/, "") + location.search || "/";
  return (
    <div className="storefront-themed" style={themeStyle(theme) as React.CSSProperties}>
      <a href="#content" className="sr-only">
        {t("skipToContent")}
      </a>
      {consent === null ? <CookieBar base={base} here={here} /> : null}
      <AnnouncementBar theme={theme} base={base} />
      <header className="site-header">
        <div className="inner spread">
          {/* The shop's name is the merchant's own: never translated, marked in its language. */}
          <Link to={base || "/"} className="brand" data-testid="shop-name" lang={shop.language}>
            <ShopBrand theme={theme} name={shop.name} />
          </Link>
          <Form method="get" action={`${base}/search`} role="search" className="storefront-search">
            <label className="sr-only" htmlFor="site-search">
              {t("search")}
            </label>
            <input
              id="site-search"
              type="search"
              name="q"
              placeholder={t("searchPlaceholder")}
              defaultValue={location.pathname.endsWith("/search") ? (new URLSearchParams(location.search).get("q") ?? "") : ""}
            />
            <button type="submit" className="small" aria-label={t("search")}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" strokeWidth="2.2" />
                <line x1="16.5" y1="16.5" x2="21" y2="21" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
              </svg>
              <span className="search-label">{t("search")}</span>
            </button>
          </Form>
          <nav aria-label={t("home")} className="storefront-nav">
            <Link to={`${base}/wishlist`}>{t("wishlist")}</Link>
            <Link to={`${base}/account`}>{loggedIn ? t("account") : tc("account.logIn")}</Link>
            <Link to={`${base}/cart`} data-testid="cart-link">
              {tc("cart.link", { count: cartCount })}
            </Link>
            <LanguageSwitcher action={`${base}/locale`} returnTo={here} />
          </nav>
        </div>
      </header>
      <main className="site-main" id="content">
        <Outlet />
      </main>
      <footer className="site-footer">
        <ShopFooterLinks theme={theme} />
        <div className="inner">
          © {new Date().getFullYear()} <span lang={shop.language}>{shop.name}</span> · {t("poweredBy")} <a href="/">NetShop</a> ·{" "}
          <a href={`${base}/consent`} data-testid="cookie-settings">
            {t("consent.settings")}
          </a>{" "}
          ·{" "}
          <a href={`${base}/privacy`} data-testid="guest-privacy-link">
            {tp("guest.footerLink")}
          </a>
        </div>
      </footer>
      <CountdownScript />
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("storefront");
  // A refused request (a body that is not a form, a stale form, …) says why, as every other page
  // does: the shop is not "unavailable" because one post was wrong.
  if (isRouteErrorResponse(error) && error.status >= 400 && error.status < 500 && error.status !== 404) return <RefusedRequest />;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const text = notFound ? "shopNotFound" : "unavailable";
  return (
    <main className="centered-page">
      <div className="card narrow">
        <p className="eyebrow">{t(`${text}.eyebrow`)}</p>
        <h1>{t(`${text}.title`)}</h1>
        <p>{t(`${text}.body`)}</p>
        <p>
          <a href="/">{t("goToNetShop")}</a>
        </p>
      </div>
    </main>
  );
}
