import type { ReactNode, TextareaHTMLAttributes } from "react";

import type { Coded } from "~/lib/forms";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { FormError, useErrorText } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

/**
 * The top of a settings page: the way back to the settings, its title, an optional line under it
 * and what stands on the right (a link to the page it configures).
 */
export function SettingsHeading({
  title,
  intro,
  aside,
  testId,
}: {
  title: ReactNode;
  intro?: ReactNode;
  aside?: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation("settings");
  return (
    <div className="admin-top">
      <div>
        <PageTitle back={{ to: "/admin/settings", label: t("settings") }} data-testid={testId}>
          {title}
        </PageTitle>
        {intro ? <p className="muted">{intro}</p> : null}
      </div>
      {aside}
    </div>
  );
}

/**
 * What a settings form's last answer says above it: its notice (coded, worded here) or, when it
 * saved without one, `saved` ("Saved." by default); then the message about the whole form.
 */
export function SettingsResult({
  result,
  form,
  saved,
  testId,
}: {
  result?: { saved?: boolean; notice?: Coded };
  form?: string;
  saved?: string;
  testId?: string;
}) {
  const { t } = useTranslation("settings");
  const text = useErrorText();
  const notice = result?.notice ? text(result.notice) : result?.saved ? (saved ?? t("saved")) : undefined;
  return (
    <>
      <Banner tone="ok" data-testid={testId}>
        {notice}
      </Banner>
      <FormError message={form} />
    </>
  );
}

/** A field's message under it, for the inputs without their own component (radio groups, text areas). */
export function FieldMessage({ name, message }: { name: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="error" role="alert" data-field-error={name}>
      {message}
    </p>
  );
}

/** A labelled text area with its hint and message (the `id` is the name unless told). */
export function TextAreaField({
  label,
  name,
  id = name,
  hint,
  error,
  ...area
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: ReactNode; name: string; hint?: ReactNode; error?: string }) {
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint">{hint}</p> : null}
      <textarea id={id} name={name} aria-invalid={error ? true : undefined} {...area} />
      <FieldMessage name={name} message={error} />
    </div>
  );
}
