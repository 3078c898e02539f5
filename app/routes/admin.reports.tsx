import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { allows } from "~/domain/accounts/permissions";
import { reportSettingsPage } from "~/domain/reports/report-settings.server";
import { setReportSubscription } from "~/domain/reports/schedule.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { FormError, PostForm, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "reports")("page.meta") }];

// Every member may opt in or out; the time and the switch need the Settings permission.
export const loader = /* @__PURE__ */ adminLoader("member", async ({ access }) => {
  const page = await reportSettingsPage(access.shop.shopId, access.user.id);
  return { ...page, canEdit: allows(access.shop, "settings"), canSeeSync: allows(access.shop, "reports") };
});

type Result = { errors: Record<string, string>; values: Record<string, string>; notice?: string };

export const action = /* @__PURE__ */ adminAction("member", async ({ request, access }) => {
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "subscribe" || intent === "unsubscribe") {
    await setReportSubscription(access.shop.shopId, access.user.id, intent === "subscribe");
    return data<Result>({
      errors: {},
      values: {},
      notice: intent === "subscribe" ? "You will get the daily report." : "You will no longer get the daily report.",
    });
  }
  return data<Result>({ errors: { form: "Choose whether to get the daily report." }, values: {} }, { status: 400 });
});

export default function DailyReport() {
  const { settings, members, me, canEdit, canSeeSync } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  const { t } = useTranslation("reports");
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">
          <Link to="/admin">{t("dashboard")}</Link>
          {canSeeSync ? (
            <>
              {" · "}
              <Link to="/admin/accounting">{t("accounting")}</Link>
            </>
          ) : null}
        </p>
        <h1>{t("dailyReport")}</h1>
        <p className="muted">{t("page.intro", { zone: settings.timezone })}</p>
      </div>
      <Banner tone="ok">{result?.notice}</Banner>
      <FormError message={errors.form} />
      <section className="card medium">
        <p data-testid="my-subscription">{me ? t("youGetIt") : t("youDontGetIt")}</p>
        <PostForm>
          <button type="submit" name="intent" value={me ? "unsubscribe" : "subscribe"} className="secondary">
            {me ? t("unsubscribe") : t("subscribe")}
          </button>
        </PostForm>
      </section>
      <section className="card medium">
        <h2>{t("recipients")}</h2>
        <ul className="checklist small" data-testid="report-recipients">
          {members.map((m) => (
            <li key={m.userId}>
              {m.name} <span className="muted">({m.role === "owner" || m.role === "staff" ? t(`page.roles.${m.role}`) : m.role})</span> —{" "}
              {m.subscribed ? "✓" : "—"}
            </li>
          ))}
        </ul>
        <p className="muted small">
          {t("page.note", { time: settings.enabled ? settings.sendAt : t("page.off") })}
          {canEdit ? (
            <>
              {" "}
              <Link to="/admin/settings/reports">{t("sendAt")}</Link>
            </>
          ) : null}
        </p>
      </section>
    </div>
  );
}
