/**
 * The two ways code reaches the database at run time:
 *
 * - `withShop(shopId, tx => ...)`: tenant work. Runs a transaction as the `netshop_app` role with
 *   the current shop set for that transaction only; row-level security confines every read and
 *   write to that shop, whatever the query says.
 * - `asPlatform(tx => ...)`: platform-level work that spans shops by nature (sign-up, resolving a
 *   storefront's shop from its slug, the outbox dispatcher, operators). Runs as `netshop_platform`,
 *   whose policies allow it. Keep these call sites few and obvious.
 *
 * Neither role owns the tables or can bypass row-level security; migrations run separately as
 * the owner (db/migrate.ts).
 */
import { sql } from "drizzle-orm";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import { config, databaseUrls } from "~/config.server";
import { isUuid } from "~/lib/ids";

import * as schema from "./schema/index";

export type Database = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

interface Pools {
  appSql: postgres.Sql;
  platformSql: postgres.Sql;
  app: Database;
  platform: Database;
}

// On globalThis so that the web server's bundle and any tsx-loaded module share one pool.
const KEY = Symbol.for("netshop.db.pools");
type Holder = { [KEY]?: Pools };

function pools(): Pools {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const env = config();
    const urls = databaseUrls(env);
    const options = {
      max: env.DATABASE_POOL_SIZE,
      idle_timeout: 30,
      connect_timeout: 10,
      onnotice: () => {},
    } satisfies postgres.Options<Record<string, postgres.PostgresType>>;
    const appSql = postgres(urls.app, { ...options, connection: { application_name: "netshop-app" } });
    const platformSql = postgres(urls.platform, {
      ...options,
      max: Math.max(2, Math.ceil(env.DATABASE_POOL_SIZE / 2)),
      connection: { application_name: "netshop-platform" },
    });
    holder[KEY] = {
      appSql,
      platformSql,
      app: drizzle(appSql, { schema }),
      platform: drizzle(platformSql, { schema }),
    };
  }
  return holder[KEY]!;
}

/**
 * A value PostgreSQL could not read as its column's type (SQLSTATE class 22, "data exception": a
 * non-uuid id, a number out of range, an impossible date, text too long for its column) or too
 * big to index (54000). Such a value came from outside — a parameter, a field — so it is the
 * client's error: thrown from withShop/asPlatform as a 400 Response, which Remix renders as the
 * error page with that status (and a job as a failure with this message). One place for every
 * route, instead of a check before each query that a new route could forget (issue 15).
 */
export class UnreadableValueError extends Response {
  readonly name = "UnreadableValueError";
  readonly message: string;
  constructor(readonly code: string) {
    super("A value in this request cannot be used (a wrong id, number, date or length).", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
    this.message = `PostgreSQL refused a value (${code})`;
  }
}

function clientValueError(error: unknown): unknown {
  const code = pgErrorCode(error);
  return code && (code.startsWith("22") || code === "54000") ? new UnreadableValueError(code) : error;
}

/** The postgres.js connection under a drizzle transaction (drizzle keeps it on the session), if it is one. */
function transactionClient(tx: Tx): postgres.TransactionSql | undefined {
  const client = (tx as unknown as { session?: { client?: postgres.TransactionSql } }).session?.client;
  return typeof client?.unsafe === "function" ? client : undefined;
}

/** Runs `fn` in a transaction confined by row-level security to one shop. */
export async function withShop<T>(shopId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!isUuid(shopId)) throw new Error("withShop needs a shop id (uuid)");
  try {
    return await pools().app.transaction(async (tx) => {
      const client = transactionClient(tx);
      if (!client) {
        await tx.execute(sql`select set_config('app.shop_id', ${shopId}, true)`);
        return fn(tx);
      }
      // Sent now, without waiting for its answer (issue 16): postgres.js writes a connection's
      // statements in the order they are sent and the callback's first statement can only be
      // sent after this one, so PostgreSQL runs it first and the pair costs one round trip.
      // Should it fail, the transaction is aborted and nothing after it runs.
      const [, result] = await Promise.all([client.unsafe("select set_config('app.shop_id', $1, true)", [shopId]).execute(), fn(tx)]);
      return result;
    });
  } catch (error) {
    throw clientValueError(error);
  }
}

/** Runs `fn` in a transaction for platform-level work that spans shops (see the note above). */
export async function asPlatform<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await pools().platform.transaction(fn);
  } catch (error) {
    throw clientValueError(error);
  }
}

/**
 * A platform-level read of one statement, without a transaction around it: one round trip to
 * PostgreSQL instead of three (BEGIN, the query, COMMIT). For reads on every request (the
 * session, the person's shops); anything that writes or reads twice uses `asPlatform`.
 */
export async function readAsPlatform<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await fn(pools().platform);
  } catch (error) {
    throw clientValueError(error);
  }
}

/** The raw tenant-role connection, for checks that must not set a shop (readiness, tests). */
export function appSql(): postgres.Sql {
  return pools().appSql;
}

// Active LISTENs, so that replacing the pools (recyclePools) listens again on the new ones.
type Listener = { channel: string; onNotify: (payload: string) => void; onListen?: () => void; unlisten?: () => Promise<void> };
const listeners = new Set<Listener>();

/**
 * LISTEN on a channel (auto-reconnecting); resolves once listening. Returns the unlisten.
 * `onListen` runs each time the LISTEN is (re-)established: notifications sent while the
 * connection was down are lost, so a cache should start afresh then.
 */
export async function listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>> {
  const entry: Listener = { channel, onNotify, onListen };
  entry.unlisten = (await pools().platformSql.listen(channel, onNotify, onListen)).unlisten;
  listeners.add(entry);
  return async () => {
    listeners.delete(entry);
    await entry.unlisten?.();
  };
}

/**
 * Replaces both pools with new ones and ends the old ones (their in-flight queries get a few
 * seconds). For a driver whose connection state is known to be broken: postgres.js can throw
 * from a write scheduled on a connection that closed meanwhile (porsager/postgres#1154, a
 * PostgreSQL restart under load) and that connection never works again.
 */
export function recyclePools(): void {
  const holder = globalThis as Holder;
  const old = holder[KEY];
  if (!old) return;
  delete holder[KEY];
  void Promise.allSettled([old.appSql.end({ timeout: 5 }), old.platformSql.end({ timeout: 5 })]);
  for (const entry of listeners) {
    pools()
      .platformSql.listen(entry.channel, entry.onNotify, entry.onListen)
      .then((l) => (entry.unlisten = l.unlisten))
      .catch(() => {}); // the owner polls as well (the outbox dispatcher does)
  }
}

export async function pingDatabase(): Promise<void> {
  await pools().appSql`select 1`;
}

/** The current database error code, if `error` came from PostgreSQL. */
export function pgErrorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e === "object" && e !== null && "code" in e && typeof (e as { code: unknown }).code === "string") {
      const code = (e as { code: string }).code;
      if (/^[0-9A-Z]{5}$/.test(code)) return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The violated constraint's name, if `error` is a PostgreSQL constraint violation. */
export function pgConstraint(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    const name = (e as { constraint_name?: string }).constraint_name;
    if (name) return name;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function closeDatabase(): Promise<void> {
  const holder = globalThis as Holder;
  const p = holder[KEY];
  if (!p) return;
  delete holder[KEY];
  await Promise.all([p.appSql.end({ timeout: 5 }), p.platformSql.end({ timeout: 5 })]);
}

export { schema };
