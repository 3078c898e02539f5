import { type MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { getCompanyDetails, updateCompanyDetails } from "~/domain/shops/company.server";
import { settingsActor, settingsAnswer } from "~/domain/shops/settings-actions.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Field, PostForm, useFormResult } from "~/ui/forms";
import { SettingsHeading, SettingsResult, TextAreaField } from "~/ui/settings-form";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("company.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => ({
  company: await getCompanyDetails(access.shop.shopId),
}));

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  return settingsAnswer(form, await updateCompanyDetails(access.shop.shopId, settingsActor(access, context), Object.fromEntries(form)));
});

export default function CompanySettings() {
  const { company } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("orders");
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <SettingsHeading title={t("company.title")} intro={t("company.hint")} />
      <SettingsResult result={result} form={errors.form} saved={t("detail.saved")} />
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
          <TextAreaField
            label={t("company.companyAddress")}
            name="companyAddress"
            rows={4}
            defaultValue={values.companyAddress ?? company?.companyAddress ?? ""}
            error={errors.companyAddress}
          />
          <button type="submit" disabled={busy}>
            {t("company.save")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
