import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { withLineTexts } from "~/domain/billing/invoice-lines.server";
import {
  extendTrial,
  grantCredits,
  merchantAccount,
  operatorCancel,
  operatorSuspend,
  operatorUnsuspend,
} from "~/domain/billing/operators.server";
import { billingError } from "~/domain/billing/refusals.server";
import { operatorAction, operatorLoader } from "~/domain/dropship/suppliers.server";
import { formatBytes } from "~/lib/bytes";
import { readForm } from "~/lib/csrf.server";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { isUuid } from "~/lib/ids";
import { useFormat } from "~/ui/format";
import { Field, FormError, PostForm } from "~/ui/forms";
import { PlatformInvoiceTable } from "~/ui/platform-invoice-table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "billing")("console.titles.merchant") }];

async function load(request: Request, shopId: string | undefined) {
  const account = isUuid(shopId ?? "") ? await merchantAccount(shopId!) : undefined;
  if (!account) throw notFound(billingError(await localeFor(request), "noMerchant"));
  return account;
}

/** One merchant's account and subscription; suspend/lift with a reason, extend the trial, grant AI credits. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ request, params }) => {
  const account = await load(request, params.shopId);
  return { ...account, invoices: withLineTexts(await localeFor(request), account.invoices) };
});

export const action = /* @__PURE__ */ operatorAction(async ({ request, params, context, operator }) => {
  const { shop } = await load(request, params.shopId);
  const form = await readForm(request);
  const locale = await localeFor(request);
  const op = { operatorId: operator.id, ip: context.ip, userAgent: context.userAgent, locale };
  const fields = Object.fromEntries(form);
  const intent = String(form.get("intent") ?? "");
  const actions = {
    suspend: operatorSuspend,
    unsuspend: operatorUnsuspend,
    cancel: operatorCancel,
    "extend-trial": extendTrial,
    grant: grantCredits,
  } as const;
  const result = Object.hasOwn(actions, intent)
    ? await actions[intent as keyof typeof actions](op, shop.id, fields)
    : { ok: false as const, errors: { form: billingError(locale, "chooseAction") } };
  if (!result.ok) return data({ intent, errors: result.errors as Record<string, string>, done: false }, { status: 400 });
  return data({ intent, errors: {} as Record<string, string>, done: true });
});

/** The intents whose form shows its own refusal. */
const FORMS_WITH_ERRORS = new Set(["suspend", "unsuspend", "cancel", "extend-trial", "grant"]);

export default function Merchant() {
  const { shop, subscription, plan, usage, invoices, grants } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("billing");
  // Dates in the merchant's own zone, as their billing page shows them.
  const fmt = useFormat(shop.timezone);
  const errors = (intent: string): Record<string, string | undefined> => (result?.intent === intent ? result.errors : {});
  const day = (d: string | Date | null) => (d ? fmt.date(d) : "");
  return (
    <main className="admin-main stack">
      <h1>{shop.name}</h1>
      <p className="muted small">{t("console.noCustomers")}</p>
      {/* A refusal of no form below (an unknown intent). */}
      <FormError message={result && !FORMS_WITH_ERRORS.has(result.intent) ? result.errors.form : undefined} />
      {result?.done ? (
        <div className="banner ok" role="status">
          {t("console.done")}
        </div>
      ) : null}
      <section className="card stack" data-testid="merchant-subscription">
        <h2>{t("console.account")}</h2>
        <p>
          <strong>{plan.name}</strong> · <span data-status={subscription.status}>{t(`status.${subscription.status}`)}</span>
          {subscription.suspensionReason ? <> · {subscription.suspensionReason}</> : null}
        </p>
        {subscription.currentPeriodEnd ? (
          <p>
            {day(subscription.currentPeriodStart)} – {day(subscription.currentPeriodEnd)}
          </p>
        ) : null}
        <p>{t("console.usage", { products: usage.products, storage: formatBytes(usage.storageBytes), seats: usage.seats })}</p>
        <PostForm className="stack">
          <FormError message={errors("suspend").form ?? errors("unsuspend").form ?? errors("cancel").form} />
          <Field
            label={t("console.reason")}
            name="reason"
            error={errors("suspend").reason ?? errors("unsuspend").reason ?? errors("cancel").reason}
          />
          {subscription.status === "suspended" ? (
            <button type="submit" name="intent" value="unsuspend">
              {t("console.unsuspend")}
            </button>
          ) : (
            <button type="submit" name="intent" value="suspend" className="danger">
              {t("console.suspend")}
            </button>
          )}
          {subscription.status !== "cancelled" ? (
            <button type="submit" name="intent" value="cancel" className="secondary">
              {t("console.cancel")}
            </button>
          ) : null}
        </PostForm>
        {subscription.status === "trialing" ? (
          <PostForm className="row" style={{ gap: "0.5rem", alignItems: "end" }}>
            <Field label={t("console.days")} name="days" type="number" defaultValue="7" error={errors("extend-trial").days} />
            <button type="submit" name="intent" value="extend-trial">
              {t("console.extendTrial")}
            </button>
          </PostForm>
        ) : null}
      </section>
      <section className="card stack">
        <h2>{t("console.grant")}</h2>
        <PostForm className="row" style={{ gap: "0.5rem", alignItems: "end", flexWrap: "wrap" }}>
          <div className="field">
            <label htmlFor="kind">{t("console.kind")}</label>
            <select id="kind" name="kind">
              <option value="copy">{t("meters.copy")}</option>
              <option value="tryon">{t("meters.tryon")}</option>
              <option value="video">{t("meters.video")}</option>
            </select>
          </div>
          <Field label={t("console.credits")} name="credits" type="number" error={errors("grant").credits} />
          <Field label={t("console.note")} name="note" error={errors("grant").note} />
          <button type="submit" name="intent" value="grant">
            {t("console.grant")}
          </button>
        </PostForm>
        <h3>{t("console.grants")}</h3>
        <ul data-testid="grants">
          {grants.map((g) => (
            <li key={g.id}>
              {day(g.createdAt)} · {g.kind} · {g.credits} · {g.source}
              {g.note ? ` · ${g.note}` : ""}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t("console.invoices")}</h2>
        <PlatformInvoiceTable invoices={invoices} />
      </section>
    </main>
  );
}
