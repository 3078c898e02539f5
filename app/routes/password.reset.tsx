import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";

import { completePasswordReset, readPasswordReset } from "~/domain/accounts/credentials.server";
import { readForm } from "~/lib/csrf.server";
import { passThroughHeaders } from "~/lib/http";
import { CsrfInput, Field, FormError, NewPasswordFields, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Choose a new password · NetShop" }];

export const headers = passThroughHeaders;

// Emailed links carry their token in the query string (the HTTP log records paths only).
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const view = await readPasswordReset(request, token);
  if (view.via === "whatsapp" && !view.started) throw redirect("/password/forgot");
  return { view, token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const result = await completePasswordReset(request, Object.fromEntries(form), { ip: context.ip, userAgent: context.userAgent });
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors }, { status: result.status, headers });
  }
  return redirect("/login?reset=1", { headers: { "Set-Cookie": result.setCookie } });
}

export default function ResetPassword() {
  const { view, token } = useLoaderData<typeof loader>();
  const { errors } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const linkDead = view.via === "email" && !view.valid;
  return (
    <main className="centered-page">
      <div className="card narrow">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </Link>
        <h1 style={{ marginTop: "1rem" }}>Choose a new password</h1>
        {linkDead ? (
          <>
            <FormError message="This link has expired or was already used." />
            <p>
              <Link to="/password/forgot">Ask for a new link</Link>
            </p>
          </>
        ) : (
          <>
            {view.via === "whatsapp" ? (
              <p>
                If the email you entered belongs to an account, we sent a 6-digit code to its WhatsApp
                {view.maskedPhone ? <strong> {view.maskedPhone}</strong> : null}.
              </p>
            ) : (
              <p className="muted">For {view.email}. Every device will be logged out.</p>
            )}
            <FormError message={errors.form} />
            <Form method="post" noValidate>
              <CsrfInput />
              {token ? <input type="hidden" name="token" value={token} /> : null}
              {view.via === "whatsapp" ? (
                <Field
                  label="Code from WhatsApp"
                  name="code"
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  error={errors.code}
                  required
                />
              ) : null}
              <NewPasswordFields errors={errors} />
              <button type="submit" className="block" disabled={busy}>
                {busy ? "Saving…" : "Save new password"}
              </button>
            </Form>
            {view.via === "whatsapp" ? (
              <p className="muted small" style={{ marginTop: "1rem" }}>
                No code? <Link to="/password/forgot">Ask again</Link> (a new code replaces the old one).
              </p>
            ) : null}
          </>
        )}
      </div>
    </main>
  );
}
