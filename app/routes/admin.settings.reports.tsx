import { type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { reportSettingsPage } from "~/domain/reports/report-settings.server";
import { newReportTestToken, reportTestView, sendReportTest } from "~/domain/reports/report-test.server";
import { saveReportSettings } from "~/domain/reports/schedule.server";
import { settingsActor, settingsAnswer } from "~/domain/shops/settings-actions.server";
import { readForm } from "~/lib/csrf.server";
import { coded } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Checkbox, Field, PostForm, useFormResult } from "~/ui/forms";
import { SettingsResult } from "~/ui/settings-form";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("reports.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  const [page, test] = await Promise.all([
    reportSettingsPage(access.shop.shopId, access.user.id),
    reportTestView(access.shop.shopId, access.user.id),
  ]);
  return { settings: page.settings, test, token: newReportTestToken() };
});

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  const actor = settingsActor(access, context);
  if (form.get("intent") === "test") {
    const sent = await sendReportTest(actor, form.get("token"));
    return settingsAnswer(form, sent, {
      keep: false,
      notice: sent.ok ? coded("settings:notices.reportTestSent", { phone: sent.phone }) : undefined,
    });
  }
  return settingsAnswer(form, await saveReportSettings(actor, Object.fromEntries(form), actor), { keep: false });
});

export default function DailyReportSettings() {
  const { settings, test, token } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("reports");
  const { t: ts } = useTranslation("settings");
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">
          <Link to="/admin/settings">{ts("settings")}</Link> · <Link to="/admin/reports">{t("dailyReport")}</Link>
        </p>
        <h1>{t("dailyReport")}</h1>
        <p className="muted">{ts("reports.timezone", { zone: settings.timezone })}</p>
      </div>
      <SettingsResult result={result} form={errors.form} testId="report-notice" />
      <section className="card medium">
        <PostForm className="stack" fields={{ intent: "save" }}>
          <Checkbox label={t("reportEnabled")} name="enabled" defaultChecked={settings.enabled} />
          <Field
            label={t("sendAt")}
            name="sendAt"
            type="time"
            defaultValue={values.sendAt ?? settings.sendAt}
            error={errors.sendAt}
            required
          />
          <button type="submit">{t("save")}</button>
        </PostForm>
      </section>
      <section className="card medium stack" data-testid="report-test">
        <h2>{ts("reportTest.heading")}</h2>
        <p className="muted small">{test.phone ? ts("reportTest.hint", { phone: test.phone }) : ts("reportTest.noPhone")}</p>
        <PostForm fields={{ intent: "test", token }}>
          <button type="submit" className="secondary" data-testid="send-report-test">
            {ts("reportTest.send")}
          </button>
        </PostForm>
        <h3>{ts("reportTest.preview")}</h3>
        <p className="muted small">{ts("reportTest.previewNote", { date: test.preview.date })}</p>
        <pre className="whatsapp-preview" lang={test.preview.language} data-testid="report-preview">
          {test.preview.text}
        </pre>
      </section>
    </div>
  );
}
