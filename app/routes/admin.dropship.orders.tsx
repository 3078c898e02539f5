import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { featureLock } from "~/domain/billing/features.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { dismissAlert, listForwards, payHeldForward, walletSummary } from "~/domain/dropship/forwarding.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { isUuid } from "~/lib/ids";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { DropshipTabs } from "~/ui/dropship";
import { useFormat } from "~/ui/format";
import { FeatureLocked } from "~/ui/plan-feature";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "supplier")("orders.meta") }];

export const loader = /* @__PURE__ */ adminLoader("orders", async ({ request, access }) => {
  // Forwarding keeps working on any plan (orders of products imported before a downgrade); the
  // notice only says what the plan lacks.
  const [{ forwards, alerts }, wallet, lock] = await Promise.all([
    listForwards(access.shop.shopId),
    walletSummary(access.shop.shopId),
    featureLock(request, access.shop.shopId, "dropshipping"),
  ]);
  return { forwards, alerts, wallet, lock };
});

export const action = /* @__PURE__ */ adminAction("orders", async ({ request, context, access }) => {
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  if (intent === "dismiss") {
    await dismissAlert(access.shop.shopId, String(form.get("alertId")));
    return data({ error: null, notice: null });
  }
  const how = intent === "manual" ? "manual" : "wallet";
  const forwardId = String(form.get("forwardId") ?? "");
  if (!isUuid(forwardId)) throw new Response("Not found", { status: 404 });
  const result = await payHeldForward(access.shop.shopId, forwardId, how, {
    userId: access.user.id,
    ip: context.ip,
    userAgent: context.userAgent,
  });
  if (!result) throw new Response("Not found", { status: 404 });
  if (!result.ok) return data({ error: result.errors.form, notice: null }, { status: 400 });
  return data({ error: null, notice: "Paid: the order is on its way to the supplier." });
});

export default function SupplierOrders() {
  const { forwards, alerts, wallet, lock } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  const fmt = useFormat();
  return (
    <div className="stack">
      <DropshipTabs />
      <FeatureLocked lock={lock} />
      <h1>{t("supplierOrders")}</h1>
      <Banner tone="danger">{result?.error}</Banner>
      <Banner tone="ok">{result?.notice}</Banner>
      <section className="card" aria-label={t("wallet")}>
        <h2>{t("wallet")}</h2>
        <p>
          {t("balance")}: <strong data-testid="wallet-balance">{formatMoney(wallet.balanceMinor, wallet.currency)}</strong>
        </p>
        <p className="small muted">{ts("orders.topUpHint")}</p>
        <table>
          <tbody>
            {wallet.entries.map((e) => (
              <tr key={e.id}>
                <td className="small">{fmt.date(e.createdAt)}</td>
                <td>{ts(`walletKinds.${e.kind}`)}</td>
                <td>{formatMoney(e.amountMinor, wallet.currency)}</td>
                <td className="small muted">= {formatMoney(e.balanceAfterMinor, wallet.currency)}</td>
                <td className="small">{e.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {alerts.length ? (
        <section className="card" aria-label={t("alerts")}>
          <h2>{t("alerts")}</h2>
          <ul data-testid="dropship-alerts">
            {alerts.map((a) => (
              <li key={a.id}>
                {a.message} {a.orderId ? <a href={`/admin/orders/${a.orderId}`}>{ts("orders.openOrder")}</a> : null}
                <PostForm style={{ display: "inline" }} fields={{ alertId: a.id }}>
                  <button type="submit" name="intent" value="dismiss" className="link">
                    {t("dismiss")}
                  </button>
                </PostForm>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="card flush">
        <DataTable
          data-testid="forwards"
          columns={["#", ts("orders.status"), t("cost"), ts("orders.payment"), t("tracking"), null]}
          rows={forwards}
          rowKey={(f) => f.id}
          rowProps={() => ({ "data-testid": "forward" })}
          cells={(f) => (
            <>
              <td>
                <a href={`/admin/orders/${f.orderId}`}>#{f.number}</a>
              </td>
              <td>{f.status === "held" ? t("held") : ts(`orderStatuses.${f.status}`)}</td>
              <td>{formatMoney(f.costTotalMinor, f.currency)}</td>
              <td>{ts(`payments.${f.payment}`)}</td>
              <td>{f.trackingNumber ? `${f.carrier} ${f.trackingNumber}` : "—"}</td>
              <td>
                {f.payment === "unpaid" ? (
                  <PostForm className="row" fields={{ forwardId: f.id }}>
                    <button type="submit" name="intent" value="wallet">
                      {t("payFromWallet")}
                    </button>
                    <button type="submit" name="intent" value="manual" className="secondary">
                      {t("markPaid")}
                    </button>
                  </PostForm>
                ) : null}
              </td>
            </>
          )}
        />
      </div>
    </div>
  );
}
