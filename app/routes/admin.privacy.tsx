import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { exportDownloadUrl } from "~/domain/privacy/downloads.server";
import { subjectOfRequest } from "~/domain/privacy/export.server";
import { findShopCustomer, requestDeletion, requestExport, shopRequest, shopRequests } from "~/domain/privacy/requests.server";
import { readForm } from "~/lib/csrf.server";
import { localDate } from "~/lib/dates";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { isUuid } from "~/lib/ids";
import { redirect } from "~/lib/redirect.server";
import { useFormat } from "~/ui/format";
import { Field, FormError, PostForm } from "~/ui/forms";
import { requestView, useLiveProgress } from "~/ui/privacy";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? ""} · NetShop` }];

/** The merchant, controller of their customers' data: every request with its due date; export or erase a customer on request. */
export const loader = /* @__PURE__ */ adminLoader("customers", async ({ request, access: { shop } }) => {
  const today = localDate(new Date(), "Asia/Kuala_Lumpur");
  const requests = await shopRequests(shop.shopId);
  return {
    title: serverT(await localeFor(request), "privacy")("admin.title"),
    requests: requests.map((r) => ({
      ...requestView(r),
      subjectKind: r.subjectKind,
      customer: r.subjectKind === "guest" ? r.subjectId : (r.customerName ?? ""),
      overdue: ["queued", "processing", "cooling_off"].includes(r.status) && r.dueOn < today,
    })),
  };
});

export const action = /* @__PURE__ */ adminAction(
  "customers",
  async ({ request, access: { shop, user } }) => {
    const form = await readForm(request);
    const locale = await localeFor(request);
    const t = serverT(locale, "privacy");
    const intent = form.get("intent");
    if (intent === "download") {
      if (!isUuid(form.get("requestId"))) return data({ notice: null, errors: { form: t("form.unknown") } }, { status: 404 });
      const found = await shopRequest(shop.shopId, String(form.get("requestId") ?? ""));
      const url = found ? await exportDownloadUrl(subjectOfRequest(found), found.id) : undefined;
      return url ? redirect(url) : data({ notice: null, errors: { form: t("export.expired") } }, { status: 410 });
    }
    if (intent !== "export-customer" && intent !== "erase-customer")
      return data({ notice: null, errors: { form: t("form.unknown") } }, { status: 400 });
    const customer = await findShopCustomer(shop.shopId, String(form.get("customer") ?? ""));
    if (!customer) return data({ notice: null, errors: { customer: t("admin.notFound") } }, { status: 404 });
    if (intent === "erase-customer" && String(form.get("confirm") ?? "").trim() !== "DELETE") {
      return data({ notice: null, errors: { confirm: t("delete.confirmError") } }, { status: 400 });
    }
    const subject = { kind: "customer" as const, shopId: shop.shopId, customerId: customer.id };
    const options = { contact: customer.email ?? customer.phone, locale, actorUserId: user.id };
    if (intent === "export-customer") await requestExport(subject, options);
    else await requestDeletion(subject, options);
    return { notice: null, errors: {} };
  },
  { recentAuth: true },
);

export default function AdminPrivacy() {
  const { requests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const { t } = useTranslation("privacy");
  const fmt = useFormat();
  useLiveProgress(requests);
  const date = fmt.date;
  return (
    <div className="stack" data-testid="admin-privacy">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("admin.eyebrow")}</p>
          <h1>{t("admin.title")}</h1>
          <p>{t("admin.intro")}</p>
        </div>
      </div>
      <FormError message={errors.form} />
      {requests.length === 0 ? (
        <p className="muted">{t("admin.none")}</p>
      ) : (
        <table data-testid="admin-privacy-requests">
          <thead>
            <tr>
              <th>{t("admin.customer")}</th>
              <th>{t("admin.kind")}</th>
              <th>{t("admin.requested")}</th>
              <th>{t("admin.due")}</th>
              <th>{t("admin.state")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} data-request-id={r.id}>
                <td>
                  {r.customer} <span className="muted small">({t(`subjectKind.${r.subjectKind}`)})</span>
                </td>
                <td>{t(`kind.${r.kind}`)}</td>
                <td>{date(r.createdAt)}</td>
                <td data-testid="due-on" data-due={r.dueOn}>
                  {fmt.day(r.dueOn)} {r.overdue ? <strong className="error">{t("admin.overdue")}</strong> : null}
                </td>
                <td>{t(`status.${r.status}`)}</td>
                <td>
                  {r.status === "ready" ? (
                    <PostForm fields={{ requestId: r.id }}>
                      <button type="submit" name="intent" value="download" className="secondary">
                        {t("export.download")}
                      </button>
                    </PostForm>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card stack">
        <h2>{t("admin.exportFor")}</h2>
        <PostForm>
          <Field label={t("admin.customerId")} name="customer" error={errors.customer} />
          <button type="submit" name="intent" value="export-customer">
            {t("admin.act")}
          </button>
        </PostForm>
      </section>
      <section className="card stack">
        <h2>{t("admin.eraseFor")}</h2>
        <p className="muted">{t("delete.body")}</p>
        <PostForm>
          <Field label={t("admin.customerId")} name="customer" error={errors.customer} />
          <Field label={t("delete.confirm")} name="confirm" autoComplete="off" error={errors.confirm} />
          <button type="submit" name="intent" value="erase-customer" className="danger">
            {t("admin.act")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
