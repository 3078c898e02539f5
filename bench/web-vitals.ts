/**
 * `npm run bench:web-vitals [-- --runs 3]`: what a first-time visitor's browser sees, in headless
 * Chromium (Debian's package, driven by playwright-core): the storefront home, a product page and
 * a search of the 10,000-product shop `bench-0000` (bench/seed.ts, seeded when missing), the
 * admin's first page after sign-in (its owner's session cookie), and `/bench/bare` (the root
 * layout alone) as the same server's reference.
 *
 * Every visit is a fresh browser context (empty cache and cookies) asking for gzip only, so the
 * figures are a first visit's over gzip. For each page, the median of `--runs` visits:
 *   web vitals <page>: ttfb=<ms> lcp=<ms> js_gzip_kb=<KB of JavaScript on the wire> js_files=<n> navigations=<n> client=<remix|none>
 * ttfb: the document's responseStart; lcp: the last largest-contentful-paint entry once the page
 * is hydrated (or, served without the Remix client, loaded) and the network is idle; navigations:
 * documents the tab loaded (1 = no reload); client: whether the Remix client hydrated the page
 * (storefront pages are plain HTML: app/root.tsx).
 * `--files` also lists each page's JavaScript files with their gzipped bytes (what to cut).
 * Exits 1 on a reload, a page or console error, a JavaScript file not sent gzipped, or a page
 * that ships the Remix client and does not hydrate.
 */
import { parseArgs } from "node:util";

import type { Browser, Page } from "playwright-core";
import postgres from "postgres";

import { launchBrowser } from "../tests/helpers/browser";
import { benchEnvironment } from "./environment";
import { BIG_SHOP_SLUG, seedBench } from "./seed";
import { serveApp } from "./serve";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, files: { type: "boolean", default: false } } });
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE ??= "100000000";
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
let exitCode = 0;

interface Visit {
  ttfb: number;
  lcp: number;
  jsBytes: number;
  jsFiles: number;
  /** Each JavaScript file's path and bytes on the wire. */
  files: Array<{ path: string; bytes: number }>;
  navigations: number;
  /** "remix" when the page hydrated, "none" for a page served as plain HTML. */
  client: string;
  problems: string[];
}

/** One first visit of `url` in a fresh context (with `cookie` when given). */
async function visit(browser: Browser, url: string, cookie?: { name: string; value: string }): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { "Accept-Encoding": "gzip" } });
  if (cookie) await context.addCookies([{ ...cookie, url }]);
  const page: Page = await context.newPage();
  const problems: string[] = [];
  let navigations = 0;
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("request", (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && navigations++);
  const scripts: Array<Promise<{ bytes: number; encoding: string; url: string }>> = [];
  page.on("response", (res) => {
    // Lazy route discovery: a version mismatch here (204 + X-Remix-Reload-Document) makes Remix reload the page.
    if (new URL(res.url()).pathname === "/__manifest" && res.status() !== 200) problems.push(`/__manifest answered ${res.status()}`);
    const type = res.headers()["content-type"] ?? "";
    if (!/javascript/.test(type)) return;
    scripts.push(
      res
        .request()
        .sizes()
        .then((s) => ({ bytes: s.responseBodySize, encoding: res.headers()["content-encoding"] ?? "none", url: res.url() })),
    );
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number };
    w.__lcp = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__lcp = entry.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
  });
  await page.goto(url, { waitUntil: "load" });
  // A page that ships the Remix client must hydrate; a storefront page is plain HTML (app/root.tsx).
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __remixContext?: unknown; __remixRouter?: { state: { initialized: boolean } } };
      return w.__remixRouter?.state.initialized || (document.readyState === "complete" && w.__remixContext === undefined);
    },
    undefined,
    { timeout: 30_000 },
  );
  const client = await page.evaluate(() => ("__remixRouter" in window ? "remix" : "none"));
  await page.waitForLoadState("networkidle");
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { ttfb: nav.responseStart, lcp: (window as unknown as { __lcp: number }).__lcp };
  });
  const files = await Promise.all(scripts);
  for (const f of files) if (f.encoding !== "gzip" && f.bytes > 1024) problems.push(`not gzipped (${f.encoding}): ${f.url}`);
  await context.close();
  return {
    ttfb: timing.ttfb,
    lcp: timing.lcp,
    jsBytes: files.reduce((n, f) => n + f.bytes, 0),
    jsFiles: files.length,
    files: files.map((f) => ({ path: new URL(f.url).pathname, bytes: f.bytes })),
    navigations,
    client,
    problems,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await seedBench({ shops: 1000, products: 100_000 });
  const { config, databaseUrls } = await import("~/config.server");
  const { closeDatabase } = await import("~db/client");
  const { closeRedis } = await import("~/lib/redis.server");
  const { startSession } = await import("~/domain/accounts/sessions.server");
  stops.unshift(async () => {
    await closeRedis();
    await closeDatabase();
  });
  const sql = postgres(databaseUrls(config()).platform, { max: 1, onnotice: () => {} });
  const [product] = await sql<{ handle: string }[]>`
    select p.handle from products p join shops s on s.id = p.shop_id
     where s.slug = ${BIG_SHOP_SLUG} and p.status = 'active' order by p.handle limit 1`;
  const [owner] = await sql<{ user_id: string }[]>`
    select m.user_id from shop_memberships m join shops s on s.id = m.shop_id where s.slug = ${BIG_SHOP_SLUG} and m.role = 'owner'`;
  await sql.end();

  const served = await serveApp(1);
  stops.unshift(served.stop);
  const browser = await launchBrowser();
  stops.unshift(() => browser.close());
  const { setCookie } = await startSession(owner.user_id, { remember: false, ip: "127.0.0.1", userAgent: "bench" });
  const [name, ...rest] = setCookie.split(";")[0].split("=");
  const session = { name, value: rest.join("=") };

  const shop = `${served.base}/s/${BIG_SHOP_SLUG}`;
  const pages: Array<[string, string, { name: string; value: string }?]> = [
    ["bare", `${served.base}/bench/bare`],
    ["storefront home", shop],
    ["product page", `${shop}/products/${product.handle}`],
    ["search", `${shop}/search?q=batik`],
    ["admin", `${served.base}/admin`, session],
  ];
  const runs = Math.max(1, Number(values.runs));
  await visit(browser, `${served.base}/bench/bare`); // warm-up: the server's first render
  for (const [label, url, cookie] of pages) {
    const visits: Visit[] = [];
    for (let i = 0; i < runs; i++) visits.push(await visit(browser, url, cookie));
    const problems = [...new Set(visits.flatMap((v) => v.problems))];
    const navigations = Math.max(...visits.map((v) => v.navigations));
    if (problems.length || navigations !== 1) {
      exitCode = 1;
      for (const p of problems) console.error(`${label}: ${p}`);
    }
    console.log(
      `web vitals ${label}: ttfb=${median(visits.map((v) => v.ttfb)).toFixed(0)} lcp=${median(visits.map((v) => v.lcp)).toFixed(0)}` +
        ` js_gzip_kb=${(median(visits.map((v) => v.jsBytes)) / 1024).toFixed(1)} js_files=${median(visits.map((v) => v.jsFiles))} navigations=${navigations}` +
        ` client=${visits[0].client}`,
    );
    // --files: what the first visit's JavaScript was, file by file, largest first.
    if (values.files)
      for (const f of [...visits[0].files].sort((a, b) => b.bytes - a.bytes))
        console.log(`  ${(f.bytes / 1024).toFixed(1).padStart(6)} KB  ${f.path}`);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(exitCode);
