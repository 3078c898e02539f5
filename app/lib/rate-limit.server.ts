import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

import { config } from "~/config.server";

import { redis } from "./redis.server";

interface LimitSpec {
  /** Attempts allowed per window. */
  points: number;
  /** Window, in seconds. */
  duration: number;
  /** Once used up, refuse for this long (seconds) instead of until the window ends. */
  blockDuration?: number;
}

/** The limits the product applies; one place to read and tune them. */
export const LIMITS = {
  /** Wrong passwords for one account from one address. */
  loginPerAccount: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Login attempts from one address, whatever the account. */
  loginPerIp: { points: 50, duration: 15 * 60 },
  signupPerIp: { points: 10, duration: 60 * 60 },
  /** WhatsApp codes sent to one person (sign-in and password reset). */
  codeSendPerUser: { points: 5, duration: 15 * 60 },
  /** WhatsApp codes requested from one address. */
  codeSendPerIp: { points: 20, duration: 60 * 60 },
  /** "Send a new code": at most one per 30 seconds for one login or reset. */
  codeResend: { points: 1, duration: 30 },
  /** Second-factor answers (WhatsApp code, authenticator, recovery code) from one address. */
  codeVerifyPerIp: { points: 30, duration: 15 * 60 },
  /** Wrong authenticator-app or recovery codes for one person (WhatsApp codes also die after 5 tries). */
  codeVerifyPerUser: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Password reset requests for one email address, and from one address. */
  passwordResetPerAccount: { points: 3, duration: 60 * 60 },
  passwordResetPerIp: { points: 10, duration: 60 * 60 },
  /** Checkout attempts from one address and for one cart (used by the checkout). */
  checkoutPerIp: { points: 30, duration: 10 * 60 },
  checkoutPerCart: { points: 10, duration: 10 * 60 },
  /** Privacy-page codes (a guest buyer's proof, a new email or number) to one contact, and from one address. */
  privacyCodePerContact: { points: 3, duration: 15 * 60 },
  privacyCodePerIp: { points: 10, duration: 60 * 60 },
  /** Answers to privacy-page codes from one address (each code also dies after 5 wrong tries). */
  privacyCodeVerifyPerIp: { points: 30, duration: 15 * 60 },
  /** Every request to a public page from one address (HTTP layer); points from configuration. */
  publicPerIp: { points: 0, duration: 60 },
} as const satisfies Record<string, LimitSpec>;
export type LimitName = keyof typeof LIMITS;

function spec(name: LimitName): LimitSpec {
  if (name === "publicPerIp") return { ...LIMITS.publicPerIp, points: config().RATE_LIMIT_PUBLIC_PER_MINUTE };
  return LIMITS[name];
}

const limiters = new Map<LimitName, RateLimiterRedis>();

function limiter(name: LimitName): RateLimiterRedis {
  let l = limiters.get(name);
  if (!l) {
    const s = spec(name);
    l = new RateLimiterRedis({
      storeClient: redis(),
      // Prefixed like the queues, so environments (and parallel test runs) sharing a Redis keep apart.
      keyPrefix: `${config().QUEUE_PREFIX}:rl:${name}`,
      points: s.points,
      duration: s.duration,
      blockDuration: s.blockDuration ?? 0,
      // If Redis is unreachable, limits still hold per process instead of failing open.
      insuranceLimiter: new RateLimiterMemory({ points: s.points, duration: s.duration }),
    });
    limiters.set(name, l);
  }
  return l;
}

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Counts one attempt against `name` for `key`. */
export async function consume(name: LimitName, key: string): Promise<LimitResult> {
  try {
    await limiter(name).consume(key);
    return { ok: true };
  } catch (e) {
    if (e instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    throw e;
  }
}

/** Whether `key` has used up its attempts, without counting one. */
export async function isLimited(name: LimitName, key: string): Promise<LimitResult> {
  const res = await limiter(name).get(key);
  if (res && res.consumedPoints >= spec(name).points) {
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  }
  return { ok: true };
}

export async function reset(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(key);
}

/** The first refusal among several limits (each counted), or ok. */
export async function consumeAll(...checks: Array<[LimitName, string]>): Promise<LimitResult> {
  for (const [name, key] of checks) {
    const result = await consume(name, key);
    if (!result.ok) return result;
  }
  return { ok: true };
}

/**
 * For a route: counts one attempt and, when the limit is used up, throws a 429 response with
 * Retry-After. E.g. `await enforceLimit("checkoutPerIp", context.ip)` at the top of an action.
 */
export async function enforceLimit(
  name: LimitName,
  key: string,
  message = "Too many attempts. Please wait a moment and try again.",
): Promise<void> {
  const result = await consume(name, key);
  if (!result.ok) throw tooManyRequests(result.retryAfterSeconds, message);
}

export function tooManyRequests(retryAfterSeconds: number, message: string): Response {
  return new Response(message, {
    status: 429,
    headers: { "Retry-After": String(retryAfterSeconds), "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** "2 minutes", "30 seconds": for messages about a wait. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * Progressive delays: after `free` failures for one key (an account, from any address) each further
 * attempt must wait twice as long as the last, up to `maxSeconds`. A delay, never a lock-out: the
 * account's owner (who can also skip it from a trusted device) is slowed down at worst for
 * `maxSeconds`, while guessing from many addresses becomes hopeless. Counts live in Redis for
 * `windowSeconds` after the last failure.
 */
export const DELAYS = {
  /** Wrong passwords for one account, whatever the address. */
  loginFailuresPerAccount: { free: 5, maxSeconds: 5 * 60, windowSeconds: 60 * 60 },
} as const satisfies Record<string, { free: number; maxSeconds: number; windowSeconds: number }>;
export type DelayName = keyof typeof DELAYS;

const delayKey = (name: DelayName, key: string) => `${config().QUEUE_PREFIX}:delay:${name}:${key}`;

/**
 * One failure, atomically: the count restarts when the last failure is older than the window, and
 * the next attempt is allowed from `until`. Times are the caller's clock (ms), not Redis's, so the
 * rule can be tested with an injected clock; the key's expiry only cleans up.
 */
const RECORD_FAILURE = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local free = tonumber(ARGV[3])
local maxSeconds = tonumber(ARGV[4])
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if now - last > windowMs then n = 0 end
n = n + 1
local over = math.min(n - free, 30)
local wait = 0
if over > 0 then wait = math.min(maxSeconds, 2 ^ (over - 1)) end
redis.call('HSET', KEYS[1], 'n', n, 'last', now, 'until', now + wait * 1000)
redis.call('PEXPIRE', KEYS[1], windowMs + maxSeconds * 1000)
return {n, wait}
`;

/** Seconds before the next attempt for `key` is allowed (0: now). `now`: the clock, in ms. */
export async function delayBefore(name: DelayName, key: string, now = Date.now()): Promise<number> {
  const until = Number((await redis().hget(delayKey(name, key), "until")) ?? 0);
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

/** Counts a failure at `now` (ms); returns the failures so far in the window and the wait it imposes now. */
export async function recordFailure(name: DelayName, key: string, now = Date.now()): Promise<{ failures: number; waitSeconds: number }> {
  const spec = DELAYS[name];
  const [failures, waitSeconds] = (await redis().eval(
    RECORD_FAILURE,
    1,
    delayKey(name, key),
    now,
    spec.windowSeconds * 1000,
    spec.free,
    spec.maxSeconds,
  )) as [number, number];
  return { failures, waitSeconds };
}

export async function clearFailures(name: DelayName, key: string): Promise<void> {
  await redis().del(delayKey(name, key));
}
