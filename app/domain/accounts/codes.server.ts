import { and, desc, eq, isNull } from "drizzle-orm";

import { noticesT } from "~/domain/notify/language.server";
import { sendSecretWhatsApp } from "~/domain/notify/messages.server";
import { keyedHash, randomDigits, verifyKeyedHash } from "~/lib/secrets.server";
import { asPlatform, schema } from "~db/client";

import type { AuthT } from "./wording.server";

/**
 * One-time codes sent by WhatsApp. The code exists in plaintext only in this request and in the
 * WhatsApp message; the database keeps a keyed hash bound to what the code is for, the messages
 * row a redacted body. Each code is single use, expires, and dies after MAX_CODE_ATTEMPTS wrong
 * answers; a new code for the same subject replaces the previous one.
 */

export type CodePurpose = (typeof schema.codePurposeEnum.enumValues)[number];
export const MAX_CODE_ATTEMPTS = 5;
export const CODE_TTL_MS: Record<CodePurpose, number> = {
  sign_in: 5 * 60 * 1000,
  password_reset: 30 * 60 * 1000,
  contact_change: 15 * 60 * 1000,
};
const REDACTED = "••••••";

/** The code's message, in the person's own language. */
function codeMessage(purpose: CodePurpose, code: string, language: unknown): string {
  return noticesT(language)(`codes.${purpose}`, { code });
}

const context = (purpose: CodePurpose, subjectId: string) => `code:${purpose}:${subjectId}`;

export type IssueResult = { ok: true } | { ok: false; retryable: boolean; error: string };

/** Creates a code for `subjectId` (replacing any earlier one) and sends it by WhatsApp now. */
export async function issueCode(input: { userId: string; purpose: CodePurpose; subjectId: string; phone: string }): Promise<IssueResult> {
  const code = randomDigits(6);
  const now = new Date();
  const { codeId, language } = await asPlatform(async (tx) => {
    const [user] = await tx
      .select({ language: schema.users.preferredLanguage })
      .from(schema.users)
      .where(eq(schema.users.id, input.userId));
    await tx
      .update(schema.verificationCodes)
      .set({ consumedAt: now })
      .where(and(eq(schema.verificationCodes.subjectId, input.subjectId), isNull(schema.verificationCodes.consumedAt)));
    const [row] = await tx
      .insert(schema.verificationCodes)
      .values({
        userId: input.userId,
        purpose: input.purpose,
        subjectId: input.subjectId,
        codeHash: keyedHash(context(input.purpose, input.subjectId), code),
        sentTo: input.phone,
        // Both from the same clock, so the recorded lifetime is exactly the TTL.
        createdAt: now,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS[input.purpose]),
      })
      .returning({ id: schema.verificationCodes.id });
    return { codeId: row.id, language: user?.language };
  });
  const sent = await sendSecretWhatsApp({
    shopId: null,
    userId: input.userId,
    to: input.phone,
    purpose: `${input.purpose}_code`,
    text: codeMessage(input.purpose, code, language),
    redactedBody: codeMessage(input.purpose, REDACTED, language),
    code,
  });
  await asPlatform((tx) =>
    tx.update(schema.verificationCodes).set({ messageId: sent.messageId }).where(eq(schema.verificationCodes.id, codeId)),
  );
  return sent.ok ? { ok: true } : { ok: false, retryable: sent.retryable, error: sent.errors.form };
}

export type CodeCheck = { result: "ok" } | { result: "wrong"; attemptsLeft: number } | { result: "expired" | "too_many" | "none" };

/** Checks an answer against the subject's current code, counting wrong answers. */
export async function checkCode(input: { purpose: CodePurpose; subjectId: string; code: string }): Promise<CodeCheck> {
  const answer = input.code.replace(/\s+/g, "");
  return asPlatform(async (tx) => {
    const [current] = await tx
      .select()
      .from(schema.verificationCodes)
      .where(
        and(
          eq(schema.verificationCodes.subjectId, input.subjectId),
          eq(schema.verificationCodes.purpose, input.purpose),
          isNull(schema.verificationCodes.consumedAt),
        ),
      )
      .orderBy(desc(schema.verificationCodes.createdAt))
      .limit(1)
      .for("update");
    if (!current) return { result: "none" } as const;
    if (current.expiresAt.getTime() <= Date.now()) return { result: "expired" } as const;
    if (current.attempts >= MAX_CODE_ATTEMPTS) return { result: "too_many" } as const;
    if (/^\d{6}$/.test(answer) && verifyKeyedHash(context(input.purpose, input.subjectId), answer, current.codeHash)) {
      await tx.update(schema.verificationCodes).set({ consumedAt: new Date() }).where(eq(schema.verificationCodes.id, current.id));
      return { result: "ok" } as const;
    }
    const attempts = current.attempts + 1;
    await tx.update(schema.verificationCodes).set({ attempts }).where(eq(schema.verificationCodes.id, current.id));
    return attempts >= MAX_CODE_ATTEMPTS
      ? ({ result: "too_many" } as const)
      : ({ result: "wrong", attemptsLeft: MAX_CODE_ATTEMPTS - attempts } as const);
  });
}

/** The message for a failed check, saying what to do next. */
export function codeProblem(check: Exclude<CodeCheck, { result: "ok" }>, t: AuthT): string {
  switch (check.result) {
    case "wrong":
      return t("problems.code.wrong", { count: check.attemptsLeft });
    case "expired":
      return t("problems.code.expired");
    case "too_many":
      return t("problems.code.tooMany");
    case "none":
      return t("problems.code.none");
  }
}
