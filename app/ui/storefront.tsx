/**
 * Storefront building blocks: product cards and grid, prices (sale and compare-at), the flash
 * sale countdown, the error page inside a shop. Links are built from the layout's `base`
 * ("/s/:slug", or "" on the shop's own domain) so visitors stay on the host they came to.
 */
import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";

import type { ProductCard as Card } from "~/domain/storefront/catalog.server";
import type { StorefrontTheme } from "~/domain/storefront/theme";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { useNonce } from "~/ui/nonce";

export interface StorefrontLayoutData {
  shop: { name: string; slug: string; language: string; currency: string; timezone: string };
  theme: StorefrontTheme;
  base: string;
  origin: string;
  consent: "necessary" | "all" | null;
}

/** The storefront layout's data (shop, base path) from any page inside it. */
export function useStorefront(): StorefrontLayoutData {
  return useRouteLoaderData("routes/s.$slug") as StorefrontLayoutData;
}

const MONEY_LOCALE: Record<Locale, string> = { en: "en-MY", ms: "ms-MY", zh: "zh-Hans-MY" };

/** Formats money in the page's language. */
export function useMoney(): (minor: number, currency: string) => string {
  const locale = ((useRouteLoaderData("root") as { locale?: Locale } | undefined)?.locale ?? DEFAULT_LOCALE) as Locale;
  return (minor, currency) => formatMoney(minor, currency, MONEY_LOCALE[locale]);
}

/** "1d 02:13:45" until `endsAt` (the same text the ticking script writes). */
export function countdownText(endsAt: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((Date.parse(endsAt) - now) / 1000));
  const d = Math.floor(s / 86400);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d ? `${d}d ` : ""}${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** A countdown to `endsAt`; the time is right without JavaScript too (server-rendered). */
export function Countdown({ endsAt }: { endsAt: string }) {
  const { t } = useTranslation("storefront");
  return (
    <span className="countdown" data-testid="countdown">
      {t("shop.endsIn")}{" "}
      <time dateTime={endsAt} data-countdown="" suppressHydrationWarning>
        {countdownText(endsAt)}
      </time>
    </span>
  );
}

// Ticks every [data-countdown] once a second; re-queries each time, so it follows navigation.
const COUNTDOWN_SCRIPT = `(function(){function p(n){return String(n).padStart(2,"0")}function t(){var l=document.querySelectorAll("[data-countdown]");for(var i=0;i<l.length;i++){var e=l[i],s=Math.max(0,Math.floor((Date.parse(e.getAttribute("datetime"))-Date.now())/1000)),d=Math.floor(s/86400);e.textContent=(d?d+"d ":"")+p(Math.floor(s%86400/3600))+":"+p(Math.floor(s%3600/60))+":"+p(s%60)}}t();setInterval(t,1000)})();`;

/** The countdown's few lines of script (CSP nonce), also on pages served without the Remix client. */
export function CountdownScript() {
  const nonce = useNonce();
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: COUNTDOWN_SCRIPT }} />;
}

export function Price({
  price,
  compareAt,
  currency,
  sale,
}: {
  price: number | null;
  compareAt?: number | null;
  currency: string;
  sale?: boolean;
}) {
  const money = useMoney();
  const { t } = useTranslation("storefront");
  if (price === null) return null;
  return (
    <span className="price" data-testid="price">
      {sale ? <span className="badge sale">{t("shop.sale")}</span> : null} <span data-testid="price-now">{money(price, currency)}</span>
      {compareAt && compareAt > price ? (
        <s className="compare" data-testid="price-compare">
          {money(compareAt, currency)}
        </s>
      ) : null}
    </span>
  );
}

export function ProductCard({ product }: { product: Card }) {
  const { base } = useStorefront();
  const { t } = useTranslation("storefront");
  const money = useMoney();
  return (
    <li className="product-card" data-testid="storefront-product">
      <Link to={`${base}/products/${product.handle}`} prefetch="intent">
        <div className="image">
          {product.image ? (
            <img
              src={product.image.src}
              srcSet={product.image.srcSet}
              sizes="(max-width: 600px) 50vw, 240px"
              alt={product.image.alt}
              loading="lazy"
            />
          ) : null}
        </div>
        <h3 className="product-title">{product.title}</h3>
      </Link>
      {product.minPrice !== null ? (
        <div className="price">
          {product.saleEndsAt ? <span className="badge sale">{t("shop.sale")}</span> : null}{" "}
          {product.minPrice === product.maxPrice
            ? money(product.minPrice, product.currency)
            : t("fromPrice", { price: money(product.minPrice, product.currency) })}
          {product.compareAt && product.compareAt > (product.minPrice ?? 0) ? (
            <s className="compare">{money(product.compareAt, product.currency)}</s>
          ) : null}
        </div>
      ) : null}
      {!product.inStock ? <div className="muted small">{t("shop.soldOut")}</div> : null}
    </li>
  );
}

export function ProductGrid({ products, testId }: { products: Card[]; testId?: string }) {
  return (
    <ul className="product-grid" style={{ listStyle: "none", padding: 0 }} data-testid={testId}>
      {products.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </ul>
  );
}

/** The previous and next page links under a list of products (`link(n)`: page n's address). */
export function Pager({ page, hasNext, link }: { page: number; hasNext: boolean; link: (page: number) => string }) {
  const { t } = useTranslation("storefront");
  return (
    <nav className="row">
      {page > 1 ? <Link to={link(page - 1)}>{t("shop.previousPage")}</Link> : null}
      {hasNext ? (
        <Link to={link(page + 1)} rel="next">
          {t("shop.nextPage")}
        </Link>
      ) : null}
    </nav>
  );
}

/** A 404 (or other error) inside a shop: the shop's header and footer stay. */
export function StorefrontErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("storefront");
  const data = useStorefront();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <div className="card narrow" data-testid="storefront-error">
      <p className="eyebrow">{notFound ? "404" : t("unavailable.eyebrow")}</p>
      <h1>{notFound ? t("shop.pageNotFound.title") : t("unavailable.title")}</h1>
      <p>{notFound ? t("shop.pageNotFound.body") : t("unavailable.body")}</p>
      <p>
        <a href={data ? data.base || "/" : "/"}>{t("shop.pageNotFound.back")}</a>
      </p>
    </div>
  );
}
