import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";

import { collectionOptions } from "~/domain/storefront/catalog.server";
import { SEARCH_SORTS } from "~/domain/storefront/search";
import { parseSearchParams, searchProducts } from "~/domain/storefront/search.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { notFound } from "~/lib/http";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { minorToDecimal } from "~/lib/money";
import { Pager, ProductGrid, StorefrontErrorBoundary, useStorefront } from "~/ui/storefront";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw notFound("There is no shop at this address.");
  const query = parseSearchParams(new URL(request.url).searchParams, shop.currency);
  const [result, collections, locale] = await Promise.all([searchProducts(shop.id, query), collectionOptions(shop.id), localeFor(request)]);
  const t = serverT(locale, "storefront");
  return {
    title: `${query.q ? t("searchPage.heading", { q: query.q }) : t("searchPage.title")} · ${shop.name}`,
    query: {
      ...query,
      min: query.minPrice !== null ? minorToDecimal(query.minPrice, shop.currency) : "",
      max: query.maxPrice !== null ? minorToDecimal(query.maxPrice, shop.currency) : "",
    },
    collections,
    ...result,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? "Search" },
  { name: "robots", content: "noindex, follow" },
];

export default function SearchPage() {
  const { query, collections, products, total, hasNext } = useLoaderData<typeof loader>();
  const { base } = useStorefront();
  const { t } = useTranslation("storefront");
  const pageLink = (page: number) => {
    const params = new URLSearchParams();
    if (query.q) params.set("q", query.q);
    if (query.min) params.set("min", query.min);
    if (query.max) params.set("max", query.max);
    if (query.collection) params.set("collection", query.collection);
    if (query.inStock) params.set("inStock", "1");
    params.set("sort", query.sort);
    params.set("page", String(page));
    return `${base}/search?${params}`;
  };
  return (
    <section className="stack" data-testid="search-page">
      <h1>{query.q ? t("searchPage.heading", { q: query.q }) : t("searchPage.allProducts")}</h1>
      <Form
        method="get"
        action={`${base}/search`}
        className="search-filters row"
        aria-label={t("searchPage.filters")}
        data-testid="search-filters"
      >
        <input type="hidden" name="q" value={query.q} />
        <label>
          {t("searchPage.minPrice")} <input name="min" inputMode="decimal" defaultValue={query.min} size={7} />
        </label>
        <label>
          {t("searchPage.maxPrice")} <input name="max" inputMode="decimal" defaultValue={query.max} size={7} />
        </label>
        <label>
          {t("searchPage.collection")}{" "}
          <select name="collection" defaultValue={query.collection}>
            <option value="">{t("searchPage.anyCollection")}</option>
            {collections.map((c) => (
              <option key={c.handle} value={c.handle}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" name="inStock" value="1" defaultChecked={query.inStock} /> {t("searchPage.inStockOnly")}
        </label>
        <label>
          {t("searchPage.sort")}{" "}
          <select name="sort" defaultValue={query.sort}>
            {SEARCH_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`searchPage.sorts.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary small">
          {t("searchPage.apply")}
        </button>
      </Form>
      <p className="muted small" data-testid="search-count">
        {t("searchPage.count", { count: total })}
      </p>
      {products.length ? (
        <ProductGrid products={products} testId="search-results" />
      ) : (
        <p data-testid="search-none">{t("searchPage.none")}</p>
      )}
      <Pager page={query.page} hasNext={hasNext} link={pageLink} />
    </section>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary };
