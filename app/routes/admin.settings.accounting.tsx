import { type MetaFunction } from "@remix-run/node";
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
import { settingsAnswer } from "~/domain/shops/settings-actions.server";
import { readForm } from "~/lib/csrf.server";
import { coded } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Checkbox, Field, PostForm, SelectField, useFormResult } from "~/ui/forms";
import { FeatureLocked } from "~/ui/plan-feature";
import { SettingsHeading, SettingsResult } from "~/ui/settings-form";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("accounting.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ request, access }) => {
  const [settings, lock] = await Promise.all([
    accountingSettingsView(access.shop.shopId),
    featureLock(request, access.shop.shopId, "autocountSync"),
  ]);
  return { settings, lock };
});

/** Never sent back to the page. */
const OMIT = ["apiKey", "_csrf", "intent"];

export const action = /* @__PURE__ */ adminAction(
  "settings",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const intent = form.get("intent");
    const info = { ip: context.ip, userAgent: context.userAgent };
    if (intent === "disconnect") {
      await disconnectAccounting(actorOf(access), info);
      return settingsAnswer(form, { ok: true }, { keep: false, notice: coded("settings:notices.disconnected") });
    }
    const input = Object.fromEntries(form) as Record<string, unknown>;
    const outcome =
      intent === "test"
        ? await testAccountingConnection(access.shop.shopId, input)
        : await saveAccountingSettings(actorOf(access), input, info);
    // A plan without AutoCount sync: connecting and testing are refused (403, translated).
    if (!outcome.ok && outcome.feature) {
      return settingsAnswer(
        form,
        { ok: false, errors: { form: await featureRefusal(request, outcome.feature) } },
        { omit: OMIT, status: 403 },
      );
    }
    // The notice in the reader's language: what was tested or saved, the sandbox or the account book.
    const sandbox = input.mode !== "live";
    const notice =
      intent === "test"
        ? coded(`settings:notices.${sandbox ? "accountingTestedSandbox" : "accountingTested"}`, { book: String(input.accountBookId ?? "") })
        : coded(`settings:notices.${sandbox ? "accountingSavedSandbox" : "accountingSaved"}`);
    return settingsAnswer(form, outcome, { omit: OMIT, notice });
  },
  { recentAuth: true },
);

/** The mapping fields: each must match the account book's master data (the hint says how it looks). */
const MAPPING = [
  { name: "salesAccountNo", label: "salesAccount", example: "500-0000" },
  { name: "taxCode", label: "taxCode", hint: "taxCodeHint" },
  { name: "creditTerm", label: "creditTerm", example: "C.O.D." },
  { name: "paymentMethod", label: "paymentMethod", hint: "paymentMethodHint" },
  { name: "salesLocation", label: "location", example: "HQ" },
] as const;

export default function AccountingSettings() {
  const { settings, lock } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const v = { ...settings, enabled: settings.enabled ? "on" : "", ...values } as Record<string, string | boolean>;
  const val = (k: string) => String(v[k] ?? "");
  const { t } = useTranslation("settings");
  return (
    <div className="stack">
      <SettingsHeading
        title={t("accounting.heading")}
        intro={
          <>
            {t("accounting.intro")} <Link to="/admin/accounting">{t("accounting.seeSynced")}</Link>.
          </>
        }
      />
      <SettingsResult result={result?.notice ? result : undefined} testId="accounting-notice" />
      <FeatureLocked lock={lock} />
      <SettingsResult form={errors.form} />
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
            {MAPPING.map((f) => (
              <Field
                key={f.name}
                label={t(`accounting.${f.label}`)}
                name={f.name}
                defaultValue={val(f.name)}
                error={errors[f.name]}
                hint={"example" in f ? t("accounting.example", { value: f.example }) : t(`accounting.${f.hint}`)}
              />
            ))}
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
