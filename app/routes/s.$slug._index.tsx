import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { storefrontHome } from "~/domain/storefront/catalog.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { notFound } from "~/lib/http";
import { useTranslation } from "~/lib/i18n-react";
import { Countdown, ProductGrid, StorefrontErrorBoundary, useStorefront } from "~/ui/storefront";
import { HeroBanner } from "~/ui/storefront-theme";

export async function loader({ params }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw notFound("There is no shop at this address.");
  return { shop: { name: shop.name, language: shop.language }, ...(await storefrontHome(shop.id)) };
}

export default function StorefrontHome() {
  const { shop, flashSale, deals, featured, newest } = useLoaderData<typeof loader>();
  const { base, theme } = useStorefront();
  const { t } = useTranslation("storefront");
  const hero = Boolean(theme.heroTitle || theme.heroImage);
  return (
    <div className="stack">
      <h1 lang={shop.language} className={hero ? "sr-only" : undefined}>
        {shop.name}
      </h1>
      <HeroBanner />
      {flashSale ? (
        <section className="card stack flash-sale" data-testid="flash-sale">
          <div className="spread">
            <h2>
              <span className="eyebrow">{t("shop.flashSale")}</span> {flashSale.name}
            </h2>
            <Countdown endsAt={flashSale.endsAt} />
          </div>
          {flashSale.remaining !== null ? <p className="small muted">{t("shop.leftAtPrice", { count: flashSale.remaining })}</p> : null}
          <ProductGrid products={flashSale.products} />
        </section>
      ) : null}
      {deals.length > 0 ? (
        <section className="stack" data-testid="deals">
          <h2>{t("shop.deals")}</h2>
          <ProductGrid products={deals} />
        </section>
      ) : null}
      {featured.map((c) => (
        <section key={c.id} className="stack" data-testid="featured-collection">
          <div className="spread">
            <h2>{c.title}</h2>
            <Link to={`${base}/collections/${c.handle}`}>{t("shop.viewAll")}</Link>
          </div>
          <ProductGrid products={c.products} />
        </section>
      ))}
      {newest.length === 0 ? (
        <div className="empty-state" data-testid="empty-catalog">
          <h2>{t("empty.title")}</h2>
          <p>{t("empty.body")}</p>
        </div>
      ) : (
        <section className="stack">
          <h2>{t("shop.newArrivals")}</h2>
          <ProductGrid products={newest} testId="storefront-products" />
        </section>
      )}
    </div>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary };
