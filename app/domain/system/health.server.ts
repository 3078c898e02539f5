import { pingRedis } from "~/lib/redis.server";
import { pingDatabase } from "~db/client";

export interface Readiness {
  ready: boolean;
  checks: Record<"postgres" | "redis", { ok: boolean; ms: number; error?: string }>;
}

async function timed(fn: () => Promise<void>) {
  const started = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 3 s")), 3_000).unref())]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** Whether this process can serve requests: PostgreSQL and Redis both answer. */
export async function checkReadiness(): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([timed(pingDatabase), timed(pingRedis)]);
  return { ready: postgres.ok && redis.ok, checks: { postgres, redis } };
}
