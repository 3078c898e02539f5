import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { listMerchants } from "~/domain/billing/operators.server";
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "~/domain/billing/subscription-status";
import { operatorLoader } from "~/domain/dropship/suppliers.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { useFormat } from "~/ui/format";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "billing")("console.titles.merchants") }];

/** Merchants: search, plan, status, usage, MRR, last sign-in. Operators only. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ request }) => {
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const status = url.searchParams.get("status") ?? "";
  const valid = (SUBSCRIPTION_STATUSES as readonly string[]).includes(status) ? status : "";
  return { merchants: await listMerchants({ q, status: valid }), q, status: valid };
});

export default function Merchants() {
  const { merchants, q, status } = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const fmt = useFormat();
  const day = (d: string | Date | null) => (d ? fmt.date(d) : t("console.never"));
  return (
    <main className="admin-main stack">
      <h1>{t("console.merchants")}</h1>
      <p className="muted small">{t("console.noCustomers")}</p>
      <Form method="get" className="row" style={{ gap: "0.5rem" }}>
        <input type="search" name="q" defaultValue={q} aria-label={t("console.search")} placeholder={t("console.search")} />
        <select name="status" defaultValue={status} aria-label={t("console.columns.status")}>
          <option value="">{t("console.anyStatus")}</option>
          {SUBSCRIPTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t("console.searchButton")}</button>
      </Form>
      {merchants.length === 0 ? (
        <p className="muted">{t("console.noMerchants")}</p>
      ) : (
        <DataTable
          data-testid="merchants"
          columns={[
            t("console.columns.shop"),
            t("console.columns.owner"),
            t("console.columns.plan"),
            t("console.columns.status"),
            t("console.columns.mrr"),
            t("console.columns.products"),
            t("console.columns.lastSignIn"),
            t("console.columns.created"),
          ]}
          rows={merchants}
          rowKey={(m) => m.shopId}
          rowProps={(m) => ({ "data-merchant": m.slug })}
          cells={(m) => (
            <>
              <td>
                <Link to={`/platform/merchants/${m.shopId}`}>{m.name}</Link>
                <div className="small muted">{m.slug}</div>
              </td>
              <td>{m.ownerEmail}</td>
              <td>{m.planName}</td>
              <td data-status={m.status}>{t(`status.${m.status as SubscriptionStatus}`)}</td>
              <td>{formatMoney(m.mrrMinor, "MYR")}</td>
              <td>{m.products}</td>
              <td>{day(m.lastSignIn)}</td>
              <td>{day(m.createdAt)}</td>
            </>
          )}
        />
      )}
    </main>
  );
}
