import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { startTotpEnrolment } from "~/domain/accounts/totp.server";
import { enableTotp } from "~/domain/accounts/two-factor.server";
import { readForm } from "~/lib/csrf.server";
import { CsrfInput, Field } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Set up an authenticator app · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access: { user } }) => {
  const enrolment = await startTotpEnrolment(user);
  return { secret: enrolment.secret, qrDataUrl: enrolment.qrDataUrl };
});

export const action = /* @__PURE__ */ adminAction(
  "signed-in",
  async ({ request, context, access: { user } }) => {
    const form = await readForm(request);
    const result = await enableTotp(user, String(form.get("code") ?? ""), { ip: context.ip, userAgent: context.userAgent });
    if (!result.ok) return data({ error: result.errors.form, codes: undefined }, { status: 400 });
    return data({ error: undefined, codes: result.recoveryCodes });
  },
  { recentAuth: true },
);

export default function SetUpTotp() {
  const { secret, qrDataUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (result?.codes) {
    return (
      <div className="card medium" data-testid="recovery-codes">
        <p className="eyebrow">Authenticator app</p>
        <h1>Your app is set up</h1>
        <p>
          From now on, logins ask for the code in your app. If you lose your phone, one of these recovery codes lets you in. Save them now:
          they are shown only once, and each works once.
        </p>
        <ul className="codes">
          {result.codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <Link className="button" to="/admin/account">
          I saved them
        </Link>
      </div>
    );
  }
  return (
    <div className="card medium">
      <p className="eyebrow">
        <Link to="/admin/account">Your account</Link>
      </p>
      <h1>Set up an authenticator app</h1>
      <ol>
        <li>Open Google Authenticator, Microsoft Authenticator, 1Password or another authenticator app.</li>
        <li>Scan this QR code (or type the key below).</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <img src={qrDataUrl} alt="QR code for your authenticator app" width={220} height={220} />
      <p className="small">
        Key: <code data-testid="totp-secret">{secret}</code>
      </p>
      <Form method="post" noValidate>
        <CsrfInput />
        <Field label="Code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" error={result?.error} required />
        <button type="submit" disabled={busy}>
          {busy ? "Checking…" : "Turn on"}
        </button>
      </Form>
    </div>
  );
}
