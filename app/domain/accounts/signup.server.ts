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

const checkbox = (message: string) =>
  z
    .string()
    .optional()
    .refine((v) => v === "on" || v === "true", message);

export const SignupSchema = z
  .object({
    name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email("Enter an email address like name@example.com.").max(254, "That email address is too long.")),
    phone: phoneField.required("Enter your WhatsApp number.", "Enter a valid WhatsApp number, e.g. 012-345 6789 or +60 12-345 6789."),
    companyName: z.string().trim().min(1, "Enter your company or business name.").max(120, "Use at most 120 characters."),
    password: z.string().superRefine((password, ctx) => {
      const problem = passwordProblem(password);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    adult: checkbox("You must be 18 or older to open a NetShop account."),
    terms: checkbox("Please accept the terms of service and the privacy policy."),
  })
  // Runs once the fields themselves are valid (zod skips it otherwise).
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v.password, { email: v.email });
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });

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
  const parsed = SignupSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const input = parsed.data;
  const limited = await consume("signupPerIp", request.ip ?? "unknown");
  if (!limited.ok) {
    return {
      ok: false,
      errors: { form: "Too many sign-ups from your network. Please try again later." },
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
      return { ok: false, errors: { email: "An account with this email already exists. Log in instead?" } };
    }
    throw error;
  }
}

/** The welcome WhatsApp message, in the language the person signed up in. */
export function welcomeMessage(name: string, language: Locale): string {
  return noticesT(language)("welcome", { name: name.split(/\s+/)[0] });
}
