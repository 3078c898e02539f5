import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { featureLock } from "~/domain/billing/features.server";
import { formatMoney, minorToDecimal } from "~/domain/catalog/catalog-rules";
import { getDropshipSettings, listLinkedProducts, saveDropshipSettings, saveProductRule } from "~/domain/dropship/import.server";
import { multiplierText } from "~/domain/dropship/pricing";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { DropshipTabs } from "~/ui/dropship";
import { Field, FormError, PostForm, SelectField } from "~/ui/forms";
import { FeatureLocked } from "~/ui/plan-feature";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "dropship")("pricingPage.meta") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, access }) => {
  // Pricing of products already imported stays open on any plan; the notice says what the plan lacks.
  const [settings, linked, lock] = await Promise.all([
    getDropshipSettings(access.shop.shopId),
    listLinkedProducts(access.shop.shopId),
    featureLock(request, access.shop.shopId, "dropshipping"),
  ]);
  return { settings, linked, lock };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, context, access }) => {
  const form = await readForm(request);
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const fields = Object.fromEntries(form);
  const t = serverT(await localeFor(request), "dropship");
  if (form.get("intent") === "product") {
    const result = await saveProductRule(access.shop.shopId, String(form.get("productId")), actor, fields);
    if (!result) throw new Response("Not found", { status: 404 });
    if (!result.ok)
      return data(
        { errors: result.errors, values: keptValues(form), productId: String(form.get("productId")), notice: null },
        { status: 400 },
      );
    return data({ errors: {}, values: {}, productId: null, notice: t("pricingPage.productSaved") });
  }
  const result = await saveDropshipSettings(access.shop.shopId, actor, fields);
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form), productId: null, notice: null }, { status: 400 });
  return data({ errors: {}, values: {}, productId: null, notice: t("pricingPage.saved", { count: result.repriced }) });
});

export default function Pricing() {
  const { settings, linked, lock } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("dropship");
  const { t: tc } = useTranslation("catalog");
  const shopErrors: Record<string, string | undefined> = result && !result.productId ? result.errors : {};
  const values: Record<string, string | undefined> = result && !result.productId ? result.values : {};
  const ROUNDING = [
    { value: "", label: t("pricingPage.noRounding") },
    { value: "90", label: t("pricingPage.upTo", { ending: ".90" }) },
    { value: "99", label: t("pricingPage.upTo", { ending: ".99" }) },
    { value: "0", label: t("pricingPage.upToWhole") },
  ];
  const products = [...new Map(linked.map((l) => [l.productId, l])).values()];
  return (
    <div className="stack">
      <DropshipTabs />
      <FeatureLocked lock={lock} />
      <h1>{t("pricing")}</h1>
      <Banner tone="ok">{result?.notice}</Banner>
      <PostForm className="card" noValidate fields={{ intent: "shop" }}>
        <p className="muted">{t("pricingPage.intro")}</p>
        <FormError message={shopErrors.form} />
        <div className="two-cols">
          <Field
            label={t("pricingPage.multiplier")}
            name="multiplier"
            defaultValue={values.multiplier ?? multiplierText(settings.multiplierBp)}
            error={shopErrors.multiplier}
            inputMode="decimal"
          />
          <Field
            label={t("pricingPage.markup")}
            name="markup"
            defaultValue={values.markup ?? minorToDecimal(settings.markupMinor, "MYR")}
            error={shopErrors.markup}
            inputMode="decimal"
          />
          <SelectField
            label={t("pricingPage.rounding")}
            name="rounding"
            defaultValue={values.rounding ?? (settings.roundingEnding === null ? "" : String(settings.roundingEnding))}
            options={ROUNDING}
            error={shopErrors.rounding}
          />
          <Field
            label={t("pricingPage.marginAlert")}
            name="marginAlertPercent"
            defaultValue={values.marginAlertPercent ?? String(settings.marginAlertPercent)}
            error={shopErrors.marginAlertPercent}
            inputMode="numeric"
          />
        </div>
        <button type="submit">{t("pricingPage.saveRule")}</button>
      </PostForm>
      <h2>{t("imported")}</h2>
      <div className="card flush">
        <DataTable
          data-testid="linked-products"
          columns={[t("products"), t("cost"), t("yourPrice"), t("pricingPage.margin"), t("stock"), t("pricingPage.ownRule")]}
          rows={linked}
          rowKey={(l) => l.variantId}
          rowProps={() => ({ "data-testid": "linked-variant" })}
          cells={(l) => (
            <>
              <td>
                <Link to={`/admin/products/${l.productId}`}>{l.title}</Link>{" "}
                <span className="muted small">{l.variantTitle === "Default" ? tc("defaultVariant") : l.variantTitle}</span>
              </td>
              <td>{formatMoney(l.costMinor, l.currency)}</td>
              <td>{formatMoney(l.priceMinor, l.currency)}</td>
              <td>{l.margin}%</td>
              <td>{l.stock ?? 0}</td>
              <td className="small">
                {l.priceLocked
                  ? t("pricingPage.locked")
                  : l.multiplierBp
                    ? `×${multiplierText(l.multiplierBp)}`
                    : t("pricingPage.shopRule")}
              </td>
            </>
          )}
        />
      </div>
      {products.map((p) => {
        const errors: Record<string, string | undefined> = result?.productId === p.productId ? result.errors : {};
        return (
          <PostForm
            key={p.productId}
            className="card"
            noValidate
            aria-label={t("pricingPage.pricingOf", { title: p.title })}
            fields={{ intent: "product", productId: p.productId }}
          >
            <h3>{p.title}</h3>
            <div className="two-cols">
              <Field
                label={t("pricingPage.productMultiplier")}
                name="multiplier"
                defaultValue={p.multiplierBp ? multiplierText(p.multiplierBp) : ""}
                error={errors.multiplier}
                inputMode="decimal"
              />
              <Field
                label={t("pricingPage.markup")}
                name="markup"
                defaultValue={p.markupMinor !== null ? minorToDecimal(p.markupMinor, "MYR") : "0"}
                error={errors.markup}
                inputMode="decimal"
              />
              <SelectField
                label={t("pricingPage.rounding")}
                name="rounding"
                defaultValue={p.roundingEnding === null ? "" : String(p.roundingEnding)}
                options={ROUNDING}
                error={errors.rounding}
              />
            </div>
            <label className="checkbox">
              <input type="checkbox" name="priceLocked" defaultChecked={p.priceLocked} /> {t("pricingPage.lock")}
            </label>
            <button type="submit" className="secondary">
              {t("pricingPage.save")}
            </button>
          </PostForm>
        );
      })}
    </div>
  );
}
