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
