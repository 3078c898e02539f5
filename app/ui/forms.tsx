import { useActionData } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { useId } from "react";

import type { Coded } from "~/lib/forms";
import { wordCoded } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";

function FieldError({ id, name, message }: { id?: string; name: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="error" id={id} role="alert" data-field-error={name}>
      {message}
    </p>
  );
}

export { CsrfInput, PostForm } from "~/ui/csrf";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: ReactNode;
  name: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled input with its hint and error message wired for assistive technology. */
export function Field({ label, name, error, hint, ...input }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      <FieldError id={`${id}-error`} name={name} message={error} />
    </div>
  );
}

type PresetFieldProps = Omit<FieldProps, "name" | "type" | "required">;

/** The email field of the sign-in and sign-up forms (required; autocomplete "email" unless told). */
export function EmailField(props: PresetFieldProps) {
  return <Field name="email" type="email" autoComplete="email" {...props} required />;
}

/** The password field: autocomplete "new-password" (with the rules as hint) or "current-password". */
export function PasswordField({ minLength, ...props }: PresetFieldProps & { autoComplete: "new-password" | "current-password" }) {
  return <Field name="password" type="password" {...props} required minLength={minLength} />;
}

interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: ReactNode;
  name: string;
  error?: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}

export function SelectField({ label, name, error, options, ...select }: SelectProps) {
  const id = useId();
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} name={name} message={error} />
    </div>
  );
}

export function Checkbox({ label, name, error, ...input }: Omit<FieldProps, "hint">) {
  const id = useId();
  return (
    <div className={`field checkbox${error ? " has-error" : ""}`}>
      <label htmlFor={id}>
        <input id={id} type="checkbox" name={name} aria-invalid={error ? true : undefined} {...input} /> {label}
      </label>
      <FieldError name={name} message={error} />
    </div>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return <Banner tone="danger">{message}</Banner>;
}

/** A new password typed twice, with the rule as a hint (sign-up-strength rules are checked on the server). */
export function NewPasswordFields({ errors }: { errors: Record<string, string | undefined> }) {
  const { t } = useTranslation("account");
  return (
    <>
      <Field
        label={t("newPassword")}
        name="password"
        type="password"
        autoComplete="new-password"
        hint={t("newPasswordHint")}
        error={errors.password}
        required
      />
      <Field label={t("newPasswordAgain")} name="confirm" type="password" autoComplete="new-password" error={errors.confirm} required />
    </>
  );
}

/**
 * The last answer of this page's action as a form shows it: the message per field (`form` for the
 * whole form) and the values sent back to keep what was typed; both empty before any submission.
 */
export function useFormResult<T = unknown>() {
  const result = useActionData<T>();
  const sent = result as { errors?: Record<string, string | Coded>; values?: Record<string, string> } | undefined;
  const text = useErrorText();
  // A coded refusal (see ~/lib/forms) is worded here, in the page's language.
  const errors: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(sent?.errors ?? {}).map(([field, message]) => [field, typeof message === "string" ? message : text(message)]),
  );
  const values: Record<string, string | undefined> = sent?.values ?? {};
  return { result, errors, values };
}

/** Words coded messages (a domain's refusals, see ~/lib/forms) in the page's language: `text(errors.title)`. */
export function useErrorText(): (message: Coded | undefined) => string | undefined {
  const { i18n } = useTranslation();
  return (message) => (message ? wordCoded(i18n, message) : undefined);
}

/** Every coded message of a form, worded in the page's language (for components that take text per field). */
export function useErrorTexts(errors: Record<string, Coded | undefined> | undefined): Record<string, string | undefined> {
  const text = useErrorText();
  return Object.fromEntries(Object.entries(errors ?? {}).map(([field, message]) => [field, text(message)]));
}
