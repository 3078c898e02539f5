import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { countryName, INTERNATIONAL_COUNTRIES, SHIPPING_ZONES, type ShippingZone } from "~/domain/checkout/address";
import { bracketsToText, type ShippingRate } from "~/domain/checkout/shipping";
import { deleteShippingRate, loadShippingSetup, saveShippingRate, saveShippingSettings } from "~/domain/checkout/shipping.server";
import { readForm } from "~/lib/csrf.server";
import { type CodedErrors, formFields, keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Checkbox, Field, FormError, PostForm, SelectField, useErrorTexts } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("shipping.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  return { setup: await loadShippingSetup(access.shop.shopId) };
});

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  const actor = { shopId: access.shop.shopId, userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const intent = form.get("intent");
  const target = String(form.get("rateId") || form.get("zone") || intent);
  let result;
  if (intent === "settings") {
    const fields = formFields(form);
    result = await saveShippingSettings(actor, { countries: fields.countries, orderExpiryMinutes: fields.orderExpiryMinutes });
  } else if (intent === "delete-rate") {
    result = await deleteShippingRate(actor, String(form.get("rateId") ?? ""));
  } else {
    result = await saveShippingRate(actor, Object.fromEntries(form));
  }
  if (!result.ok) return data({ target, errors: result.errors, values: keptValues(form), saved: false }, { status: 400 });
  return data({ target, errors: {} as CodedErrors, values: {} as Record<string, string>, saved: true });
});

function RateForm({
  rate,
  zone,
  result,
}: {
  rate?: ShippingRate;
  zone: ShippingZone;
  result?: { target: string; errors: CodedErrors; values: Record<string, string> };
}) {
  const mine = result && result.target === (rate?.id ?? zone) ? result : undefined;
  const errors = useErrorTexts(mine?.errors);
  const values: Record<string, string | undefined> = mine?.values ?? {};
  const kind = values.kind ?? rate?.kind ?? "flat";
  const { t } = useTranslation("settings");
  return (
    <PostForm noValidate className="card stack" data-testid={rate ? "rate-form" : `new-rate-${zone}`} fields={{ zone: zone }}>
      {rate ? <input type="hidden" name="rateId" value={rate.id} /> : null}
      <FormError message={errors.form} />
      <div className="two-cols">
        <Field label={t("shipping.methodName")} name="name" defaultValue={values.name ?? rate?.name ?? ""} error={errors.name} required />
        <SelectField
          label={t("shipping.price")}
          name="kind"
          defaultValue={kind}
          error={errors.kind}
          options={[
            { value: "flat", label: t("shipping.flatPrice") },
            { value: "weight", label: t("shipping.byWeight") },
          ]}
        />
      </div>
      <div className="two-cols">
        <Field
          label={t("shipping.flatPriceRm")}
          name="price"
          inputMode="decimal"
          hint={t("shipping.flatHint")}
          defaultValue={values.price ?? (rate?.priceMinor != null ? (rate.priceMinor / 100).toFixed(2) : "")}
          error={errors.price}
        />
        <Field
          label={t("shipping.freeAbove")}
          name="freeAbove"
          inputMode="decimal"
          hint={t("optional")}
          defaultValue={values.freeAbove ?? (rate?.freeAboveMinor != null ? (rate.freeAboveMinor / 100).toFixed(2) : "")}
          error={errors.freeAbove}
        />
      </div>
      <div className={`field${errors.brackets ? " has-error" : ""}`}>
        <label htmlFor={`brackets-${rate?.id ?? zone}`}>{t("shipping.bracketsLabel")}</label>
        <p className="hint">{t("shipping.bracketsHint")}</p>
        <textarea
          id={`brackets-${rate?.id ?? zone}`}
          name="brackets"
          rows={4}
          defaultValue={values.brackets ?? (rate ? bracketsToText(rate.brackets) : "")}
        />
        {errors.brackets ? (
          <p className="error" role="alert" data-field-error="brackets">
            {errors.brackets}
          </p>
        ) : null}
      </div>
      <Checkbox
        label={t("shipping.offer")}
        name="active"
        defaultChecked={values.active ? values.active === "on" : (rate?.active ?? true)}
      />
      <div className="spread">
        <button type="submit" name="intent" value="save-rate">
          {rate ? t("save") : t("shipping.add")}
        </button>
        {rate ? (
          <button type="submit" name="intent" value="delete-rate" className="link danger" formNoValidate>
            {t("delete")}
          </button>
        ) : null}
      </div>
    </PostForm>
  );
}

export default function ShippingSettings() {
  const { setup } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, i18n } = useTranslation("settings");
  const settingsErrors = useErrorTexts(result?.target === "settings" ? result.errors : undefined);
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/settings", label: t("settings") }} data-testid="shipping-heading">
            {t("shipping.heading")}
          </PageTitle>
        </div>
      </div>
      {result?.saved ? <Banner tone="ok">{t("saved")}</Banner> : null}
      <section className="card medium">
        <h2>{t("shipping.checkout")}</h2>
        <PostForm noValidate>
          <Field
            label={t("shipping.hold")}
            name="orderExpiryMinutes"
            inputMode="numeric"
            hint={t("shipping.holdHint")}
            defaultValue={result?.target === "settings" ? result.values.orderExpiryMinutes : String(setup.orderExpiryMinutes)}
            error={settingsErrors.orderExpiryMinutes}
          />
          <fieldset>
            <legend>{t("shipping.countries")}</legend>
            <div style={{ columns: "3 12rem" }}>
              {INTERNATIONAL_COUNTRIES.map((code) => (
                <label key={code} style={{ display: "block" }}>
                  <input type="checkbox" name="countries" value={code} defaultChecked={setup.internationalCountries.includes(code)} />{" "}
                  {countryName(code, i18n.language)}
                </label>
              ))}
            </div>
            {settingsErrors.countries ? <p className="error">{settingsErrors.countries}</p> : null}
          </fieldset>
          <button type="submit" name="intent" value="settings" disabled={busy}>
            {t("save")}
          </button>
        </PostForm>
      </section>
      {SHIPPING_ZONES.map((zone) => {
        const rates = setup.rates.filter((r) => r.zone === zone);
        return (
          <section key={zone} className="stack" data-testid={`zone-${zone}`}>
            <h2>{t(`shipping.zone.${zone}`)}</h2>
            {rates.length === 0 ? <p className="muted">{t("shipping.noMethod")}</p> : null}
            {rates.map((rate) => (
              <div key={rate.id}>
                <p className="small muted">
                  {rate.kind === "flat"
                    ? t("shipping.flat", { price: formatMoney(rate.priceMinor ?? 0, "MYR") })
                    : t("shipping.brackets", { count: rate.brackets.length })}
                  {rate.freeAboveMinor != null ? t("shipping.freeFrom", { price: formatMoney(rate.freeAboveMinor, "MYR") }) : ""}
                  {rate.active ? "" : t("shipping.notOffered")}
                </p>
                <RateForm rate={rate} zone={zone} result={result} />
              </div>
            ))}
            <details>
              <summary>{t("shipping.addFor", { zone: t(`shipping.zone.${zone}`) })}</summary>
              <RateForm zone={zone} result={result} />
            </details>
          </section>
        );
      })}
    </div>
  );
}
