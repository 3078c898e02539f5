import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
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
import { Banner } from "~/ui/banner";
import { Checkbox, CsrfInput, Field, FormError } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Payment settings · NetShop" }];

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
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const values: Record<string, string | undefined> = result?.values ?? {};
  const busy = useNavigation().state === "submitting";
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
        <p className="eyebrow">
          <Link to="/admin/settings">Settings</Link>
        </p>
        <h1 data-testid="payments-heading">Payments</h1>
      </div>
      {result?.saved ? <Banner tone="ok">Saved.</Banner> : null}
      {result?.test ? (
        <Banner tone={result.test.ok ? "ok" : "danger"} role="status" data-testid="test-result">
          {result.test.message}
        </Banner>
      ) : null}
      <section className="card medium" data-testid="payments-now">
        <h2>Now</h2>
        <p>
          Customers pay through <strong>{labels[settings.active]}</strong>
          {activeAccount.live ? " with your own credentials" : null}.
        </p>
        {!activeAccount.live ? (
          <Banner role={null} data-testid="sandbox-note">
            Sandbox: no credentials — payments go to the sandbox. Customers see NetShop's stand-in payment page and no money moves.
          </Banner>
        ) : (
          <ul className="small">
            {fields[settings.active].map((f) => (
              <li key={f.name}>
                {f.label}: <code>{activeAccount.hint[f.name] ?? "—"}</code>
              </li>
            ))}
          </ul>
        )}
        {activeAccount.lastTestResult ? <p className="muted small">Last test: {activeAccount.lastTestResult}</p> : null}
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="test" />
          <input type="hidden" name="gateway" value={settings.active} />
          <button type="submit" className="secondary" disabled={busy} data-testid="test-connection">
            Test connection
          </button>
        </Form>
      </section>
      <section className="card medium">
        <h2>Change</h2>
        <FormError message={errors.form} />
        <Form method="post" noValidate autoComplete="off">
          <CsrfInput />
          <input type="hidden" name="intent" value="save" />
          <fieldset>
            <legend>Gateway</legend>
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
            <legend>Credentials</legend>
            <label className="radio">
              <input type="radio" name="mode" value="sandbox" checked={mode === "sandbox"} onChange={() => setMode("sandbox")} /> None: use
              the sandbox
            </label>
            <label className="radio">
              <input type="radio" name="mode" value="live" checked={mode === "live"} onChange={() => setMode("live")} /> My own{" "}
              {labels[gateway]} account
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
                  label={f.label}
                  name={`${g}.${f.name}`}
                  type={f.secret ? "password" : "text"}
                  autoComplete="off"
                  defaultValue={f.secret ? undefined : (values[`${g}.${f.name}`] ?? settings.accounts[g].hint[f.name])}
                  placeholder={
                    f.secret && settings.accounts[g].hint[f.name] ? `${settings.accounts[g].hint[f.name]} (leave blank to keep)` : undefined
                  }
                  error={errors[`${g}.${f.name}`]}
                />
              ))}
              {g === "billplz" ? (
                <Checkbox
                  label="These are keys of a Billplz sandbox account (billplz-sandbox.com)"
                  name="billplz.useBillplzSandbox"
                  defaultChecked={settings.accounts.billplz.useBillplzSandbox}
                />
              ) : null}
              {g === "payseller" && !settings.paysellerLiveAvailable ? (
                <p className="muted small">
                  PaySeller publishes no API address yet: live PaySeller payments need NetShop's operator to set PAYSELLER_BASE_URL.
                </p>
              ) : null}
            </div>
          ))}
          <p className="muted small">Secrets are stored encrypted and never shown again; only their last four characters are.</p>
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
        </Form>
      </section>
    </div>
  );
}
