import type { ReactNode } from "react";

import { SHOWN_POLICIES_FIELD } from "~/lib/policy-field";
import { Checkbox, EmailField, Field, PasswordField } from "~/ui/forms";
import { AcceptedPolicy, type AcceptedPolicyView } from "~/ui/privacy";

/** The account fields' labels and hint, which each form words in its own namespace. */
type AccountWord = "name" | "email" | "phone" | "password" | "passwordHint" | "adult";

/**
 * A new account's fields, one way for every sign-up form (a merchant's, a supplier's, a shop's
 * customer's): name, email, phone, new password, the adult box, the form's own boxes (`children`:
 * terms, marketing), then the policy versions shown, which the account accepts (the hidden field
 * `acceptedAtSignup` reads, and their notice). `besideName` sits next to the name (the company).
 */
export function AccountFields({
  word,
  phoneHint,
  values,
  errors,
  policies,
  phoneRequired = true,
  passwordMinLength,
  besideName,
  children,
}: {
  /** A label in the form's words: e.g. `(f) => t(\`signup.${f}\`)`. */
  word: (field: AccountWord) => string;
  phoneHint?: string;
  values: Record<string, string | undefined>;
  errors: Record<string, string | undefined>;
  policies: (AcceptedPolicyView & { id: string })[];
  phoneRequired?: boolean;
  passwordMinLength?: number;
  besideName?: ReactNode;
  children?: ReactNode;
}) {
  const name = <Field label={word("name")} name="name" autoComplete="name" defaultValue={values.name} error={errors.name} required />;
  return (
    <>
      {besideName ? (
        <div className="two-cols">
          {name}
          {besideName}
        </div>
      ) : (
        name
      )}
      <EmailField label={word("email")} defaultValue={values.email} error={errors.email} />
      <Field
        label={word("phone")}
        name="phone"
        type="tel"
        autoComplete="tel"
        hint={phoneHint}
        defaultValue={values.phone}
        error={errors.phone}
        required={phoneRequired || undefined}
      />
      <PasswordField
        label={word("password")}
        autoComplete="new-password"
        hint={word("passwordHint")}
        error={errors.password}
        minLength={passwordMinLength}
      />
      <Checkbox label={word("adult")} name="adult" defaultChecked={values.adult === "on"} error={errors.adult} />
      {children}
      <input type="hidden" name={SHOWN_POLICIES_FIELD} value={policies.map((p) => p.id).join(",")} />
      <AcceptedPolicy policies={policies} />
    </>
  );
}
