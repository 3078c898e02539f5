import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction,redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";

import { logIn } from "~/domain/accounts/login.server";
import { readSession, startSession } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { localeFor, serverT } from "~/lib/i18n.server";
import { Banner } from "~/ui/banner";
import { Checkbox, CsrfInput, Field, FormError } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Log in · NetShop" }];

export const headers = passThroughHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await readSession(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const redirectTo = safeRedirect(form.get("redirectTo"));
  const result = await logIn(Object.fromEntries(form), who, request, { redirectTo });
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    const error = result.slowedSeconds
      ? serverT(await localeFor(request), "common")("security.accountSlowed", { seconds: result.slowedSeconds })
      : result.error;
    return data({ error, values: keptValues(form) }, { status: result.status, headers });
  }
  if (result.next === "second-factor") {
    return redirect(`/login/verify${result.sendProblem ? "?unsent=1" : ""}`, { headers: { "Set-Cookie": result.setCookie } });
  }
  const { setCookie } = await startSession(result.userId, {
    remember: result.remember,
    secondFactor: result.trustedDevice ? "trusted_device" : undefined,
    ...who,
  });
  return redirect(redirectTo, { headers: { "Set-Cookie": setCookie } });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="centered-page">
      <div className="card narrow">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </Link>
        <h1 style={{ marginTop: "1rem" }}>Log in</h1>
        {params.get("reset") ? (
          <Banner tone="ok">Your password was changed and every device was logged out. Log in with your new password.</Banner>
        ) : null}
        <FormError message={result?.error} />
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/admin"} />
          <Field label="Email" name="email" type="email" autoComplete="username" defaultValue={result?.values.email} required />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required />
          <Checkbox label="Remember me on this device for 30 days" name="remember" defaultChecked={result?.values.remember === "on"} />
          <button type="submit" className="block" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </Form>
        <p className="muted small" style={{ marginTop: "1rem" }}>
          <Link to="/password/forgot">Forgot your password?</Link>
          <br />
          New to NetShop? <Link to="/signup">Create an account</Link>
        </p>
      </div>
    </main>
  );
}
