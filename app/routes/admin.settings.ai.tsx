import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { COPY_PROVIDERS, PROVIDER_NAMES } from "~/domain/ai/copy-rules";
import { getAiSettings, saveAiSettings } from "~/domain/ai/copy-settings.server";
import { readForm } from "~/lib/csrf.server";
import { formFields, keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { CopyChoices } from "~/ui/ai";
import { Banner } from "~/ui/banner";
import { Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("ai.meta") }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  const s = await getAiSettings(access.shop.shopId);
  return {
    provider: s.provider,
    model: s.model ?? "",
    defaultModels: s.defaultModels,
    tone: s.tone,
    languages: s.languages,
    sandbox: s.sandbox,
  };
});

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const form = await readForm(request);
  const fields = formFields(form);
  const result = await saveAiSettings(
    access.shop.shopId,
    { userId: access.user.id, ip: context.ip, userAgent: context.userAgent },
    {
      ...fields,
      languages: form.getAll("languages").map(String),
    },
  );
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form), saved: false }, { status: 400 });
  return data({ errors: {} as Record<string, string>, values: keptValues(form), saved: true });
});

export default function AiSettings() {
  const s = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("ai");
  const busy = useNavigation().state === "submitting";
  const provider = (values.provider ?? s.provider) as (typeof COPY_PROVIDERS)[number];
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/settings", label: t("settings.eyebrow") }}>{t("settings.title")}</PageTitle>
        </div>
        <Link className="button secondary" to="/admin/ai">
          {t("studio.title")}
        </Link>
      </div>
      {result?.saved ? <Banner tone="ok">{t("settings.saved")}</Banner> : null}
      <section className="card medium stack">
        <ul className="small" data-testid="ai-provider-modes">
          {COPY_PROVIDERS.map((p) => (
            <li key={p}>
              {s.sandbox[p] ? t("sandboxNote", { provider: PROVIDER_NAMES[p] }) : t("settings.live", { provider: PROVIDER_NAMES[p] })}
            </li>
          ))}
        </ul>
        <FormError message={errors.form} />
        <PostForm noValidate className="stack">
          <fieldset className={`field${errors.provider ? " has-error" : ""}`}>
            <legend>{t("settings.provider")}</legend>
            {COPY_PROVIDERS.map((p) => (
              <label key={p} className="row" style={{ gap: "0.3rem" }}>
                <input type="radio" name="provider" value={p} defaultChecked={provider === p} /> {PROVIDER_NAMES[p]}{" "}
                <span className="small muted">({t("settings.defaultModel", { model: s.defaultModels[p] })})</span>
              </label>
            ))}
            {errors.provider ? (
              <p className="error" role="alert" data-field-error="provider">
                {errors.provider}
              </p>
            ) : null}
          </fieldset>
          <Field
            label={t("settings.model")}
            name="model"
            defaultValue={values.model ?? s.model}
            error={errors.model}
            hint={t("settings.modelHint")}
            placeholder={s.defaultModels[provider]}
          />
          <CopyChoices tone={values.tone ?? s.tone} languages={s.languages} errors={errors} />
          <button type="submit" disabled={busy}>
            {t("settings.save")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
