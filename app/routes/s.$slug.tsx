import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { recordStorefrontEvent } from "~/domain/reports/events.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { LanguageSwitcher } from "~/ui/language-switcher";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  // First-party analytics (the dashboard's funnel): only with the visitor's consent.
  await recordStorefrontEvent(request, shop.id, "visit");
  return { shop: { name: shop.name, slug: shop.slug, language: shop.language } };
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.shop.name }, { property: "og:site_name", content: data.shop.name }] : [{ title: "Shop not found" }];

export default function StorefrontLayout() {
  const { shop } = useLoaderData<typeof loader>();
  const { t } = useTranslation("storefront");
  return (
    <div>
      <header className="site-header">
        <div className="inner spread">
          {/* The shop's name is the merchant's own: never translated, marked in its language. */}
          <Link to={`/s/${shop.slug}`} className="brand" data-testid="shop-name" lang={shop.language}>
            {shop.name}
          </Link>
          <nav aria-label={t("home")} className="storefront-nav">
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
