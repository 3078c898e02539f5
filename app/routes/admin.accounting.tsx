import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { reconciliation, resyncRange, retrySync } from "~/domain/accounting/reconcile.server";
import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { featureLock, featureRefusal } from "~/domain/billing/features.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { useFormat } from "~/ui/format";
import { Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { FeatureLocked } from "~/ui/plan-feature";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.accounting") }];

export const loader = /* @__PURE__ */ adminLoader("reports", async ({ request, access }) => {
  const show = new URL(request.url).searchParams.get("show") === "all" ? "all" : "attention";
  const [view, lock] = await Promise.all([
    reconciliation(access.shop.shopId, { show }),
    featureLock(request, access.shop.shopId, "autocountSync"),
  ]);
  return { show, view, lock };
});

type Result = { errors: Record<string, string>; values: Record<string, string>; notice?: string };

export const action = /* @__PURE__ */ adminAction("reports", async ({ request, context, access }) => {
  const form = await readForm(request);
  const actor = { userId: access.user.id, shopId: access.shop.shopId };
  const info = { ip: context.ip, userAgent: context.userAgent };
  const intent = form.get("intent");
  const outcome =
    intent === "resync"
      ? await resyncRange(actor, { from: String(form.get("from") ?? ""), to: String(form.get("to") ?? "") }, info)
      : await retrySync(
          actor,
          { syncId: (form.get("syncId") as string) || undefined, orderId: (form.get("orderId") as string) || undefined },
          info,
        );
  // A plan without AutoCount sync: retrying and resyncing are refused (403, translated).
  if (!outcome.ok && outcome.feature) {
    return data<Result>({ errors: { form: await featureRefusal(request, outcome.feature) }, values: keptValues(form) }, { status: 403 });
  }
  if (!outcome.ok) return data<Result>({ errors: outcome.errors, values: keptValues(form) }, { status: 400 });
  return data<Result>({
    errors: {},
    values: keptValues(form),
    notice: serverT(await localeFor(request), "reports")("queued", { count: outcome.queued }),
  });
});

export default function AccountingSync() {
  const { view, show, lock } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  const { t } = useTranslation("reports");
  const fmt = useFormat();
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">
            <Link to="/admin/reports">{t("dailyReport")}</Link> · <Link to="/admin/settings/accounting">{t("accountingSettings")}</Link>
          </p>
          <h1>{t("accounting")}</h1>
        </div>
      </div>
      {!view.connected ? (
        <Banner>
          {t("notConnected")} <Link to="/admin/settings/accounting">{t("accountingSettings")}</Link>
        </Banner>
      ) : null}
      <Banner tone="ok">{result?.notice}</Banner>
      <FeatureLocked lock={lock} />
      <FormError message={errors.form} />
      <dl className="grid small" data-testid="sync-counts">
        <div className="card">
          <dt className="muted">{t("synced")}</dt>
          <dd data-testid="count-synced">{view.counts.synced}</dd>
        </div>
        <div className="card">
          <dt className="muted">{t("pending")}</dt>
          <dd data-testid="count-pending">{view.counts.pending}</dd>
        </div>
        <div className="card">
          <dt className="muted">{t("failed")}</dt>
          <dd data-testid="count-failed">{view.counts.failed}</dd>
        </div>
        <div className="card">
          <dt className="muted">{t("unsynced")}</dt>
          <dd data-testid="count-unsynced">{view.counts.unsynced}</dd>
        </div>
      </dl>
      <p>
        {show === "all" ? (
          <Link to="/admin/accounting">{t("showAttention")}</Link>
        ) : (
          <Link to="/admin/accounting?show=all">{t("showAll")}</Link>
        )}
      </p>
      <section className="card">
        {view.rows.length === 0 ? (
          <p className="muted" data-testid="all-synced">
            {t("allInAutoCount")}
          </p>
        ) : (
          <table className="data">
            <TableHead columns={[t("order"), t("document"), t("total"), t("status"), t("error"), null]} />
            <tbody>
              {view.rows.map((r) => (
                <tr key={`${r.orderId}-${r.syncId ?? "none"}`} data-testid={`sync-${r.orderNumber}-${r.kind}`}>
                  <td>
                    #{r.orderNumber} <span className="muted">{r.customerName}</span>
                  </td>
                  <td>{r.docNo}</td>
                  <td>{fmt.money(r.totalMinor, r.currency)}</td>
                  <td data-testid="sync-status">{r.status ? t(r.status) : t("unsynced")}</td>
                  <td className="small">{r.error}</td>
                  <td>
                    {r.status !== "synced" && view.connected ? (
                      <PostForm fields={{ intent: "retry" }}>
                        {r.syncId ? (
                          <input type="hidden" name="syncId" value={r.syncId} />
                        ) : (
                          <input type="hidden" name="orderId" value={r.orderId} />
                        )}
                        <button type="submit" className="secondary">
                          {t("retry")}
                        </button>
                      </PostForm>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card medium">
        <h2>{t("resync")}</h2>
        <p className="muted small">{t("neverTwice")}</p>
        <PostForm className="row" fields={{ intent: "resync" }}>
          <Field label={t("from")} name="from" type="date" defaultValue={result?.values.from} error={errors.from} required />
          <Field label={t("to")} name="to" type="date" defaultValue={result?.values.to} error={errors.to} required />
          <button type="submit">{t("resyncButton")}</button>
        </PostForm>
      </section>
    </div>
  );
}
