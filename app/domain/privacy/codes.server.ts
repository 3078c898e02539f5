import { and, desc, eq, isNull } from "drizzle-orm";

import { sendSecretEmail, sendSecretWhatsApp } from "~/domain/notify/messages.server";
import { normalisePhone } from "~/lib/phone";
import { keyedHash, randomDigits, verifyKeyedHash } from "~/lib/secrets.server";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

/**
 * One-time codes of the privacy pages, sent to an email address or a WhatsApp number:
 * - `guest_proof`: a guest buyer proves they hold a contact their orders in a shop carry;
 * - `contact_change`: a new email or number is confirmed before it replaces the old one.
 * Neither the contact nor the code is stored: the row keeps keyed hashes of both (bound to the
 * purpose, the shop or account, and the contact), and the messages row a redacted body. A code is
 * single use, expires after CODE_TTL_MS and dies after MAX_ATTEMPTS wrong answers; a new code for
 * the same subject replaces the previous one.
 */
export type PrivacyCodePurpose = "guest_proof" | "contact_change";
type Locale = "en" | "ms" | "zh";

export const CODE_TTL_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 5;

/** An email address (lower-cased) or an E.164 number, or undefined when the input is neither. */
export function normaliseContact(input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  const value = input.trim();
  if (value.includes("@")) {
    const email = value.toLowerCase();
    return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : undefined;
  }
  return value.length <= 30 ? normalisePhone(value) : undefined;
}

export const isPhoneContact = (contact: string) => contact.startsWith("+");

const TEXT: Record<Locale, { message: (code: string) => string; subject: string }> = {
  en: {
    message: (code) => `Your NetShop privacy code is ${code}. It expires in 15 minutes. If you did not ask for it, ignore this message.`,
    subject: "Your NetShop privacy code",
  },
  ms: {
    message: (code) => `Kod privasi NetShop anda ialah ${code}. Ia tamat dalam 15 minit. Jika anda tidak memintanya, abaikan mesej ini.`,
    subject: "Kod privasi NetShop anda",
  },
  zh: {
    message: (code) => `您的 NetShop 隐私验证码是 ${code}，15 分钟内有效。如果不是您本人申请，请忽略此消息。`,
    subject: "您的 NetShop 隐私验证码",
  },
};

const REDACTED = "••••••";

function subjectHash(purpose: PrivacyCodePurpose, scope: string, contact: string): string {
  return keyedHash(`privacy-code-subject:${purpose}`, `${scope}\n${contact}`);
}
const codeContext = (purpose: PrivacyCodePurpose, subject: string) => `privacy-code:${purpose}:${subject}`;

function inScope<T>(shopId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return shopId ? withShop(shopId, fn) : asPlatform(fn);
}

export interface CodeSubject {
  purpose: PrivacyCodePurpose;
  shopId: string | null;
  /** What the code is bound to besides the contact: the shop (guest proof), the customer or account (a change). */
  scope: string;
  contact: string;
}

/** Stores a new code for the subject (replacing any earlier one) and sends it now. */
export async function issuePrivacyCode(
  subject: CodeSubject,
  options: { locale: Locale; userId?: string },
): Promise<{ ok: true } | { ok: false; error: string }> {
  const code = randomDigits(6);
  const now = new Date();
  const hash = subjectHash(subject.purpose, subject.scope, subject.contact);
  await inScope(subject.shopId, async (tx) => {
    await tx
      .update(schema.privacyCodes)
      .set({ consumedAt: now })
      .where(and(eq(schema.privacyCodes.subjectHash, hash), isNull(schema.privacyCodes.consumedAt)));
    await tx.insert(schema.privacyCodes).values({
      shopId: subject.shopId,
      purpose: subject.purpose,
      subjectHash: hash,
      codeHash: keyedHash(codeContext(subject.purpose, hash), code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
    });
  });
  const text = TEXT[options.locale];
  const message = {
    shopId: subject.shopId,
    userId: options.userId,
    to: subject.contact,
    purpose: `privacy_${subject.purpose}_code`,
    text: text.message(code),
    redactedBody: text.message(REDACTED),
  };
  const sent = isPhoneContact(subject.contact)
    ? await sendSecretWhatsApp({ ...message, code })
    : await sendSecretEmail({ ...message, subject: text.subject });
  return sent.ok ? { ok: true } : { ok: false, error: sent.errors.form };
}

export type PrivacyCodeCheck = "ok" | "wrong" | "expired" | "too_many" | "none";

/** Checks an answer against the subject's current code, counting wrong answers; a right answer uses the code up. */
export async function checkPrivacyCode(subject: CodeSubject, answer: unknown, now = new Date()): Promise<PrivacyCodeCheck> {
  const code = typeof answer === "string" ? answer.replace(/\s+/g, "") : "";
  const hash = subjectHash(subject.purpose, subject.scope, subject.contact);
  return inScope(subject.shopId, async (tx) => {
    const [current] = await tx
      .select()
      .from(schema.privacyCodes)
      .where(and(eq(schema.privacyCodes.subjectHash, hash), isNull(schema.privacyCodes.consumedAt)))
      .orderBy(desc(schema.privacyCodes.createdAt))
      .limit(1)
      .for("update");
    if (!current) return "none";
    if (current.expiresAt.getTime() <= now.getTime()) return "expired";
    if (current.attempts >= MAX_ATTEMPTS) return "too_many";
    if (/^\d{6}$/.test(code) && verifyKeyedHash(codeContext(subject.purpose, hash), code, current.codeHash)) {
      await tx.update(schema.privacyCodes).set({ consumedAt: now }).where(eq(schema.privacyCodes.id, current.id));
      return "ok";
    }
    const attempts = current.attempts + 1;
    await tx.update(schema.privacyCodes).set({ attempts }).where(eq(schema.privacyCodes.id, current.id));
    return attempts >= MAX_ATTEMPTS ? "too_many" : "wrong";
  });
}
