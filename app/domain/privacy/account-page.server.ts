import { and, eq, ne } from "drizzle-orm";

import { checkCode, issueCode } from "~/domain/accounts/codes.server";
import { maskPhone } from "~/domain/accounts/two-factor.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { normalisePhone } from "~/lib/phone";
import { asPlatform, schema } from "~db/client";

/**
 * A NetShop account's own corrections (merchants and staff, /admin/account/privacy): the name at
 * once, a new WhatsApp number only after a code sent to that number proves it is theirs. Audited
 * with the number masked (the audit log outlives a later deletion of the account).
 */
type Person = { id: string; name: string; phone: string };
/** Keys of the "privacy" namespace, translated by the page. */
type CorrectionError =
  | "correct.errors.name"
  | "correct.errors.tooLong"
  | "correct.errors.phone"
  | "correct.errors.same"
  | "correct.errors.notSent"
  | "codeWrong";
export type CorrectionResult =
  { ok: true; notice?: "codeSent" | "saved"; phone?: string } | { ok: false; errors: Record<string, CorrectionError> };

const subjectOf = (userId: string, phone: string) => `phone:${userId}:${phone}`;

/** Saves a correction of a person's own account row, audited with `before` and `after` as given (personal values masked by the caller). */
export async function correctOwnAccount(
  userId: string,
  change: { name: string } | { phone: string; phoneVerifiedAt: Date } | { email: string },
  audited: { before: Record<string, string>; after: Record<string, string> },
  who: RequestInfo,
): Promise<void> {
  await asPlatform(async (tx) => {
    await tx
      .update(schema.users)
      .set({ ...change, updatedAt: new Date() })
      .where(eq(schema.users.id, userId));
    await audit(tx, {
      shopId: null,
      actorUserId: userId,
      action: "privacy.user_corrected",
      targetType: "user",
      targetId: userId,
      ...audited,
      ...who,
    });
  });
}

export async function correctUserName(user: Person, input: unknown, who: RequestInfo): Promise<CorrectionResult> {
  const name = typeof input === "string" ? input.trim() : "";
  if (!name) return { ok: false, errors: { name: "correct.errors.name" } };
  if (name.length > 100) return { ok: false, errors: { name: "correct.errors.tooLong" } };
  await correctOwnAccount(user.id, { name }, { before: { name: user.name }, after: { name } }, who);
  return { ok: true, notice: "saved" };
}

/** Step 1: a code to the new number. */
export async function startPhoneChange(user: Person, input: unknown): Promise<CorrectionResult> {
  const phone = typeof input === "string" ? normalisePhone(input) : undefined;
  if (!phone) return { ok: false, errors: { phone: "correct.errors.phone" } };
  if (phone === user.phone) return { ok: false, errors: { phone: "correct.errors.same" } };
  const sent = await issueCode({ userId: user.id, purpose: "contact_change", subjectId: subjectOf(user.id, phone), phone });
  return sent.ok ? { ok: true, notice: "codeSent", phone } : { ok: false, errors: { phone: "correct.errors.notSent" } };
}

/** Step 2: the code from the new number, then the number changes. */
export async function confirmPhoneChange(
  user: Person,
  input: { phone: unknown; code: unknown },
  who: RequestInfo,
): Promise<CorrectionResult> {
  const phone = typeof input.phone === "string" ? normalisePhone(input.phone) : undefined;
  if (!phone) return { ok: false, errors: { phone: "correct.errors.phone" } };
  const check = await checkCode({ purpose: "contact_change", subjectId: subjectOf(user.id, phone), code: String(input.code ?? "") });
  if (check.result !== "ok") return { ok: false, errors: { code: "codeWrong" } };
  // The code came back from the new number: it is verified.
  await correctOwnAccount(
    user.id,
    { phone, phoneVerifiedAt: new Date() },
    { before: { phone: maskPhone(user.phone) }, after: { phone: maskPhone(phone) } },
    who,
  );
  return { ok: true, notice: "saved" };
}

/** The shops this person owns that are still open (an owner's deletion waits until they are closed). */
export async function ownedOpenShops(userId: string): Promise<Array<{ id: string; name: string; slug: string }>> {
  return asPlatform((tx) =>
    tx
      .select({ id: schema.shops.id, name: schema.shops.name, slug: schema.shops.slug })
      .from(schema.shopMemberships)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.shopMemberships.shopId))
      .where(and(eq(schema.shopMemberships.userId, userId), eq(schema.shopMemberships.role, "owner"), ne(schema.shops.status, "closed"))),
  );
}
