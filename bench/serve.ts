/**
 * The web app for a benchmark: the production build served in this process (one web process,
 * like `WEB_PROCESSES=1 npm run web`), or `scripts/web.ts` started as a child with
 * WEB_PROCESSES=n (node's cluster over one port, as `npm start` runs it).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import autocannon from "autocannon";

import { buildIfStale, ROOT } from "../scripts/app-processes";
import { startWebProcesses } from "../tests/helpers/processes";

export interface Served {
  base: string;
  processes: number;
  stop(): Promise<void>;
}

/**
 * `processes` web processes: in this process when 1 (unless `child`), else `scripts/web.ts` as a
 * child with WEB_PROCESSES=processes (with 1, a single web process like production's, so it can
 * be compared with n on equal terms: the load generator then runs in this process alone).
 */
export async function serveApp(processes: number, options: { child?: boolean } = {}): Promise<Served> {
  buildIfStale();
  if (processes <= 1 && !options.child) {
    const { createHttpApp } = await import("~/server/http.server");
    const build = (await import(pathToFileURL(path.join(ROOT, "build", "index.js")).href)) as ServerBuild;
    const server = http.createServer(createHttpApp({ build, publicDir: path.join(ROOT, "public") }));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      processes: 1,
      stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    };
  }
  const web = await startWebProcesses(processes);
  return { base: web.url, processes: web.processes, stop: web.stop };
}

/** Requests per second and latency of `paths` in turn under autocannon; throws on any failed request. */
export async function load(base: string, name: string, paths: string[], options: { duration: number; connections: number }) {
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration: options.duration,
    requests: paths.map((p) => ({ method: "GET" as const, path: p })),
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(
      `${name}: ${bad} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
    );
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** The framework's ceiling on this server: `/bench/bare` (root layout, empty loader), after a warm-up. */
export async function bareRate(base: string, options: { duration: number; connections: number }) {
  await load(base, "warm-up bare", ["/bench/bare"], { ...options, duration: 2 });
  return load(base, "bare", ["/bench/bare"], options);
}
