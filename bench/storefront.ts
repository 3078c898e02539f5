/**
 * `npm run bench:storefront [-- --duration 10 --connections 10]`: throughput and latency of the
 * storefront's product page and search on the large data set (bench/seed.ts, seeded first when
 * missing), against a bare Remix route on the same server as the framework's ceiling.
 *
 * Serves the production build in this process (like `npm run web`) and loads it with autocannon
 * as anonymous visitors (no cookies: the pages a CDN could cache, but every request reaches the
 * server here): 20 products of the 10,000-product shop `bench-0000` in turn; searches with typos
 * and filters; then `/bench/bare`. Prints two lines:
 *   product page: rps=<n> p50=<ms> p99=<ms> bare=<n> bare_p99=<ms> ratio=<rps/bare>
 *   search: rps=<n> p50=<ms> p99=<ms> bare=<n> bare_p99=<ms> ratio=<rps/bare>
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { ServerBuild } from "@remix-run/node";
import autocannon from "autocannon";
import postgres from "postgres";
import { buildIfStale, ROOT } from "../scripts/app-processes";
import { benchEnvironment } from "./environment";
import { BIG_SHOP_SLUG, seedBench } from "./seed";

const { values } = parseArgs({ options: { duration: { type: "string", default: "10" }, connections: { type: "string", default: "10" } } });
// Every request comes from 127.0.0.1: the per-address public limit would answer 429 at once.
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE ??= "100000000";
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
try {
  await seedBench({ shops: 1000, products: 100_000 });
  const { config, databaseUrls } = await import("~/config.server");
  const { createHttpApp } = await import("~/server/http.server");
  const { closeDatabase } = await import("~db/client");
  const { closeRedis } = await import("~/lib/redis.server");
  stops.unshift(async () => {
    await closeRedis();
    await closeDatabase();
  });

  const sql = postgres(databaseUrls(config()).platform, { max: 1, onnotice: () => {} });
  const products = await sql<{ handle: string }[]>`
    select p.handle from products p join shops s on s.id = p.shop_id
     where s.slug = ${BIG_SHOP_SLUG} and p.status = 'active' order by p.handle limit 20`;
  await sql.end();
  if (!products.length) throw new Error(`no active products in ${BIG_SHOP_SLUG}`);

  buildIfStale();
  const build = (await import(pathToFileURL(path.join(ROOT, "build", "index.js")).href)) as ServerBuild;
  const server = http.createServer(createHttpApp({ build, publicDir: path.join(ROOT, "public") }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stops.unshift(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const shop = `/s/${BIG_SHOP_SLUG}`;

  const load = async (name: string, paths: string[], duration = Number(values.duration)) => {
    const result = await autocannon({
      url: base,
      connections: Number(values.connections),
      duration,
      requests: paths.map((p) => ({ method: "GET" as const, path: p })),
    });
    const bad = result.non2xx + result.errors + result.timeouts;
    if (bad > 0)
      throw new Error(
        `${name}: ${bad} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
      );
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  };
  const productPaths = products.map((p) => `${shop}/products/${p.handle}`);
  const searchPaths = [
    `${shop}/search?q=batk`,
    `${shop}/search?q=songkt+tote`,
    `${shop}/search?q=kenanga&inStock=1`,
    `${shop}/search?q=mug&sort=price-asc`,
    `${shop}/search?q=sarung&max=100`,
  ];
  for (const [name, paths] of [
    ["product", productPaths],
    ["search", searchPaths],
    ["bare", ["/bench/bare"]],
  ] as const) {
    await load(`warm-up ${name}`, [...paths], 2);
  }
  const bare = await load("bare", ["/bench/bare"]);
  const product = await load("product page", productPaths);
  const search = await load("search", searchPaths);
  const line = (name: string, r: { rps: number; p50: number; p99: number }) =>
    `${name}: rps=${r.rps.toFixed(0)} p50=${r.p50} p99=${r.p99} bare=${bare.rps.toFixed(0)} bare_p99=${bare.p99} ratio=${(r.rps / bare.rps).toFixed(2)}`;
  console.log(line("product page", product));
  console.log(line("search", search));
  // Let requests still in flight when autocannon stopped finish before the pools close.
  await new Promise((r) => setTimeout(r, 1000));
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(0);
