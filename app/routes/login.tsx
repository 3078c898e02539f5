import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";

import { logIn } from "~/domain/accounts/login.server";
import { readSession, startSession } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { BrandCardPage } from "~/ui/brand";
import { Checkbox, Field, FormError, PostForm } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "auth")("login.metaTitle") }];

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
    const locale = await localeFor(request);
    const error =
      result.code === "slowed"
        ? serverT(locale, "common")("security.accountSlowed", { seconds: result.slowedSeconds })
        : serverT(locale, "auth")(`login.errors.${result.code}`, { minutes: Math.ceil((result.retryAfterSeconds ?? 60) / 60) });
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
  const { t } = useTranslation("auth");
  return (
    <BrandCardPage title={t("login.title")}>
      {params.get("reset") ? <Banner tone="ok">{t("login.reset")}</Banner> : null}
      <FormError message={result?.error} />
      <PostForm fields={{ redirectTo: params.get("redirectTo") ?? "/admin" }}>
        <Field label={t("login.email")} name="email" type="email" autoComplete="username" defaultValue={result?.values.email} required />
        <Field label={t("login.password")} name="password" type="password" autoComplete="current-password" required />
        <Checkbox label={t("login.remember")} name="remember" defaultChecked={result?.values.remember === "on"} />
        <button type="submit" className="block" disabled={busy}>
          {busy ? t("login.submitting") : t("login.submit")}
        </button>
      </PostForm>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        <Link to="/password/forgot">{t("login.forgot")}</Link>
        <br />
        {t("login.newHere")} <Link to="/signup">{t("login.signup")}</Link>
      </p>
    </BrandCardPage>
  );
}
