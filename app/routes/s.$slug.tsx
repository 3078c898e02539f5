import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { recordStorefrontEvent } from "~/domain/reports/events.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { cartItemCount } from "~/domain/checkout/cart.server";
import { shopper } from "~/domain/checkout/visitor.server";
import { LanguageSwitcher } from "~/ui/language-switcher";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  // First-party analytics (the dashboard's funnel): only with the visitor's consent.
  await recordStorefrontEvent(request, shop.id, "visit");
  // The cart link's count and whether a customer is logged in (checkout area).
  const who = await shopper(request, shop.id);
  return { shop: { name: shop.name, slug: shop.slug, language: shop.language }, cartCount: await cartItemCount(who), loggedIn: who.customer !== null };
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.shop.name }, { property: "og:site_name", content: data.shop.name }] : [{ title: "Shop not found" }];

export default function StorefrontLayout() {
  const { shop, cartCount, loggedIn } = useLoaderData<typeof loader>();
  const { t } = useTranslation("storefront");
  const { t: tc } = useTranslation("checkout");
  return (
    <div>
      <header className="site-header">
        <div className="inner spread">
          {/* The shop's name is the merchant's own: never translated, marked in its language. */}
          <Link to={`/s/${shop.slug}`} className="brand" data-testid="shop-name" lang={shop.language}>
            {shop.name}
          </Link>
          <nav aria-label={t("home")} className="storefront-nav" style={{ display: "flex", gap: "1rem", alignItems: "center" }}>
            <Link to={`/s/${shop.slug}/wishlist`}>{t("wishlist")}</Link>
            <Link to={`/s/${shop.slug}/account`}>{loggedIn ? t("account") : tc("account.logIn")}</Link>
            <Link to={`/s/${shop.slug}/cart`} data-testid="cart-link">
              {tc("cart.link", { count: cartCount })}
            </Link>
            <LanguageSwitcher />
          </nav>
        </div>
      </header>
      <main className="site-main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="inner">
          © {new Date().getFullYear()} <span lang={shop.language}>{shop.name}</span> · {t("poweredBy")} <a href="/">NetShop</a>
        </div>
      </footer>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("storefront");
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
