import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { storefrontShopper } from "~/domain/checkout/context.server";
import { acceptedPolicies, acknowledgePolicy } from "~/domain/policies/versions.server";
import { changeOwnConsent } from "~/domain/privacy/consent.server";
import {
  confirmCustomerContactChange,
  correctCustomerAddress,
  removeCustomerAddress,
  startCustomerContactChange,
} from "~/domain/privacy/corrections.server";
import { correctCustomerName, customerPrivacy } from "~/domain/privacy/customer-page.server";
import { privacyIntent } from "~/domain/privacy/page-actions.server";
import { readForm } from "~/lib/csrf.server";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatPhone } from "~/lib/phone";
import { redirect } from "~/lib/redirect.server";
import type { HydrateHandle } from "~/root";
import { Checkbox, FormError, PostForm } from "~/ui/forms";
import {
  AcceptedPolicy,
  acceptedView,
  AddressCorrectionFields,
  OwnDetailsForms,
  type PendingContact,
  PrivacyNotice,
  PrivacyRequests,
  requestView,
} from "~/ui/privacy";

// An export in progress is followed live (server-sent events): the client runs here.
export const handle: HydrateHandle = { hydrate: true };

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
    {
      slug: shop.slug,
      title: serverT(locale, "privacy")("title"),
      me: { ...me, requests: me.requests.map(requestView) },
      accepted: (await acceptedPolicies({ kind: "customer", shopId: shop.id, customerId: customer.id })).map(acceptedView),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

type Pending = PendingContact;
type ActionResult = { notice: string | null; errors: Record<string, string>; pending: Pending };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { shop, customer } = await signedInCustomer(request, params.slug);
  const form = await readForm(request);
  const locale = await localeFor(request);
  const t = serverT(locale, "privacy");
  const intent = String(form.get("intent") ?? "");
  const done = (notice: string | null, pending: Pending = null) => data<ActionResult>({ notice, errors: {}, pending });
  const fail = (errors: Record<string, string>, status = 400, pending: Pending = null) =>
    data<ActionResult>({ notice: null, errors, pending }, { status });
  if (intent === "acknowledge-policy") {
    if (!(await acknowledgePolicy({ kind: "customer", shopId: shop.id, customerId: customer.id }, form.get("versionId"))))
      return fail({ form: t("form.unknown") }, 404);
    return redirect(`/s/${shop.slug}/account`);
  }
  if (intent === "correct") {
    const result = await correctCustomerName(shop.id, customer.id, Object.fromEntries(form));
    return result.ok
      ? done(t("correct.saved"))
      : fail(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v as "correct.errors.name")])));
  }
  const change = /^(email|phone)-(code|confirm)$/.exec(intent);
  if (change) {
    const field = change[1] as "email" | "phone";
    if (change[2] === "code") {
      const started = await startCustomerContactChange(shop.id, customer.id, field, form.get(field), { ip: context.ip ?? null, locale });
      return started.ok
        ? done(t("codeSent", { contact: started.contact }), { field, contact: started.contact })
        : fail({ [started.field]: t(started.error) }, started.error === "correct.errors.tooMany" ? 429 : 400);
    }
    const contact = String(form.get("contact") ?? "");
    const confirmed = await confirmCustomerContactChange(shop.id, customer.id, field, { contact, code: form.get("code") });
    return confirmed.ok ? done(t("correct.saved")) : fail({ [confirmed.field]: t(confirmed.error) }, 400, { field, contact });
  }
  if (intent === "address-save") {
    const saved = await correctCustomerAddress(shop.id, customer.id, Object.fromEntries(form));
    if (saved.ok) return done(t("correct.saved"));
    return fail(Object.fromEntries(Object.entries(saved.errors).map(([k, v]) => [`${String(form.get("addressId"))}.${k}`, t(v)])));
  }
  if (intent === "address-remove") {
    return (await removeCustomerAddress(shop.id, customer.id, form.get("addressId")))
      ? done(t("correct.addressRemoved"))
      : fail({ form: t("correct.errors.unknownAddress") }, 404);
  }
  if (intent === "consent") {
    await changeOwnConsent(shop.id, customer.id, { email: form.get("email") === "on", whatsapp: form.get("whatsapp") === "on" });
    return done(t("consent.saved"));
  }
  const me = await customerPrivacy(shop.id, customer.id);
  const result = await privacyIntent({ kind: "customer", shopId: shop.id, customerId: customer.id }, form, {
    contact: me?.email ?? me?.phone ?? null,
    locale,
  });
  if (!result.ok) return fail(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)])), result.status);
  if (result.redirectTo) return redirect(result.redirectTo);
  return done(result.notice ? t(result.notice) : null);
}

export default function CustomerPrivacyPage() {
  const { slug, me, accepted } = useLoaderData<typeof loader>();
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
        <OwnDetailsForms name={me.name} pending={result?.pending ?? null} errors={errors} />
      </section>
      {me.addresses.length ? (
        <section className="card stack" data-testid="privacy-addresses">
          <h2>{t("correct.addresses")}</h2>
          {me.addresses.map(({ id, address }) => (
            <PostForm key={id} className="stack" fields={{ addressId: id }}>
              <AddressCorrectionFields id={id} address={address} errors={errors} />
              <div className="row">
                <button type="submit" name="intent" value="address-save">
                  {t("correct.save")}
                </button>
                <button type="submit" name="intent" value="address-remove" className="secondary">
                  {t("correct.removeAddress")}
                </button>
              </div>
            </PostForm>
          ))}
        </section>
      ) : null}
      <section className="card stack" data-testid="privacy-consent">
        <h2>{t("consent.heading")}</h2>
        <p>{t("consent.body")}</p>
        <PostForm>
          <Checkbox label={t("consent.email")} name="email" defaultChecked={me.marketingEmail} />
          <Checkbox label={t("consent.whatsapp")} name="whatsapp" defaultChecked={me.marketingWhatsapp} />
          <p className="muted small">{t("consent.stopHint")}</p>
          <button type="submit" name="intent" value="consent">
            {t("consent.save")}
          </button>
        </PostForm>
      </section>
      <PrivacyRequests requests={me.requests} errors={errors} />
      <AcceptedPolicy policies={accepted} />
    </section>
  );
}
