/** The built web app (npm test builds it) served in this test process on a free port. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { createHttpApp } from "~/server/http.server";
import { closeDatabase } from "~db/client";

import { pageText } from "./page-text";

const root = path.resolve(import.meta.dirname, "../..");

/** `port`: a fixed port, for tests whose PUBLIC_URL (gateway callbacks, links) must point here. */
export async function startWeb(options: { port?: number } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const build = (await import(pathToFileURL(path.join(root, "build", "index.js")).href)) as ServerBuild;
  const app = createHttpApp({ build, publicDir: path.join(root, "public") });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The web app for one test file: started before its tests and stopped after them, with this
 * process's database and Redis pools. TRUST_PROXY is on, so each client may come from an address of
 * its own (`clientOfItsOwn`). Read `url` inside tests, not at import.
 */
export function webForFile(): { readonly url: string } {
  process.env.TRUST_PROXY = "1";
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  beforeAll(async () => {
    web = await startWeb();
  });
  afterAll(async () => {
    await web?.close();
    await closeRedis();
    await closeDatabase();
  });
  return {
    get url() {
      if (!web) throw new Error("the web app is not started yet: read url inside a test");
      return web.url;
    },
  };
}

/** A client from an address of its own (the public rate limits count per address; TRUST_PROXY must be on). */
export function clientOfItsOwn(url: string): FormClient {
  const client = new FormClient(url);
  client.forwardedFor = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return client;
}

/** A browser-like client without JavaScript: keeps cookies, reads CSRF tokens, posts forms. */
export class FormClient {
  private cookies = new Map<string, string>();
  lastHtml = "";
  /** Sent as X-Forwarded-For, to appear as a distinct client (with TRUST_PROXY set). */
  forwardedFor?: string;

  constructor(private readonly base: string) {}

  async get(pathname: string): Promise<Response> {
    const res = await fetch(this.base + pathname, { headers: this.headers(), redirect: "manual" });
    this.remember(res);
    this.lastHtml = await pageText(res);
    return res;
  }

  /** Submits a form the way a browser does, with the page's CSRF token unless told otherwise. */
  async post(
    pathname: string,
    fields: Record<string, string | string[]>,
    options: { csrf?: string | null; origin?: string } = {},
  ): Promise<Response> {
    const csrf = options.csrf === undefined ? this.csrfToken() : options.csrf;
    // A list repeats the field, like checkboxes of one name.
    const body = new URLSearchParams(
      Object.entries({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) }).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]],
      ),
    );
    const res = await fetch(this.base + pathname, {
      method: "POST",
      headers: {
        ...this.headers(),
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: options.origin ?? this.base,
      },
      body,
      redirect: "manual",
    });
    this.remember(res);
    this.lastHtml = await pageText(res);
    return res;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  csrfToken(): string {
    // A storefront page a CDN may cache carries an empty field (app/lib/csrf.server.ts): a browser
    // submits it empty, with its Origin header as the proof.
    const match = this.lastHtml.match(/name="_csrf" value="([^"]*)"/);
    if (!match) throw new Error("no CSRF field on the last page: get() a page with a form first");
    return match[1];
  }

  /**
   * The sign-up form's hidden field naming the policy versions the page showed, as a browser
   * submits it (a sign-up without it is refused: the person never saw a version).
   */
  shownPolicies(): { policyVersions: string } {
    const match = this.lastHtml.match(/name="policyVersions" value="([^"]*)"/);
    if (!match) throw new Error("no policyVersions field on the last page: get() a sign-up page first");
    return { policyVersions: match[1] };
  }

  /** The Cookie header this client sends (for requests it cannot make itself, e.g. multipart). */
  cookieHeader(): string {
    return this.headers().Cookie ?? "";
  }

  /** Starts this client with a cookie, e.g. a session taken from another client. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private headers(): Record<string, string> {
    return {
      ...(this.cookies.size ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
      ...(this.forwardedFor ? { "X-Forwarded-For": this.forwardedFor } : {}),
    };
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, ...value] = pair.split("=");
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join("="));
    }
  }
}

/** Decodes the HTML entities React writes into attribute values and text (and drops its text-joining comments). */
export function htmlDecode(s: string): string {
  return s
    .replace(/<!-- -->/g, "")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
