import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";

/**
 * Normalises a phone number as people type it ("012-345 6789", "+60 12 345 6789",
 * "60123456789") to E.164 ("+60123456789"). Numbers without a country code are read as
 * Malaysian unless another default is given. Returns undefined when it is not a valid number.
 */
export function normalisePhone(input: string, defaultCountry: CountryCode = "MY"): string | undefined {
  const trimmed = input.trim();
  if (!trimmed) return undefined;
  // "60123456789" (country code without +) is common in Malaysia: try it as international too.
  const candidates = [trimmed];
  if (/^60\d{8,10}$/.test(trimmed.replace(/[\s-]/g, ""))) candidates.push(`+${trimmed.replace(/[\s-]/g, "")}`);
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
    if (parsed?.isValid()) return parsed.number;
  }
  return undefined;
}

/** "+60123456789" → "+60 12-345 6789" for display. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

const toE164 = (invalid: string) => (v: string, ctx: z.RefinementCtx) =>
  normalisePhone(v) ?? (ctx.addIssue({ code: "custom", message: invalid }), z.NEVER);

/**
 * The one phone field of a form schema: trimmed, normalised to E.164 by normalisePhone, with the
 * page's own words for a number it cannot read. `optional`: empty is null; `required`: empty is
 * refused with `empty`.
 */
export const phoneField = {
  optional: (invalid: string) =>
    z
      .string(invalid)
      .trim()
      .optional()
      .transform((v, ctx) => (v ? toE164(invalid)(v, ctx) : null)),
  required: (empty: string, invalid: string) => z.string(empty).trim().min(1, empty).transform(toE164(invalid)),
};
