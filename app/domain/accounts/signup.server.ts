import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { noticesT } from "~/domain/notify/language.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { acceptedAtSignup, recordAcceptance, type SignupPolicyRefusal } from "~/domain/policies/versions.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { phoneField } from "~/lib/phone";
import { consume } from "~/lib/rate-limit.server";
import { asPlatform, pgConstraint, schema } from "~db/client";

import { hashPassword, passwordProblem } from "./passwords.server";
import { accountFields, checkbox } from "./signup-fields.server";
import { authT } from "./wording.server";

/** The sign-up form's rules, with every refusal worded in `locale` (the page's language). */
export function signupSchema(locale: Locale = DEFAULT_LOCALE) {
  const t = authT(locale);
  return (
    z
      .object({
        ...accountFields(locale),
        phone: phoneField.required(t("problems.signup.phone"), t("problems.signup.phoneInvalid")),
        companyName: z
          .string(t("problems.signup.company"))
          .trim()
          .min(1, t("problems.signup.company"))
          .max(120, t("problems.signup.companyTooLong")),
        adult: checkbox(t("problems.signup.adult")),
        terms: checkbox(t("problems.signup.terms")),
      })
      // Runs once the fields themselves are valid (zod skips it otherwise).
      .superRefine((v, ctx) => {
        const problem = passwordProblem(v.password, { email: v.email, locale });
        if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
      })
  );
}

export type SignupResult =
  { ok: true; userId: string } | { ok: false; errors: FieldErrors; retryAfterSeconds?: number; policies?: SignupPolicyRefusal };

/**
 * Opens a merchant account: the user row, the acceptance of the privacy policy and terms in
 * force, an audit entry and the welcome WhatsApp message, in one transaction (the message is sent after commit through the outbox). Platform-level: the
 * person has no shop yet.
 */
export async function signUp(
  form: Record<string, unknown>,
  request: RequestInfo,
  language: Locale = DEFAULT_LOCALE,
): Promise<SignupResult> {
  const t = authT(language);
  const parsed = signupSchema(language).safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const input = parsed.data;
  const limited = await consume("signupPerIp", request.ip ?? "unknown");
  if (!limited.ok) {
    return {
      ok: false,
      errors: { form: t("problems.signup.tooMany") },
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const created = await asPlatform(async (tx) => {
      const now = new Date();
      // The terms and the privacy policy the page showed, recorded as accepted, if still in force.
      const shown = await acceptedAtSignup(tx, ["privacy", "terms"], form);
      if (!shown.ok) return shown;
      const accepted = shown.versions;
      const [user] = await tx
        .insert(schema.users)
        .values({
          email: input.email,
          name: input.name,
          phone: input.phone,
          passwordHash,
          // The language of the sign-up page: what NetShop sends this person is written in it.
          preferredLanguage: language,
          adultConfirmedAt: now,
          termsAcceptedAt: now,
          termsVersion: accepted.find((v) => v.document === "terms")?.version ?? "none published",
        })
        .returning({ id: schema.users.id });
      await recordAcceptance(tx, { kind: "user", userId: user.id }, accepted, now);
      await audit(tx, {
        shopId: null,
        actorUserId: user.id,
        action: "account.signed_up",
        targetType: "user",
        targetId: user.id,
        ...request,
      });
      await queueMessage(tx, {
        channel: "whatsapp",
        shopId: null,
        userId: user.id,
        to: input.phone,
        purpose: "welcome",
        body: welcomeMessage(input.name, language),
      });
      return { ok: true as const, userId: user.id };
    });
    if (!created.ok) return { ok: false, errors: {}, policies: created.refusal };
    return created;
  } catch (error) {
    if (pgConstraint(error) === "users_email_key") {
      return { ok: false, errors: { email: t("problems.signup.emailTaken") } };
    }
    throw error;
  }
}

/** The welcome WhatsApp message, in the language the person signed up in. */
export function welcomeMessage(name: string, language: Locale): string {
  return noticesT(language)("welcome", { name: name.split(/\s+/)[0] });
}
