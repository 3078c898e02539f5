import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import {
  accountingSettingsView,
  disconnectAccounting,
  saveAccountingSettings,
  testAccountingConnection,
} from "~/domain/accounting/settings.server";
import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { actorOf } from "~/domain/accounts/staff.server";
import { featureLock, featureRefusal } from "~/domain/billing/features.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Checkbox, Field, FormError, PostForm, SelectField, useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";
import { FeatureLocked } from "~/ui/plan-feature";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("accounting.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ request, access }) => {
  const [settings, lock] = await Promise.all([
    accountingSettingsView(access.shop.shopId),
    featureLock(request, access.shop.shopId, "autocountSync"),
  ]);
  return { settings, lock };
});

type ActionResult = { errors: Record<string, string>; values: Record<string, string>; notice?: string };

export const action = /* @__PURE__ */ adminAction(
  "settings",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const values = keptValues(form, ["apiKey", "_csrf", "intent"]);
    const intent = form.get("intent");
    const info = { ip: context.ip, userAgent: context.userAgent };
    if (intent === "disconnect") {
      await disconnectAccounting(actorOf(access), info);
      return data<ActionResult>({ errors: {}, values: {}, notice: "Disconnected: paid orders are no longer sent to AutoCount." });
    }
    const input = Object.fromEntries(form) as Record<string, unknown>;
    const outcome =
      intent === "test"
        ? await testAccountingConnection(access.shop.shopId, input)
        : await saveAccountingSettings(actorOf(access), input, info);
    // A plan without AutoCount sync: connecting and testing are refused (403, translated).
    if (!outcome.ok && outcome.feature) {
      return data<ActionResult>({ errors: { form: await featureRefusal(request, outcome.feature) }, values }, { status: 403 });
    }
    if (!outcome.ok) return data<ActionResult>({ errors: outcome.errors, values }, { status: 400 });
    return data<ActionResult>({ errors: {}, values, notice: outcome.message });
  },
  { recentAuth: true },
);

export default function AccountingSettings() {
  const { settings, lock } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  const v = { ...settings, enabled: settings.enabled ? "on" : "", ...(result?.values ?? {}) } as Record<string, string | boolean>;
  const val = (k: string) => String(v[k] ?? "");
  const { t } = useTranslation("settings");
  return (
    <div className="stack">
      <div>
        <PageTitle back={{ to: "/admin/settings", label: t("settings") }}>{t("accounting.heading")}</PageTitle>
        <p className="muted">
          {t("accounting.intro")} <Link to="/admin/accounting">{t("accounting.seeSynced")}</Link>.
        </p>
      </div>
      {result?.notice ? (
        <Banner tone="ok" data-testid="accounting-notice">
          {result.notice}
        </Banner>
      ) : null}
      <FeatureLocked lock={lock} />
      <FormError message={errors.form} />
      {!settings.connected ? (
        <Banner data-testid="accounting-unconfigured">
          {t("accounting.notConnected")}
          {settings.sandboxAvailable ? t("accounting.tryIt") : ""}
        </Banner>
      ) : settings.mode === "sandbox" ? (
        <Banner data-testid="accounting-sandbox">{t("accounting.sandbox")}</Banner>
      ) : null}
      <section className="card medium">
        <PostForm className="stack">
          <SelectField
            label={t("accounting.where")}
            name="mode"
            defaultValue={val("mode")}
            error={errors.mode}
            options={[
              { value: "live", label: t("accounting.live") },
              ...(settings.sandboxAvailable ? [{ value: "sandbox", label: t("accounting.sandboxOption") }] : []),
            ]}
          />
          <fieldset>
            <legend>{t("accounting.keys")}</legend>
            <Field
              label={t("accounting.bookId")}
              name="accountBookId"
              defaultValue={val("accountBookId")}
              error={errors.accountBookId}
              inputMode="numeric"
              autoComplete="off"
            />
            <Field label={t("accounting.keyId")} name="keyId" defaultValue={val("keyId")} error={errors.keyId} autoComplete="off" />
            <Field
              label={t("accounting.apiKey")}
              name="apiKey"
              type="password"
              autoComplete="new-password"
              error={errors.apiKey}
              hint={settings.hasApiKey ? t("accounting.apiKeySaved") : t("accounting.apiKeyHint")}
            />
          </fieldset>
          <fieldset>
            <legend>{t("accounting.mapping")}</legend>
            <Field
              label={t("accounting.salesAccount")}
              name="salesAccountNo"
              defaultValue={val("salesAccountNo")}
              error={errors.salesAccountNo}
              hint={t("accounting.example", { value: "500-0000" })}
            />
            <Field
              label={t("accounting.taxCode")}
              name="taxCode"
              defaultValue={val("taxCode")}
              error={errors.taxCode}
              hint={t("accounting.taxCodeHint")}
            />
            <Field
              label={t("accounting.creditTerm")}
              name="creditTerm"
              defaultValue={val("creditTerm")}
              error={errors.creditTerm}
              hint={t("accounting.example", { value: "C.O.D." })}
            />
            <Field
              label={t("accounting.paymentMethod")}
              name="paymentMethod"
              defaultValue={val("paymentMethod")}
              error={errors.paymentMethod}
              hint={t("accounting.paymentMethodHint")}
            />
            <Field
              label={t("accounting.location")}
              name="salesLocation"
              defaultValue={val("salesLocation")}
              error={errors.salesLocation}
              hint={t("accounting.example", { value: "HQ" })}
            />
            <SelectField
              label={t("accounting.customerCodes")}
              name="customerCodeScheme"
              defaultValue={val("customerCodeScheme")}
              error={errors.customerCodeScheme}
              options={[
                { value: "per_customer", label: t("accounting.perCustomer") },
                { value: "cash_sales", label: t("accounting.cashSales") },
              ]}
            />
            <Field
              label={t("accounting.prefix")}
              name="customerCodePrefix"
              defaultValue={val("customerCodePrefix")}
              error={errors.customerCodePrefix}
              hint={t("accounting.prefixHint")}
            />
            <Checkbox label={t("accounting.enabled")} name="enabled" defaultChecked={Boolean(v.enabled)} error={errors.enabled} />
          </fieldset>
          <div className="row">
            <button type="submit" name="intent" value="save">
              {t("accounting.checkSave")}
            </button>
            <button type="submit" name="intent" value="test" className="secondary">
              {t("accounting.test")}
            </button>
          </div>
        </PostForm>
        {settings.connected ? (
          <PostForm>
            <button type="submit" name="intent" value="disconnect" className="secondary">
              {t("accounting.disconnect")}
            </button>
          </PostForm>
        ) : null}
      </section>
    </div>
  );
}
