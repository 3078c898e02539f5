import { eq, sql } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { listShopsForUser } from "~/domain/shops/shops.server";
import { clearFailures, consume, delayBefore, DELAYS, describeWait, isLimited, recordFailure, reset } from "~/lib/rate-limit.server";
import { asPlatform, schema } from "~db/client";

import { FROZEN_MESSAGE } from "./access.server";
import { verifyPassword } from "./passwords.server";
import { beginLoginChallenge, isTrustedDevice, type SecondFactor, secondFactorFor, securityNotice } from "./two-factor.server";

export const LoginSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email address."),
  password: z.string().min(1, "Enter your password."),
  remember: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});

export type LoginResult =
  | { ok: true; next: "session"; userId: string; remember: boolean; trustedDevice: boolean }
  | { ok: true; next: "second-factor"; method: SecondFactor; setCookie: string; sendProblem?: string }
  | {
      ok: false;
      status: 400 | 401 | 403 | 429;
      error: string;
      /** What went wrong, for the page's message in the visitor's language (auth:login.errors.<code>). */
      code: LoginErrorCode;
      retryAfterSeconds?: number;
      slowedSeconds?: number;
    };

export type LoginErrorCode = "emailRequired" | "passwordRequired" | "invalid" | "tooManyAttempts" | "slowed" | "frozen";

/** The wrong password that starts slowing an account down (any address) also tells its owner on WhatsApp, once per window. */
export const ACCOUNT_ALERT_AT = DELAYS.loginFailuresPerAccount.free + 1;

/**
 * The password step of a login. Attempts are limited per account and address and per address
 * (Redis); failures and successes are audited; the message never says which part was wrong.
 * A person whose every shop membership is frozen is refused (after the password, so the answer
 * reveals nothing to someone guessing). Then, unless this browser is a trusted device, the
 * second factor starts (see two-factor.server.ts).
 */
export async function logIn(
  form: Record<string, unknown>,
  who: RequestInfo,
  request: Request,
  options: { redirectTo: string; /** The clock (ms) for the slowing down; tests inject one. */ now?: number },
): Promise<LoginResult> {
  const now = options.now ?? Date.now();
  const parsed = LoginSchema.safeParse(form);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, status: 400, error: issue.message, code: issue.path[0] === "email" ? "emailRequired" : "passwordRequired" };
  }
  const { email, password, remember } = parsed.data;
  const ip = who.ip ?? "unknown";
  const accountKey = `${email}|${ip}`;

  const perIp = await consume("loginPerIp", ip);
  const perAccount = await isLimited("loginPerAccount", accountKey);
  const blocked = !perIp.ok ? perIp : !perAccount.ok ? perAccount : undefined;
  if (blocked) {
    return {
      ok: false,
      status: 429,
      error: `Too many login attempts. Try again in ${Math.ceil(blocked.retryAfterSeconds / 60)} minute(s).`,
      code: "tooManyAttempts",
      retryAfterSeconds: blocked.retryAfterSeconds,
    };
  }

  const [user] = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, email)),
  );
  // Wrong passwords for this account from any address slow every further try down (never a
  // lock-out); the account's own trusted devices are not slowed.
  const wait = await delayBefore("loginFailuresPerAccount", email, now);
  if (wait > 0 && !(user && (await isTrustedDevice(request, user.id)))) {
    return {
      ok: false,
      status: 429,
      error: `Too many wrong passwords for this account. Try again in ${describeWait(wait)}.`,
      code: "slowed",
      retryAfterSeconds: wait,
      slowedSeconds: wait,
    };
  }
  const ok = await verifyPassword(password, user?.passwordHash);
  const record = (action: string, after?: unknown) =>
    asPlatform((tx) =>
      audit(tx, { shopId: null, actorUserId: user?.id ?? null, action, targetType: "user", targetId: user?.id, after, ...who }),
    );
  if (!ok || !user) {
    await record("account.login_failed");
    await consume("loginPerAccount", accountKey);
    const { failures } = await recordFailure("loginFailuresPerAccount", email, now);
    if (user && failures === ACCOUNT_ALERT_AT) {
      await asPlatform((tx) => securityNotice(tx, user, "slowed", { failures }));
    }
    return { ok: false, status: 401, error: "That email and password don't match an account.", code: "invalid" };
  }
  await reset("loginPerAccount", accountKey);
  await clearFailures("loginFailuresPerAccount", email);

  const shops = await listShopsForUser(user.id);
  if (shops.length > 0 && shops.every((s) => s.frozen)) {
    await record("account.login_refused_frozen");
    return { ok: false, status: 403, error: FROZEN_MESSAGE, code: "frozen" };
  }

  const method = await secondFactorFor(user);
  if (!method || (await isTrustedDevice(request, user.id))) {
    await record("account.login", { secondFactor: method ? "trusted_device" : null });
    return { ok: true, next: "session", userId: user.id, remember, trustedDevice: method !== null };
  }
  const started = await beginLoginChallenge(user, method, { remember, redirectTo: options.redirectTo }, who);
  return { ok: true, next: "second-factor", ...started };
}
