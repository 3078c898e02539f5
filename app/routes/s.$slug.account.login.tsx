import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { customerAuthAction, customerAuthLoader } from "~/domain/checkout/account-pages.server";
import { logInCustomer } from "~/domain/checkout/customers.server";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { EmailField, FormError, PasswordField, PostForm, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [
  { title: metaT(matches, "checkout")("account.logInTitle") },
  { name: "robots", content: "noindex" },
];
export const headers = passThroughHeaders;

export const loader = customerAuthLoader;
export const action = /* @__PURE__ */ customerAuthAction(logInCustomer);

export default function CustomerLogin() {
  const { slug, redirectTo } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("checkout");
  return (
    <section className="card medium" style={{ margin: "0 auto" }}>
      <h1>{t("account.logInTitle")}</h1>
      <FormError message={errors.form} />
      <PostForm noValidate fields={{ redirectTo: values.redirectTo ?? redirectTo }}>
        <EmailField label={t("account.email")} defaultValue={values.email} error={errors.email} />
        <PasswordField label={t("account.password")} autoComplete="current-password" error={errors.password} />
        <button type="submit" className="block">
          {t("account.logIn")}
        </button>
      </PostForm>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        {t("account.noAccount")}{" "}
        <Link to={`/s/${slug}/account/signup${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ""}`}>
          {t("account.signUpTitle")}
        </Link>
      </p>
    </section>
  );
}
