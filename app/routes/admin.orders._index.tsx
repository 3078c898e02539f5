import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams, useSubmit } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { FULFILMENT_STATUSES, listOrders, OrderListQuerySchema, PAYMENT_STATUSES } from "~/domain/orders/order-list.server";
import { ORDER_STATUSES } from "~/domain/orders/order-status";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { FilterInput, FilterSelect } from "~/ui/filters";
import { useFormat } from "~/ui/format";
import { OrderBadge } from "~/ui/orders";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.orders") }];

export const loader = /* @__PURE__ */ adminLoader("orders", async ({ request, access }) => {
  const query = OrderListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listOrders(access.shop.shopId, query);
  return { page, query, statuses: ORDER_STATUSES, payments: PAYMENT_STATUSES, fulfilments: FULFILMENT_STATUSES };
});

export default function OrderList() {
  const fmt = useFormat();
  const { t: tc } = useTranslation("common");
  const { page, query, statuses, payments, fulfilments } = useLoaderData<typeof loader>();
  const { t } = useTranslation("orders");
  const [params] = useSearchParams();
  const submit = useSubmit();
  const link = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    return `?${next}`;
  };
  const exportParams = new URLSearchParams([...params].filter(([k]) => k !== "after" && k !== "before"));
  const filtered = !!(query.q || query.status || query.payment || query.fulfilment || query.source || query.from || query.to);
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("eyebrow")}</p>
          <h1>{t("title")}</h1>
        </div>
        <a className="button secondary" href={`/admin/orders/export.csv?${exportParams}`} download data-testid="export-csv">
          {t("exportCsv")}
        </a>
      </div>
      <Form method="get" className="filters card" role="search" onChange={(e) => submit(e.currentTarget, { replace: true })}>
        <FilterInput grow name="q" label={t("search")} type="search" placeholder={t("searchPlaceholder")} defaultValue={query.q ?? ""} />
        <FilterSelect
          name="status"
          label={t("status")}
          value={query.status ?? ""}
          any={t("any")}
          options={statuses.map((s) => [s, t(`statuses.${s}`)])}
        />
        <FilterSelect
          name="payment"
          label={t("payment")}
          value={query.payment ?? ""}
          any={t("any")}
          options={payments.map((s) => [s, t(`paymentStatuses.${s}`)])}
        />
        <FilterSelect
          name="fulfilment"
          label={t("fulfilment")}
          value={query.fulfilment ?? ""}
          any={t("any")}
          options={fulfilments.map((s) => [s, t(`fulfilmentStatuses.${s}`)])}
        />
        <FilterSelect
          name="source"
          label={t("lines")}
          value={query.source ?? ""}
          any={t("any")}
          options={[
            ["own", t("own")],
            ["dropship", t("dropship")],
          ]}
        />
        <FilterInput name="from" label={t("from")} type="date" defaultValue={query.from ?? ""} />
        <FilterInput name="to" label={t("to")} type="date" defaultValue={query.to ?? ""} />
        <FilterSelect
          name="sort"
          label={t("sort")}
          value={query.sort}
          options={[
            ["newest", t("newest")],
            ["oldest", t("oldest")],
            ["total", t("highest")],
          ]}
        />
        <noscript>
          <button type="submit">{t("apply")}</button>
        </noscript>
      </Form>
      <div className="card flush">
        <div className="toolbar">
          <span className="muted small" data-testid="order-total">
            {page.more ? t("countMore", { total: fmt.number(page.total) }) : t("count", { count: page.total })}
          </span>
        </div>
        {page.items.length === 0 ? (
          <div className="empty-state" data-testid="no-orders">
            <p>{filtered ? t("noMatch") : t("none")}</p>
          </div>
        ) : (
          <DataTable
            className="data"
            columns={[t("order"), t("date"), t("customer"), t("status"), t("payment"), t("fulfilment"), { num: t("total") }]}
            rows={page.items}
            rowKey={(o) => o.id}
            rowProps={() => ({ "data-testid": "order-row" })}
            cells={(o) => (
              <>
                <td>
                  <Link to={`/admin/orders/${o.id}`}>#{o.number}</Link>
                  {o.hasDropship ? <span className="badge small"> {t("dropship")}</span> : null}
                </td>
                <td className="muted small nowrap">
                  <time dateTime={o.createdAt}>{fmt.dateTime(o.createdAt)}</time>
                </td>
                <td>
                  {o.customerName}
                  <div className="muted small">{o.phone ?? o.email}</div>
                </td>
                <td>
                  <OrderBadge kind="statuses" status={o.status} />
                </td>
                <td>
                  <OrderBadge kind="paymentStatuses" status={o.paymentStatus} />
                </td>
                <td>
                  <OrderBadge kind="fulfilmentStatuses" status={o.fulfilmentStatus} />
                </td>
                <td className="num nowrap">{fmt.money(o.totalMinor, o.currency)}</td>
              </>
            )}
          />
        )}
      </div>
      <nav className="row pager" aria-label={tc("pages")}>
        {page.prevCursor ? (
          <Link className="button secondary" to={link({ before: page.prevCursor, after: undefined })} rel="prev">
            {t("previous")}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link className="button secondary" to={link({ after: page.nextCursor, before: undefined })} rel="next">
            {t("next")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
