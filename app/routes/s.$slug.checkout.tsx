import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";

import { takesOrders } from "~/domain/billing/subscription-status";
import { subscriptionStatus } from "~/domain/billing/subscriptions.server";
import { countryName, MALAYSIAN_STATES } from "~/domain/checkout/address";
import { checkoutPreview, type CheckoutView, parseCheckoutForm, placeOrder, readCheckoutView } from "~/domain/checkout/checkout.server";
import { storefrontShopper } from "~/domain/checkout/context.server";
import { placedOrderCookie } from "~/domain/checkout/order-access.server";
import { recordStorefrontEvent } from "~/domain/reports/events.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { enforceLimit } from "~/lib/rate-limit.server";
import { redirect } from "~/lib/redirect.server";
import type { HydrateHandle } from "~/root";
import { Banner } from "~/ui/banner";
import { CsrfInput, Field, FormError, SelectField, useFormResult } from "~/ui/forms";

// The order summary follows the chosen shipping method as it is picked: the client runs here.
export const handle: HydrateHandle = { hydrate: true };

export const meta: MetaFunction = ({ matches }) => [
  { title: metaT(matches, "checkout")("page.title") },
  { name: "robots", content: "noindex" },
];
export const headers = passThroughHeaders;

/**
 * The view the action read, for this request's loader: a form posted without JavaScript is
 * answered with the whole page, whose loaders run right after the action in the same request
 * (with the same context object), and need not read the cart again.
 */
const readByAction = new WeakMap<object, CheckoutView>();

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const preview = checkoutPreview(readByAction.get(context) ?? (await readCheckoutView(who)), null);
  if (preview.cart.lines.length > 0) await recordStorefrontEvent(request, shop.id, "checkout");
  return data(
    {
      slug: shop.slug,
      language: shop.language,
      // A suspended shop can be browsed but takes no orders (billing).
      closed: !takesOrders(await subscriptionStatus(shop.id)),
      customer: who.customer ? { name: who.customer.name, email: who.customer.email, phone: who.customer.phone } : null,
      ...preview,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const form = await readForm(request);
  const fields = Object.fromEntries(form);
  const values = keptValues(form);
  if (fields.intent === "place") {
    await enforceLimit("checkoutPerIp", context.ip);
    await enforceLimit("checkoutPerCart", who.customer?.id ?? who.anonymousCartId ?? context.ip);
    const result = await placeOrder({ who, form: fields, locale: await localeFor(request) });
    // The placing browser may open its order's pages (checkout's order-access.server.ts) without the token.
    if (result.ok) await recordStorefrontEvent(request, shop.id, "order", { orderId: result.orderId });
    if (result.ok)
      return redirect(`/s/${shop.slug}/orders/${result.orderId}/pay`, {
        headers: { "Set-Cookie": await placedOrderCookie(request, result.orderId) },
      });
    const parsed = parseCheckoutForm(fields);
    // A refusal before the order wrote anything (sold out, say) hands back the cart it read.
    const view = await readCheckoutView(who, result.read);
    readByAction.set(context, view);
    const preview = checkoutPreview(view, parsed.ok ? parsed.input : null);
    return data({ errors: result.errors, values, zones: preview.zones, cart: preview.cart }, { status: result.errors.form ? 409 : 400 });
  }
  // "Show shipping options": check the address and offer only the methods that reach it.
  const parsed = parseCheckoutForm(fields);
  const view = await readCheckoutView(who);
  readByAction.set(context, view);
  const preview = checkoutPreview(view, parsed.ok ? parsed.input : null);
  const errors = parsed.ok ? {} : Object.fromEntries(Object.entries(parsed.errors).filter(([k]) => k !== "shippingRateId"));
  return data({ errors, values, zones: preview.zones, cart: preview.cart }, { status: Object.keys(errors).length ? 400 : 200 });
}

export default function CheckoutPage() {
  const loaded = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  const { t, i18n } = useTranslation("checkout");
  const { t: tb } = useTranslation("billing");
  const busy = useNavigation().state === "submitting";
  const saved = loaded.savedAddress;
  const values: Record<string, string | undefined> = result?.values ?? {
    email: loaded.customer?.email ?? undefined,
    phone: loaded.customer?.phone ?? undefined,
    name: saved?.name ?? loaded.customer?.name ?? undefined,
    line1: saved?.line1,
    line2: saved?.line2 ?? undefined,
    city: saved?.city,
    state: saved?.state,
    postcode: saved?.postcode,
    country: saved?.country ?? "MY",
  };
  const cart = result?.cart ?? loaded.cart;
  const zones = result?.zones ?? loaded.zones;
  const [country, setCountry] = useState(values.country ?? "MY");
  const [rateId, setRateId] = useState(values.shippingRateId ?? "");
  const chosen = zones.flatMap((z) => z.options).find((o) => o.rateId === rateId);
  const money = (minor: number) => formatMoney(minor, cart.currency);
  const slug = loaded.slug;

  if (loaded.closed) {
    return (
      <section className="stack">
        <Banner tone="info" role="status" data-testid="checkout-closed">
          {tb("checkoutClosed")}
        </Banner>
      </section>
    );
  }
  if (cart.lines.length === 0) {
    return (
      <section className="stack">
        <h1>{t("page.title")}</h1>
        <p data-testid="checkout-empty">{t("page.emptyCart")}</p>
        <Link to={`/s/${slug}`}>{t("cart.continueShopping")}</Link>
      </section>
    );
  }
  const countryOptions = [
    { value: "MY", label: countryName("MY", i18n.language) },
    ...loaded.countries.map((c) => ({ value: c, label: countryName(c, i18n.language) })),
  ];
  return (
    <section className="stack" data-testid="checkout">
      <h1>{t("page.title")}</h1>
      <p className="muted small">
        {loaded.customer ? (
          t("page.loggedInAs", { name: loaded.customer.name })
        ) : (
          <>
            {t("page.guest")}{" "}
            <Link to={`/s/${slug}/account/login?redirectTo=${encodeURIComponent(`/s/${slug}/checkout`)}`}>{t("page.logInInstead")}</Link>
          </>
        )}
      </p>
      <FormError message={errors.form} />
      <Form
        method="post"
        noValidate
        className="checkout-grid"
        style={{ display: "grid", gap: "1.5rem", gridTemplateColumns: "minmax(0, 2fr) minmax(0, 1fr)" }}
      >
        <div className="stack">
          <CsrfInput />
          <fieldset className="card">
            <legend>{t("page.contact")}</legend>
            <p className="hint">{t("page.contactHint")}</p>
            <Field
              label={t("page.email")}
              name="email"
              type="email"
              autoComplete="email"
              defaultValue={values.email}
              error={errors.email}
            />
            <Field
              label={t("page.phone")}
              name="phone"
              type="tel"
              autoComplete="tel"
              hint={t("page.phoneHint")}
              defaultValue={values.phone}
              error={errors.phone}
            />
          </fieldset>
          <fieldset className="card">
            <legend>{t("page.address")}</legend>
            <Field label={t("page.name")} name="name" autoComplete="name" defaultValue={values.name} error={errors.name} required />
            <SelectField
              label={t("page.country")}
              name="country"
              value={country}
              onChange={(e) => setCountry(e.target.value)}
              error={errors.country}
              options={countryOptions}
            />
            <Field
              label={t("page.line1")}
              name="line1"
              autoComplete="address-line1"
              defaultValue={values.line1}
              error={errors.line1}
              required
            />
            <Field label={t("page.line2")} name="line2" autoComplete="address-line2" defaultValue={values.line2} error={errors.line2} />
            <div className="two-cols">
              <Field
                label={t("page.postcode")}
                name="postcode"
                autoComplete="postal-code"
                inputMode={country === "MY" ? "numeric" : undefined}
                defaultValue={values.postcode}
                error={errors.postcode}
                required
              />
              <Field
                label={t("page.city")}
                name="city"
                autoComplete="address-level2"
                defaultValue={values.city}
                error={errors.city}
                required
              />
            </div>
            {country === "MY" ? (
              <SelectField
                key="my-state"
                label={t("page.state")}
                name="state"
                defaultValue={values.state ?? ""}
                error={errors.state}
                options={[{ value: "", label: t("page.chooseState") }, ...MALAYSIAN_STATES.map((s) => ({ value: s, label: s }))]}
              />
            ) : (
              <Field
                key="region"
                label={t("page.region")}
                name="state"
                autoComplete="address-level1"
                defaultValue={values.state}
                error={errors.state}
                required
              />
            )}
            <button type="submit" name="intent" value="quote" className="secondary" formNoValidate>
              {t("page.updateShipping")}
            </button>
          </fieldset>
          <fieldset className="card" data-testid="shipping-options">
            <legend>{t("page.shipping")}</legend>
            <p className="hint">
              {t("page.shippingHint", {
                weight: `${(cart.weightGrams / 1000).toLocaleString(i18n.language, { maximumFractionDigits: 2 })} kg`,
              })}
            </p>
            {zones.every((z) => z.options.length === 0) ? <p className="muted">{t("page.noShipping")}</p> : null}
            {zones
              .filter((z) => z.options.length > 0)
              .map((z) => (
                <div key={z.zone} className="stack" style={{ gap: "0.25rem" }}>
                  <strong className="small">{t(`page.zone.${z.zone}`)}</strong>
                  {z.options.map((o) => (
                    <label key={o.rateId} className="radio-option" style={{ display: "flex", gap: "0.5rem", alignItems: "center" }}>
                      <input
                        type="radio"
                        name="shippingRateId"
                        value={o.rateId}
                        checked={rateId === o.rateId}
                        onChange={() => setRateId(o.rateId)}
                      />
                      <span>
                        {o.name} ({t(`page.zone.${z.zone}`)}) — {o.priceMinor === 0 ? t("page.free") : money(o.priceMinor)}
                        {o.freeBecauseAbove !== null ? (
                          <span className="muted small"> · {t("page.freeAbove", { amount: money(o.freeBecauseAbove) })}</span>
                        ) : null}
                      </span>
                    </label>
                  ))}
                </div>
              ))}
            {errors.shippingRateId ? (
              <p className="error" role="alert" data-field-error="shippingRateId">
                {errors.shippingRateId}
              </p>
            ) : null}
          </fieldset>
          <fieldset className="card">
            <div className="field">
              <label htmlFor="checkout-note">{t("page.note")}</label>
              <textarea id="checkout-note" name="note" rows={3} maxLength={500} defaultValue={values.note} />
              {errors.note ? <p className="error">{errors.note}</p> : null}
            </div>
          </fieldset>
        </div>
        <aside className="card stack" data-testid="order-summary" style={{ alignSelf: "start" }}>
          <h2>{t("page.summary")}</h2>
          <ul style={{ listStyle: "none", padding: 0 }}>
            {cart.lines.map((l) => (
              <li key={l.variantId} className="spread small">
                <span lang={loaded.language}>
                  {l.quantity} × {l.title}
                  {l.variantTitle && l.variantTitle !== "Default" ? ` (${l.variantTitle})` : ""}
                </span>
                <span>{money(l.lineTotalMinor)}</span>
              </li>
            ))}
          </ul>
          <p className="spread">
            <span>{t("page.subtotal")}</span> <span data-testid="summary-subtotal">{money(cart.subtotalMinor)}</span>
          </p>
          <p className="spread">
            <span>{t("page.shippingLine")}</span>{" "}
            <span data-testid="summary-shipping">
              {chosen ? (chosen.priceMinor === 0 ? t("page.free") : money(chosen.priceMinor)) : "—"}
            </span>
          </p>
          <p className="spread">
            <strong>{t("page.total")}</strong>{" "}
            <strong data-testid="summary-total">{money(cart.subtotalMinor + (chosen?.priceMinor ?? 0))}</strong>
          </p>
          {!chosen ? <p className="muted small">{t("page.totalHint")}</p> : null}
          <p className="muted small">{t("page.expiry", { minutes: loaded.orderExpiryMinutes })}</p>
          <button type="submit" name="intent" value="place" className="block" disabled={busy}>
            {busy ? t("page.placing") : t("page.place")}
          </button>
          <Link to={`/s/${slug}/cart`} className="small">
            {t("page.backToCart")}
          </Link>
        </aside>
      </Form>
    </section>
  );
}
