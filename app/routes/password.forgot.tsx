import { type ActionFunctionArgs, data, type MetaFunction } from "@remix-run/node";
import { Link, useNavigation } from "@remix-run/react";

import { requestPasswordReset } from "~/domain/accounts/credentials.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { BrandCardPage } from "~/ui/brand";
import { EmailField, FormError, PostForm, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "site")("forgot.meta") }];

export const headers = passThroughHeaders;

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const result = await requestPasswordReset(
    Object.fromEntries(form),
    { ip: context.ip, userAgent: context.userAgent },
    await localeFor(request),
  );
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data(
      { errors: result.errors, values: keptValues(form), emailSent: false },
      { status: result.retryAfterSeconds ? 429 : 400, headers },
    );
  }
  if (result.method === "whatsapp") return redirect("/password/reset", { headers: { "Set-Cookie": result.setCookie } });
  return data({ errors: {} as Record<string, string>, values: keptValues(form), emailSent: true });
}

export default function ForgotPassword() {
  const { result, errors, values } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("site");
  return (
    <BrandCardPage title={t("forgot.heading")}>
      {result?.emailSent ? (
        <Banner tone="ok" data-testid="reset-email-sent">
          {t("forgot.emailSent", { email: values.email })}
        </Banner>
      ) : (
        <p className="muted">{t("forgot.intro")}</p>
      )}
      <FormError message={errors.form} />
      <PostForm noValidate>
        <EmailField label={t("email")} autoComplete="username" defaultValue={values.email} error={errors.email} />
        <fieldset className="field" aria-describedby={errors.method ? "method-error" : undefined}>
          <legend style={{ fontWeight: 600 }}>{t("forgot.sendMe")}</legend>
          <label className="radio">
            <input type="radio" name="method" value="whatsapp" defaultChecked={(values.method ?? "whatsapp") === "whatsapp"} />{" "}
            {t("forgot.whatsapp")}
          </label>
          <label className="radio">
            <input type="radio" name="method" value="email" defaultChecked={values.method === "email"} /> {t("forgot.link")}
          </label>
          {errors.method ? (
            <p className="error" id="method-error" role="alert" data-field-error="method">
              {errors.method}
            </p>
          ) : null}
        </fieldset>
        <button type="submit" className="block" disabled={busy}>
          {busy ? t("forgot.sending") : t("forgot.send")}
        </button>
      </PostForm>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        {t("forgot.remembered")} <Link to="/login">{t("logIn")}</Link>
      </p>
    </BrandCardPage>
  );
}
