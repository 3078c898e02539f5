import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { storefrontShopper } from "~/domain/checkout/context.server";
import { logInCustomer } from "~/domain/checkout/customers.server";
import { clearCartCookieHeader } from "~/domain/checkout/visitor.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders, safeRedirect } from "~/lib/http";
import { CsrfInput, Field, FormError } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Log in" }, { name: "robots", content: "noindex" }];
export const headers = passThroughHeaders;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  if (who.customer) throw redirect(`/s/${shop.slug}/account`);
  return { slug: shop.slug, redirectTo: new URL(request.url).searchParams.get("redirectTo") ?? "" };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  const form = await readForm(request);
  const result = await logInCustomer(shop.id, Object.fromEntries(form), { ip: context.ip, userAgent: context.userAgent, anonymousCartId: who.anonymousCartId });
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

export default function CustomerLogin() {
  const { slug, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const values: Record<string, string | undefined> = result?.values ?? {};
  const { t } = useTranslation("checkout");
  return (
    <section className="card medium" style={{ margin: "0 auto" }}>
      <h1>{t("account.logInTitle")}</h1>
      <FormError message={errors.form} />
      <Form method="post" noValidate>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={values.redirectTo ?? redirectTo} />
        <Field label={t("account.email")} name="email" type="email" autoComplete="email" defaultValue={values.email} error={errors.email} required />
        <Field label={t("account.password")} name="password" type="password" autoComplete="current-password" error={errors.password} required />
        <button type="submit" className="block">
          {t("account.logIn")}
        </button>
      </Form>
      <p className="muted small" style={{ marginTop: "1rem" }}>
        {t("account.noAccount")} <Link to={`/s/${slug}/account/signup${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ""}`}>{t("account.signUpTitle")}</Link>
      </p>
    </section>
  );
}
