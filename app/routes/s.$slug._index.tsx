import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { publishedProducts } from "~/domain/catalog/published.server";
import { findShopBySlug } from "~/domain/shops/shops.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const shop = await findShopBySlug(params.slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  return { shop: { name: shop.name }, products: await publishedProducts(shop.id) };
}

export default function StorefrontHome() {
  const { shop, products } = useLoaderData<typeof loader>();
  const { t } = useTranslation("storefront");
  return (
    <section className="stack">
      <h1>{shop.name}</h1>
      {products.length === 0 ? (
        <div className="empty-state" data-testid="empty-catalog">
          <h2>{t("empty.title")}</h2>
          <p>{t("empty.body")}</p>
        </div>
      ) : (
        <ul className="product-grid" style={{ listStyle: "none", padding: 0 }} data-testid="storefront-products">
          {products.map((p) => (
            <li key={p.id} className="product-card" data-testid="storefront-product">
              <div className="image">
                {p.image ? <img src={p.image.src} srcSet={p.image.srcSet} sizes="(max-width: 600px) 50vw, 240px" alt={p.image.alt} loading="lazy" /> : null}
              </div>
              <h2 style={{ fontSize: "1rem", margin: 0 }}>{p.title}</h2>
              {p.minPrice !== null ? (
                <div className="price">
                  {p.minPrice === p.maxPrice ? formatMoney(p.minPrice, p.currency) : t("fromPrice", { price: formatMoney(p.minPrice, p.currency) })}
                  {p.compareAt && p.compareAt > (p.maxPrice ?? 0) ? <span className="compare">{formatMoney(p.compareAt, p.currency)}</span> : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
