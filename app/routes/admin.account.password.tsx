import { data, type MetaFunction } from "@remix-run/node";
import { useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { changePassword } from "~/domain/accounts/credentials.server";
import { readForm } from "~/lib/csrf.server";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Field, FormError, NewPasswordFields, PostForm, useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "account")("password.meta") }];
export const headers = passThroughHeaders;

export const loader = /* @__PURE__ */ adminLoader("signed-in", async () => null);

// Needs the current password itself, so no separate re-authentication.
export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, context, access: { user, session } }) => {
  const form = await readForm(request);
  const result = await changePassword(
    user,
    session,
    Object.fromEntries(form),
    { ip: context.ip, userAgent: context.userAgent },
    await localeFor(request),
  );
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors, ended: undefined }, { status: result.status, headers });
  }
  return data({ errors: {} as Record<string, string>, ended: result.otherSessionsEnded });
});

export default function ChangePassword() {
  const { result, errors } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("account");
  return (
    <div className="card narrow">
      <PageTitle back={{ to: "/admin/account", label: t("yours") }}>{t("password.heading")}</PageTitle>
      {result?.ended !== undefined ? (
        <Banner tone="ok">
          {t("password.changed")} {result.ended > 0 ? t("password.othersOut", { count: result.ended }) : ""}
        </Banner>
      ) : null}
      <FormError message={errors.form} />
      <PostForm noValidate>
        <Field
          label={t("password.current")}
          name="current"
          type="password"
          autoComplete="current-password"
          error={errors.current}
          required
        />
        <NewPasswordFields errors={errors} />
        <button type="submit" disabled={busy}>
          {busy ? t("saving") : t("password.submit")}
        </button>
      </PostForm>
    </div>
  );
}
