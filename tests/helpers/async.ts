/** Waiting helpers for tests of things that happen in the background (webhooks, callbacks, tasks). */
import { expect } from "vitest";

/**
 * Polls `fn` until it returns something truthy (every 50 ms, for up to `ms`). The bound is only a
 * backstop for a condition that will never come true: a busy machine (CI shares its cores) can take
 * tens of seconds for what takes one on a quiet one, so callers wait for the condition, not a time.
 */
export async function until<T>(fn: () => Promise<T | false | undefined>, ms = 110_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The error a promise rejects with, checked to be an instance of `type`. */
export async function rejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
