import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { reportSettingsPage } from "~/domain/reports/report-settings.server";
import { saveReportSettings } from "~/domain/reports/schedule.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Checkbox, Field, FormError, PostForm, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("reports.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  const page = await reportSettingsPage(access.shop.shopId, access.user.id);
  return { settings: page.settings };
});

type Result = { errors: Record<string, string>; values: Record<string, string>; notice?: string };

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  const outcome = await saveReportSettings({ userId: access.user.id, shopId: access.shop.shopId }, Object.fromEntries(form), {
    ip: context.ip,
    userAgent: context.userAgent,
  });
  if (!outcome.ok) return data<Result>({ errors: outcome.errors, values: keptValues(form) }, { status: 400 });
  return data<Result>({ errors: {}, values: {}, notice: "Saved." });
});

export default function DailyReportSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
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
      <Banner tone="ok">{result?.notice}</Banner>
      <FormError message={errors.form} />
      <section className="card medium">
        <PostForm className="stack">
          <Checkbox label={t("reportEnabled")} name="enabled" defaultChecked={settings.enabled} />
          <Field
            label={t("sendAt")}
            name="sendAt"
            type="time"
            defaultValue={result?.values.sendAt ?? settings.sendAt}
            error={errors.sendAt}
            required
          />
          <button type="submit">{t("save")}</button>
        </PostForm>
      </section>
    </div>
  );
}
