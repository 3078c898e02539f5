import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { collectionPage } from "~/domain/storefront/catalog.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { notFound } from "~/lib/http";
import { useTranslation } from "~/lib/i18n-react";
import { Pager, ProductGrid, StorefrontErrorBoundary, useStorefront } from "~/ui/storefront";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw notFound("There is no shop at this address.");
  const page = Math.min(100, Math.max(1, Number.parseInt(new URL(request.url).searchParams.get("page") ?? "1", 10) || 1));
  const result = await collectionPage(shop.id, params.handle ?? "", page);
  if (!result) throw notFound("There is no such collection in this shop.");
  return { shopName: shop.name, ...result };
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: `${data.collection.title} · ${data.shopName}` },
        { name: "description", content: data.collection.description.slice(0, 160) || data.collection.title },
        { property: "og:title", content: data.collection.title },
        { property: "og:type", content: "website" },
      ]
    : [];

export default function CollectionPage() {
  const { collection, products, page, hasNext } = useLoaderData<typeof loader>();
  const { base } = useStorefront();
  const { t } = useTranslation("storefront");
  return (
    <section className="stack" data-testid="collection">
      <h1>{collection.title}</h1>
      {collection.description ? <p className="muted">{collection.description}</p> : null}
      {products.length ? (
        <ProductGrid products={products} testId="collection-products" />
      ) : (
        <p className="muted">{t("shop.collectionEmpty")}</p>
      )}
      <Pager page={page} hasNext={hasNext} link={(n) => `${base}/collections/${collection.handle}?page=${n}`} />
    </section>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary };
