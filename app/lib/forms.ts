import { z } from "zod";

export type FieldErrors = Record<string, string>;

/**
 * The one failed-result shape of a domain call: `{ ok: false, errors }`, a message per field and a
 * message about the whole form under `form` (what `<FormError message={errors.form} />` shows).
 * A refusal the page translates itself carries a code instead of a message (`Refusal<{ form: CartError }>`).
 */
export type Refusal<E = FieldErrors> = { ok: false; errors: E };

/** A refusal with one message, about the whole form unless a field is named. */
export const refuse = (message: string, field = "form"): Refusal => ({ ok: false, errors: { [field]: message } });

/**
 * A message the page words in its reader's language: a translation key (`namespace:path`, e.g.
 * `catalog:fieldErrors.titleRequired`) and the values it needs. Domain code refuses with these
 * (never with English text); the page translates them (`useErrorText` in ~/ui/forms, `codedText`
 * on the server for files such as the CSV import's problem report).
 */
export interface Coded {
  key: string;
  values?: Record<string, string | number>;
}
/** A coded message per field, `form` for the whole form. */
export type CodedErrors = Record<string, Coded>;

export const coded = (key: string, values?: Record<string, string | number>): Coded => (values ? { key, values } : { key });

/**
 * A failed parse's first message per field as coded messages: the schema's messages are keys under
 * `prefix` (`catalog:fieldErrors.`), and a length or size limit's bound is its `max` (or `min`) value.
 */
export function codedFieldErrors(error: z.ZodError, prefix: string): CodedErrors {
  const out: CodedErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    const bound: Record<string, number> | undefined =
      issue.code === "too_big" ? { max: Number(issue.maximum) } : issue.code === "too_small" ? { min: Number(issue.minimum) } : undefined;
    // A message that is a whole key (`ns:path`) is kept as it is, with a custom issue's params as its values.
    const params = issue.code === "custom" ? (issue.params as Record<string, string | number> | undefined) : undefined;
    out[field] ??= coded(issue.message.includes(":") ? issue.message : `${prefix}${issue.message}`, bound ?? params);
  }
  return out;
}

/** The first message for each field, keyed by field name, for showing next to the inputs. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** The submitted text fields, to send back so the form keeps what was typed (never passwords). */
export function keptValues(form: FormData, omit: string[] = ["password", "_csrf"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !omit.includes(key)) out[key] = value;
  }
  return out;
}

/** Every submitted text field; a field sent more than once (checkbox groups) becomes an array. */
export function formFields(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string" || key === "_csrf") continue;
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** A form field that may be sent several times (a checkbox group), read by `list` as a list: empty when none was sent. */
export const listField = <T extends z.ZodType>(list: T) =>
  z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), list);
