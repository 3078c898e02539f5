import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useNavigation, useSearchParams } from "@remix-run/react";

import { readSession, startSession } from "~/domain/accounts/sessions.server";
import { signUp } from "~/domain/accounts/signup.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { Checkbox, CsrfInput, Field, FormError, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Create your NetShop account" }];

export const headers = passThroughHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await readSession(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const result = await signUp(Object.fromEntries(form), who);
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors, values: keptValues(form) }, { status: result.retryAfterSeconds ? 429 : 400, headers });
  }
  const { setCookie } = await startSession(result.userId, { remember: false, ...who });
  // Someone joining a shop by invitation goes back to it; others create their own shop.
  return redirect(safeRedirect(form.get("redirectTo"), "/admin/shops/new"), { headers: { "Set-Cookie": setCookie } });
}

export default function Signup() {
  const { result, errors } = useFormResult<typeof action>();
  const [params] = useSearchParams();
  const values: Record<string, string | undefined> = result?.values ?? { email: params.get("email") ?? undefined };
  const busy = useNavigation().state === "submitting";
  return (
    <main className="centered-page">
      <div className="card medium">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </Link>
        <h1 style={{ marginTop: "1rem" }}>Create your account</h1>
        <p className="muted">Free to start. You will create your shop on the next page.</p>
        <FormError message={errors.form} />
        <Form method="post" noValidate>
          <CsrfInput />
          {params.get("redirectTo") ? <input type="hidden" name="redirectTo" value={params.get("redirectTo")!} /> : null}
          <div className="two-cols">
            <Field label="Your name" name="name" autoComplete="name" defaultValue={values.name} error={errors.name} required />
            <Field
              label="Company or business name"
              name="companyName"
              autoComplete="organization"
              defaultValue={values.companyName}
              error={errors.companyName}
              required
            />
          </div>
          <Field label="Email" name="email" type="email" autoComplete="email" defaultValue={values.email} error={errors.email} required />
          <Field
            label="WhatsApp number"
            name="phone"
            type="tel"
            autoComplete="tel"
            hint="We send sign-in codes and your daily sales report here. Malaysian numbers like 012-345 6789 are fine."
            defaultValue={values.phone}
            error={errors.phone}
            required
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint="At least 12 characters. A short sentence is easy to remember and hard to guess."
            error={errors.password}
            required
            minLength={12}
          />
          <Checkbox label="I am 18 or older." name="adult" defaultChecked={values.adult === "on"} error={errors.adult} />
          <Checkbox
            label={
              <span>
                I accept the <a href="/legal/terms">terms of service</a> and the <a href="/legal/privacy">privacy policy</a>.
              </span>
            }
            name="terms"
            defaultChecked={values.terms === "on"}
            error={errors.terms}
          />
          <button type="submit" className="block" disabled={busy}>
            {busy ? "Creating your account…" : "Create account"}
          </button>
        </Form>
        <p className="muted small" style={{ marginTop: "1rem" }}>
          Already have an account?{" "}
          <Link to={`/login${params.get("redirectTo") ? `?redirectTo=${encodeURIComponent(params.get("redirectTo")!)}` : ""}`}>Log in</Link>
        </p>
      </div>
    </main>
  );
}
