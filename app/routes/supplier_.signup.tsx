import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { readSession, startSession } from "~/domain/accounts/sessions.server";
import { MY_STATES, REGIONS } from "~/domain/dropship/options";
import { signUpSupplier } from "~/domain/dropship/suppliers.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders } from "~/lib/http";
import { redirect } from "~/lib/redirect.server";
import { Checkbox, CsrfInput, Field, FormError, SelectField, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Become a NetShop supplier" }];
export const headers = passThroughHeaders;

/** Public: a new person opens an account and a supplier at once; a signed-in person adds a supplier. */
export async function loader({ request }: LoaderFunctionArgs) {
  const current = await readSession(request);
  return { signedIn: Boolean(current), name: current?.user.name ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const current = await readSession(request);
  const result = await signUpSupplier({ ...Object.fromEntries(form), regions: form.getAll("regions") }, who, current?.user.id ?? null);
  if (!result.ok)
    return data({ errors: result.errors, values: keptValues(form), regions: form.getAll("regions").map(String) }, { status: 400 });
  if (current) return redirect("/supplier");
  const { setCookie } = await startSession(result.userId, { remember: false, ...who });
  return redirect("/supplier", { headers: { "Set-Cookie": setCookie } });
}

export default function SupplierSignup() {
  const { signedIn, name } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const regions = new Set(result?.regions ?? ["Peninsular Malaysia"]);
  const { t } = useTranslation("dropship");
  return (
    <main className="centered-page">
      <div className="card medium">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </Link>
        <h1 style={{ marginTop: "1rem" }}>{t("signupTitle")}</h1>
        <p className="muted">
          List your products once; NetShop merchants sell them and you ship straight to their customers. The platform team approves new
          suppliers.
        </p>
        <FormError message={errors.form} />
        <Form method="post" noValidate>
          <CsrfInput />
          {signedIn ? (
            <p>Signed in as {name}.</p>
          ) : (
            <fieldset>
              <legend>Your account</legend>
              <Field label="Your name" name="name" autoComplete="name" defaultValue={values.name} error={errors.name} required />
              <Field
                label="Email"
                name="email"
                type="email"
                autoComplete="email"
                defaultValue={values.email}
                error={errors.email}
                required
              />
              <Field
                label="Your WhatsApp number (sign-in codes)"
                name="phone"
                type="tel"
                autoComplete="tel"
                defaultValue={values.phone}
                error={errors.phone}
                required
              />
              <Field
                label="Password"
                name="password"
                type="password"
                autoComplete="new-password"
                error={errors.password}
                required
                hint="At least 12 characters."
              />
              <Checkbox label="I am 18 or older" name="adult" error={errors.adult} defaultChecked={values.adult === "on"} />
              <Checkbox
                label="I accept the terms of service and the privacy policy"
                name="terms"
                error={errors.terms}
                defaultChecked={values.terms === "on"}
              />
            </fieldset>
          )}
          <fieldset>
            <legend>Your supplier business</legend>
            <Field label="Trading name" name="supplierName" defaultValue={values.supplierName} error={errors.supplierName} required />
            <Field label="Contact person" name="contactName" defaultValue={values.contactName} error={errors.contactName} required />
            <Field label="WhatsApp for orders" name="whatsapp" type="tel" defaultValue={values.whatsapp} error={errors.whatsapp} required />
            <div className="two-cols">
              <Field
                label="Warehouse town or city"
                name="warehouseCity"
                defaultValue={values.warehouseCity}
                error={errors.warehouseCity}
                required
              />
              <SelectField
                label="Warehouse state"
                name="warehouseState"
                defaultValue={values.warehouseState ?? "Selangor"}
                error={errors.warehouseState}
                options={MY_STATES.map((s) => ({ value: s, label: s }))}
              />
            </div>
            <fieldset>
              <legend>Regions you ship to</legend>
              {REGIONS.map((r) => (
                <label key={r} className="checkbox">
                  <input type="checkbox" name="regions" value={r} defaultChecked={regions.has(r)} /> {r}
                </label>
              ))}
              {errors.regions ? (
                <p className="error" role="alert" data-field-error="regions">
                  {errors.regions}
                </p>
              ) : null}
            </fieldset>
            <Field
              label="Handling time (working days before dispatch)"
              name="handlingDays"
              inputMode="numeric"
              defaultValue={values.handlingDays ?? "2"}
              error={errors.handlingDays}
              required
            />
          </fieldset>
          <button type="submit">Apply as a supplier</button>
        </Form>
      </div>
    </main>
  );
}
