/**
 * Two-factor sign-in: the login challenge (WhatsApp code, authenticator app or recovery code),
 * trusted devices, and setting the method up.
 *
 * Over ~400 lines because the challenge and the set-up share the methods, codes and their limits;
 * trusted devices could move out next.
 */
import { and, desc, eq, gt, isNull } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { signedCookie } from "~/lib/cookies.server";
import { type Refusal, refuse } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { formatPhone } from "~/lib/phone";
import { consume, consumeAll } from "~/lib/rate-limit.server";
import { randomToken, sha256 } from "~/lib/secrets.server";
import { asPlatform, schema, type Tx } from "~db/client";

import { checkCode, codeProblem, issueCode } from "./codes.server";
import { replaceRecoveryCodes, unusedRecoveryCodes, useRecoveryCode } from "./recovery-codes.server";
import type { SecondFactorUsed, User } from "./sessions.server";
import { confirmTotpEnrolment, hasConfirmedTotp, verifyTotp } from "./totp.server";
import { type AuthT, authT, waitIn } from "./wording.server";

/**
 * The second step of a login: a WhatsApp code or an authenticator-app code (or a recovery code),
 * skipped on a device the person chose to trust for 30 days. Between the password and the second
 * factor the browser holds only a random challenge token (cookie, 15 minutes); no session exists.
 */

const CHALLENGE_TTL_MS = 15 * 60 * 1000;
export const TRUST_DEVICE_FOR_MS = 30 * 24 * 3600 * 1000;

export type SecondFactor = "whatsapp" | "totp";

const challengeCookie = () => signedCookie("__login", { path: "/", maxAgeSeconds: CHALLENGE_TTL_MS / 1000 });
const trustedCookie = () => signedCookie("__trusted", { path: "/", maxAgeSeconds: TRUST_DEVICE_FOR_MS / 1000 });

/** Names of the shops (where the person is an active member) whose owner requires 2FA. */
export async function shopsRequiringTwoFactor(userId: string): Promise<string[]> {
  const rows = await asPlatform((tx) =>
    tx
      .select({ name: schema.shops.name })
      .from(schema.shopMemberships)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.shopMemberships.shopId))
      .where(
        and(
          eq(schema.shopMemberships.userId, userId),
          isNull(schema.shopMemberships.frozenAt),
          eq(schema.shops.requireTwoFactor, true),
          eq(schema.shops.status, "active"),
        ),
      ),
  );
  return rows.map((r) => r.name);
}

/** The second factor this person's login needs, or null for password only. */
export async function secondFactorFor(user: Pick<User, "id" | "twoFactorMethod">): Promise<SecondFactor | null> {
  if (user.twoFactorMethod === "totp" && (await hasConfirmedTotp(user.id))) return "totp";
  if (user.twoFactorMethod !== "none") return "whatsapp";
  return (await shopsRequiringTwoFactor(user.id)).length > 0 ? "whatsapp" : null;
}

// --- Trusted devices -------------------------------------------------------------------------

/** Whether this browser carries a live "trusted device" token of this person. */
export async function isTrustedDevice(request: Request, userId: string): Promise<boolean> {
  const token = await trustedCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string") return false;
  const now = new Date();
  const used = await asPlatform((tx) =>
    tx
      .update(schema.trustedDevices)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(schema.trustedDevices.id, sha256(token)),
          eq(schema.trustedDevices.userId, userId),
          isNull(schema.trustedDevices.revokedAt),
          gt(schema.trustedDevices.expiresAt, now),
        ),
      )
      .returning({ id: schema.trustedDevices.id }),
  );
  return used.length > 0;
}

async function trustThisDevice(userId: string, who: RequestInfo): Promise<string> {
  const token = randomToken();
  await asPlatform((tx) =>
    tx.insert(schema.trustedDevices).values({
      id: sha256(token),
      userId,
      ip: who.ip,
      userAgent: who.userAgent?.slice(0, 400),
      expiresAt: new Date(Date.now() + TRUST_DEVICE_FOR_MS),
    }),
  );
  return trustedCookie().serialize(token);
}

export async function listTrustedDevices(userId: string) {
  return asPlatform((tx) =>
    tx
      .select({
        id: schema.trustedDevices.id,
        userAgent: schema.trustedDevices.userAgent,
        ip: schema.trustedDevices.ip,
        createdAt: schema.trustedDevices.createdAt,
        lastUsedAt: schema.trustedDevices.lastUsedAt,
        expiresAt: schema.trustedDevices.expiresAt,
      })
      .from(schema.trustedDevices)
      .where(
        and(
          eq(schema.trustedDevices.userId, userId),
          isNull(schema.trustedDevices.revokedAt),
          gt(schema.trustedDevices.expiresAt, new Date()),
        ),
      )
      .orderBy(desc(schema.trustedDevices.lastUsedAt)),
  );
}

/** Forgets every trusted device of the person: their next login asks for the second factor. */
export async function revokeTrustedDevices(tx: Tx, userId: string): Promise<number> {
  const revoked = await tx
    .update(schema.trustedDevices)
    .set({ revokedAt: new Date() })
    .where(and(eq(schema.trustedDevices.userId, userId), isNull(schema.trustedDevices.revokedAt)))
    .returning({ id: schema.trustedDevices.id });
  return revoked.length;
}

// --- Login challenges ------------------------------------------------------------------------

export interface ChallengeStart {
  setCookie: string;
  method: SecondFactor;
  /** Why the WhatsApp code could not be sent (the page offers to send it again). */
  sendProblem?: string;
}

/** After a correct password: starts the second step and, for WhatsApp, sends the code. */
export async function beginLoginChallenge(
  user: Pick<User, "id" | "phone" | "twoFactorMethod">,
  method: SecondFactor,
  input: { remember: boolean; redirectTo: string },
  who: RequestInfo,
): Promise<ChallengeStart> {
  const token = randomToken();
  const id = sha256(token);
  await asPlatform((tx) =>
    tx.insert(schema.loginChallenges).values({
      id,
      userId: user.id,
      remember: input.remember,
      redirectTo: input.redirectTo,
      ip: who.ip,
      userAgent: who.userAgent?.slice(0, 400),
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
    }),
  );
  const setCookie = await challengeCookie().serialize(token);
  if (method !== "whatsapp") return { setCookie, method };
  const sent = await sendLoginCode({ challengeId: id, userId: user.id, phone: user.phone }, who, authT(DEFAULT_LOCALE));
  return { setCookie, method, sendProblem: sent.ok ? undefined : sent.errors.form };
}

/** A code not sent now: why, and how long to wait when a limit was hit. */
type LoginCodeRefusal = Refusal & { retryAfterSeconds?: number };

async function sendLoginCode(
  target: { challengeId: string; userId: string; phone: string },
  who: RequestInfo,
  t: AuthT,
): Promise<{ ok: true } | LoginCodeRefusal> {
  const limited = await consumeAll(["codeSendPerUser", target.userId], ["codeSendPerIp", who.ip ?? "unknown"]);
  if (!limited.ok) {
    return {
      ...refuse(t("problems.tooManyCodesSent", { wait: waitIn(t, limited.retryAfterSeconds) })),
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  }
  const issued = await issueCode({ userId: target.userId, purpose: "sign_in", subjectId: target.challengeId, phone: target.phone });
  if (issued.ok) return { ok: true };
  return refuse(issued.retryable ? t("problems.notSent") : t("problems.notAccepted"));
}

export interface PendingLogin {
  challengeId: string;
  userId: string;
  method: SecondFactor;
  /** Where the WhatsApp code went, shown partly ("+60 12-••• 6789"). */
  maskedPhone: string;
  recoveryCodesLeft: number;
  remember: boolean;
  redirectTo: string;
}

async function findChallenge(request: Request) {
  const token = await challengeCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string") return undefined;
  const [row] = await asPlatform((tx) =>
    tx
      .select({ challenge: schema.loginChallenges, user: schema.users })
      .from(schema.loginChallenges)
      .innerJoin(schema.users, eq(schema.users.id, schema.loginChallenges.userId))
      .where(
        and(
          eq(schema.loginChallenges.id, sha256(token)),
          isNull(schema.loginChallenges.completedAt),
          gt(schema.loginChallenges.expiresAt, new Date()),
        ),
      ),
  );
  return row;
}

/** The login waiting for its second factor in this browser, if any. */
export async function readLoginChallenge(request: Request): Promise<PendingLogin | undefined> {
  const found = await findChallenge(request);
  if (!found) return undefined;
  const method = (await secondFactorFor(found.user)) ?? "whatsapp";
  return {
    challengeId: found.challenge.id,
    userId: found.user.id,
    method,
    maskedPhone: maskPhone(found.user.phone),
    recoveryCodesLeft: await unusedRecoveryCodes(found.user.id),
    remember: found.challenge.remember,
    redirectTo: found.challenge.redirectTo ?? "/admin",
  };
}

export function maskPhone(e164: string): string {
  const formatted = formatPhone(e164);
  const visible = 4;
  let seen = 0;
  // Keep the country code and the last four digits.
  const chars = [...formatted].reverse().map((c) => {
    if (!/\d/.test(c)) return c;
    seen++;
    return seen <= visible ? c : "•";
  });
  const masked = chars.reverse().join("");
  const country = formatted.split(" ")[0];
  return `${country}${masked.slice(country.length)}`;
}

/** "Send a new code": at most one every 30 seconds, and within the per-person limits. Refusals are worded in `locale`. */
export async function resendLoginCode(request: Request, who: RequestInfo, locale: Locale): Promise<{ ok: true } | LoginCodeRefusal> {
  const t = authT(locale);
  const found = await findChallenge(request);
  if (!found) return refuse(t("problems.loginExpired"));
  const cooldown = await consume("codeResend", found.challenge.id);
  if (!cooldown.ok) {
    return {
      ...refuse(t("problems.justSent", { wait: waitIn(t, cooldown.retryAfterSeconds) })),
      retryAfterSeconds: cooldown.retryAfterSeconds,
    };
  }
  return sendLoginCode({ challengeId: found.challenge.id, userId: found.user.id, phone: found.user.phone }, who, t);
}

export type VerifyResult =
  | { ok: true; userId: string; remember: boolean; redirectTo: string; secondFactor: SecondFactorUsed; setCookies: string[] }
  | (Refusal & { status: 400 | 401 | 429; retryAfterSeconds?: number; expired?: boolean });

/**
 * Checks the second factor of the login waiting in this browser. Success completes the challenge
 * (once only), optionally trusts the device, and clears the challenge cookie; the caller then
 * starts the session. Refusals are worded in `locale`.
 */
export async function completeLoginChallenge(
  request: Request,
  form: Record<string, unknown>,
  who: RequestInfo,
  locale: Locale,
): Promise<VerifyResult> {
  const t = authT(locale);
  const found = await findChallenge(request);
  if (!found) return { ...refuse(t("problems.loginExpired")), status: 400, expired: true };
  const { user, challenge } = found;
  const answer = typeof form.code === "string" ? form.code.trim() : "";
  const useRecovery = form.using === "recovery";
  if (!answer) return { ...refuse(useRecovery ? t("problems.enterRecoveryCode") : t("problems.enterCode"), "code"), status: 400 };

  const perIp = await consume("codeVerifyPerIp", who.ip ?? "unknown");
  if (!perIp.ok) {
    return {
      ...refuse(t("problems.tooManyAttempts", { wait: waitIn(t, perIp.retryAfterSeconds) })),
      status: 429,
      retryAfterSeconds: perIp.retryAfterSeconds,
    };
  }

  const method = await secondFactorFor(user);
  let used: SecondFactorUsed;
  let problem: string | undefined;
  if (useRecovery) {
    used = "recovery";
    problem = (await useRecoveryCode(user.id, answer)) ? undefined : t("problems.recoveryWrong");
  } else if (method === "totp") {
    used = "totp";
    const check = await verifyTotp(user.id, answer);
    problem = check === "ok" ? undefined : check === "reused" ? t("problems.totpReused") : t("problems.totpWrong");
  } else {
    used = "whatsapp";
    const check = await checkCode({ purpose: "sign_in", subjectId: challenge.id, code: answer });
    problem = check.result === "ok" ? undefined : codeProblem(check, t);
  }

  if (problem) {
    await asPlatform((tx) =>
      audit(tx, {
        shopId: null,
        actorUserId: user.id,
        action: "account.2fa_failed",
        targetType: "user",
        targetId: user.id,
        after: { method: used },
        ...who,
      }),
    );
    // App and recovery codes have no per-code attempt count: limit wrong answers per person.
    if (used !== "whatsapp") {
      const perUser = await consume("codeVerifyPerUser", user.id);
      if (!perUser.ok) {
        return {
          ...refuse(t("problems.tooManyWrongCodes", { wait: waitIn(t, perUser.retryAfterSeconds) }), "code"),
          status: 429,
          retryAfterSeconds: perUser.retryAfterSeconds,
        };
      }
    }
    return { ...refuse(problem, "code"), status: 401 };
  }

  const completed = await asPlatform(async (tx) => {
    const done = await tx
      .update(schema.loginChallenges)
      .set({ completedAt: new Date() })
      .where(and(eq(schema.loginChallenges.id, challenge.id), isNull(schema.loginChallenges.completedAt)))
      .returning({ id: schema.loginChallenges.id });
    if (done.length === 0) return false;
    // A WhatsApp code came back from the account's number: the number is theirs (notices may go there).
    if (used === "whatsapp") await tx.update(schema.users).set({ phoneVerifiedAt: new Date() }).where(eq(schema.users.id, user.id));
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: "account.login",
      targetType: "user",
      targetId: user.id,
      after: { secondFactor: used },
      ...who,
    });
    if (used === "recovery") {
      await audit(tx, {
        shopId: null,
        actorUserId: user.id,
        action: "account.recovery_code_used",
        targetType: "user",
        targetId: user.id,
        ...who,
      });
    }
    return true;
  });
  if (!completed) return { ...refuse(t("problems.loginExpired")), status: 400, expired: true };

  const setCookies = [await challengeCookie().serialize("", { maxAge: 0 })];
  if (form.trust === "on" || form.trust === "true") setCookies.push(await trustThisDevice(user.id, who));
  return {
    ok: true,
    userId: user.id,
    remember: challenge.remember,
    redirectTo: challenge.redirectTo ?? "/admin",
    secondFactor: used,
    setCookies,
  };
}

// --- Managing one's own second factor -----------------------------------------------------------

export type TwoFactorChoice = "whatsapp" | "none";

/** Switches the person to WhatsApp codes, or turns 2FA off (unless a shop of theirs requires it). */
export async function setTwoFactorMethod(user: User, choice: TwoFactorChoice, who: RequestInfo): Promise<{ ok: true } | Refusal> {
  if (choice === "none") {
    const requiring = await shopsRequiringTwoFactor(user.id);
    if (requiring.length > 0) {
      return refuse(`${new Intl.ListFormat("en").format(requiring)} requires two-factor authentication, so it cannot be turned off.`);
    }
  }
  await asPlatform(async (tx) => {
    await tx.update(schema.users).set({ twoFactorMethod: choice, updatedAt: new Date() }).where(eq(schema.users.id, user.id));
    await tx.delete(schema.totpAuthenticators).where(eq(schema.totpAuthenticators.userId, user.id));
    if (choice === "none") await tx.delete(schema.recoveryCodes).where(eq(schema.recoveryCodes.userId, user.id));
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: choice === "none" ? "account.2fa_disabled" : "account.2fa_whatsapp_enabled",
      targetType: "user",
      targetId: user.id,
      before: { method: user.twoFactorMethod },
      after: { method: choice },
      ...who,
    });
    await securityNotice(tx, user, choice === "none" ? "twoFactorOff" : "whatsappCodes");
  });
  return { ok: true };
}

/** Confirms the authenticator app being set up; returns the new recovery codes (shown once). */
/** Turns on the authenticator app once a code confirms its seed; refusals are worded in `locale` (the page's language). */
export async function enableTotp(
  user: User,
  code: string,
  who: RequestInfo,
  locale: Locale = DEFAULT_LOCALE,
): Promise<{ ok: true; recoveryCodes: string[] } | Refusal> {
  const t = authT(locale);
  const confirmed = await confirmTotpEnrolment(user.id, code);
  if (confirmed === "malformed") return refuse(t("problems.totpSetup.malformed"));
  if (confirmed === "none") return refuse(t("problems.totpSetup.expired"));
  if (confirmed === "wrong") return refuse(t("problems.totpSetup.wrong"));
  if (confirmed === "reused") return refuse(t("problems.totpReused"));
  const recoveryCodes = await asPlatform(async (tx) => {
    await tx.update(schema.users).set({ twoFactorMethod: "totp", updatedAt: new Date() }).where(eq(schema.users.id, user.id));
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: "account.2fa_totp_enabled",
      targetType: "user",
      targetId: user.id,
      before: { method: user.twoFactorMethod },
      after: { method: "totp" },
      ...who,
    });
    await securityNotice(tx, user, "authenticatorOn");
    return replaceRecoveryCodes(tx, user.id);
  });
  return { ok: true, recoveryCodes };
}

export async function regenerateRecoveryCodes(user: User, who: RequestInfo): Promise<string[]> {
  return asPlatform(async (tx) => {
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: "account.recovery_codes_regenerated",
      targetType: "user",
      targetId: user.id,
      ...who,
    });
    return replaceRecoveryCodes(tx, user.id);
  });
}

export async function forgetTrustedDevices(user: User, who: RequestInfo): Promise<number> {
  return asPlatform(async (tx) => {
    const count = await revokeTrustedDevices(tx, user.id);
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: "account.trusted_devices_revoked",
      targetType: "user",
      targetId: user.id,
      after: { count },
      ...who,
    });
    return count;
  });
}

export async function twoFactorStatus(user: User) {
  const [totp, recoveryCodesLeft, requiredBy, trusted] = await Promise.all([
    hasConfirmedTotp(user.id),
    unusedRecoveryCodes(user.id),
    shopsRequiringTwoFactor(user.id),
    listTrustedDevices(user.id),
  ]);
  const method = await secondFactorFor(user);
  return { method, totpConfirmed: totp, recoveryCodesLeft, requiredBy, trustedDevices: trusted };
}

export type SecurityChange = "slowed" | "passwordReset" | "passwordChanged" | "twoFactorOff" | "whatsappCodes" | "authenticatorOn";

/** Tells a person on WhatsApp, in their language, of a change to their account's security. */
export async function securityNotice(
  tx: Tx,
  user: Pick<User, "id" | "name" | "phone" | "preferredLanguage">,
  change: SecurityChange,
  values: { failures?: number } = {},
): Promise<void> {
  const t = serverT(user.preferredLanguage, "common");
  await queueMessage(tx, {
    channel: "whatsapp",
    shopId: null,
    userId: user.id,
    to: user.phone,
    purpose: "security_notice",
    body: t("security.notice.message", {
      name: user.name.split(/\s+/)[0],
      change: t(`security.notice.${change}`, { failures: values.failures ?? 0 }),
    }),
  });
}
