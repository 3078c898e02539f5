/**
 * The web process: the built Remix app behind the HTTP layer. `npm run web` (after
 * `npm run build`); `npm start` runs it for you with the embedded default.
 *
 * WEB_PROCESSES (default: the machine's cores) processes serve the one PORT: with more than
 * one, this process is node's cluster primary — it forks that many copies of itself, each a
 * full web process with its own database and Redis pools, and the primary hands incoming
 * connections to them in turn. The primary reports "listening" (to `npm start`, over IPC) once
 * every copy listens, restarts a copy that dies, and passes SIGTERM/SIGINT on for a graceful stop.
 * Per-process state is only ever a cache that every process invalidates on change.
 */
import cluster from "node:cluster";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";

import { config, ConfigError, publicUrl } from "~/config.server";
import { logger } from "~/lib/logger.server";
import { installProcessGuards } from "~/lib/process-guards.server";

process.env.NETSHOP_PROCESS ??= "web";
// A dependency's restart must not kill the process (issue 19).
installProcessGuards();
const root = path.resolve(import.meta.dirname, "..");

try {
  config();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

/** How many web processes this machine runs (WEB_PROCESSES, else its cores). */
export function webProcessCount(env = config()): number {
  return env.WEB_PROCESSES ?? os.availableParallelism();
}

const processes = webProcessCount();
if (cluster.isPrimary && processes > 1) await runPrimary(processes);
else await serve();

async function runPrimary(count: number) {
  const env = config();
  // Round-robin in the primary (Linux's default, said explicitly): connections are shared evenly.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let stopping = false;
  let port = env.PORT;
  const listening = new Set<number>();
  const crashes: number[] = [];
  const fork = () => {
    // With PORT=0 every copy gets the same free port (node's cluster shares it).
    const worker = cluster.fork();
    worker.on("message", (m: { type?: string; port?: number }) => {
      if (m?.type !== "listening") return;
      listening.add(worker.id);
      if (typeof m.port === "number") port = m.port;
      if (listening.size === count) {
        logger().info({ port, processes: count }, "web listening");
        process.send?.({ type: "listening", port, processes: count });
        if (!process.send) console.log(`NetShop web listening on ${publicUrl({ ...env, PORT: port })} (${count} processes)`);
      }
    });
  };
  cluster.on("exit", (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
      return;
    }
    // A copy died: start another, unless they keep dying (then stop, so the supervisor sees it).
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && crashes[0] < now - 60_000) crashes.shift();
    logger().error({ pid: worker.process.pid, code, signal }, "web process exited; starting another");
    if (crashes.length > 5) {
      logger().fatal("web processes keep exiting: stopping");
      process.exit(1);
    }
    fork();
  });
  for (let i = 0; i < count; i++) fork();
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "web shutting down: finishing in-flight requests");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), 12_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/**
 * The Remix server build: bundled next to this file when this is dist/web.js (sharing its
 * packages' chunks), else `npm run build`'s build/index.js.
 */
function serverBuildPath(): string {
  const bundled = path.join(import.meta.dirname, "remix-build.js");
  return fs.existsSync(bundled) ? bundled : path.join(root, "build", "index.js");
}

async function serve() {
  const buildPath = serverBuildPath();
  const build = (await import(pathToFileURL(buildPath).href).catch((error: NodeJS.ErrnoException) => {
    console.error(
      error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(buildPath)
        ? `No server build at ${buildPath}: run \`npm run build\` first.`
        : `The server build failed to load: ${error.stack ?? error}`,
    );
    process.exit(1);
  })) as ServerBuild;

  // Loaded here, not at the top: a cluster primary only forks and never needs the HTTP layer.
  const [{ createHttpApp }, { closeRedis }, { closeDatabase }] = await Promise.all([
    import("~/server/http.server"),
    import("~/lib/redis.server"),
    import("~db/client"),
  ]);
  const app = createHttpApp({ build, publicDir: path.join(root, "public") });
  const env = config();
  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    if (cluster.isWorker) {
      process.send?.({ type: "listening", port });
      return;
    }
    logger().info({ port }, "web listening");
    process.send?.({ type: "listening", port, processes: 1 });
    if (!process.send) console.log(`NetShop web listening on ${publicUrl({ ...env, PORT: port })}`);
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "web shutting down: finishing in-flight requests");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await Promise.allSettled([closeDatabase(), closeRedis()]);
      process.exit(0);
    });
    server.closeIdleConnections();
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
