/**
 * `npm run fuzz -- [--cases 20000] [--url http://127.0.0.1:3000] [--slug kedai-aisyah] [--sandbox URL] [--seed N] [--concurrency 4] [--minutes M]`
 *
 * The suite's fuzz test (tests/helpers/fuzz.ts) at any size against a running product (`npm start`):
 * every route in the built app's manifest (build/index.js), hostile paths, queries, headers and
 * bodies, anonymous, as a storefront customer it signs up, and — when the sandbox URL is given
 * (npm start prints it) — signed in as the demo account, with the ids and handles that account's
 * pages show. Prints the status mix, `fuzz: cases=<n> status_5xx=<n> reflected=<n>` and the first
 * failures; exits 1 when there are any.
 *
 * `--minutes M` stops starting new cases after M minutes (a busy machine may not finish the count):
 * the summary then counts the cases run. Failures are printed as they are found, and again at the end.
 *
 * Run it with TRUST_PROXY set on the product (each case comes from its own X-Forwarded-For), or
 * with RATE_LIMIT_PUBLIC_PER_MINUTE high enough: otherwise most cases meet the public rate limit.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import sharp from "sharp";

import { DEMO } from "../db/seed";
import { fuzz, type FuzzIdentity, type FuzzTarget, routesOf } from "../tests/helpers/fuzz";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** A browser-like session: the cookies a response sets, and the page's CSRF token. */
class Session {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async send(pathname: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; html: string }> {
    const res = await fetch(this.base + pathname, {
      method: form ? "POST" : "GET",
      headers: {
        Cookie: this.header(),
        "X-Forwarded-For": "10.255.255.1",
        ...(form ? { "Content-Type": "application/x-www-form-urlencoded", Origin: this.base } : {}),
      },
      body: form ? new URLSearchParams(form) : undefined,
      redirect: "manual",
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair.split("=");
      this.cookies.set(name.trim(), value.join("="));
    }
    return { status: res.status, location: res.headers.get("location"), html: await res.text() };
  }
  async csrf(pathname: string): Promise<string> {
    return (await this.send(pathname)).html.match(/name="_csrf" value="([^"]*)"/)?.[1] ?? "";
  }
}

async function signInDemo(base: string, sandbox: string | undefined): Promise<Session | undefined> {
  const s = new Session(base);
  const login = await s.send("/login", { _csrf: await s.csrf("/login"), email: DEMO.email, password: DEMO.password });
  if (login.status !== 302) return undefined;
  if (login.location === "/login/verify") {
    if (!sandbox) return undefined;
    const token = await s.csrf("/login/verify");
    const inbox = (await (await fetch(`${sandbox}/wassenger/inbox.json`)).json()) as {
      messages: Array<{ message?: string; template?: unknown }>;
    };
    const code = inbox.messages.map((m) => (m.message ?? JSON.stringify(m.template ?? "")).match(/\b(\d{6})\b/)?.[1]).find(Boolean);
    if (!code) return undefined;
    if ((await s.send("/login/verify", { _csrf: token, intent: "verify", code })).status !== 302) return undefined;
  }
  return s;
}

/** Ids and handles the pages show to a session (its own shop's rows), to aim cases at real rows. */
async function harvest(s: Session, pages: string[]): Promise<{ ids: string[]; handles: string[] }> {
  const ids = new Set<string>();
  const handles = new Set<string>();
  for (const page of pages) {
    const { html } = await s.send(page);
    for (const m of html.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)) ids.add(m[0]);
    for (const m of html.matchAll(/\/(?:products|collections)\/([a-z0-9-]+)"/g)) handles.add(m[1]);
  }
  return { ids: [...ids].slice(0, 200), handles: [...handles].slice(0, 50) };
}

async function main(): Promise<number> {
  const cases = Number(arg("cases") ?? 1000);
  const baseUrl = (arg("url") ?? process.env.PUBLIC_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
  const seed = arg("seed") ? Number(arg("seed")) : undefined;
  const slug = arg("slug") ?? DEMO.shop.slug;
  const buildFile = path.resolve(import.meta.dirname, "../build/index.js");
  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  const routes = routesOf(build, fs.readFileSync(buildFile, "utf8"));

  const identities: FuzzIdentity[] = [];
  const anonymous = new Session(baseUrl);
  identities.push({ role: "anonymous", cookie: anonymous.header(), csrf: await anonymous.csrf("/login") });
  identities[0].cookie = anonymous.header();

  const customer = new Session(baseUrl);
  const email = `fuzz-${Date.now()}@example.com`;
  // The sign-up page's token and hidden field naming the policy versions it showed (required).
  const signupPage = (await customer.send(`/s/${slug}/account/signup`)).html;
  const signup = await customer.send(`/s/${slug}/account/signup`, {
    _csrf: signupPage.match(/name="_csrf" value="([^"]*)"/)?.[1] ?? "",
    policyVersions: signupPage.match(/name="policyVersions" value="([^"]*)"/)?.[1] ?? "",
    name: "Fuzz Customer",
    email,
    phone: "",
    password: "a long fuzzing passphrase 2026",
    adult: "on",
  });
  if (signup.status === 302)
    identities.push({ role: "customer", cookie: customer.header(), csrf: await customer.csrf(`/s/${slug}/account`) });

  const signedIn = await signInDemo(baseUrl, arg("sandbox") ?? process.env.SANDBOX_URL);
  const found = signedIn
    ? await harvest(signedIn, ["/admin/products", "/admin/orders", "/admin/customers", "/admin/collections", "/admin/staff", `/s/${slug}`])
    : await harvest(anonymous, [`/s/${slug}`]);
  if (signedIn) identities.push({ role: "owner", cookie: signedIn.header(), csrf: await signedIn.csrf("/admin/account") });

  const target: FuzzTarget = {
    baseUrl,
    slug,
    identities,
    ids: found.ids,
    handles: found.handles,
    image: await sharp({ create: { width: 64, height: 48, channels: 3, background: "#0f766e" } })
      .png()
      .toBuffer(),
  };
  console.log(
    `fuzz: ${routes.length} routes at ${baseUrl} as ${identities.map((i) => i.role).join(", ")}${signedIn ? "" : " (no sandbox URL to read the demo account's code)"}; ${found.ids.length} ids, ${found.handles.length} handles`,
  );
  const concurrency = Number(arg("concurrency") ?? 4);
  const minutes = arg("minutes") ? Number(arg("minutes")) : undefined;
  const started = Date.now();
  const result = await fuzz(routes, target, {
    cases,
    seed,
    concurrency,
    deadline: minutes === undefined ? undefined : started + minutes * 60_000,
    onProgress: (n) => process.stderr.write(`  ${n} cases\n`),
    onFailure: (f) => process.stderr.write(`  found: ${f.status} ${f.method} ${f.path.slice(0, 300)} (${f.route}): ${f.why}\n`),
  });
  for (const f of result.failures) console.log(`  ${f.status} ${f.method} ${f.path.slice(0, 300)} (${f.route}): ${f.why}`);
  const mix = Object.entries(result.statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status === "-1" ? "unsent" : status}=${n}`)
    .join(" ");
  console.log(
    `fuzz: well-formed=${result.wellFormed} malformed=${result.cases - result.wellFormed}; stack_traces=${result.stackTraces}; statuses ${mix} (of the redirects, ${result.toLogin} to a login page)`,
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (result.cases < cases) console.log(`fuzz: stopped after --minutes ${minutes}: ${result.cases} of ${cases} cases run`);
  console.log(`fuzz: cases=${result.cases} status_5xx=${result.status5xx} reflected=${result.reflected} (${seconds} s)`);
  return result.status5xx + result.reflected + result.stackTraces === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
