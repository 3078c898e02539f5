import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { changePassword } from "~/domain/accounts/credentials.server";
import { readForm } from "~/lib/csrf.server";
import { passThroughHeaders } from "~/lib/http";
import { Banner } from "~/ui/banner";
import { CsrfInput, Field, FormError, NewPasswordFields, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Change your password · NetShop" }];
export const headers = passThroughHeaders;

export const loader = /* @__PURE__ */ adminLoader("signed-in", async () => null);

// Needs the current password itself, so no separate re-authentication.
export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, context, access: { user, session } }) => {
  const form = await readForm(request);
  const result = await changePassword(user, session, Object.fromEntries(form), { ip: context.ip, userAgent: context.userAgent });
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors, ended: undefined }, { status: result.status, headers });
  }
  return data({ errors: {} as Record<string, string>, ended: result.otherSessionsEnded });
});

export default function ChangePassword() {
  const { result, errors } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="card narrow">
      <p className="eyebrow">
        <Link to="/admin/account">Your account</Link>
      </p>
      <h1>Change your password</h1>
      {result?.ended !== undefined ? (
        <Banner tone="ok">
          Password changed. {result.ended > 0 ? `${result.ended} other session${result.ended === 1 ? " was" : "s were"} logged out.` : ""}
        </Banner>
      ) : null}
      <FormError message={errors.form} />
      <Form method="post" noValidate>
        <CsrfInput />
        <Field label="Current password" name="current" type="password" autoComplete="current-password" error={errors.current} required />
        <NewPasswordFields errors={errors} />
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Change password"}
        </button>
      </Form>
    </div>
  );
}
