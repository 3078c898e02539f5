/**
 * The fields every sign-up form shares (a merchant's, a supplier's, a storefront customer's), each
 * refusal worded in `locale`: one definition of what a name, an email, a new password and a ticked
 * box must be, so the doors cannot drift apart.
 */
import { z } from "zod";

import type { Locale } from "~/lib/i18n";

import { MIN_PASSWORD_LENGTH, passwordProblem } from "./passwords.server";
import { authT } from "./wording.server";

// An unticked checkbox is not sent at all: read as empty, so its rule runs (`.optional()` would let it pass).
export const checkbox = (message: string) =>
  z
    .string(message)
    .default("")
    .refine((v) => v === "on" || v === "true", message);

/** Name, email and a new password (checked alone here; against the email by the form's own refine). */
export function accountFields(locale: Locale) {
  const t = authT(locale);
  return {
    name: z.string(t("problems.signup.name")).trim().min(1, t("problems.signup.name")).max(100, t("problems.signup.nameTooLong")),
    email: z
      .string(t("problems.signup.email"))
      .trim()
      .toLowerCase()
      .pipe(z.email(t("problems.signup.email")).max(254, t("problems.signup.emailTooLong"))),
    password: z.string(t("problems.password.tooShort", { min: MIN_PASSWORD_LENGTH })).superRefine((password, ctx) => {
      const problem = passwordProblem(password, { locale });
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  };
}
