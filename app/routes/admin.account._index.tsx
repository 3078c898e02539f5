import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import {
  forgetTrustedDevices,
  maskPhone,
  regenerateRecoveryCodes,
  setTwoFactorMethod,
  twoFactorStatus,
} from "~/domain/accounts/two-factor.server";
import { readForm } from "~/lib/csrf.server";
import { describeDevice } from "~/lib/user-agent.server";
import { Banner } from "~/ui/banner";
import { CsrfInput, FormError } from "~/ui/forms";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Your account security · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access: { user } }) => {
  const status = await twoFactorStatus(user);
  return {
    name: user.name,
    email: user.email,
    phone: maskPhone(user.phone),
    chosen: user.twoFactorMethod,
    method: status.method,
    recoveryCodesLeft: status.recoveryCodesLeft,
    requiredBy: status.requiredBy,
    trustedDevices: status.trustedDevices.map((d) => ({
      id: d.id.slice(0, 12),
      device: describeDevice(d.userAgent),
      ip: d.ip,
      lastUsedAt: d.lastUsedAt.toISOString(),
      expiresAt: d.expiresAt.toISOString(),
    })),
    passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null,
  };
});

// Changes to how one logs in are sensitive: they need a login or password check in the last 12 hours.
export const action = /* @__PURE__ */ adminAction(
  "signed-in",
  async ({ request, context, access: { user } }) => {
    const form = await readForm(request);
    const who = { ip: context.ip, userAgent: context.userAgent };
    switch (form.get("intent")) {
      case "use-whatsapp":
      case "turn-off": {
        const result = await setTwoFactorMethod(user, form.get("intent") === "turn-off" ? "none" : "whatsapp", who);
        return result.ok
          ? data({ notice: "Saved.", error: undefined, codes: undefined })
          : data({ error: result.errors.form, notice: undefined, codes: undefined }, { status: 400 });
      }
      case "recovery-codes":
        return data({ codes: await regenerateRecoveryCodes(user, who), notice: undefined, error: undefined });
      case "forget-devices": {
        const count = await forgetTrustedDevices(user, who);
        return data({
          notice: `${count} trusted device${count === 1 ? "" : "s"} forgotten: they will ask for a code at the next login.`,
          error: undefined,
          codes: undefined,
        });
      }
      default:
        return data({ error: "Choose an action.", notice: undefined, codes: undefined }, { status: 400 });
    }
  },
  { recentAuth: true },
);

const METHOD_LABEL = { whatsapp: "WhatsApp codes", totp: "Authenticator app", none: "Off" } as const;

export default function AccountSecurity() {
  const { t: tp } = useTranslation("privacy");
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const fmt = (iso: string) => new Date(iso).toLocaleString("en-MY", { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">Your account</p>
          <h1>Login and security</h1>
        </div>
        <div className="row">
          <Link className="button secondary" to="/admin/account/password">
            Change password
          </Link>
          <Link className="button secondary" to="/admin/account/sessions">
            Where you're logged in
          </Link>
          <Link className="button secondary" to="/admin/account/privacy" data-testid="account-privacy-link">
            {tp("title")}
          </Link>
        </div>
      </div>
      <FormError message={result?.error} />
      <Banner tone="ok">{result?.notice}</Banner>
      {result?.codes ? (
        <section className="card" data-testid="recovery-codes">
          <h2>Your new recovery codes</h2>
          <p>
            Save these somewhere safe (print them or keep them in a password manager). Each works once. They are shown only now; earlier
            codes no longer work.
          </p>
          <ul className="codes">
            {result.codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card">
        <h2>Two-factor authentication</h2>
        <p>
          Now: <strong data-testid="two-factor-method">{d.method ? METHOD_LABEL[d.method] : "Off"}</strong>
          {d.method === "whatsapp" ? <> — codes go to {d.phone}.</> : null}
          {d.chosen === "none" && d.method === "whatsapp" ? <> (required by {d.requiredBy.join(", ")})</> : null}
        </p>
        <div className="row">
          {d.method !== "totp" ? (
            <Link className="button" to="/admin/account/totp">
              Use an authenticator app
            </Link>
          ) : (
            <Link className="button secondary" to="/admin/account/totp">
              Move to a new authenticator app
            </Link>
          )}
          {d.chosen !== "whatsapp" ? (
            <Form method="post" className="inline-form">
              <CsrfInput />
              <button name="intent" value="use-whatsapp" className="secondary">
                Use WhatsApp codes
              </button>
            </Form>
          ) : null}
          {d.chosen !== "none" && d.requiredBy.length === 0 ? (
            <Form method="post" className="inline-form">
              <CsrfInput />
              <button name="intent" value="turn-off" className="secondary">
                Turn off two-factor authentication
              </button>
            </Form>
          ) : null}
        </div>
        {d.requiredBy.length > 0 ? (
          <p className="muted small">{d.requiredBy.join(", ")} requires two-factor authentication for its team.</p>
        ) : null}
      </section>
      <section className="card">
        <h2>Recovery codes</h2>
        <p>
          For when you lose your phone. You have <strong data-testid="recovery-codes-left">{d.recoveryCodesLeft}</strong> unused recovery
          code
          {d.recoveryCodesLeft === 1 ? "" : "s"}.
        </p>
        <Form method="post">
          <CsrfInput />
          <button name="intent" value="recovery-codes" className="secondary">
            {d.recoveryCodesLeft ? "Replace them with 10 new codes" : "Create 10 recovery codes"}
          </button>
        </Form>
      </section>
      <section className="card">
        <h2>Trusted devices</h2>
        {d.trustedDevices.length === 0 ? (
          <p className="muted">No device skips the code at login.</p>
        ) : (
          <>
            <table className="data">
              <TableHead columns={["Device", "Address", "Last used", "Trusted until"]} />
              <tbody>
                {d.trustedDevices.map((t) => (
                  <tr key={t.id}>
                    <td>{t.device}</td>
                    <td>{t.ip}</td>
                    <td>{fmt(t.lastUsedAt)}</td>
                    <td>{fmt(t.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Form method="post" style={{ marginTop: "0.75rem" }}>
              <CsrfInput />
              <button name="intent" value="forget-devices" className="secondary">
                Forget all trusted devices
              </button>
            </Form>
          </>
        )}
      </section>
    </div>
  );
}
