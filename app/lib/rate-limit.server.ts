import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { redis } from "./redis.server";

/** The limits the product applies; one place to read and tune them. */
export const LIMITS = {
  /** Wrong passwords for one account from one address. */
  loginPerAccount: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Login attempts from one address, whatever the account. */
  loginPerIp: { points: 50, duration: 15 * 60 },
  signupPerIp: { points: 10, duration: 60 * 60 },
} as const;
export type LimitName = keyof typeof LIMITS;

const limiters = new Map<LimitName, RateLimiterRedis>();

function limiter(name: LimitName): RateLimiterRedis {
  let l = limiters.get(name);
  if (!l) {
    const spec = LIMITS[name];
    l = new RateLimiterRedis({
      storeClient: redis(),
      keyPrefix: `rl:${name}`,
      points: spec.points,
      duration: spec.duration,
      blockDuration: "blockDuration" in spec ? spec.blockDuration : 0,
      // If Redis is unreachable, limits still hold per process instead of failing open.
      insuranceLimiter: new RateLimiterMemory({ points: spec.points, duration: spec.duration }),
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
    if (e instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.ceil(e.msBeforeNext / 1000) };
    throw e;
  }
}

/** Whether `key` has used up its attempts, without counting one. */
export async function isLimited(name: LimitName, key: string): Promise<LimitResult> {
  const res = await limiter(name).get(key);
  if (res && res.consumedPoints >= LIMITS[name].points) {
    return { ok: false, retryAfterSeconds: Math.ceil(res.msBeforeNext / 1000) };
  }
  return { ok: true };
}

export async function reset(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(key);
}
