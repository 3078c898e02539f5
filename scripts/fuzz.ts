/**
 * `npm run fuzz -- [--cases 20000] [--url http://127.0.0.1:3000] [--slug kedai-aisyah] [--sandbox URL] [--seed N]`
 *
 * The suite's fuzz test (tests/helpers/fuzz.ts) at any size against a running product (`npm start`):
 * every route in the built app's manifest (build/index.js), hostile paths, queries, headers and
 * bodies, anonymous and — when the sandbox URL is given (npm start prints it) — signed in as the
 * demo account. Prints `fuzz: cases=<n> status_5xx=<n> reflected=<n>` and the first failures;
 * exits 1 when there are any.
 *
 * Run it with TRUST_PROXY set on the product (each case comes from its own X-Forwarded-For), or
 * with RATE_LIMIT_PUBLIC_PER_MINUTE high enough: otherwise most cases meet the public rate limit.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";

import { DEMO } from "../db/seed";
import { fuzz, type FuzzTarget,routesOf } from "../tests/helpers/fuzz";

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

async function main(): Promise<number> {
  const cases = Number(arg("cases") ?? 1000);
  const baseUrl = (arg("url") ?? process.env.PUBLIC_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
  const seed = arg("seed") ? Number(arg("seed")) : undefined;
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "../build/index.js")).href)) as ServerBuild;
  const routes = routesOf(build);

  const anonymous = new Session(baseUrl);
  const anonymousCsrf = await anonymous.csrf("/login");
  const signedIn = await signInDemo(baseUrl, arg("sandbox") ?? process.env.SANDBOX_URL);
  const target: FuzzTarget = {
    baseUrl,
    slug: arg("slug") ?? DEMO.shop.slug,
    anonymousCookie: anonymous.header(),
    anonymousCsrf,
    ...(signedIn ? { signedInCookie: signedIn.header(), signedInCsrf: await signedIn.csrf("/admin/account") } : {}),
  };
  console.log(
    `fuzz: ${routes.length} routes at ${baseUrl}, ${signedIn ? "signed in as the demo account and anonymous" : "anonymous only (no sandbox URL to read the demo account's code)"}`,
  );
  const result = await fuzz(routes, target, { cases, seed, onProgress: (n) => process.stderr.write(`  ${n} cases\n`) });
  for (const f of result.failures) console.log(`  ${f.status} ${f.method} ${f.path} (${f.route}): ${f.why}`);
  console.log(`fuzz: cases=${result.cases} status_5xx=${result.status5xx} reflected=${result.reflected}`);
  return result.status5xx + result.reflected === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
