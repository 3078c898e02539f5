import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { completePasswordReset, readPasswordReset } from "~/domain/accounts/credentials.server";
import { readForm } from "~/lib/csrf.server";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { BrandCardPage } from "~/ui/brand";
import { Field, FormError, NewPasswordFields, PostForm, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "site")("reset.meta") }];

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
  const result = await completePasswordReset(
    request,
    Object.fromEntries(form),
    { ip: context.ip, userAgent: context.userAgent },
    await localeFor(request),
  );
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
  const { t } = useTranslation("site");
  const linkDead = view.via === "email" && !view.valid;
  return (
    <BrandCardPage title={t("reset.heading")}>
      {linkDead ? (
        <>
          <FormError message={t("reset.dead")} />
          <p>
            <Link to="/password/forgot">{t("reset.askLink")}</Link>
          </p>
        </>
      ) : (
        <>
          {view.via === "whatsapp" ? (
            <p>
              {t("reset.sentCode")}
              {view.maskedPhone ? <strong> {view.maskedPhone}</strong> : null}.
            </p>
          ) : (
            <p className="muted">{t("reset.forEmail", { email: view.email })}</p>
          )}
          <FormError message={errors.form} />
          <PostForm noValidate>
            {token ? <input type="hidden" name="token" value={token} /> : null}
            {view.via === "whatsapp" ? (
              <Field label={t("reset.code")} name="code" autoComplete="one-time-code" inputMode="numeric" error={errors.code} required />
            ) : null}
            <NewPasswordFields errors={errors} />
            <button type="submit" className="block" disabled={busy}>
              {busy ? t("reset.saving") : t("reset.save")}
            </button>
          </PostForm>
          {view.via === "whatsapp" ? (
            <p className="muted small" style={{ marginTop: "1rem" }}>
              {t("reset.noCode")} <Link to="/password/forgot">{t("reset.askAgain")}</Link> {t("reset.replaces")}
            </p>
          ) : null}
        </>
      )}
    </BrandCardPage>
  );
}
