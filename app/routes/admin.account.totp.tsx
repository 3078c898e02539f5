import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { startTotpEnrolment } from "~/domain/accounts/totp.server";
import { enableTotp } from "~/domain/accounts/two-factor.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Field, PostForm } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "account")("totp.meta") }];

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access: { user } }) => {
  const enrolment = await startTotpEnrolment(user);
  return { secret: enrolment.secret, qrDataUrl: enrolment.qrDataUrl };
});

export const action = /* @__PURE__ */ adminAction(
  "signed-in",
  async ({ request, context, access: { user } }) => {
    const form = await readForm(request);
    const code = form.get("code");
    const result = await enableTotp(
      user,
      typeof code === "string" ? code : "",
      { ip: context.ip, userAgent: context.userAgent },
      await localeFor(request),
    );
    if (!result.ok) return data({ error: result.errors.form, codes: undefined }, { status: 400 });
    return data({ error: undefined, codes: result.recoveryCodes });
  },
  { recentAuth: true },
);

export default function SetUpTotp() {
  const { secret, qrDataUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("account");
  if (result?.codes) {
    return (
      <div className="card medium" data-testid="recovery-codes">
        <p className="eyebrow">{t("totp.app")}</p>
        <h1>{t("totp.done")}</h1>
        <p>{t("totp.doneHint")}</p>
        <ul className="codes">
          {result.codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <Link className="button" to="/admin/account">
          {t("totp.saved")}
        </Link>
      </div>
    );
  }
  return (
    <div className="card medium">
      <PageTitle back={{ to: "/admin/account", label: t("yours") }}>{t("totp.heading")}</PageTitle>
      <ol>
        <li>{t("totp.step1")}</li>
        <li>{t("totp.step2")}</li>
        <li>{t("totp.step3")}</li>
      </ol>
      <img src={qrDataUrl} alt={t("totp.qr")} width={220} height={220} />
      <p className="small">
        {t("totp.key")} <code data-testid="totp-secret">{secret}</code>
      </p>
      <PostForm noValidate>
        <Field label={t("totp.code")} name="code" autoComplete="one-time-code" inputMode="numeric" error={result?.error} required />
        <button type="submit" disabled={busy}>
          {busy ? t("checking") : t("totp.turnOn")}
        </button>
      </PostForm>
    </div>
  );
}
