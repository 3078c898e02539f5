import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { storefrontShopper } from "~/domain/checkout/context.server";
import { changeOwnConsent } from "~/domain/privacy/consent.server";
import { correctCustomerName, customerPrivacy } from "~/domain/privacy/customer-page.server";
import { privacyIntent } from "~/domain/privacy/page-actions.server";
import { readForm } from "~/lib/csrf.server";
import { localeFor, serverT } from "~/lib/i18n.server";
import { formatPhone } from "~/lib/phone";
import { redirect } from "~/lib/redirect.server";
import { Checkbox, CsrfInput, Field, FormError } from "~/ui/forms";
import { PrivacyNotice, PrivacyRequests, requestView } from "~/ui/privacy";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? "Privacy" },
  { name: "robots", content: "noindex" },
];

async function signedInCustomer(request: Request, slug: string | undefined) {
  const { shop, who } = await storefrontShopper(request, slug);
  if (!who.customer) throw redirect(`/s/${shop.slug}/account/login?redirectTo=${encodeURIComponent(`/s/${shop.slug}/account/privacy`)}`);
  return { shop, customer: who.customer };
}

/** A storefront customer's data rights: export, correct, consent, delete (app/domain/privacy). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, customer } = await signedInCustomer(request, params.slug);
  const me = await customerPrivacy(shop.id, customer.id);
  if (!me) throw redirect(`/s/${shop.slug}/account/login`);
  const locale = await localeFor(request);
  return data(
    { slug: shop.slug, title: serverT(locale, "privacy")("title"), me: { ...me, requests: me.requests.map(requestView) } },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, customer } = await signedInCustomer(request, params.slug);
  const form = await readForm(request);
  const locale = await localeFor(request);
  const t = serverT(locale, "privacy");
  const intent = form.get("intent");
  if (intent === "correct") {
    const result = await correctCustomerName(shop.id, customer.id, Object.fromEntries(form));
    return result.ok ? { notice: t("correct.saved"), errors: {} } : data({ notice: null, errors: result.errors }, { status: 400 });
  }
  if (intent === "consent") {
    await changeOwnConsent(shop.id, customer.id, { email: form.get("email") === "on", whatsapp: form.get("whatsapp") === "on" });
    return { notice: t("consent.saved"), errors: {} };
  }
  const me = await customerPrivacy(shop.id, customer.id);
  const result = await privacyIntent({ kind: "customer", shopId: shop.id, customerId: customer.id }, form, {
    contact: me?.email ?? me?.phone ?? null,
    locale,
  });
  if (!result.ok) {
    const errors = Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)]));
    return data({ notice: null, errors }, { status: result.status });
  }
  if (result.redirectTo) return redirect(result.redirectTo);
  return { notice: result.notice ? t(result.notice) : null, errors: {} };
}

export default function CustomerPrivacyPage() {
  const { slug, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const { t } = useTranslation("privacy");
  return (
    <section className="stack" data-testid="customer-privacy">
      <div className="spread">
        <h1>{t("title")}</h1>
        <Link to={`/s/${slug}/account`}>{t("back")}</Link>
      </div>
      <p>{t("intro")}</p>
      <PrivacyNotice notice={result?.notice} />
      <FormError message={errors.form} />
      <section className="card stack" data-testid="privacy-correct">
        <h2>{t("correct.heading")}</h2>
        <p className="muted">
          {me.email}
          {me.phone ? ` · ${formatPhone(me.phone)}` : ""}
        </p>
        <Form method="post">
          <CsrfInput />
          <Field label={t("correct.name")} name="name" defaultValue={me.name} error={errors.name} autoComplete="name" />
          <button type="submit" name="intent" value="correct">
            {t("correct.save")}
          </button>
        </Form>
      </section>
      <section className="card stack" data-testid="privacy-consent">
        <h2>{t("consent.heading")}</h2>
        <p>{t("consent.body")}</p>
        <Form method="post">
          <CsrfInput />
          <Checkbox label={t("consent.email")} name="email" defaultChecked={me.marketingEmail} />
          <Checkbox label={t("consent.whatsapp")} name="whatsapp" defaultChecked={me.marketingWhatsapp} />
          <p className="muted small">{t("consent.stopHint")}</p>
          <button type="submit" name="intent" value="consent">
            {t("consent.save")}
          </button>
        </Form>
      </section>
      <PrivacyRequests requests={me.requests} errors={errors} />
    </section>
  );
}
