import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { shopCreditBalances } from "~/domain/ai/jobs.server";
import { ownerCancel } from "~/domain/billing/cancellation.server";
import { changePlan } from "~/domain/billing/changes.server";
import { buyCreditPack, CREDIT_PACKS, newPackToken } from "~/domain/billing/credit-packs.server";
import { withLineTexts } from "~/domain/billing/invoice-lines.server";
import { billingOverview } from "~/domain/billing/overview.server";
import { billingError } from "~/domain/billing/refusals.server";
import { payInvoice } from "~/flows/billing-invoice-paid.server";
import { formatBytes } from "~/lib/bytes";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { redirect } from "~/lib/redirect.server";
import { useFormat } from "~/ui/format";
import { FormError, PostForm } from "~/ui/forms";
import { InvoiceFor } from "~/ui/platform-invoice-table";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.billing") }];

/** The shop's plan, usage, plan change and invoices: the owner only. */
export const loader = /* @__PURE__ */ adminLoader("owner", async ({ request, access }) => {
  const shopId = access.shop.shopId;
  const locale = await localeFor(request);
  const overview = await billingOverview(shopId);
  const credits = await shopCreditBalances(shopId);
  // Each invoice's lines worded in the reader's language (stored without words; older lines as issued).
  const invoices = withLineTexts(locale, overview.invoices);
  return { ...overview, invoices, credits, packs: CREDIT_PACKS, packToken: newPackToken(), timezone: access.shop.timezone };
});

export const action = /* @__PURE__ */ adminAction(
  "owner",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const shopId = access.shop.shopId;
    const intent = String(form.get("intent") ?? "");
    const locale = await localeFor(request);
    if (intent === "pay") {
      const paid = await payInvoice(shopId, String(form.get("invoiceId") ?? ""), locale);
      if (!paid.ok) return data({ errors: { form: paid.message }, notice: null }, { status: paid.status });
      return redirect(paid.url, 303);
    }
    if (intent === "buy-credits") {
      const bought = await buyCreditPack(shopId, Object.fromEntries(form), locale);
      if (!bought.ok) return data({ errors: bought.errors, notice: null }, { status: 400 });
      const paid = await payInvoice(shopId, bought.invoiceId, locale);
      if (!paid.ok) return data({ errors: { form: paid.message }, notice: null }, { status: paid.status });
      return redirect(paid.url, 303);
    }
    if (intent === "cancel" || intent === "resume") {
      const done = await ownerCancel(shopId, { userId: access.user.id, ip: context.ip, userAgent: context.userAgent }, intent);
      if (!done.ok) {
        const t = serverT(locale, "billing");
        return data({ errors: { form: t(done.message) }, notice: null }, { status: done.status });
      }
      return data({ errors: {} as Record<string, string>, notice: `cancel.done.${done.outcome}` });
    }
    if (intent !== "change") return data({ errors: { form: billingError(locale, "chooseAction") }, notice: null }, { status: 400 });
    const result = await changePlan(
      shopId,
      { userId: access.user.id, ip: context.ip, userAgent: context.userAgent, locale },
      Object.fromEntries(form),
    );
    if (!result.ok) return data({ errors: result.errors, notice: null }, { status: result.status });
    if (result.outcome !== "invoice") return data({ errors: {} as Record<string, string>, notice: `changed.${result.outcome}` });
    // An upgrade: straight to the hosted payment page for its invoice.
    const paid = await payInvoice(shopId, result.invoiceId, locale);
    if (!paid.ok) return data({ errors: { form: paid.message }, notice: null }, { status: paid.status });
    return redirect(paid.url, 303);
  },
  { recentAuth: true, whileSuspended: true },
);

function Meter({
  label,
  used,
  limit,
  display,
  hint,
}: {
  label: string;
  used: number;
  limit: number | null;
  display: (n: number) => string;
  hint: string;
}) {
  const { t } = useTranslation("billing");
  const pct = limit ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  return (
    <div className="stack" style={{ gap: "0.25rem" }} data-meter={label}>
      <div>
        <strong>{label}</strong>:{" "}
        {limit === null ? t("unlimited", { used: display(used) }) : t("of", { used: display(used), limit: display(limit) })}
      </div>
      {limit !== null ? <progress max={100} value={pct} aria-label={label} /> : null}
      {limit !== null && pct >= 80 ? <div className="small muted">{hint}</div> : null}
    </div>
  );
}

export default function Billing() {
  const { subscription, plan, scheduledPlan, usage, plans, invoices, credits, packs, packToken, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("billing");
  const fmt = useFormat(timezone);
  const busy = useNavigation().state === "submitting";
  const money = (m: number) => formatMoney(m, "MYR");
  const day = (d: string | Date | null) => (d ? fmt.date(d) : "");
  const open = invoices.find((i) => i.status === "open");
  return (
    <div className="stack">
      <div className="admin-top">
        <h1>{t("title")}</h1>
      </div>
      {params.get("paid") ? (
        <div className="banner ok" role="status" data-testid="billing-paid">
          {t("paid", { number: params.get("paid") })}
        </div>
      ) : null}
      {params.get("unpaid") ? (
        <div className="banner error" role="status">
          {t("notPaid")}
        </div>
      ) : null}
      {result?.notice ? (
        <div className="banner ok" role="status">
          {t(result.notice as "changed.applied")}
        </div>
      ) : null}
      <FormError message={result?.errors && "form" in result.errors ? result.errors.form : undefined} />
      <section className="card" data-testid="current-plan">
        <h2>{t("currentPlan")}</h2>
        <p>
          <strong data-plan={plan.id}>{plan.name}</strong> ·{" "}
          <span data-status={subscription.status}>{t(`status.${subscription.status}`)}</span>
        </p>
        {subscription.status === "trialing" && subscription.trialEndsAt ? (
          <p>{t("trialEnds", { plan: plan.name, date: day(subscription.trialEndsAt) })}</p>
        ) : subscription.currentPeriodStart && subscription.currentPeriodEnd ? (
          <p>
            {t("periodEnds", {
              start: day(subscription.currentPeriodStart),
              end: day(subscription.currentPeriodEnd),
              interval: t(`interval.${subscription.interval}`),
            })}
          </p>
        ) : (
          <p>{t("noPeriod")}</p>
        )}
        {scheduledPlan ? (
          <p>
            {t("scheduled", {
              plan: scheduledPlan.name,
              interval: t(`interval.${subscription.scheduledInterval ?? "month"}`),
              date: day(subscription.currentPeriodEnd),
            })}
          </p>
        ) : null}
        {open ? (
          <PostForm fields={{ invoiceId: open.id }}>
            <button type="submit" name="intent" value="pay" disabled={busy} data-testid="pay-open">
              {t("invoice.pay", { amount: money(open.totalMinor) })} ({open.number})
            </button>
          </PostForm>
        ) : null}
      </section>
      <section className="card stack">
        <h2>{t("usage")}</h2>
        <Meter label={t("meters.products")} used={usage.products} limit={plan.productLimit} display={String} hint={t("atLimit.products")} />
        <Meter
          label={t("meters.storage")}
          used={usage.storageBytes}
          limit={plan.storageLimitBytes}
          display={formatBytes}
          hint={t("atLimit.storage")}
        />
        <Meter label={t("meters.seats")} used={usage.seats} limit={plan.staffSeats} display={String} hint={t("atLimit.seats")} />
        {(["copy", "tryon", "video"] as const).map((k) => (
          <Meter
            key={k}
            label={t(`meters.${k}`)}
            used={credits[k].used + credits[k].held}
            limit={credits[k].allowance}
            display={String}
            hint={t("atLimit.credits")}
          />
        ))}
      </section>
      <section className="card">
        <h2>{t("plans")}</h2>
        <p className="muted small">{t("changeHint")}</p>
        <DataTable
          data-testid="plans"
          columns={[
            t("compare.plan"),
            t("compare.monthly"),
            t("compare.yearly"),
            t("compare.products"),
            t("compare.storage"),
            t("compare.seats"),
            t("compare.aiCredits"),
            t("compare.ownDomain"),
            t("compare.dropshipping"),
            t("compare.autocount"),
            t("choose"),
          ]}
          rows={plans}
          rowKey={(p) => p.id}
          rowProps={(p) => ({ "data-plan-row": p.id })}
          cells={(p) => (
            <>
              <th>{p.name}</th>
              <td>{t("perMonth", { price: money(p.priceMinor) })}</td>
              <td>{t("perYear", { price: money(p.yearlyPriceMinor) })}</td>
              <td>{p.productLimit ?? t("compare.unlimited")}</td>
              <td>{p.storageLimitBytes === null ? t("compare.unlimited") : formatBytes(p.storageLimitBytes)}</td>
              <td>{p.staffSeats ?? t("compare.unlimited")}</td>
              <td>
                {p.aiCopyCredits} / {p.aiTryonCredits} / {p.aiVideoCredits}
              </td>
              <td>{p.ownDomain ? t("compare.yes") : t("compare.no")}</td>
              <td>{p.dropshipping ? t("compare.yes") : t("compare.no")}</td>
              <td>{p.autocountSync ? t("compare.yes") : t("compare.no")}</td>
              <td>
                {p.id === plan.id && subscription.status !== "trialing" && p.priceMinor === 0 ? (
                  <span>{t("current")}</span>
                ) : (
                  <PostForm className="stack" style={{ gap: "0.25rem" }} fields={{ planId: p.id }}>
                    {p.priceMinor > 0 ? (
                      <select name="interval" aria-label={t("billedHow")} defaultValue={subscription.interval}>
                        <option value="month">{t("interval.month")}</option>
                        <option value="year">{t("interval.year")}</option>
                      </select>
                    ) : (
                      <input type="hidden" name="interval" value="month" />
                    )}
                    <button
                      type="submit"
                      name="intent"
                      value="change"
                      disabled={busy}
                      className={p.over.length ? "secondary" : undefined}
                      data-choose={p.id}
                    >
                      {p.id === plan.id ? t("current") : t("choose")}
                    </button>
                    {p.over.length ? (
                      <small className="muted" data-over={p.id}>
                        {t("reduceFirst", {
                          plan: p.name,
                          what: p.over
                            .map((o) => (o.limit === "storage" ? formatBytes(o.reduceBy) : `${o.reduceBy} ${t(`meters.${o.limit}`)}`))
                            .join(", "),
                        })}
                      </small>
                    ) : null}
                  </PostForm>
                )}
              </td>
            </>
          )}
        />
      </section>
      {subscription.cancelAtPeriodEnd || (subscription.status === "active" && subscription.currentPeriodEnd && plan.priceMinor > 0) ? (
        <section className="card stack" data-testid="cancel-subscription">
          <h2>{t("cancel.title")}</h2>
          {subscription.cancelAtPeriodEnd ? (
            <p data-testid="cancel-scheduled">{t("cancel.scheduled", { date: day(subscription.currentPeriodEnd) })}</p>
          ) : (
            <p className="muted small">{t("cancel.hint")}</p>
          )}
          <PostForm>
            {subscription.cancelAtPeriodEnd ? (
              <button type="submit" name="intent" value="resume" disabled={busy}>
                {t("cancel.resume")}
              </button>
            ) : (
              <button type="submit" name="intent" value="cancel" className="danger" disabled={busy}>
                {t("cancel.button")}
              </button>
            )}
          </PostForm>
        </section>
      ) : null}
      <section className="card stack" data-testid="credit-packs">
        <h2>{t("topUp.title")}</h2>
        <p className="muted small">{t("topUp.hint")}</p>
        <p>{t("topUp.balance", { copy: credits.copy.pack, tryon: credits.tryon.pack, video: credits.video.pack })}</p>
        <div className="row" style={{ gap: "0.5rem", flexWrap: "wrap" }}>
          {packs.map((p) => (
            <PostForm key={p.id} fields={{ packId: p.id, token: packToken }}>
              <button type="submit" name="intent" value="buy-credits" className="secondary" disabled={busy} data-pack={p.id}>
                {t("topUp.buy", { name: t(`topUp.packs.${p.kind}`, { credits: p.credits }), price: money(p.priceMinor) })}
              </button>
            </PostForm>
          ))}
        </div>
      </section>
      <section className="card">
        <h2>{t("history")}</h2>
        {invoices.length === 0 ? (
          <p className="muted">{t("noInvoices")}</p>
        ) : (
          <table data-testid="invoices">
            <thead>
              <tr>
                <th>{t("invoice.number")}</th>
                <th>{t("invoice.date")}</th>
                <th>{t("invoice.description")}</th>
                <th>{t("invoice.total")}</th>
                <th>{t("invoice.status")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {invoices.map((inv) => (
                <tr key={inv.id} data-invoice={inv.number}>
                  <td>{inv.number}</td>
                  <td>{day(inv.issuedAt)}</td>
                  <InvoiceFor kind={inv.kind} lines={inv.lines} />
                  <td>{money(inv.totalMinor)}</td>
                  <td data-invoice-status={inv.status}>{t(`invoice.statuses.${inv.status}`)}</td>
                  <td>
                    <a href={`/admin/billing/invoices/${inv.id}`} target="_blank" rel="noreferrer">
                      {t("invoice.html")}
                    </a>{" "}
                    ·{" "}
                    <a href={`/admin/billing/invoices/${inv.id}?format=pdf`} data-testid="invoice-pdf">
                      {t("invoice.pdf")}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
