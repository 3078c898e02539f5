import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { withLineTexts } from "~/domain/billing/invoice-lines.server";
import { allPlans, failedPayments, platformInvoiceList, revenueSeries, updatePlanPrices } from "~/domain/billing/operators.server";
import { operatorAction, operatorLoader } from "~/domain/dropship/suppliers.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { ColumnChart, periodLabel, shortNumber } from "~/ui/charts";
import { useFormat } from "~/ui/format";
import { FormError, PostForm } from "~/ui/forms";
import { PlatformInvoiceTable } from "~/ui/platform-invoice-table";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "billing")("console.titles.billing") }];

const FILTERS = ["all", "open", "overdue", "paid"] as const;
type Filter = (typeof FILTERS)[number];

/** Platform billing: invoices (open, overdue, paid), MRR and churn by month, plan prices. Operators only. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ request }) => {
  const asked = new URL(request.url).searchParams.get("filter") ?? "all";
  const filter: Filter = (FILTERS as readonly string[]).includes(asked) ? (asked as Filter) : "all";
  const [invoices, series, plans, failures] = await Promise.all([
    platformInvoiceList(filter),
    revenueSeries(),
    allPlans(),
    failedPayments(),
  ]);
  return { invoices: withLineTexts(await localeFor(request), invoices), series, plans, filter, failures };
});

export const action = /* @__PURE__ */ operatorAction(async ({ request, context, operator }) => {
  const form = await readForm(request);
  const result = await updatePlanPrices(
    { operatorId: operator.id, ip: context.ip, userAgent: context.userAgent, locale: await localeFor(request) },
    Object.fromEntries(form),
  );
  if (!result.ok) return data({ errors: result.errors, done: false }, { status: 400 });
  return data({ errors: {} as Record<string, string>, done: true });
});

/** A month of the series (YYYY-MM) on the x axis ("12/2026"), the month itself in the bar's title. */
const month = (m: string) => ({ label: periodLabel(`${m}-01`, "month"), detail: m });

export default function PlatformBilling() {
  const { invoices, series, plans, filter, failures } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("billing");
  const when = useFormat();
  return (
    <main className="admin-main stack">
      <h1>{t("console.billing")}</h1>
      <section className="card stack">
        <h2>{t("console.mrrChart")}</h2>
        <ColumnChart
          title={t("console.mrrChart")}
          points={series.map((s) => ({ ...month(s.month), value: s.mrrMinor }))}
          format={(minor) => formatMoney(minor, "MYR")}
          tick={(minor) => shortNumber(minor / 100)}
          testId="mrr-chart"
        />
        <h2>{t("console.churnChart")}</h2>
        <ColumnChart
          title={t("console.churnChart")}
          points={series.map((s) => ({ ...month(s.month), value: s.churned }))}
          format={String}
          counts
          testId="churn-chart"
        />
      </section>
      <section className="card">
        <h2>{t("console.invoices")}</h2>
        <nav className="row" style={{ gap: "0.75rem" }}>
          {FILTERS.map((f) => (
            <Link key={f} to={`?filter=${f}`} aria-current={f === filter ? "page" : undefined}>
              {t(`console.filters.${f}`)}
            </Link>
          ))}
        </nav>
        <PlatformInvoiceTable invoices={invoices} withShop testId="platform-invoices" />
      </section>
      <section className="card">
        <h2>{t("console.failed.title")}</h2>
        {failures.length === 0 ? (
          <p className="muted">{t("console.failed.empty")}</p>
        ) : (
          <DataTable
            data-testid="failed-payments"
            columns={[
              t("console.failed.columns.when"),
              t("console.failed.columns.shop"),
              t("console.failed.columns.invoice"),
              t("console.failed.columns.kind"),
              t("console.failed.columns.detail"),
            ]}
            rows={failures}
            rowKey={(f) => f.id}
            rowProps={(f) => ({ "data-failure": f.kind })}
            cells={(f) => (
              <>
                <td>{when.dateTime(f.createdAt)}</td>
                <td>
                  <Link to={`/platform/merchants/${f.shopId}`}>{f.shopName}</Link>
                </td>
                <td>{f.number}</td>
                <td>{t(`console.failed.kinds.${f.kind}`)}</td>
                <td>
                  {f.field ? t("console.failed.detail", { field: f.field, expected: f.expected, actual: f.actual ?? "—" }) : f.gateway}
                </td>
              </>
            )}
          />
        )}
      </section>
      <section className="card stack">
        <h2>{t("console.prices")}</h2>
        {result?.done ? (
          <div className="banner ok" role="status">
            {t("console.done")}
          </div>
        ) : null}
        <FormError message={result?.errors ? Object.values(result.errors)[0] : undefined} />
        {plans.map((p) => (
          <PostForm
            key={p.id}
            className="row"
            style={{ gap: "0.5rem", alignItems: "end" }}
            data-price-plan={p.id}
            fields={{ planId: p.id }}
          >
            <strong style={{ minWidth: "6rem" }}>{p.name}</strong>
            <label>
              {t("console.monthlySen")} <input name="priceMinor" type="number" min={0} defaultValue={p.priceMinor} />
            </label>
            <label>
              {t("console.yearlySen")} <input name="yearlyPriceMinor" type="number" min={0} defaultValue={p.yearlyPriceMinor} />
            </label>
            <button type="submit">{t("console.save")}</button>
          </PostForm>
        ))}
      </section>
    </main>
  );
}
