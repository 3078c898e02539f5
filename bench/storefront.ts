/**
 * `npm run bench:storefront [-- --duration 10 --connections 10]`: throughput and latency of the
 * storefront's product page and search on the large data set (bench/seed.ts, seeded first when
 * missing), against a bare Remix route on the same server as the framework's ceiling.
 *
 * Serves the production build in this process (one web process), then as a child process with
 * WEB_PROCESSES=1 and with WEB_PROCESSES=`--processes` (scripts/web.ts; default 2), and loads each with autocannon
 * as anonymous visitors (no cookies: the pages a CDN could cache, but every request reaches the
 * server here): 20 products of the 10,000-product shop `bench-0000` in turn; searches with typos
 * and filters; then `/bench/bare`. Prints two lines:
 *   product page: rps=<n> p50=<ms> p99=<ms> bare=<n> bare_p99=<ms> ratio=<rps/bare>
 *   search: rps=<n> p50=<ms> p99=<ms> bare=<n> bare_p99=<ms> ratio=<rps/bare>
 * and the same two lines marked `(processes=1)` and `(processes=<n>)` for the child servers, then
 * what the extra processes bought, each figure the n-process rate over the 1-process one of this run:
 *   multi-process gain (processes=<n>): product=<x> search=<x> bare=<x>
 */
import { parseArgs } from "node:util";

import postgres from "postgres";

import { benchEnvironment } from "./environment";
import { BIG_SHOP_SLUG, seedBench } from "./seed";
import { bareRate, load, serveApp } from "./serve";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "10" },
    processes: { type: "string", default: "2" },
  },
});
// Every request comes from 127.0.0.1: the per-address public limit would answer 429 at once.
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE ??= "100000000";
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
try {
  await seedBench({ shops: 1000, products: 100_000 });
  const { config, databaseUrls } = await import("~/config.server");
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

  const processes = Number(values.processes);
  const options = { duration: Number(values.duration), connections: Number(values.connections) };
  const shop = `/s/${BIG_SHOP_SLUG}`;
  const productPaths = products.map((p) => `${shop}/products/${p.handle}`);
  const searchPaths = [
    `${shop}/search?q=batk`,
    `${shop}/search?q=songkt+tote`,
    `${shop}/search?q=kenanga&inStock=1`,
    `${shop}/search?q=mug&sort=price-asc`,
    `${shop}/search?q=sarung&max=100`,
  ];
  const line = (name: string, r: { rps: number; p50: number; p99: number }, bare: { rps: number; p99: number }) =>
    `${name}: rps=${r.rps.toFixed(0)} p50=${r.p50} p99=${r.p99} bare=${bare.rps.toFixed(0)} bare_p99=${bare.p99} ratio=${(r.rps / bare.rps).toFixed(2)}`;
  const rates = new Map<number, { product: number; search: number; bare: number }>();
  // This process's own server first (the ratio lines), then WEB_PROCESSES=1 and =n as children.
  const runs: Array<{ count: number; child: boolean }> = [
    { count: 1, child: false },
    ...(processes > 1
      ? [
          { count: 1, child: true },
          { count: processes, child: true },
        ]
      : []),
  ];
  for (const { count, child } of runs) {
    const served = await serveApp(count, { child });
    stops.unshift(served.stop);
    const suffix = child ? ` (processes=${count})` : "";
    for (const [name, paths] of [
      ["product", productPaths],
      ["search", searchPaths],
    ] as const) {
      await load(served.base, `warm-up ${name}`, [...paths], { ...options, duration: 2 });
    }
    const bare = await bareRate(served.base, options);
    const product = await load(served.base, "product page", productPaths, options);
    const search = await load(served.base, "search", searchPaths, options);
    console.log(line(`product page${suffix}`, product, bare));
    console.log(line(`search${suffix}`, search, bare));
    if (child) rates.set(count, { product: product.rps, search: search.rps, bare: bare.rps });
    // Let requests still in flight when autocannon stopped finish before the server stops.
    await new Promise((r) => setTimeout(r, 1000));
    await served.stop();
    stops.shift();
  }
  const one = rates.get(1);
  const many = rates.get(processes);
  if (one && many && processes > 1)
    console.log(
      `multi-process gain (processes=${processes}): product=${(many.product / one.product).toFixed(2)} search=${(many.search / one.search).toFixed(2)} bare=${(many.bare / one.bare).toFixed(2)}`,
    );
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(0);
