import { data, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import {
  CREDENTIAL_FIELDS,
  GATEWAY_LABELS,
  paymentSettings,
  savePaymentSettings,
  testPaymentConnection,
} from "~/domain/orders/payment-settings.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { Trans, useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Checkbox, Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("payments.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  return { settings: await paymentSettings(access.shop.shopId), fields: CREDENTIAL_FIELDS, labels: GATEWAY_LABELS };
});

type ActionResult = {
  errors: Record<string, string>;
  values: Record<string, string>;
  saved: boolean;
  test?: { ok: boolean; message: string };
};

export const action = /* @__PURE__ */ adminAction(
  "settings",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    // Secrets are never sent back to the page, even after a failed save.
    const values = keptValues(
      form,
      ["_csrf", ...Object.values(CREDENTIAL_FIELDS).flatMap((fields) => fields.filter((f) => f.secret).map((f) => f.name))].flatMap((n) => [
        n,
        `payseller.${n}`,
        `billplz.${n}`,
      ]),
    );
    const actor = { userId: access.user.id, shopId: access.shop.shopId };
    if (form.get("intent") === "test") {
      const test = await testPaymentConnection(actor, String(form.get("gateway") ?? ""));
      return data<ActionResult>({ errors: {}, values: {}, saved: false, test });
    }
    const result = await savePaymentSettings(actor, Object.fromEntries(form), { ip: context.ip, userAgent: context.userAgent });
    if (!result.ok) return data<ActionResult>({ errors: result.errors, values, saved: false }, { status: 400 });
    return data<ActionResult>({ errors: {}, values: {}, saved: true });
  },
  { recentAuth: true },
);

export default function PaymentSettings() {
  const { settings, fields, labels } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("settings");
  const fieldLabel = (name: string, fallback: string) => t(`payments.field.${name}` as "payments.field.apiKey", { defaultValue: fallback });
  // A kept value is what was posted, not necessarily a gateway we know (a hostile post would crash the page).
  const posted = values.gateway;
  const [gateway, setGateway] = useState<"payseller" | "billplz">(
    posted === "payseller" || posted === "billplz" ? posted : settings.active,
  );
  const activeAccount = settings.accounts[settings.active];
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  const [mode, setMode] = useState<string>(values.mode ?? (settings.accounts[gateway].live ? "live" : "sandbox"));
  return (
    <div className="stack">
      <div>
        <PageTitle back={{ to: "/admin/settings", label: t("settings") }} data-testid="payments-heading">
          {t("payments.heading")}
        </PageTitle>
      </div>
      {result?.saved ? <Banner tone="ok">{t("saved")}</Banner> : null}
      {result?.test ? (
        <Banner tone={result.test.ok ? "ok" : "danger"} role="status" data-testid="test-result">
          {result.test.message}
        </Banner>
      ) : null}
      <section className="card medium" data-testid="payments-now">
        <h2>{t("payments.now")}</h2>
        <p>
          <Trans
            t={t}
            i18nKey={activeAccount.live ? "payments.payThroughOwn" : "payments.payThrough"}
            values={{ gateway: labels[settings.active] }}
            components={{ strong: <strong /> }}
          />
        </p>
        {!activeAccount.live ? (
          <Banner role={null} data-testid="sandbox-note">
            {t("payments.sandbox")}
          </Banner>
        ) : (
          <ul className="small">
            {fields[settings.active].map((f) => (
              <li key={f.name}>
                {fieldLabel(f.name, f.label)}: <code>{activeAccount.hint[f.name] ?? "—"}</code>
              </li>
            ))}
          </ul>
        )}
        {activeAccount.lastTestResult ? (
          <p className="muted small">{t("payments.lastTest", { result: activeAccount.lastTestResult })}</p>
        ) : null}
        <PostForm fields={{ intent: "test", gateway: settings.active }}>
          <button type="submit" className="secondary" disabled={busy} data-testid="test-connection">
            {t("payments.test")}
          </button>
        </PostForm>
      </section>
      <section className="card medium">
        <h2>{t("payments.change")}</h2>
        <FormError message={errors.form} />
        <PostForm noValidate autoComplete="off" fields={{ intent: "save" }}>
          <fieldset>
            <legend>{t("payments.gateway")}</legend>
            {(["payseller", "billplz"] as const).map((g) => (
              <label key={g} className="radio">
                <input type="radio" name="gateway" value={g} checked={gateway === g} onChange={() => setGateway(g)} /> {labels[g]}
              </label>
            ))}
            {errors.gateway ? (
              <p className="error" role="alert">
                {errors.gateway}
              </p>
            ) : null}
          </fieldset>
          <fieldset>
            <legend>{t("payments.credentials")}</legend>
            <label className="radio">
              <input type="radio" name="mode" value="sandbox" checked={mode === "sandbox"} onChange={() => setMode("sandbox")} />{" "}
              {t("payments.useSandbox")}
            </label>
            <label className="radio">
              <input type="radio" name="mode" value="live" checked={mode === "live"} onChange={() => setMode("live")} />{" "}
              {t("payments.ownAccount", { gateway: labels[gateway] })}
            </label>
            {errors.mode ? (
              <p className="error" role="alert" data-field-error="mode">
                {errors.mode}
              </p>
            ) : null}
          </fieldset>
          {(["payseller", "billplz"] as const).map((g) => (
            // Without JavaScript both gateways' fields show; only the chosen gateway's are read.
            <div key={g} hidden={scripted && (gateway !== g || mode !== "live")} data-gateway-fields={g}>
              {fields[g].map((f) => (
                <Field
                  key={f.name}
                  label={fieldLabel(f.name, f.label)}
                  name={`${g}.${f.name}`}
                  type={f.secret ? "password" : "text"}
                  autoComplete="off"
                  defaultValue={f.secret ? undefined : (values[`${g}.${f.name}`] ?? settings.accounts[g].hint[f.name])}
                  placeholder={
                    f.secret && settings.accounts[g].hint[f.name]
                      ? t("payments.keepBlank", { hint: settings.accounts[g].hint[f.name] })
                      : undefined
                  }
                  error={errors[`${g}.${f.name}`]}
                />
              ))}
              {g === "billplz" ? (
                <Checkbox
                  label={t("payments.billplzSandbox")}
                  name="billplz.useBillplzSandbox"
                  defaultChecked={settings.accounts.billplz.useBillplzSandbox}
                />
              ) : null}
              {g === "payseller" && !settings.paysellerLiveAvailable ? <p className="muted small">{t("payments.paysellerNoApi")}</p> : null}
            </div>
          ))}
          <p className="muted small">{t("payments.secrets")}</p>
          <button type="submit" disabled={busy}>
            {busy ? t("saving") : t("save")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
