/**
 * Small pieces every provider client needs and no provider owns: lenient JSON, Retry-After,
 * constant-time comparison of signatures. No wire format lives here.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export function hmacSha256Hex(key: string, message: string): string {
  return createHmac("sha256", key).update(message, "utf8").digest("hex");
}

/** Compares two strings in constant time (for signatures and tokens). */
export function safeEqualText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** fetch with a deadline; network failures and timeouts come back as a tagged error. */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ProviderUnreachable(url, error as Error);
  }
}

/**
 * The request got no HTTP answer. `maybeApplied` is false only when the connection was refused,
 * so nothing reached the provider; a timeout or a dropped connection may come after the
 * provider acted.
 */
export class ProviderUnreachable extends Error {
  readonly timedOut: boolean;
  readonly maybeApplied: boolean;
  constructor(url: string, cause: Error) {
    const code = (cause.cause as { code?: string } | undefined)?.code;
    const timedOut = cause.name === "TimeoutError" || cause.name === "AbortError";
    super(`${new URL(url).host} ${timedOut ? "did not answer in time" : `unreachable: ${code ?? cause.message}`}`, { cause });
    this.name = "ProviderUnreachable";
    this.timedOut = timedOut;
    this.maybeApplied = code !== "ECONNREFUSED" && code !== "ENOTFOUND" && code !== "EAI_AGAIN";
  }
}
