import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import {
  accountingSettingsView,
  disconnectAccounting,
  saveAccountingSettings,
  testAccountingConnection,
} from "~/domain/accounting/settings.server";
import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { actorOf } from "~/domain/accounts/staff.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { Banner } from "~/ui/banner";
import { Checkbox, CsrfInput, Field, FormError, SelectField, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Accounting settings · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  return { settings: await accountingSettingsView(access.shop.shopId) };
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
    if (!outcome.ok) return data<ActionResult>({ errors: outcome.errors, values }, { status: 400 });
    return data<ActionResult>({ errors: {}, values, notice: outcome.message });
  },
  { recentAuth: true },
);

export default function AccountingSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  const v = { ...settings, enabled: settings.enabled ? "on" : "", ...(result?.values ?? {}) } as Record<string, string | boolean>;
  const val = (k: string) => String(v[k] ?? "");
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">
          <Link to="/admin/settings">Settings</Link>
        </p>
        <h1>Accounting (AutoCount)</h1>
        <p className="muted">
          Paid orders become sales invoices with their receipts, and refunds credit notes, in your AutoCount Cloud Accounting book. Only
          invoice, payment and customer details are sent. <Link to="/admin/accounting">See what is synced</Link>.
        </p>
      </div>
      {result?.notice ? (
        <Banner tone="ok" data-testid="accounting-notice">
          {result.notice}
        </Banner>
      ) : null}
      <FormError message={errors.form} />
      {!settings.connected ? (
        <Banner data-testid="accounting-unconfigured">
          Not connected: paid orders are not sent anywhere yet.
          {settings.sandboxAvailable
            ? " To try it, choose “NetShop's AutoCount sandbox” below: invoices then appear in the sandbox's ledger, not in a real book."
            : ""}
        </Banner>
      ) : settings.mode === "sandbox" ? (
        <Banner data-testid="accounting-sandbox">Sandbox: connected to NetShop's AutoCount stand-in, not to a real account book.</Banner>
      ) : null}
      <section className="card medium">
        <Form method="post" className="stack">
          <CsrfInput />
          <SelectField
            label="Where to send invoices"
            name="mode"
            defaultValue={val("mode")}
            error={errors.mode}
            options={[
              { value: "live", label: "My AutoCount Cloud account book" },
              ...(settings.sandboxAvailable ? [{ value: "sandbox", label: "NetShop's AutoCount sandbox (for trying it out)" }] : []),
            ]}
          />
          <fieldset>
            <legend>AutoCount keys (ignored for the sandbox)</legend>
            <Field
              label="Account book id"
              name="accountBookId"
              defaultValue={val("accountBookId")}
              error={errors.accountBookId}
              inputMode="numeric"
              autoComplete="off"
            />
            <Field label="Key-ID" name="keyId" defaultValue={val("keyId")} error={errors.keyId} autoComplete="off" />
            <Field
              label="API-Key"
              name="apiKey"
              type="password"
              autoComplete="new-password"
              error={errors.apiKey}
              hint={
                settings.hasApiKey
                  ? "Saved. Leave empty to keep it; it is never shown again."
                  : "From AutoCount Cloud → Settings → API Keys. Stored encrypted."
              }
            />
          </fieldset>
          <fieldset>
            <legend>Mapping (must match your AutoCount master data exactly)</legend>
            <Field
              label="Sales account"
              name="salesAccountNo"
              defaultValue={val("salesAccountNo")}
              error={errors.salesAccountNo}
              hint="e.g. 500-0000"
            />
            <Field
              label="Tax code"
              name="taxCode"
              defaultValue={val("taxCode")}
              error={errors.taxCode}
              hint="e.g. SV-8. Leave empty if you are not registered for SST."
            />
            <Field label="Credit term" name="creditTerm" defaultValue={val("creditTerm")} error={errors.creditTerm} hint="e.g. C.O.D." />
            <Field
              label="Payment method (cash book)"
              name="paymentMethod"
              defaultValue={val("paymentMethod")}
              error={errors.paymentMethod}
              hint="The payment method whose bank account receives gateway payouts."
            />
            <Field label="Location" name="salesLocation" defaultValue={val("salesLocation")} error={errors.salesLocation} hint="e.g. HQ" />
            <SelectField
              label="Customer codes"
              name="customerCodeScheme"
              defaultValue={val("customerCodeScheme")}
              error={errors.customerCodeScheme}
              options={[
                { value: "per_customer", label: "One debtor per customer (prefix + a code from the customer)" },
                { value: "cash_sales", label: "One cash-sales debtor for every order (prefix + CASH)" },
              ]}
            />
            <Field
              label="Debtor code prefix"
              name="customerCodePrefix"
              defaultValue={val("customerCodePrefix")}
              error={errors.customerCodePrefix}
              hint="e.g. 300- (your debtors' control account)"
            />
            <Checkbox
              label="Send paid orders and refunds to AutoCount"
              name="enabled"
              defaultChecked={Boolean(v.enabled)}
              error={errors.enabled}
            />
          </fieldset>
          <div className="row">
            <button type="submit" name="intent" value="save">
              Check and save
            </button>
            <button type="submit" name="intent" value="test" className="secondary">
              Test connection
            </button>
          </div>
        </Form>
        {settings.connected ? (
          <Form method="post">
            <CsrfInput />
            <button type="submit" name="intent" value="disconnect" className="secondary">
              Disconnect
            </button>
          </Form>
        ) : null}
      </section>
    </div>
  );
}
