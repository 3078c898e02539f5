/** Waiting helpers for tests of things that happen in the background (webhooks, callbacks, tasks). */
import { expect } from "vitest";

/** Polls `fn` until it returns something truthy (every 50 ms, for up to `ms`). */
export async function until<T>(fn: () => Promise<T | false | undefined>, ms = 10_000): Promise<T> {
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
