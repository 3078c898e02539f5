import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { changeWishlist, loadWishlist } from "~/domain/checkout/cart.server";
import { storefrontShopper } from "~/domain/checkout/context.server";
import { cartCookieHeader } from "~/domain/checkout/visitor.server";
import { readForm } from "~/lib/csrf.server";
import { safeRedirect } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";

export const meta: MetaFunction = ({ matches }) => [
  { title: metaT(matches, "checkout")("wishlist.title") },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  return data(
    { slug: shop.slug, language: shop.language, items: await loadWishlist(who) },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const form = await readForm(request);
  const result = await changeWishlist(who, Object.fromEntries(form));
  if (!result.ok) return data({ error: "notFound" as const }, { status: 404 });
  const headers = new Headers();
  if (result.created) headers.append("Set-Cookie", await cartCookieHeader(shop.id, result.cartId));
  const status = form.get("intent") === "add" ? "added" : "removed";
  // A product page may ask to come back to itself; otherwise show the wishlist.
  const back = safeRedirect(form.get("redirectTo"), `/s/${shop.slug}/wishlist`);
  const target = back.startsWith(`/s/${shop.slug}/`) ? back : `/s/${shop.slug}/wishlist`;
  return redirect(`${target}${target.includes("?") ? "&" : "?"}wishlist=${status}`, { headers });
}

export default function WishlistPage() {
  const { slug, language, items } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("checkout");
  const status = params.get("wishlist");
  return (
    <section className="stack" data-testid="wishlist">
      <h1>{t("wishlist.title")}</h1>
      {result?.error ? (
        <Banner tone="danger">{t("wishlist.notFound")}</Banner>
      ) : status === "added" || status === "removed" ? (
        <Banner tone="ok">{t(`wishlist.${status}`)}</Banner>
      ) : null}
      {items.length === 0 ? (
        <p className="empty-state" data-testid="wishlist-empty">
          {t("wishlist.empty")}
        </p>
      ) : (
        <ul className="product-grid" style={{ listStyle: "none", padding: 0 }}>
          {items.map((item) => (
            <li key={item.productId} className="product-card" data-testid="wishlist-item">
              <div className="image">{item.image ? <img src={item.image} alt="" loading="lazy" /> : null}</div>
              <h2 style={{ fontSize: "1rem", margin: 0 }} lang={language}>
                <Link to={`/s/${slug}/products/${item.handle}`}>{item.title}</Link>
              </h2>
              {item.minPriceMinor !== null ? (
                <div className="price">{t("wishlist.from", { price: formatMoney(item.minPriceMinor, item.currency) })}</div>
              ) : null}
              <PostForm fields={{ productId: item.productId }}>
                <button type="submit" name="intent" value="remove" className="link">
                  {t("wishlist.remove")}
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
