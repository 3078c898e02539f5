import { data, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { setActiveShop } from "~/domain/accounts/sessions.server";
import { CURRENCIES, slugify } from "~/domain/shops/shop-options";
import { TIMEZONES } from "~/domain/shops/shops.server";
import { openShop } from "~/flows/shop-opened.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Field, FormError, PostForm, SelectField, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "site")("newShop.meta") }];

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access: { shops } }) => {
  return { firstShop: shops.length === 0, timezones: TIMEZONES };
});

export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, context, access: { user, session } }) => {
  const form = await readForm(request);
  const result = await openShop(user.id, Object.fromEntries(form), { ip: context.ip, userAgent: context.userAgent });
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form) }, { status: 400 });
  await setActiveShop(session.id, result.shop.id);
  return redirect("/admin");
});

const LANGUAGE_OPTIONS = [
  { value: "en", label: "English" },
  { value: "ms", label: "Bahasa Melayu" },
  { value: "zh", label: "简体中文" },
];

export default function NewShop() {
  const { firstShop, timezones } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const [slug, setSlug] = useState(values.slug ?? "");
  const [slugEdited, setSlugEdited] = useState(Boolean(values.slug));
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("site");
  return (
    <div className="card medium">
      <p className="eyebrow">{firstShop ? t("newShop.step") : t("newShop.new")}</p>
      <h1>{t("newShop.heading")}</h1>
      <p className="muted">{t("newShop.intro")}</p>
      <FormError message={errors.form} />
      <PostForm noValidate>
        <Field
          label={t("newShop.name")}
          name="name"
          defaultValue={values.name}
          error={errors.name}
          required
          onChange={(e) => {
            if (!slugEdited) setSlug(slugify(e.currentTarget.value));
          }}
        />
        <Field
          label={t("newShop.address")}
          name="slug"
          hint={t("newShop.addressHint", { slug: slug || t("newShop.yourShop") })}
          value={slug}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.currentTarget.value);
          }}
          error={errors.slug}
          required
          autoCapitalize="none"
          spellCheck={false}
        />
        <div className="two-cols">
          <SelectField
            label={t("newShop.currency")}
            name="currency"
            defaultValue={values.currency ?? "MYR"}
            error={errors.currency}
            options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          />
          <SelectField
            label={t("newShop.language")}
            name="language"
            defaultValue={values.language ?? "en"}
            error={errors.language}
            options={LANGUAGE_OPTIONS}
          />
        </div>
        <SelectField
          label={t("newShop.timezone")}
          name="timezone"
          defaultValue={values.timezone ?? "Asia/Kuala_Lumpur"}
          error={errors.timezone}
          options={timezones.map((tz) => ({ value: tz, label: tz.replace(/_/g, " ") }))}
        />
        <button type="submit" disabled={busy}>
          {busy ? t("newShop.creating") : t("newShop.create")}
        </button>
      </PostForm>
    </div>
  );
}
