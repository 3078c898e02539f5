import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { getCustomer, mergeCustomers, saveCustomerNote } from "~/domain/orders/customers.server";
import { readForm } from "~/lib/csrf.server";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { codedText, localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { useFormat } from "~/ui/format";
import { OrderBadge } from "~/ui/orders";
import { PageTitle } from "~/ui/page-title";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.customer") }];
/** Thrown for a customer who is not this shop's, in the reader's language. */
const missing = async (request: Request) => notFound(serverT(await localeFor(request), "orders")("problems.missingCustomer"));

export const loader = /* @__PURE__ */ adminLoader("customers", async ({ request, params, access }) => {
  const found = await getCustomer(access.shop.shopId, params.id ?? "");
  if (!found) throw await missing(request);
  return found;
});

export const action = /* @__PURE__ */ adminAction("customers", async ({ request, params, context, access }) => {
  const form = await readForm(request);
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const id = params.id ?? "";
  const locale = await localeFor(request);
  if (form.get("intent") === "merge") {
    const r = await mergeCustomers(access.shop.shopId, id, String(form.get("duplicateId") ?? ""), actor);
    if (!r) throw await missing(request);
    return r.ok
      ? data({ error: null as string | null, merged: r.movedOrders, saved: false })
      : data({ error: codedText(locale, r.errors.form), merged: null, saved: false }, { status: 400 });
  }
  const r = await saveCustomerNote(access.shop.shopId, id, actor, Object.fromEntries(form));
  if (!r) throw await missing(request);
  const problem = r.ok ? undefined : (r.errors.note ?? r.errors.form);
  return problem
    ? data({ error: codedText(locale, problem), merged: null, saved: false }, { status: 400 })
    : data({ error: null, merged: null, saved: true });
});

export default function CustomerPage() {
  const fmt = useFormat();
  const { customer, orders, orderCount, addresses, duplicates, spent, currency } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("orders");
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/customers", label: t("customers.title") }} data-testid="customer-name">
            {customer.name || customer.email || customer.phone}
          </PageTitle>
          <p className="muted">
            {[customer.phone, customer.email].filter(Boolean).join(" · ")} ·{" "}
            {customer.hasAccount ? t("customers.account") : t("customers.guest")}
          </p>
        </div>
      </div>
      <Banner tone="danger">{result?.error}</Banner>
      {result?.merged !== null && result?.merged !== undefined ? (
        <Banner tone="ok">{t("customers.merged", { count: result.merged })}</Banner>
      ) : null}
      {result?.saved ? <Banner tone="ok">{t("detail.saved")}</Banner> : null}
      <div className="two-cols">
        <section className="card">
          <dl>
            <dt>{t("customers.spent")}</dt>
            <dd data-testid="total-spent">{fmt.money(spent, currency)}</dd>
            <dt>{t("customers.orders")}</dt>
            <dd data-testid="order-count">{orderCount}</dd>
            <dt>{t("customers.consent")}</dt>
            <dd>
              {customer.marketingConsent ? t("customers.yes") : t("customers.no")}
              {customer.marketingConsentAt ? <span className="muted small"> ({fmt.dateTime(customer.marketingConsentAt)})</span> : null}
            </dd>
            <dt>{t("customers.since")}</dt>
            <dd data-testid="customer-since">{fmt.dateTime(customer.createdAt)}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>{t("customers.addresses")}</h2>
          {addresses.length === 0 ? <p className="muted">{t("customers.noAddresses")}</p> : null}
          {addresses.map((a) => (
            <address key={a.id} className="small">
              {[a.address.name, a.address.line1, a.address.line2, `${a.address.postcode} ${a.address.city}`, a.address.state]
                .filter(Boolean)
                .join(", ")}
            </address>
          ))}
        </section>
      </div>
      <section className="card flush">
        <DataTable
          className="data"
          columns={[t("order"), t("date"), t("status"), { num: t("total") }]}
          rows={orders}
          rowKey={(o) => o.id}
          cells={(o) => (
            <>
              <td>
                <Link to={`/admin/orders/${o.id}`}>#{o.number}</Link>
              </td>
              <td className="small muted">{fmt.dateTime(o.createdAt)}</td>
              <td>
                <OrderBadge kind="statuses" status={o.status} />
              </td>
              <td className="num">{fmt.money(o.totalMinor, o.currency)}</td>
            </>
          )}
        />
      </section>
      <section className="card">
        <PostForm className="stack" fields={{ intent: "note" }}>
          <div className="field">
            <label htmlFor="note">{t("customers.note")}</label>
            <textarea id="note" name="note" rows={3} defaultValue={customer.note} />
          </div>
          <button type="submit" className="secondary" disabled={busy}>
            {t("customers.saveNote")}
          </button>
        </PostForm>
      </section>
      {duplicates.length ? (
        <section className="card" data-testid="duplicates">
          <h2>{t("customers.duplicates")}</h2>
          <p className="muted small">{t("customers.duplicatesHint")}</p>
          <ul>
            {duplicates.map((d) => (
              <li key={d.id} className="row">
                <Link to={`/admin/customers/${d.id}`}>{d.name || d.email || d.phone}</Link>
                <span className="muted small">{[d.phone, d.email].filter(Boolean).join(" · ")}</span>
                <PostForm fields={{ intent: "merge", duplicateId: d.id }}>
                  <button type="submit" className="secondary" disabled={busy}>
                    {t("customers.merge")}
                  </button>
                </PostForm>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
