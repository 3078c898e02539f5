import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { confirmPassword } from "~/domain/accounts/credentials.server";
import { markReauthenticated } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Field, PostForm } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "account")("reauth.meta") }];
export const headers = passThroughHeaders;

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access }) => ({ email: access.user.email }));

export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, context, access }) => {
  const form = await readForm(request);
  const result = await confirmPassword(
    access.user,
    String(form.get("password") ?? ""),
    { ip: context.ip, userAgent: context.userAgent },
    await localeFor(request),
  );
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data({ error: result.error }, { status: result.status, headers });
  }
  await markReauthenticated(access.session.id);
  return redirect(safeRedirect(form.get("redirectTo")));
});

export default function Reauthenticate() {
  const { email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("account");
  return (
    <div className="card narrow">
      <p className="eyebrow">{t("reauth.eyebrow")}</p>
      <h1>{t("reauth.heading")}</h1>
      <p>{t("reauth.hint")}</p>
      <PostForm noValidate fields={{ redirectTo: params.get("redirectTo") ?? "/admin" }}>
        <input type="hidden" name="email" autoComplete="username" value={email} readOnly />
        <Field
          label={t("reauth.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          error={result?.error}
          required
          autoFocus
        />
        <button type="submit" disabled={busy}>
          {busy ? t("checking") : t("reauth.confirm")}
        </button>
      </PostForm>
    </div>
  );
}
