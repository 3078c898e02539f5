import { data, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { getCompanyDetails, updateCompanyDetails } from "~/domain/shops/company.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Field, PostForm, useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("company.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => ({
  company: await getCompanyDetails(access.shop.shopId),
}));

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  const r = await updateCompanyDetails(
    access.shop.shopId,
    { userId: access.user.id, ip: context.ip, userAgent: context.userAgent },
    Object.fromEntries(form),
  );
  if (!r.ok) return data({ errors: r.errors, values: keptValues(form), saved: false }, { status: 400 });
  return data({ errors: {} as Record<string, string>, values: keptValues(form), saved: true });
});

export default function CompanySettings() {
  const { company } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("orders");
  const { t: ts } = useTranslation("settings");
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/settings", label: ts("settings") }}>{t("company.title")}</PageTitle>
          <p className="muted">{t("company.hint")}</p>
        </div>
      </div>
      {result?.saved ? <Banner tone="ok">{t("detail.saved")}</Banner> : null}
      <section className="card medium">
        <PostForm noValidate>
          <Field
            label={t("company.companyName")}
            name="companyName"
            defaultValue={values.companyName ?? company?.companyName ?? ""}
            error={errors.companyName}
            required
          />
          <Field
            label={t("company.registrationNumber")}
            name="registrationNumber"
            defaultValue={values.registrationNumber ?? company?.registrationNumber ?? ""}
            error={errors.registrationNumber}
          />
          <div className={`field${errors.companyAddress ? " has-error" : ""}`}>
            <label htmlFor="companyAddress">{t("company.companyAddress")}</label>
            <textarea
              id="companyAddress"
              name="companyAddress"
              rows={4}
              defaultValue={values.companyAddress ?? company?.companyAddress ?? ""}
              aria-invalid={errors.companyAddress ? true : undefined}
            />
            {errors.companyAddress ? (
              <p className="error" role="alert" data-field-error="companyAddress">
                {errors.companyAddress}
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={busy}>
            {t("company.save")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
