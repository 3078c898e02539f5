import { Form, Link, useLoaderData } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { allows } from "~/domain/accounts/permissions";
import { dashboardFigures, parseRange } from "~/domain/reports/dashboard.server";
import { fillPeriods } from "~/domain/reports/periods";
import { onboardingChecklist } from "~/domain/shops/onboarding.server";
import { getShop } from "~/domain/shops/shops.server";
import { useTranslation } from "~/lib/i18n-react";
import { BarList, ColumnChart, FunnelChart, periodLabel, shortNumber } from "~/ui/charts";
import { useFormat } from "~/ui/format";
import { OnboardingChecklist } from "~/ui/onboarding";

// Every member sees the dashboard; the figures need the Reports permission.
export const loader = /* @__PURE__ */ adminLoader("member", async ({ request, access: { shop: access, user } }) => {
  const shop = await getShop(access.shopId);
  const range = parseRange(new URL(request.url).searchParams, shop.timezone);
  const figures = allows(access, "reports") ? await dashboardFigures(access.shopId, range) : null;
  const onboarding = await onboardingChecklist(access.shopId);
  return {
    firstName: user.name.split(/\s+/)[0],
    shop: { name: shop.name, slug: shop.slug, timezone: shop.timezone },
    range,
    figures,
    // The first-run checklist, until every step is done or the merchant hides it.
    onboarding: onboarding.dismissed || onboarding.steps.every((s) => s.done) ? null : onboarding.steps,
    canDismiss: allows(access, "settings"),
  };
});

export default function Dashboard() {
  const { firstName, shop, range, figures, onboarding, canDismiss } = useLoaderData<typeof loader>();
  const { t } = useTranslation("reports");
  const { t: ui } = useTranslation("ui");
  const fmt = useFormat();
  const money = (minor: number) => fmt.money(minor, figures?.currency ?? "MYR");
  const count = (n: number) => fmt.number(n);
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("dashboard")}</p>
          <h1>{t("welcome", { name: firstName })}</h1>
        </div>
        <a className="button secondary" href={`/s/${shop.slug}`} target="_blank" rel="noreferrer">
          {t("viewStorefront")} ↗
        </a>
      </div>
      {onboarding ? <OnboardingChecklist steps={onboarding} canDismiss={canDismiss} /> : null}
      {!figures ? (
        <p className="muted">{t("noFigures")}</p>
      ) : (
        <>
          <Form method="get" className="row card" aria-label={t("show")}>
            <label>
              {t("from")} <input type="date" name="from" defaultValue={range.from} />
            </label>
            <label>
              {t("to")} <input type="date" name="to" defaultValue={range.to} />
            </label>
            <label>
              {t("by")}{" "}
              <select name="by" defaultValue={range.granularity}>
                <option value="day">{t("day")}</option>
                <option value="week">{t("week")}</option>
                <option value="month">{t("month")}</option>
              </select>
            </label>
            <button type="submit">{t("show")}</button>
            {range.error ? <span className="muted small">{range.error}</span> : null}
          </Form>
          <dl className="grid">
            <div className="card">
              <dt className="muted">{t("orders")}</dt>
              <dd data-testid="total-orders">{count(figures.totals.orders)}</dd>
            </div>
            <div className="card">
              <dt className="muted">{t("revenue")}</dt>
              <dd data-testid="total-revenue">{money(figures.totals.revenueMinor)}</dd>
            </div>
            <div className="card">
              <dt className="muted">{t("averageOrder")}</dt>
              <dd data-testid="average-order">{money(figures.totals.averageOrderMinor)}</dd>
            </div>
          </dl>
          <section className="card">
            <h2>{t("salesOverTime")}</h2>
            {figures.series.length === 0 ? (
              <p className="muted">{t("noSales")}</p>
            ) : (
              <ColumnChart
                title={t("salesOverTime")}
                points={fillPeriods(figures.series, range.from, range.to, range.granularity).map((p) => ({
                  label: periodLabel(p.bucket, range.granularity),
                  detail: p.bucket,
                  value: p.revenueMinor,
                }))}
                format={money}
                tick={(minor) => shortNumber(minor / 100)}
                testId="sales-chart"
              />
            )}
          </section>
          <div className="grid">
            <section className="card">
              <h2>{t("funnel")}</h2>
              <FunnelChart
                title={t("funnel")}
                testId="funnel-chart"
                format={count}
                labels={{ fromPrevious: ui("charts.fromPrevious"), overall: ui("charts.overall") }}
                steps={[
                  { label: t("visits"), value: figures.funnel.visits },
                  { label: t("carts"), value: figures.funnel.carts },
                  { label: t("checkouts"), value: figures.funnel.checkouts },
                  { label: t("orders"), value: figures.funnel.orders },
                ]}
              />
              <p className="muted small">{t("funnelNote")}</p>
            </section>
            <section className="card">
              <h2>{t("ownVsDropship")}</h2>
              <BarList
                title={t("ownVsDropship")}
                testId="source-chart"
                format={money}
                rows={[
                  { label: t("own"), value: figures.bySource.ownMinor },
                  { label: t("dropship"), value: figures.bySource.dropshipMinor },
                ]}
              />
            </section>
          </div>
          <section className="card">
            <h2>{t("topProducts")}</h2>
            {figures.topProducts.length === 0 ? (
              <p className="muted">{t("noSales")}</p>
            ) : (
              <BarList
                title={t("topProducts")}
                testId="top-products"
                format={money}
                rows={figures.topProducts.map((p) => ({
                  label: p.title,
                  value: p.revenueMinor,
                  note: ui("charts.sold", { count: p.quantity }),
                }))}
              />
            )}
          </section>
          <p className="small">
            <Link to="/admin/accounting">{t("accounting")}</Link> · <Link to="/admin/reports">{t("dailyReport")}</Link>
          </p>
        </>
      )}
    </div>
  );
}
