import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { readSession, startSession } from "~/domain/accounts/sessions.server";
import { signUp } from "~/domain/accounts/signup.server";
import { policyVersionsInForce } from "~/domain/policies/versions.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { Trans, useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { BrandCardPage } from "~/ui/brand";
import { Checkbox, Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { AccountFields } from "~/ui/signup-fields";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "site")("signup.meta") }];

export const headers = passThroughHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await readSession(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  // The versions the account accepts (recorded with it).
  return { policies: await policyVersionsInForce(["privacy", "terms"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const result = await signUp(Object.fromEntries(form), who, await localeFor(request));
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    // A policy published since the page was shown: 409, and the page shows the new versions to
    // accept; a form that never said which versions it showed: 400.
    if (result.policies)
      return data(
        { errors: { form: serverT(await localeFor(request), "privacy")(`accepted.${result.policies}`) }, values: keptValues(form) },
        { status: result.policies === "changed" ? 409 : 400 },
      );
    return data({ errors: result.errors, values: keptValues(form) }, { status: result.retryAfterSeconds ? 429 : 400, headers });
  }
  const { setCookie } = await startSession(result.userId, { remember: false, ...who });
  // Someone joining a shop by invitation goes back to it; others create their own shop.
  return redirect(safeRedirect(form.get("redirectTo"), "/admin/shops/new"), { headers: { "Set-Cookie": setCookie } });
}

export default function Signup() {
  const { result, errors } = useFormResult<typeof action>();
  const { policies } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const values: Record<string, string | undefined> = result?.values ?? { email: params.get("email") ?? undefined };
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("site");
  const { t: ta } = useTranslation("account");
  const words = {
    name: t("signup.name"),
    email: t("email"),
    phone: t("signup.whatsapp"),
    password: t("password"),
    passwordHint: ta("newPasswordHint"),
    adult: t("signup.adult"),
  };
  return (
    <BrandCardPage width="medium" title={t("signup.heading")}>
      <p className="muted">{t("signup.intro")}</p>
      <FormError message={errors.form} />
      <PostForm noValidate>
        {params.get("redirectTo") ? <input type="hidden" name="redirectTo" value={params.get("redirectTo")!} /> : null}
        <AccountFields
          word={(f) => words[f]}
          phoneHint={t("signup.whatsappHint")}
          values={values}
          errors={errors}
          policies={policies}
          passwordMinLength={12}
          besideName={
            <Field
              label={t("signup.company")}
              name="companyName"
              autoComplete="organization"
              defaultValue={values.companyName}
              error={errors.companyName}
              required
            />
          }
        >
          <Checkbox
            label={
              <span>
                <Trans
                  t={t}
                  i18nKey="signup.accept"
                  components={{ terms: <a href="/legal/terms">terms</a>, privacy: <a href="/legal/privacy">privacy</a> }}
                />
              </span>
            }
            name="terms"
            defaultChecked={values.terms === "on"}
            error={errors.terms}
          />
        </AccountFields>
        <button type="submit" className="block" disabled={busy}>
          {busy ? t("signup.creating") : t("signup.create")}
        </button>
      </PostForm>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        {t("signup.already")}{" "}
        <Link to={`/login${params.get("redirectTo") ? `?redirectTo=${encodeURIComponent(params.get("redirectTo")!)}` : ""}`}>
          {t("logIn")}
        </Link>
      </p>
    </BrandCardPage>
  );
}
