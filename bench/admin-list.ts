/**
 * What the admin list benchmarks share: serve the built app in this process, sign the shop's
 * owner in, and time GET requests to one admin list page (one at a time: latency, not throughput).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";

import { buildIfStale, ROOT } from "../scripts/app-processes";

/** Starts the app (its stop goes first into `stops`) and returns a timed GET of `listPath` as `userId`. */
export async function adminListClient(listPath: string, userId: string, stops: Array<() => Promise<void>>) {
  const { startSession } = await import("~/domain/accounts/sessions.server");
  const { createHttpApp } = await import("~/server/http.server");
  buildIfStale();
  const build = (await import(pathToFileURL(path.join(ROOT, "build", "index.js")).href)) as ServerBuild;
  const server = http.createServer(createHttpApp({ build, publicDir: path.join(ROOT, "public") }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stops.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { setCookie } = await startSession(userId, { remember: false, ip: "127.0.0.1", userAgent: "bench" });
  const cookie = setCookie.split(";")[0];

  const get = async (query: string) => {
    const started = performance.now();
    const res = await fetch(`${base}${listPath}${query}`, { headers: { Cookie: cookie } });
    const html = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`GET ${listPath}${query} answered ${res.status}`);
    return { ms, html };
  };
  /** The cursor of the page's "Next" link. */
  const nextOf = (html: string) => html.match(/href="\?[^"]*after=([\w-]+)[^"]*" rel="next"/)?.[1];
  return { get, nextOf };
}
