/**
 * What every visitor of a shop sees, computed once per web process and kept until it changes
 * (issue 16): a product page's data, a shop's sale calendar, the shop row itself. Every row such
 * a page is built from has a trigger (migration 0020_storefront_cache) that notifies channel
 * `netshop_storefront` with the shop's id at commit, whoever wrote it — admin, worker, checkout
 * or another web process — and each process forgets that shop's entries when told.
 *
 * Nothing is cached until this process listens (so no change can be missed), everything is
 * forgotten when the LISTEN connection is re-established (notifications sent while it was down
 * are lost), and an entry also ends at its own `until` (e.g. when a flash sale starts or ends)
 * or after MAX_AGE_MS at the latest.
 */
import { AsyncLocalStorage } from "node:async_hooks";

import { logger } from "~/lib/logger.server";
import { listen } from "~db/client";

const MAX_AGE_MS = 60_000;
const MAX_KEYS_PER_SHOP = 2_000;

type Entry = { value: Promise<unknown>; until: number };
/** How long what a request read from this cache stays true (see `trackValidity`). */
export type Validity = { until: number };

/**
 * The cache's state, one per process: the web process loads this module twice (the HTTP layer
 * from source, the Remix build its own bundled copy), and both must share the entries, the
 * LISTEN connection, the change count and the scope of `trackValidity`.
 */
const shared = ((globalThis as { [key: symbol]: unknown })[Symbol.for("netshop.storefront-cache")] ??= {
  shops: new Map<string, Map<string, Entry>>(),
  forgetHooks: [] as Array<(shopId: string | null) => void>,
  state: "idle" as "idle" | "starting" | "listening",
  generation: 0,
  validityScope: new AsyncLocalStorage<Validity>(),
}) as {
  shops: Map<string, Map<string, Entry>>;
  forgetHooks: Array<(shopId: string | null) => void>;
  state: "idle" | "starting" | "listening";
  generation: number;
  validityScope: AsyncLocalStorage<Validity>;
};
const { shops, forgetHooks, validityScope } = shared;

function forget(shopId: string | null) {
  shared.generation++;
  if (shopId === null) shops.clear();
  else shops.delete(shopId);
  for (const hook of forgetHooks) hook(shopId);
}

function startListening() {
  if (shared.state !== "idle") return;
  shared.state = "starting";
  listen(
    "netshop_storefront",
    (payload) => forget(payload || null),
    () => forget(null),
  ).then(
    () => {
      shared.state = "listening";
    },
    (error: unknown) => {
      shared.state = "idle";
      logger().warn({ err: error }, "storefront cache: not listening for changes; serving uncached");
    },
  );
}

/** Forgets one shop's entries in this process now, without waiting for PostgreSQL's notification. */
export function forgetShopHere(shopId: string): void {
  forget(shopId);
}

/** Also run `hook` whenever a shop's entries are forgotten (null: all shops), e.g. for a cache keyed by slug. */
export function onStorefrontChange(hook: (shopId: string | null) => void): void {
  forgetHooks.push(hook);
}

/** Counts the changes heard: a value read while it moved may predate a change (keep it briefly only). */
export function storefrontGeneration(): number {
  return shared.generation;
}

/** Whether this process is told of changes (only then may a module keep its own storefront cache). */
export function storefrontCacheLive(): boolean {
  startListening();
  return shared.state === "listening";
}

/**
 * Runs `fn` (and everything it starts) noting in `validity.until` the earliest moment an entry it
 * read stops being true: a response built only from this cache (the page cache,
 * app/server/page-cache.server.ts) may be kept that long, and no longer.
 */
export function trackValidity<T>(validity: Validity, fn: () => T): T {
  return validityScope.run(validity, fn);
}

function noteValidity(entry: Entry): void {
  const scope = validityScope.getStore();
  if (scope)
    void entry.value.then(
      () => (scope.until = Math.min(scope.until, entry.until)),
      () => {},
    );
}

/**
 * The shop's cached value for `key`, computing it (once, however many visitors ask at the same
 * moment) when missing. `compute` returns the value and, optionally, when it stops being true.
 */
export async function cachedForShop<T>(shopId: string, key: string, compute: () => Promise<{ value: T; until?: number }>): Promise<T> {
  if (!storefrontCacheLive()) return (await compute()).value;
  const now = Date.now();
  let entries = shops.get(shopId);
  const hit = entries?.get(key);
  if (hit && hit.until > now) {
    noteValidity(hit);
    return hit.value as Promise<T>;
  }
  if (!entries) shops.set(shopId, (entries = new Map()));
  if (entries.size >= MAX_KEYS_PER_SHOP) entries.clear();
  const mine = entries;
  const entry: Entry = { value: Promise.resolve(), until: now + MAX_AGE_MS };
  entry.value = compute().then(
    (r) => {
      entry.until = Math.min(entry.until, r.until ?? Infinity);
      return r.value;
    },
    (error: unknown) => {
      if (mine.get(key) === entry) mine.delete(key);
      throw error;
    },
  );
  mine.set(key, entry);
  noteValidity(entry);
  return entry.value as Promise<T>;
}
