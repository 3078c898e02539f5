import { data, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { operatorAction, operatorLoader } from "~/domain/dropship/suppliers.server";
import { findAccountByEmail, findShopCustomer, platformRequests, requestDeletion, type Subject } from "~/domain/privacy/requests.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { eraseRequestedData } from "~/flows/data-deleted.server";
import { readForm } from "~/lib/csrf.server";
import { localDate } from "~/lib/dates";
import { localeFor, serverT } from "~/lib/i18n.server";
import { CsrfInput, Field, FormError } from "~/ui/forms";
import { PrivacyNotice, requestView } from "~/ui/privacy";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? ""} · NetShop` }];

/** Every privacy request on the platform, overdue first; an operator flags a minor's account, deleted at once. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ request }) => {
  const requests = await platformRequests(localDate(new Date(), "Asia/Kuala_Lumpur"));
  return {
    title: serverT(await localeFor(request), "privacy")("platform.title"),
    requests: requests.map((r) => ({ ...requestView(r), subjectKind: r.subjectKind, shopName: r.shopName, overdue: r.overdue })),
  };
});

export const action = /* @__PURE__ */ operatorAction(async ({ request, operator }) => {
  const form = await readForm(request);
  const locale = await localeFor(request);
  const t = serverT(locale, "privacy");
  const userEmail = String(form.get("userEmail") ?? "").trim();
  const slug = String(form.get("shop") ?? "").trim();
  const customerContact = String(form.get("customer") ?? "").trim();
  let subject: Subject | undefined;
  let contact: string | null = null;
  if (userEmail) {
    const account = await findAccountByEmail(userEmail);
    if (account) [subject, contact] = [{ kind: "user", userId: account.id }, account.email];
  } else if (slug && customerContact) {
    const shop = await storefrontShopBySlug(slug);
    const customer = shop ? await findShopCustomer(shop.id, customerContact) : undefined;
    if (shop && customer)
      [subject, contact] = [{ kind: "customer", shopId: shop.id, customerId: customer.id }, customer.email ?? customer.phone];
  }
  if (!subject) return data({ notice: null, errors: { form: t("platform.notFound") } }, { status: 404 });
  // A minor's data: no cooling-off; erased now, in this request.
  const flagged = await requestDeletion(subject, { contact, locale, actorUserId: operator.id, immediate: true });
  await eraseRequestedData({ requestId: flagged.id, shopId: flagged.shopId });
  return { notice: t("platform.flagged"), errors: {} };
});

export default function PlatformPrivacy() {
  const { requests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const { t, i18n } = useTranslation("privacy");
  const date = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" }).format(new Date(iso));
  return (
    <main className="admin-main stack" data-testid="platform-privacy">
      <div>
        <h1>{t("platform.title")}</h1>
        <p>{t("platform.intro")}</p>
      </div>
      <PrivacyNotice notice={result?.notice} />
      <FormError message={errors.form} />
      <table data-testid="platform-privacy-requests">
        <thead>
          <tr>
            <th>{t("platform.shop")}</th>
            <th>{t("admin.customer")}</th>
            <th>{t("admin.kind")}</th>
            <th>{t("admin.requested")}</th>
            <th>{t("admin.due")}</th>
            <th>{t("admin.state")}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id} data-request-id={r.id} data-overdue={r.overdue ? "yes" : "no"}>
              <td>{r.shopName ?? t("platform.platformLevel")}</td>
              <td>{t(`subjectKind.${r.subjectKind}`)}</td>
              <td>{t(`kind.${r.kind}`)}</td>
              <td>{date(r.createdAt)}</td>
              <td>
                {date(`${r.dueOn}T00:00:00`)} {r.overdue ? <strong className="error">{t("admin.overdue")}</strong> : null}
              </td>
              <td>{t(`status.${r.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="card stack">
        <h2>{t("platform.flagMinor")}</h2>
        <p className="muted">{t("platform.flagMinorHint")}</p>
        <Form method="post">
          <CsrfInput />
          <Field label={t("platform.userEmail")} name="userEmail" type="email" />
          <Field label={t("platform.customerShop")} name="shop" />
          <Field label={t("platform.customerEmail")} name="customer" />
          <button type="submit" className="danger">
            {t("platform.flag")}
          </button>
        </Form>
      </section>
    </main>
  );
}
