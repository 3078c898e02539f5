import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { CustomerListQuerySchema, listCustomers } from "~/domain/orders/customers.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { useFormat } from "~/ui/format";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.customers") }];

export const loader = /* @__PURE__ */ adminLoader("customers", async ({ request, access }) => {
  const query = CustomerListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { page: await listCustomers(access.shop.shopId, query), query };
});

export default function Customers() {
  const { page, query } = useLoaderData<typeof loader>();
  const { t } = useTranslation("orders");
  const { t: tc } = useTranslation("common");
  // The same formatter as the customer's page: money in the page's language, dates in the shop's zone.
  const fmt = useFormat();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (page.nextCursor) next.set("after", page.nextCursor);
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("eyebrow")}</p>
          <h1>{t("customers.title")}</h1>
        </div>
      </div>
      <Form method="get" className="filters card" role="search">
        <div className="field grow">
          <label htmlFor="q">{t("search")}</label>
          <input id="q" name="q" type="search" placeholder={t("customers.searchPlaceholder")} defaultValue={query.q ?? ""} />
        </div>
        <button type="submit" className="secondary">
          {t("search")}
        </button>
      </Form>
      <div className="card flush">
        {page.items.length === 0 ? (
          <div className="empty-state">
            <p>{t("customers.none")}</p>
          </div>
        ) : (
          <DataTable
            className="data"
            columns={[
              t("customer"),
              t("customers.since"),
              { num: t("customers.orders") },
              { num: t("customers.spent") },
              t("customers.consent"),
            ]}
            rows={page.items}
            rowKey={(c) => c.id}
            rowProps={() => ({ "data-testid": "customer-row" })}
            cells={(c) => (
              <>
                <td>
                  <Link to={`/admin/customers/${c.id}`}>{c.name || c.email || c.phone}</Link>
                  <div className="muted small">{[c.phone, c.email].filter(Boolean).join(" · ")}</div>
                </td>
                <td className="small muted" data-testid="customer-since">
                  {fmt.dateTime(c.createdAt)}
                </td>
                <td className="num" data-testid="customer-orders">
                  {c.orders}
                </td>
                <td className="num nowrap" data-testid="customer-spent">
                  {fmt.money(c.spent, page.currency)}
                </td>
                <td>{c.marketingConsent ? t("customers.yes") : t("customers.no")}</td>
              </>
            )}
          />
        )}
      </div>
      {page.nextCursor ? (
        <nav className="row pager" aria-label={tc("pages")}>
          <Link className="button secondary" to={`?${next}`} rel="next">
            {t("next")}
          </Link>
        </nav>
      ) : null}
    </div>
  );
}
