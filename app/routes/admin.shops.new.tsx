import { data, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { setActiveShop } from "~/domain/accounts/sessions.server";
import { CURRENCIES, slugify } from "~/domain/shops/shop-options";
import { TIMEZONES } from "~/domain/shops/shops.server";
import { openShop } from "~/flows/shop-opened.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { CsrfInput, Field, FormError, SelectField, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Create your shop · NetShop" }];

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
  return (
    <div className="card medium">
      <p className="eyebrow">{firstShop ? "Step 2 of 2" : "New shop"}</p>
      <h1>Create your shop</h1>
      <p className="muted">You can change everything here later in your shop settings.</p>
      <FormError message={errors.form} />
      <Form method="post" noValidate>
        <CsrfInput />
        <Field
          label="Shop name"
          name="name"
          defaultValue={values.name}
          error={errors.name}
          required
          onChange={(e) => {
            if (!slugEdited) setSlug(slugify(e.currentTarget.value));
          }}
        />
        <Field
          label="Shop address"
          name="slug"
          hint={<>Your storefront will be at /s/{slug || "your-shop"}. Lowercase letters, digits and hyphens.</>}
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
            label="Currency"
            name="currency"
            defaultValue={values.currency ?? "MYR"}
            error={errors.currency}
            options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          />
          <SelectField
            label="Storefront language"
            name="language"
            defaultValue={values.language ?? "en"}
            error={errors.language}
            options={LANGUAGE_OPTIONS}
          />
        </div>
        <SelectField
          label="Time zone"
          name="timezone"
          defaultValue={values.timezone ?? "Asia/Kuala_Lumpur"}
          error={errors.timezone}
          options={timezones.map((tz) => ({ value: tz, label: tz.replace(/_/g, " ") }))}
        />
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create shop"}
        </button>
      </Form>
    </div>
  );
}
