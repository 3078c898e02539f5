import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { customerAuthAction, customerAuthLoader } from "~/domain/checkout/account-pages.server";
import { signUpCustomer } from "~/domain/checkout/customers.server";
import { policyVersionsInForce } from "~/domain/policies/versions.server";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { SHOWN_POLICIES_FIELD } from "~/lib/policy-field";
import { Checkbox, EmailField, Field, FormError, PasswordField, PostForm, useFormResult } from "~/ui/forms";
import { AcceptedPolicy } from "~/ui/privacy";

export const meta: MetaFunction = ({ matches }) => [
  { title: metaT(matches, "checkout")("account.signUpTitle") },
  { name: "robots", content: "noindex" },
];
export const headers = passThroughHeaders;

/** The sign-up page names the privacy policy version the account accepts (recorded with it). */
export async function loader(args: LoaderFunctionArgs) {
  return { ...(await customerAuthLoader(args)), policies: await policyVersionsInForce(["privacy"]) };
}
export const action = /* @__PURE__ */ customerAuthAction(signUpCustomer);

export default function CustomerSignup() {
  const { slug, redirectTo, policies } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("checkout");
  return (
    <section className="card medium" style={{ margin: "0 auto" }}>
      <h1>{t("account.signUpTitle")}</h1>
      <p className="muted">{t("account.signUpIntro")}</p>
      <FormError message={errors.form} />
      <PostForm noValidate fields={{ redirectTo: values.redirectTo ?? redirectTo }}>
        <Field label={t("account.name")} name="name" autoComplete="name" defaultValue={values.name} error={errors.name} required />
        <EmailField label={t("account.email")} defaultValue={values.email} error={errors.email} />
        <Field label={t("account.phone")} name="phone" type="tel" autoComplete="tel" defaultValue={values.phone} error={errors.phone} />
        <PasswordField label={t("account.password")} autoComplete="new-password" hint={t("account.passwordHint")} error={errors.password} />
        <Checkbox label={t("account.adult")} name="adult" defaultChecked={values.adult === "on"} error={errors.adult} />
        <Checkbox label={t("account.marketing")} name="marketing" defaultChecked={values.marketing === "on"} error={errors.marketing} />
        <input type="hidden" name={SHOWN_POLICIES_FIELD} value={policies.map((p) => p.id).join(",")} />
        <AcceptedPolicy policies={policies} />
        <button type="submit" className="block">
          {t("account.create")}
        </button>
      </PostForm>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        {t("account.haveAccount")} <Link to={`/s/${slug}/account/login`}>{t("account.logIn")}</Link>
      </p>
    </section>
  );
}
