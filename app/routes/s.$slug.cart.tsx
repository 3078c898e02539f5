import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { type CartError, changeCart, loadCart } from "~/domain/checkout/cart.server";
import { storefrontShopper } from "~/domain/checkout/context.server";
import { cartCookieHeader } from "~/domain/checkout/visitor.server";
import { recordStorefrontEvent } from "~/domain/reports/events.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";

export const meta: MetaFunction = ({ matches }) => [
  { title: metaT(matches, "checkout")("cart.title") },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const cart = await loadCart(who, shop.currency);
  return data({ slug: shop.slug, language: shop.language, cart }, { headers: { "Cache-Control": "private, no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const form = await readForm(request);
  const result = await changeCart(who, Object.fromEntries(form));
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (result.created && result.cartId) headers.append("Set-Cookie", await cartCookieHeader(shop.id, result.cartId));
  if (!result.ok) return data({ error: result.errors.form }, { status: result.errors.form.code === "not_found" ? 404 : 409, headers });
  if (result.intent === "add") await recordStorefrontEvent(request, shop.id, "cart");
  const status = result.intent === "add" ? "added" : result.intent === "update" ? "updated" : "removed";
  return redirect(`/s/${shop.slug}/cart?status=${status}`, { headers });
}

function useCartErrorText(error: CartError | undefined): string | null {
  const { t } = useTranslation("checkout");
  if (!error) return null;
  switch (error.code) {
    case "invalid":
      return t(`cart.errors.input.${error.problem}`, { max: error.max });
    case "not_found":
      return t("cart.errors.notFound");
    case "out_of_stock":
      return t("cart.errors.outOfStock", { title: error.title });
    case "over_available":
      // Adding to what is already in the cart says how many are there; asking for a quantity names the most there is.
      return error.adding && error.inCart > 0
        ? t("cart.errors.overAvailable", { title: error.title, available: error.available, inCart: error.inCart })
        : t("cart.errors.overAvailableAsk", { title: error.title, available: error.available });
  }
}

export default function CartPage() {
  const { slug, language, cart } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("checkout");
  const errorText = useCartErrorText(result?.error);
  const status = params.get("status");
  return (
    <section className="stack" data-testid="cart">
      <h1>{t("cart.title")}</h1>
      {errorText ? (
        <Banner tone="danger" data-testid="cart-error">
          {errorText}
        </Banner>
      ) : status === "added" || status === "updated" || status === "removed" ? (
        <Banner tone="ok" data-testid="cart-status">
          {t(`cart.${status}`)}
        </Banner>
      ) : null}
      {cart.lines.length === 0 ? (
        <div className="empty-state">
          <p data-testid="cart-empty">{t("cart.empty")}</p>
          <Link to={`/s/${slug}`}>{t("cart.continueShopping")}</Link>
        </div>
      ) : (
        <>
          <table className="data" data-testid="cart-lines" style={{ width: "100%", borderCollapse: "collapse" }}>
            <tbody>
              {cart.lines.map((line) => (
                <tr key={line.variantId} data-testid="cart-line" style={{ borderBottom: "1px solid #e5e7eb" }}>
                  <td style={{ width: 80, padding: "0.75rem 0" }}>
                    {line.image ? (
                      <img src={line.image} alt="" width={64} height={64} style={{ objectFit: "cover", borderRadius: 6 }} />
                    ) : (
                      <div style={{ width: 64, height: 64, borderRadius: 6, background: "#eef2f1" }} />
                    )}
                  </td>
                  <td>
                    <div lang={language}>
                      <strong>{line.title}</strong>
                      {line.variantTitle && line.variantTitle !== "Default" ? <div className="muted small">{line.variantTitle}</div> : null}
                    </div>
                    <div className="small muted">{t("cart.each", { price: formatMoney(line.unitPriceMinor, line.currency) })}</div>
                    {line.problem ? (
                      <p className="error" data-testid="line-problem">
                        {line.problem.kind === "unavailable"
                          ? t("cart.problems.unavailable")
                          : line.problem.kind === "out_of_stock"
                            ? t("cart.problems.outOfStock")
                            : t("cart.problems.overAvailable", { available: line.problem.available })}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    <PostForm
                      className="inline-form"
                      style={{ display: "flex", gap: "0.5rem", alignItems: "center", flexWrap: "wrap" }}
                      fields={{ variantId: line.variantId }}
                    >
                      <label className="sr-only" htmlFor={`qty-${line.variantId}`}>
                        {t("cart.quantity")}
                      </label>
                      <input
                        id={`qty-${line.variantId}`}
                        name="quantity"
                        type="number"
                        min={0}
                        max={999}
                        defaultValue={line.quantity}
                        style={{ width: "5rem" }}
                      />
                      <button type="submit" name="intent" value="update" className="secondary">
                        {t("cart.update")}
                      </button>
                      <button type="submit" name="intent" value="remove" className="link">
                        {t("cart.remove")}
                      </button>
                    </PostForm>
                  </td>
                  <td className="num" data-testid="line-total" style={{ textAlign: "right", whiteSpace: "nowrap" }}>
                    {formatMoney(line.lineTotalMinor, line.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="card" style={{ maxWidth: "24rem", marginLeft: "auto" }}>
            <p className="spread">
              <span>{t("cart.subtotal")}</span>{" "}
              <strong data-testid="cart-subtotal">{formatMoney(cart.subtotalMinor, cart.currency)}</strong>
            </p>
            <p className="muted small">{t("cart.shippingLater")}</p>
            <a className="button block" href={`/s/${slug}/checkout`} data-testid="go-to-checkout">
              {t("cart.checkout")}
            </a>
          </div>
        </>
      )}
    </section>
  );
}
