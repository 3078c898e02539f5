import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { customerAuthAction, customerAuthLoader } from "~/domain/checkout/account-pages.server";
import { signUpCustomer } from "~/domain/checkout/customers.server";
import { policyVersionsInForce } from "~/domain/policies/versions.server";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Checkbox, FormError, PostForm, useFormResult } from "~/ui/forms";
import { AccountFields } from "~/ui/signup-fields";

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
        <AccountFields word={(f) => t(`account.${f}`)} values={values} errors={errors} policies={policies} phoneRequired={false}>
          <Checkbox label={t("account.marketing")} name="marketing" defaultChecked={values.marketing === "on"} error={errors.marketing} />
        </AccountFields>
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
