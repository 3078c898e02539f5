import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { storefrontShopper } from "~/domain/checkout/context.server";
import { signUpCustomer } from "~/domain/checkout/customers.server";
import { clearCartCookieHeader } from "~/domain/checkout/visitor.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { Checkbox, CsrfInput, Field, FormError } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Create an account" }, { name: "robots", content: "noindex" }];
export const headers = passThroughHeaders;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  if (who.customer) throw redirect(`/s/${shop.slug}/account`);
  return { slug: shop.slug, redirectTo: new URL(request.url).searchParams.get("redirectTo") ?? "" };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const form = await readForm(request);
  const result = await signUpCustomer(shop.id, Object.fromEntries(form), { ip: context.ip, userAgent: context.userAgent, anonymousCartId: who.anonymousCartId });
  if (!result.ok) {
    const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
    return data({ errors: result.errors, values: keptValues(form) }, { status: result.retryAfterSeconds ? 429 : 400, headers });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", result.setCookie);
  headers.append("Set-Cookie", await clearCartCookieHeader(shop.id));
  const back = safeRedirect(form.get("redirectTo"), `/s/${shop.slug}/account`);
  return redirect(back.startsWith(`/s/${shop.slug}/`) ? back : `/s/${shop.slug}/account`, { headers });
}

export default function CustomerSignup() {
  const { slug, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const values: Record<string, string | undefined> = result?.values ?? {};
  const { t } = useTranslation("checkout");
  return (
    <section className="card medium" style={{ margin: "0 auto" }}>
      <h1>{t("account.signUpTitle")}</h1>
      <p className="muted">{t("account.signUpIntro")}</p>
      <FormError message={errors.form} />
      <Form method="post" noValidate>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={values.redirectTo ?? redirectTo} />
        <Field label={t("account.name")} name="name" autoComplete="name" defaultValue={values.name} error={errors.name} required />
        <Field label={t("account.email")} name="email" type="email" autoComplete="email" defaultValue={values.email} error={errors.email} required />
        <Field label={t("account.phone")} name="phone" type="tel" autoComplete="tel" defaultValue={values.phone} error={errors.phone} />
        <Field label={t("account.password")} name="password" type="password" autoComplete="new-password" hint={t("account.passwordHint")} error={errors.password} required />
        <Checkbox label={t("account.adult")} name="adult" defaultChecked={values.adult === "on"} error={errors.adult} />
        <Checkbox label={t("account.marketing")} name="marketing" defaultChecked={values.marketing === "on"} error={errors.marketing} />
        <button type="submit" className="block">
          {t("account.create")}
        </button>
      </Form>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        {t("account.haveAccount")} <Link to={`/s/${slug}/account/login`}>{t("account.logIn")}</Link>
      </p>
    </section>
  );
}
