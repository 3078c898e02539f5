import { type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { featureLock, featureRefusal } from "~/domain/billing/features.server";
import { settingsActor, settingsAnswer } from "~/domain/shops/settings-actions.server";
import { getShop, TIMEZONES, updateShopSettings } from "~/domain/shops/shops.server";
import { forgetStorefrontShop } from "~/domain/storefront/shop.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Field, PostForm, SelectField, useFormResult } from "~/ui/forms";
import { FeatureLocked } from "~/ui/plan-feature";
import { SettingsResult } from "~/ui/settings-form";

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
  const { ip, userAgent, ...actor } = settingsActor(access, context);
  const result = await updateShopSettings(actor, Object.fromEntries(form), { ip, userAgent });
  if (!result.ok && result.feature) {
    // The plan lacks its own domain: refused (403) in the merchant's language, nothing saved.
    return settingsAnswer(form, { ok: false, errors: { customDomain: await featureRefusal(request, result.feature) } }, { status: 403 });
  }
  if (result.ok) forgetStorefrontShop(access.shop.slug);
  return settingsAnswer(form, result);
});

/** The other settings pages (security only for the owner), linked from the top of this one. */
const PAGES = [
  { to: "shipping", label: "general.shipping" },
  { to: "storefront", label: "general.storefront" },
  { to: "company", label: "general.company" },
  { to: "payments", label: "general.payments" },
  { to: "ai", label: "general.ai" },
  { to: "accounting", label: "general.accounting" },
  { to: "reports", label: "general.report" },
  { to: "security", label: "general.security", owner: true },
] as const;

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
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("settings")}</p>
          <h1 data-testid="settings-heading">{t("general.heading")}</h1>
        </div>
        <div className="row">
          {PAGES.filter((page) => isOwner || !("owner" in page)).map((page) => (
            <Link key={page.to} className="button secondary" to={`/admin/settings/${page.to}`}>
              {t(page.label)}
            </Link>
          ))}
        </div>
      </div>
      <SettingsResult result={result} form={errors.form} />
      <FeatureLocked lock={domainLock} />
      <section className="card medium">
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
