import { type ConnectionOptions, Queue } from "bullmq";
import { Redis } from "ioredis";

import { config } from "~/config.server";

/**
 * Redis connection options for BullMQ. BullMQ is given options, never a client instance, so it
 * owns and closes its own connections (a shared client keeps a process alive after Redis stops).
 */
export function redisConnection(): ConnectionOptions {
  const u = new URL(config().REDIS_URL);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === "rediss:" ? {} : undefined,
    maxRetriesPerRequest: null,
    ...RECONNECT,
  };
}

/**
 * How every connection rides out Redis going away: reconnect with a growing delay (capped at
 * 2 s, for ever: a restart or failover ends), and after a managed Redis's failover, when the
 * old primary answers READONLY as a replica, reconnect (to the new primary behind the same
 * address) and resend the command instead of failing it.
 */
const RECONNECT = {
  retryStrategy: (times: number) => Math.min(100 * times, 2_000),
  reconnectOnError: (error: Error) => (error.message.startsWith("READONLY") ? 2 : false),
} as const;

const KEY = Symbol.for("netshop.redis");
type Holder = { [KEY]?: { client: Redis; queues: Map<string, Queue> } };

function holder() {
  const h = globalThis as Holder;
  if (!h[KEY]) {
    // Request-path client: a command waits at most 2 s for Redis, then fails.
    const client = new Redis(config().REDIS_URL, {
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      connectTimeout: 2_000,
      ...RECONNECT,
    });
    // Once, at creation (not per call: that leaked a listener on every use).
    client.on("error", () => {}); // reported by /readyz and by the calls that fail
    h[KEY] = { client, queues: new Map() };
  }
  return h[KEY];
}

/** The shared Redis client for request-time work (rate limits, caches, readiness). */
export function redis(): Redis {
  return holder().client;
}

/** A producer handle for `name`, prefixed so environments can share one Redis. */
export function queue(name: string): Queue {
  const { queues } = holder();
  let q = queues.get(name);
  if (!q) {
    // Producers fail fast while Redis is down (callers such as the outbox retry later)
    // instead of queueing commands in memory.
    q = new Queue(name, {
      connection: { ...redisConnection(), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix: config().QUEUE_PREFIX,
    });
    q.on("error", () => {});
    queues.set(name, q);
  }
  return q;
}

export async function pingRedis(): Promise<void> {
  const reply = await redis().ping();
  if (reply !== "PONG") throw new Error(`unexpected PING reply ${reply}`);
}

export async function closeRedis(): Promise<void> {
  const h = globalThis as Holder;
  const held = h[KEY];
  if (!held) return;
  delete h[KEY];
  await Promise.all([...held.queues.values()].map((q) => q.close().catch(() => {})));
  held.client.disconnect();
}
