import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";

import { publicUrl } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { sendSecretEmail } from "~/domain/notify/messages.server";
import { signedCookie } from "~/lib/cookies.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import type { Locale } from "~/lib/i18n";
import { consume, consumeAll, isLimited } from "~/lib/rate-limit.server";
import { randomToken, sha256 } from "~/lib/secrets.server";
import { asPlatform, schema, type Tx } from "~db/client";

import { checkCode, codeProblem, issueCode } from "./codes.server";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.server";
import { revokeAllSessions, type Session, type User } from "./sessions.server";
import { maskPhone, revokeTrustedDevices, securityNotice } from "./two-factor.server";
import { type AuthT, authT, waitIn } from "./wording.server";

/**
 * Password reset (by emailed link or WhatsApp code; single use, 30 minutes) and password change.
 * The answer to a reset request never says whether the account exists. A reset ends every
 * session and forgets every trusted device; a change ends every other session. Refusals are
 * worded in the `locale` the caller passes (the page's language).
 */

export const RESET_TTL_MS = 30 * 60 * 1000;

const resetCookie = () => signedCookie("__reset", { path: "/password", maxAgeSeconds: RESET_TTL_MS / 1000 });

const newPasswordFields = {
  password: z.string(),
  confirm: z.string(),
};

function checkNewPassword(
  v: { password: string; confirm: string },
  ctx: z.RefinementCtx,
  check: { email?: string; locale: Locale; t: AuthT },
) {
  const problem = passwordProblem(v.password, { email: check.email, locale: check.locale });
  if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  else if (v.password !== v.confirm) ctx.addIssue({ code: "custom", path: ["confirm"], message: check.t("problems.password.different") });
}

const forgotSchema = (t: AuthT) =>
  z.object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email(t("problems.resetEmail"))),
    method: z.enum(["whatsapp", "email"], { error: t("problems.resetMethod") }),
  });

export type ForgotResult =
  | { ok: true; method: "email" }
  | { ok: true; method: "whatsapp"; setCookie: string }
  | { ok: false; errors: FieldErrors; retryAfterSeconds?: number };

export async function requestPasswordReset(form: Record<string, unknown>, who: RequestInfo, locale: Locale): Promise<ForgotResult> {
  const t = authT(locale);
  const parsed = forgotSchema(t).safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { email, method } = parsed.data;
  const limited = await consumeAll(["passwordResetPerIp", who.ip ?? "unknown"], ["passwordResetPerAccount", email]);
  if (!limited.ok) {
    return {
      ok: false,
      errors: { form: t("problems.tooManyResets", { wait: waitIn(t, limited.retryAfterSeconds) }) },
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  }
  const [user] = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, email)),
  );
  const token = randomToken();
  const id = sha256(token);
  if (user) {
    await asPlatform(async (tx) => {
      await tx
        .insert(schema.passwordResets)
        .values({ id, userId: user.id, method, ip: who.ip, expiresAt: new Date(Date.now() + RESET_TTL_MS) });
      await audit(tx, {
        shopId: null,
        actorUserId: user.id,
        action: "account.password_reset_requested",
        targetType: "user",
        targetId: user.id,
        after: { method },
        ...who,
      });
    });
    if (method === "email") {
      const link = `${publicUrl()}/password/reset?token=${token}`;
      // In the account's own language (the person reading it may not be the one who asked).
      const theirs = authT(user.preferredLanguage);
      const text = (url: string) => theirs("resetEmail.body", { name: user.name.split(/\s+/)[0], url });
      await sendSecretEmail({
        shopId: null,
        userId: user.id,
        to: user.email,
        purpose: "password_reset_link",
        subject: theirs("resetEmail.subject"),
        text: text(link),
        redactedBody: text("[reset link]"),
      });
    } else {
      const perUser = await consume("codeSendPerUser", user.id);
      if (perUser.ok) await issueCode({ userId: user.id, purpose: "password_reset", subjectId: id, phone: user.phone });
    }
  }
  // The same answer whether or not the account exists (no account enumeration).
  if (method === "email") return { ok: true, method };
  return { ok: true, method, setCookie: await resetCookie().serialize(token) };
}

async function liveReset(token: string, method: "whatsapp" | "email") {
  const [row] = await asPlatform((tx) =>
    tx
      .select({ reset: schema.passwordResets, user: schema.users })
      .from(schema.passwordResets)
      .innerJoin(schema.users, eq(schema.users.id, schema.passwordResets.userId))
      .where(
        and(
          eq(schema.passwordResets.id, sha256(token)),
          eq(schema.passwordResets.method, method),
          isNull(schema.passwordResets.usedAt),
          gt(schema.passwordResets.expiresAt, new Date()),
        ),
      ),
  );
  return row;
}

export type ResetView = { via: "email"; valid: boolean; email?: string } | { via: "whatsapp"; started: boolean; maskedPhone?: string };

/** What the reset page shows: the emailed link's state, or the WhatsApp code form. */
export async function readPasswordReset(request: Request, linkToken: string | null): Promise<ResetView> {
  if (linkToken) {
    const found = await liveReset(linkToken, "email");
    return { via: "email", valid: Boolean(found), email: found?.user.email };
  }
  const token = await resetCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string") return { via: "whatsapp", started: false };
  const found = await liveReset(token, "whatsapp");
  return { via: "whatsapp", started: true, maskedPhone: found ? maskPhone(found.user.phone) : undefined };
}

export type ResetResult =
  { ok: true; setCookie: string } | { ok: false; status: 400 | 401 | 429; errors: FieldErrors; retryAfterSeconds?: number };

/** Sets the new password from an emailed link (form.token) or a WhatsApp code (cookie + form.code). */
export async function completePasswordReset(
  request: Request,
  form: Record<string, unknown>,
  who: RequestInfo,
  locale: Locale,
): Promise<ResetResult> {
  const t = authT(locale);
  const viaLink = typeof form.token === "string" && form.token.length > 0;
  const token = viaLink ? (form.token as string) : await resetCookie().parse(request.headers.get("Cookie"));
  const expired = { ok: false, status: 400, errors: { form: t("problems.resetExpired") } } as const;
  if (typeof token !== "string") return expired;

  const perIp = await consume("codeVerifyPerIp", who.ip ?? "unknown");
  if (!perIp.ok)
    return {
      ok: false,
      status: 429,
      errors: { form: t("problems.tooManyAttempts", { wait: waitIn(t, perIp.retryAfterSeconds) }) },
      retryAfterSeconds: perIp.retryAfterSeconds,
    };

  const found = await liveReset(token, viaLink ? "email" : "whatsapp");
  const parsed = z
    .object(newPasswordFields)
    .superRefine((v, ctx) => checkNewPassword(v, ctx, { email: found?.user.email, locale, t }))
    .safeParse(form);
  if (!parsed.success) return { ok: false, status: 400, errors: fieldErrors(parsed.error) };

  if (!viaLink) {
    const code = typeof form.code === "string" ? form.code : "";
    if (!code.trim()) return { ok: false, status: 400, errors: { code: t("problems.enterWhatsAppCode") } };
    // Without a live reset (unknown email, expired) the answer is the same as for a wrong code.
    const check = found
      ? await checkCode({ purpose: "password_reset", subjectId: found.reset.id, code })
      : ({ result: "wrong", attemptsLeft: 4 } as const);
    if (check.result !== "ok") return { ok: false, status: 401, errors: { code: codeProblem(check, t) } };
  }
  if (!found) return expired;

  const passwordHash = await hashPassword(parsed.data.password);
  const done = await asPlatform(async (tx) => {
    const used = await tx
      .update(schema.passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(schema.passwordResets.id, found.reset.id), isNull(schema.passwordResets.usedAt)))
      .returning({ id: schema.passwordResets.id });
    if (used.length === 0) return false;
    // Other resets still open for this person die with this one.
    await tx
      .update(schema.passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(schema.passwordResets.userId, found.user.id), isNull(schema.passwordResets.usedAt)));
    await setPassword(tx, found.user, passwordHash);
    const sessions = await revokeAllSessions(tx, found.user.id);
    const devices = await revokeTrustedDevices(tx, found.user.id);
    await audit(tx, {
      shopId: null,
      actorUserId: found.user.id,
      action: "account.password_reset",
      targetType: "user",
      targetId: found.user.id,
      after: { method: found.reset.method, sessionsEnded: sessions, trustedDevicesForgotten: devices },
      ...who,
    });
    await securityNotice(tx, found.user, "passwordReset");
    return true;
  });
  if (!done) return expired;
  return { ok: true, setCookie: await resetCookie().serialize("", { maxAge: 0 }) };
}

async function setPassword(tx: Tx, user: Pick<User, "id">, passwordHash: string) {
  const now = new Date();
  await tx.update(schema.users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(schema.users.id, user.id));
}

export type ChangeResult =
  { ok: true; otherSessionsEnded: number } | { ok: false; status: 400 | 429; errors: FieldErrors; retryAfterSeconds?: number };

/** Changes the password of the signed-in person, who confirms the current one. */
export async function changePassword(
  user: User,
  session: Session,
  form: Record<string, unknown>,
  who: RequestInfo,
  locale: Locale,
): Promise<ChangeResult> {
  const t = authT(locale);
  const parsed = z
    .object({ current: z.string().min(1, t("problems.password.enterCurrent")), ...newPasswordFields })
    .superRefine((v, ctx) => {
      checkNewPassword(v, ctx, { email: user.email, locale, t });
      if (v.current && v.password === v.current)
        ctx.addIssue({ code: "custom", path: ["password"], message: t("problems.password.sameAsCurrent") });
    })
    .safeParse(form);
  if (!parsed.success) return { ok: false, status: 400, errors: fieldErrors(parsed.error) };
  const checked = await checkCurrentPassword(user, parsed.data.current, who);
  if (checked.result === "slowed") {
    const { retryAfterSeconds } = checked;
    return { ok: false, status: 429, errors: { current: tooManyWrongPasswords(t, retryAfterSeconds) }, retryAfterSeconds };
  }
  if (checked.result === "wrong") return { ok: false, status: 400, errors: { current: t("problems.password.notCurrent") } };
  const passwordHash = await hashPassword(parsed.data.password);
  const otherSessionsEnded = await asPlatform(async (tx) => {
    await setPassword(tx, user, passwordHash);
    const ended = await revokeAllSessions(tx, user.id, { except: session.id });
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: "account.password_changed",
      targetType: "user",
      targetId: user.id,
      after: { otherSessionsEnded: ended },
      ...who,
    });
    await securityNotice(tx, user, "passwordChanged");
    return ended;
  });
  return { ok: true, otherSessionsEnded };
}

/** Re-authentication for sensitive actions: the current password (OWASP ASVS 3.7.1). */
export async function confirmPassword(
  user: User,
  password: string,
  who: RequestInfo,
  locale: Locale,
): Promise<{ ok: true } | { ok: false; status: 400 | 429; error: string; retryAfterSeconds?: number }> {
  const t = authT(locale);
  const checked = await checkCurrentPassword(user, password, who);
  if (checked.result === "slowed") {
    const { retryAfterSeconds } = checked;
    return { ok: false, status: 429, error: tooManyWrongPasswords(t, retryAfterSeconds), retryAfterSeconds };
  }
  if (checked.result === "wrong") return { ok: false, status: 400, error: t("problems.password.notYours") };
  await asPlatform((tx) =>
    audit(tx, { shopId: null, actorUserId: user.id, action: "account.reauthenticated", targetType: "user", targetId: user.id, ...who }),
  );
  return { ok: true };
}

const tooManyWrongPasswords = (t: ReturnType<typeof authT>, retryAfterSeconds: number) =>
  t("problems.password.tooManyWrong", { wait: waitIn(t, retryAfterSeconds) });

/**
 * The signed-in person's password checked under the per-account slowing of wrong passwords (from
 * this address): right, wrong (counted), or not tried because the wait is not over.
 */
async function checkCurrentPassword(
  user: User,
  password: string,
  who: RequestInfo,
): Promise<{ result: "ok" | "wrong" } | { result: "slowed"; retryAfterSeconds: number }> {
  const key = `${user.email.toLowerCase()}|${who.ip ?? "unknown"}`;
  const blocked = await isLimited("loginPerAccount", key);
  if (!blocked.ok) return { result: "slowed", retryAfterSeconds: blocked.retryAfterSeconds };
  if (await verifyPassword(password, user.passwordHash)) return { result: "ok" };
  const limited = await consume("loginPerAccount", key);
  return limited.ok ? { result: "wrong" } : { result: "slowed", retryAfterSeconds: limited.retryAfterSeconds };
}
