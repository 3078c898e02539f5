import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { publicUrl } from "~/config.server";
import { productPage } from "~/domain/storefront/catalog.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { notFound } from "~/lib/http";
import { useTranslation } from "~/lib/i18n-react";
import { minorToDecimal } from "~/lib/money";
import { PostForm } from "~/ui/csrf";
import { Countdown, Price, StorefrontErrorBoundary, useStorefront } from "~/ui/storefront";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw notFound("There is no shop at this address.");
  const page = await productPage(shop.id, params.handle ?? "");
  if (!page) throw notFound("There is no such product in this shop.");
  const { product, variants, media } = page;
  // The variant picker works without JavaScript: each choice is a link with ?variant=<id>.
  const wanted = new URL(request.url).searchParams.get("variant");
  const selected = variants.find((v) => v.id === wanted) ?? variants.find((v) => v.inStock) ?? variants[0] ?? null;

  const url = new URL(request.url);
  const base = context.customDomain ? "" : `/s/${shop.slug}`;
  const origin = context.customDomain ? `${new URL(publicUrl()).protocol}//${url.host}` : publicUrl();
  const canonical = `${origin}${base}/products/${product.handle}`;
  const images = media.filter((m) => m.kind === "image").map((m) => m.src);
  const description = product.seoDescription || plainText(product.descriptionHtml).slice(0, 300);
  const jsonLd = {
    "@context": "https://schema.org",
    "@type": "Product",
    name: product.title,
    description,
    url: canonical,
    ...(images.length ? { image: images } : {}),
    ...(product.brand ? { brand: { "@type": "Brand", name: product.brand } } : {}),
    ...(selected?.sku ? { sku: selected.sku } : {}),
    offers: variants.map((v) => ({
      "@type": "Offer",
      url: `${canonical}?variant=${v.id}`,
      ...(v.sku ? { sku: v.sku } : {}),
      name: v.title,
      price: minorToDecimal(v.sale?.price ?? v.price, v.currency),
      priceCurrency: v.currency,
      ...(v.sale ? { priceValidUntil: v.sale.endsAt.slice(0, 10) } : {}),
      availability: v.inStock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
    })),
  };
  return {
    shopName: shop.name,
    product,
    variants,
    media,
    selectedId: selected?.id ?? null,
    canonical,
    description,
    // Escaped so the JSON can never close its <script> element.
    jsonLd: JSON.stringify(jsonLd).replace(/</g, "\\u003c"),
  };
}

/** The sanitised description as plain text (meta description, JSON-LD). */
function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [];
  const { product, variants, media, selectedId, canonical, description, shopName } = data;
  const selected = variants.find((v) => v.id === selectedId);
  const image = media.find((m) => m.kind === "image");
  const price = selected ? (selected.sale?.price ?? selected.price) : null;
  return [
    { title: `${product.seoTitle || product.title} · ${shopName}` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: canonical },
    { property: "og:type", content: "product" },
    { property: "og:title", content: product.seoTitle || product.title },
    { property: "og:description", content: description },
    { property: "og:url", content: canonical },
    ...(image && image.kind === "image" ? [{ property: "og:image", content: image.src }] : []),
    ...(selected && price !== null
      ? [
          { property: "product:price:amount", content: minorToDecimal(price, selected.currency) },
          { property: "product:price:currency", content: selected.currency },
        ]
      : []),
  ];
};

export default function ProductPage() {
  const { product, variants, media, selectedId, jsonLd } = useLoaderData<typeof loader>();
  const { base } = useStorefront();
  const { t } = useTranslation("storefront");
  const selected = variants.find((v) => v.id === selectedId) ?? null;
  const href = (variantId: string) => `${base}/products/${product.handle}?variant=${variantId}`;
  return (
    <article className="product-page" data-testid="product-page">
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd }} />
      <div className="product-media stack">
        {media.map((m, i) =>
          m.kind === "image" ? (
            <img
              key={m.id}
              src={m.src}
              srcSet={m.srcSet || undefined}
              sizes="(max-width: 800px) 100vw, 50vw"
              alt={m.alt}
              width={m.width ?? undefined}
              height={m.height ?? undefined}
              loading={i === 0 ? "eager" : "lazy"}
              data-testid="product-image"
            />
          ) : (
            <video
              key={m.id}
              controls
              preload="none"
              poster={m.poster ?? undefined}
              aria-label={t("product.video")}
              data-testid="product-video"
              playsInline
            >
              <source src={m.src} type={m.type} />
              {t("product.noVideo")}
            </video>
          ),
        )}
      </div>
      <div className="product-info stack">
        <h1 data-testid="product-title">{product.title}</h1>
        {selected ? (
          <>
            <div className="product-price">
              <Price
                price={selected.sale?.price ?? selected.price}
                compareAt={selected.sale ? selected.price : selected.compareAt}
                currency={selected.currency}
                sale={Boolean(selected.sale)}
              />
            </div>
            {selected.sale ? (
              <div className="flash-sale small stack" data-testid="product-sale">
                <div>
                  <strong>{selected.sale.name}</strong> · <Countdown endsAt={selected.sale.endsAt} />
                </div>
                {selected.sale.remaining !== null ? <div>{t("shop.leftAtPrice", { count: selected.sale.remaining })}</div> : null}
                {selected.sale.perCustomerLimit !== null ? (
                  <div>{t("product.perCustomer", { count: selected.sale.perCustomerLimit })}</div>
                ) : null}
              </div>
            ) : null}
            <p data-testid="stock-state" className={selected.inStock ? "ok" : "muted"}>
              {!selected.inStock
                ? t("shop.soldOut")
                : selected.available !== null && selected.available <= 5
                  ? t("shop.lowStock", { count: selected.available })
                  : t("shop.inStock")}
            </p>
          </>
        ) : null}

        {product.options.length > 0 && selected ? (
          <div className="variant-picker stack" data-testid="variant-picker">
            {product.options.map((option, i) => (
              <fieldset key={option.name}>
                <legend>{t("product.choose", { option: option.name })}</legend>
                <div className="row">
                  {option.values.map((value) => {
                    const match =
                      variants.find((v) => v.options[i] === value && v.options.every((o, j) => j === i || o === selected.options[j])) ??
                      variants.find((v) => v.options[i] === value);
                    const current = selected.options[i] === value;
                    return match ? (
                      <Link
                        key={value}
                        to={href(match.id)}
                        replace
                        preventScrollReset
                        className={`chip${current ? " selected" : ""}${match.inStock ? "" : " sold-out"}`}
                        aria-current={current ? "true" : undefined}
                        data-testid="variant-option"
                      >
                        {value}
                      </Link>
                    ) : (
                      <span key={value} className="chip disabled" title={t("product.unavailable")}>
                        {value}
                      </span>
                    );
                  })}
                </div>
              </fieldset>
            ))}
            <p className="small muted" data-testid="selected-variant">
              {selected.title}
              {selected.sku ? ` · ${t("product.sku")} ${selected.sku}` : ""}
            </p>
          </div>
        ) : null}

        {selected ? (
          <PostForm
            action={`${base}/cart`}
            className="row add-to-cart"
            data-testid="add-to-cart"
            fields={{ intent: "add", variantId: selected.id }}
          >
            <label>
              {t("product.quantity")}{" "}
              <input
                type="number"
                name="quantity"
                defaultValue={1}
                min={1}
                // No `max` from the stock: the browser would block a larger number without a word; the cart
                // answers with how many are available, in the visitor's language.
                max={999}
                key={selected.id}
                style={{ width: "5rem" }}
              />
            </label>
            <button type="submit" disabled={!selected.inStock}>
              {selected.inStock ? t("product.addToCart") : t("shop.soldOut")}
            </button>
          </PostForm>
        ) : null}
        <PostForm action={`${base}/wishlist`} data-testid="add-to-wishlist" fields={{ intent: "add", productId: product.id }}>
          <button type="submit" className="secondary small">
            ♡ {t("product.addToWishlist")}
          </button>
        </PostForm>
        {/* Merchant content: sanitised on save (app/domain/catalog/description.server.ts). */}
        <div className="description" data-testid="product-description" dangerouslySetInnerHTML={{ __html: product.descriptionHtml }} />
      </div>
    </article>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary };
