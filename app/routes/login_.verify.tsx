import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { startSession } from "~/domain/accounts/sessions.server";
import { completeLoginChallenge, readLoginChallenge, resendLoginCode } from "~/domain/accounts/two-factor.server";
import { readForm } from "~/lib/csrf.server";
import { passThroughHeaders, safeRedirect, withCookies } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { Trans, useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { BrandCardPage } from "~/ui/brand";
import { Checkbox, Field, FormError, PostForm } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "auth")("verify.metaTitle") }];

export const headers = passThroughHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const pending = await readLoginChallenge(request);
  if (!pending) throw redirect("/login");
  return { method: pending.method, maskedPhone: pending.maskedPhone, recoveryCodesLeft: pending.recoveryCodesLeft };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const locale = await localeFor(request);
  if (form.get("intent") === "resend") {
    const sent = await resendLoginCode(request, who, locale);
    if (!sent.ok) {
      const headers: HeadersInit = sent.retryAfterSeconds ? { "Retry-After": String(sent.retryAfterSeconds) } : {};
      return data({ error: sent.errors.form, sent: false }, { status: sent.retryAfterSeconds ? 429 : 400, headers });
    }
    return data({ error: undefined, sent: true });
  }
  const result = await completeLoginChallenge(request, Object.fromEntries(form), who, locale);
  if (!result.ok) {
    if (result.expired) throw redirect("/login");
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    const field = result.errors.code === undefined ? undefined : ("code" as const);
    return data({ error: result.errors.code ?? result.errors.form, field, sent: false }, { status: result.status, headers });
  }
  const session = await startSession(result.userId, { remember: result.remember, secondFactor: result.secondFactor, ...who });
  return redirect(safeRedirect(result.redirectTo), { headers: withCookies(...result.setCookies, session.setCookie) });
}

export default function VerifyLogin() {
  const { t } = useTranslation("auth");
  const { method, maskedPhone, recoveryCodesLeft } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const usingRecovery = params.get("using") === "recovery";
  const fieldError = result && "field" in result && result.field === "code" ? result.error : undefined;
  const formError = result?.error && !fieldError ? result.error : undefined;
  return (
    <BrandCardPage title={t("verify.title")}>
      {usingRecovery ? (
        <p>{t("verify.recoveryIntro")}</p>
      ) : method === "totp" ? (
        <p>{t("verify.totpIntro")}</p>
      ) : (
        <p>
          <Trans
            t={t}
            i18nKey="verify.whatsappIntro"
            values={{ phone: maskedPhone }}
            components={{ phone: <strong data-testid="masked-phone" /> }}
          />
        </p>
      )}
      {params.get("unsent") && !result ? <FormError message={t("verify.unsent")} /> : null}
      {result?.sent ? <Banner tone="ok">{t("verify.resent")}</Banner> : null}
      <FormError message={formError} />
      <PostForm noValidate fields={{ intent: "verify" }}>
        {usingRecovery ? <input type="hidden" name="using" value="recovery" /> : null}
        <Field
          label={usingRecovery ? t("verify.recoveryCode") : t("verify.code")}
          name="code"
          autoComplete={usingRecovery ? "off" : "one-time-code"}
          inputMode={usingRecovery ? "text" : "numeric"}
          placeholder={usingRecovery ? "XXXX-XXXX-XXXX-XXXX" : "123456"}
          error={fieldError}
          required
          autoFocus
        />
        <Checkbox label={t("verify.trust")} name="trust" />
        <button type="submit" className="block" disabled={busy}>
          {busy ? t("verify.checking") : t("verify.submit")}
        </button>
      </PostForm>
      <div className="stack small" style={{ marginTop: "1rem" }}>
        {method === "whatsapp" && !usingRecovery ? (
          <PostForm fields={{ intent: "resend" }}>
            <button type="submit" className="link">
              {t("verify.resend")}
            </button>
          </PostForm>
        ) : null}
        {usingRecovery ? (
          <Link to="/login/verify">{method === "totp" ? t("verify.useTotp") : t("verify.useWhatsapp")}</Link>
        ) : recoveryCodesLeft > 0 ? (
          <Link to="/login/verify?using=recovery">{t("verify.useRecovery")}</Link>
        ) : null}
        <Link to="/login">{t("verify.someoneElse")}</Link>
      </div>
    </BrandCardPage>
  );
}
