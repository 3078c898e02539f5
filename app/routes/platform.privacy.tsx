import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { operatorAction, operatorLoader } from "~/domain/dropship/suppliers.server";
import { policyVersions, publishPolicyVersion } from "~/domain/policies/versions.server";
import { findAccountByEmail, findShopCustomer, platformRequests, requestDeletion, type Subject } from "~/domain/privacy/requests.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { eraseRequestedData } from "~/flows/data-deleted.server";
import { readForm } from "~/lib/csrf.server";
import { localDate } from "~/lib/dates";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { useFormat } from "~/ui/format";
import { Checkbox, Field, FormError, PostForm, SelectField } from "~/ui/forms";
import { PrivacyNotice, requestView } from "~/ui/privacy";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? ""} · NetShop` }];

/** Every privacy request on the platform, overdue first; an operator flags a minor's account, deleted at once. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ request }) => {
  const requests = await platformRequests(localDate(new Date(), "Asia/Kuala_Lumpur"));
  return {
    title: serverT(await localeFor(request), "privacy")("platform.title"),
    requests: requests.map((r) => ({ ...requestView(r), subjectKind: r.subjectKind, shopName: r.shopName, overdue: r.overdue })),
    versions: (await policyVersions()).map((v) => ({
      id: v.id,
      document: v.document,
      version: v.version,
      significant: v.significant,
      summary: v.summary,
      publishedAt: v.publishedAt.toISOString(),
    })),
  };
});

export const action = /* @__PURE__ */ operatorAction(async ({ request, operator }) => {
  const form = await readForm(request);
  const locale = await localeFor(request);
  const t = serverT(locale, "privacy");
  if (form.get("intent") === "publish-policy") {
    const published = await publishPolicyVersion(operator.id, Object.fromEntries(form));
    if (!published.ok)
      return data(
        { notice: null, errors: Object.fromEntries(Object.entries(published.errors).map(([k, v]) => [k, t(v)])) },
        { status: 400 },
      );
    return { notice: t(published.version.significant ? "policyChange.publishedSignificant" : "policyChange.published"), errors: {} };
  }
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
  const { requests, versions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const { t } = useTranslation("privacy");
  const fmt = useFormat();
  const date = fmt.date;
  return (
    <main className="admin-main stack" data-testid="platform-privacy">
      <div>
        <h1>{t("platform.title")}</h1>
        <p>{t("platform.intro")}</p>
      </div>
      <PrivacyNotice notice={result?.notice} />
      <FormError message={errors.form} />
      <DataTable
        data-testid="platform-privacy-requests"
        columns={[t("platform.shop"), t("admin.customer"), t("admin.kind"), t("admin.requested"), t("admin.due"), t("admin.state")]}
        rows={requests}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ "data-request-id": r.id, "data-overdue": r.overdue ? "yes" : "no" })}
        cells={(r) => (
          <>
            <td>{r.shopName ?? t("platform.platformLevel")}</td>
            <td>{t(`subjectKind.${r.subjectKind}`)}</td>
            <td>{t(`kind.${r.kind}`)}</td>
            <td>{date(r.createdAt)}</td>
            <td>
              {fmt.day(r.dueOn)} {r.overdue ? <strong className="error">{t("admin.overdue")}</strong> : null}
            </td>
            <td>{t(`status.${r.status}`)}</td>
          </>
        )}
      />
      <section className="card stack">
        <h2>{t("platform.flagMinor")}</h2>
        <p className="muted">{t("platform.flagMinorHint")}</p>
        <PostForm>
          <Field label={t("platform.userEmail")} name="userEmail" type="email" />
          <Field label={t("platform.customerShop")} name="shop" />
          <Field label={t("platform.customerEmail")} name="customer" />
          <button type="submit" className="danger">
            {t("platform.flag")}
          </button>
        </PostForm>
      </section>
      <section className="card stack" data-testid="policy-versions">
        <h2>{t("policyChange.heading")}</h2>
        <DataTable
          columns={[t("policyChange.document"), t("policyChange.version"), t("policyChange.summary"), t("policyChange.publishedAt")]}
          rows={versions}
          rowKey={(v) => v.id}
          cells={(v) => (
            <>
              <td>{t(`policyChange.documents.${v.document}`)}</td>
              <td>
                {v.version} {v.significant ? <strong>{t("policyChange.significantBadge")}</strong> : null}
              </td>
              <td>{v.summary || t("policyChange.firstVersion")}</td>
              <td>{date(v.publishedAt)}</td>
            </>
          )}
        />
        <PostForm className="stack">
          <SelectField
            label={t("policyChange.document")}
            name="document"
            error={errors.document}
            options={[
              { value: "privacy", label: t("policyChange.documents.privacy") },
              { value: "terms", label: t("policyChange.documents.terms") },
            ]}
          />
          <Field label={t("policyChange.version")} name="version" error={errors.version} />
          <Field label={t("policyChange.summary")} name="summary" error={errors.summary} />
          <Checkbox label={t("policyChange.significant")} name="significant" />
          <button type="submit" name="intent" value="publish-policy">
            {t("policyChange.publish")}
          </button>
        </PostForm>
      </section>
    </main>
  );
}
