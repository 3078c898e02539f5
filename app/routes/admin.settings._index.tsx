import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { featureLock, featureRefusal } from "~/domain/billing/features.server";
import { getShop, TIMEZONES, updateShopSettings } from "~/domain/shops/shops.server";
import { forgetStorefrontShop } from "~/domain/storefront/shop.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Field, FormError, PostForm, SelectField, useFormResult } from "~/ui/forms";
import { FeatureLocked } from "~/ui/plan-feature";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("general.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ request, access }) => {
  const shop = await getShop(access.shop.shopId);
  const domainLock = await featureLock(request, access.shop.shopId, "ownDomain");
  return {
    shop: {
      name: shop.name,
      timezone: shop.timezone,
      language: shop.language,
      slug: shop.slug,
      currency: shop.currency,
      customDomain: shop.customDomain ?? "",
    },
    timezones: TIMEZONES,
    domainLock,
    isOwner: access.shop.role === "owner",
  };
});

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  const result = await updateShopSettings({ userId: access.user.id, shopId: access.shop.shopId }, Object.fromEntries(form), {
    ip: context.ip,
    userAgent: context.userAgent,
  });
  if (!result.ok && result.feature) {
    // The plan lacks its own domain: refused (403) in the merchant's language, nothing saved.
    const message = await featureRefusal(request, result.feature);
    return data({ errors: { customDomain: message } as Record<string, string>, values: keptValues(form), saved: false }, { status: 403 });
  }
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form), saved: false }, { status: 400 });
  forgetStorefrontShop(access.shop.slug);
  return data({ errors: {} as Record<string, string>, values: keptValues(form), saved: true });
});

const LANGUAGE_OPTIONS = [
  { value: "en", label: "English" },
  { value: "ms", label: "Bahasa Melayu" },
  { value: "zh", label: "简体中文" },
];

export default function Settings() {
  const { shop, timezones, isOwner, domainLock } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("settings");
  const { t: ui } = useTranslation("ui");
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("settings")}</p>
          <h1 data-testid="settings-heading">{t("general.heading")}</h1>
        </div>
        <div className="row">
          <Link className="button secondary" to="/admin/settings/shipping">
            {t("general.shipping")}
          </Link>
          <Link className="button secondary" to="/admin/settings/storefront">
            {ui("theme.title")}
          </Link>
          <Link className="button secondary" to="/admin/settings/company">
            {t("general.company")}
          </Link>
          <Link className="button secondary" to="/admin/settings/payments">
            {t("general.payments")}
          </Link>
          <Link className="button secondary" to="/admin/settings/ai">
            AI
          </Link>
          <Link className="button secondary" to="/admin/settings/accounting">
            {t("general.accounting")}
          </Link>
          <Link className="button secondary" to="/admin/settings/reports">
            {t("general.report")}
          </Link>
          {isOwner ? (
            <Link className="button secondary" to="/admin/settings/security">
              {t("general.security")}
            </Link>
          ) : null}
        </div>
      </div>
      {result?.saved ? <Banner tone="ok">{t("saved")}</Banner> : null}
      <FeatureLocked lock={domainLock} />
      <section className="card medium">
        <FormError message={errors.form} />
        <PostForm noValidate>
          <Field label={t("general.shopName")} name="name" defaultValue={values.name ?? shop.name} error={errors.name} required />
          <p className="muted small">{t("general.address", { slug: shop.slug, currency: shop.currency })}</p>
          <Field
            label={t("general.domain")}
            name="customDomain"
            placeholder="shop.example.com"
            defaultValue={values.customDomain ?? shop.customDomain}
            error={errors.customDomain}
            hint={t("general.domainHint")}
          />
          <SelectField
            label={t("general.language")}
            name="language"
            defaultValue={values.language ?? shop.language}
            error={errors.language}
            options={LANGUAGE_OPTIONS}
          />
          <SelectField
            label={t("general.timezone")}
            name="timezone"
            defaultValue={values.timezone ?? shop.timezone}
            error={errors.timezone}
            options={timezones.map((tz) => ({ value: tz, label: tz.replace(/_/g, " ") }))}
          />
          <button type="submit" disabled={busy}>
            {busy ? t("saving") : t("save")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
