import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { readSession, startSession } from "~/domain/accounts/sessions.server";
import { MY_STATES, REGIONS } from "~/domain/dropship/options";
import { signUpSupplier } from "~/domain/dropship/suppliers.server";
import { policyVersionsInForce } from "~/domain/policies/versions.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { passThroughHeaders } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { BrandCardPage } from "~/ui/brand";
import { Checkbox, Field, FormError, PostForm, SelectField, useFormResult } from "~/ui/forms";
import { AccountFields } from "~/ui/signup-fields";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "dropship")("signupTitle") }];
export const headers = passThroughHeaders;

/** Public: a new person opens an account and a supplier at once; a signed-in person adds a supplier. */
export async function loader({ request }: LoaderFunctionArgs) {
  const current = await readSession(request);
  // A new account accepts the versions this page shows (recorded with it), as on /signup.
  const policies = current ? [] : await policyVersionsInForce(["privacy", "terms"]);
  return { signedIn: Boolean(current), name: current?.user.name ?? null, policies };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const current = await readSession(request);
  const result = await signUpSupplier(
    { ...Object.fromEntries(form), regions: form.getAll("regions") },
    who,
    current?.user.id ?? null,
    await localeFor(request),
  );
  if (!result.ok) {
    const kept = { values: keptValues(form), regions: form.getAll("regions").map(String) };
    // A policy published since the page was shown: 409 and the new versions to accept; no versions said: 400.
    if (result.policies)
      return data(
        { errors: { form: serverT(await localeFor(request), "privacy")(`accepted.${result.policies}`) }, ...kept },
        { status: result.policies === "changed" ? 409 : 400 },
      );
    return data({ errors: result.errors, ...kept }, { status: 400 });
  }
  if (current) return redirect("/supplier");
  const { setCookie } = await startSession(result.userId, { remember: false, ...who });
  return redirect("/supplier", { headers: { "Set-Cookie": setCookie } });
}

const REGION_KEY = { "Peninsular Malaysia": "peninsular", "East Malaysia": "east", Singapore: "singapore" } as const;

export default function SupplierSignup() {
  const { signedIn, name, policies } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const regions = new Set(result?.regions ?? ["Peninsular Malaysia"]);
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  return (
    <BrandCardPage width="medium" title={t("signupTitle")}>
      <p className="muted">{ts("signup.intro")}</p>
      <FormError message={errors.form} />
      <PostForm noValidate>
        {signedIn ? (
          <p>{ts("signup.signedInAs", { name })}</p>
        ) : (
          <fieldset>
            <legend>{ts("signup.account")}</legend>
            <AccountFields word={(f) => ts(`signup.${f}`)} values={values} errors={errors} policies={policies}>
              <Checkbox label={ts("signup.terms")} name="terms" error={errors.terms} defaultChecked={values.terms === "on"} />
            </AccountFields>
          </fieldset>
        )}
        <fieldset>
          <legend>{ts("signup.business")}</legend>
          <Field
            label={ts("signup.tradingName")}
            name="supplierName"
            defaultValue={values.supplierName}
            error={errors.supplierName}
            required
          />
          <Field label={ts("signup.contact")} name="contactName" defaultValue={values.contactName} error={errors.contactName} required />
          <Field label={ts("signup.whatsapp")} name="whatsapp" type="tel" defaultValue={values.whatsapp} error={errors.whatsapp} required />
          <div className="two-cols">
            <Field
              label={ts("signup.city")}
              name="warehouseCity"
              defaultValue={values.warehouseCity}
              error={errors.warehouseCity}
              required
            />
            <SelectField
              label={ts("signup.state")}
              name="warehouseState"
              defaultValue={values.warehouseState ?? "Selangor"}
              error={errors.warehouseState}
              options={MY_STATES.map((s) => ({ value: s, label: s }))}
            />
          </div>
          <fieldset>
            <legend>{ts("signup.regions")}</legend>
            {REGIONS.map((r) => (
              <label key={r} className="checkbox">
                <input type="checkbox" name="regions" value={r} defaultChecked={regions.has(r)} /> {ts(`regions.${REGION_KEY[r]}`)}
              </label>
            ))}
            {errors.regions ? (
              <p className="error" role="alert" data-field-error="regions">
                {errors.regions}
              </p>
            ) : null}
          </fieldset>
          <Field
            label={ts("signup.handling")}
            name="handlingDays"
            inputMode="numeric"
            defaultValue={values.handlingDays ?? "2"}
            error={errors.handlingDays}
            required
          />
        </fieldset>
        <button type="submit">{ts("signup.submit")}</button>
      </PostForm>
    </BrandCardPage>
  );
}
