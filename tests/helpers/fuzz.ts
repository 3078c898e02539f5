/**
 * Property-based fuzzing of the running app over every route in the Remix build's manifest:
 * hostile values in path parameters, query strings, form fields, headers, multipart and JSON
 * bodies, for every method a route accepts, signed in and anonymous. The property: no 5xx, and no
 * marker sent in the request comes back unescaped in an HTML page.
 *
 * fast-check rather than a hand-written generator: it composes the hostile-value generators
 * declaratively, replays a failure from its seed, and shrinks a failing request to a small one.
 *
 * Used by tests/integration/fuzz.test.ts (about 1,000 cases in CI) and scripts/fuzz.ts
 * (`npm run fuzz -- --cases 20000` against a running product).
 */
import type { ServerBuild } from "@remix-run/node";
import fc from "fast-check";

export interface FuzzRoute {
  id: string;
  /** Full path pattern, e.g. `/s/:slug/products/:handle`. */
  pattern: string;
  loader: boolean;
  action: boolean;
}

/** Every route of the build with a loader or an action, with its full path pattern. */
export function routesOf(build: ServerBuild): FuzzRoute[] {
  const routes = build.routes;
  const fullPath = (id: string): string => {
    const r = routes[id];
    if (!r) return "";
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/");
  };
  return Object.values(routes)
    .filter((r): r is NonNullable<typeof r> => Boolean(r && (r.module.loader || r.module.action)))
    .map((r) => ({
      id: r.id,
      pattern: `/${fullPath(r.id)}`.replace(/\/+/g, "/"),
      loader: Boolean(r.module.loader),
      action: Boolean(r.module.action),
    }));
}

export interface FuzzTarget {
  baseUrl: string;
  /** A real shop's slug, so storefront routes get past their first lookup. */
  slug?: string;
  /** A signed-in session's Cookie header, for the signed-in half of the cases. */
  signedInCookie?: string;
  /** The CSRF token that goes with signedInCookie (and an anonymous one with anonymousCookie). */
  signedInCsrf?: string;
  anonymousCookie?: string;
  anonymousCsrf?: string;
}

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  marker: string;
  route: string;
}

export interface FuzzResult {
  cases: number;
  status5xx: number;
  reflected: number;
  failures: Array<{ method: string; path: string; status: number; why: string; route: string }>;
}

// --- Hostile values ---------------------------------------------------------------------------

const MARKER = () => fc.integer({ min: 1, max: 2 ** 31 }).map((n) => `fz${n.toString(36)}`);

/** Percent-encoded raw bytes: broken UTF-8, NUL, overlong forms, surrogates. */
const encodedBytes = fc
  .uint8Array({ minLength: 1, maxLength: 12 })
  .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join(""));

const nastyLiteral = fc.constantFrom(
  "%00",
  "%FF",
  "%ED%A0%80",
  "%C0%AF",
  "%E0%A4%A",
  "%",
  "%zz",
  "%2e%2e%2f",
  "..%2F..%2Fetc%2Fpasswd",
  "%u0000",
  "null",
  "undefined",
  "-1",
  "0",
  "99999999999999999999999",
  "NaN",
  "1e308",
  "00000000-0000-0000-0000-000000000000",
  "'%20OR%201=1--",
  "%5B%5D",
  "a".repeat(5000),
  "%F0%9F%92%A9",
  "%E2%80%AE",
  "__proto__",
  "constructor",
);

/** One text value as it goes into a URL (already percent-encoded, possibly badly). */
const urlValue = (marker: string) =>
  fc.oneof(
    nastyLiteral,
    encodedBytes,
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
    fc.constant(encodeURIComponent(`"><${marker}>'`)),
    fc.uuid(),
  );

/** A header value fetch will send (latin1, no control characters), or a hostile one in that range. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
  fc.constantFrom("null", "", "%00", "\u00ff\u00fe", "\u00c3\u0028", "x".repeat(4000), "https://evil.example", "en;q=abc,ms;q=-1,*"),
);

// --- Requests -------------------------------------------------------------------------------

function fillPattern(pattern: string, values: string[], slug: string | undefined, useSlug: boolean): string {
  let i = 0;
  return pattern.replace(/:(\w+)\??|\*/g, (_m, name?: string) => {
    if (name === "slug" && slug && useSlug) return slug;
    return values[i++ % values.length] ?? "x";
  });
}

function multipart(
  boundary: string,
  fields: Array<[string, string]>,
  file?: { name: string; bytes: Uint8Array; type: string },
): Uint8Array {
  const parts: Buffer[] = [];
  for (const [k, v] of fields)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`, "latin1"),
      Buffer.from(v, "latin1"),
      Buffer.from("\r\n"),
    );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.name}.png"\r\nContent-Type: ${file.type}\r\n\r\n`,
        "latin1",
      ),
      Buffer.from(file.bytes),
      Buffer.from("\r\n"),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** The arbitrary of one request against the routes. */
export function fuzzCase(routes: FuzzRoute[], target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      marker: MARKER(),
      signedIn: fc.boolean(),
      useSlug: fc.boolean(),
      withToken: fc.boolean(),
      methodPick: fc.nat(20),
      suffix: fc.constantFrom("", "", "", ".data", "/", "/%FF", "/x%00"),
      values: fc.array(fc.nat(1000), { minLength: 1, maxLength: 4 }),
      query: fc.array(
        fc.tuple(
          fc.constantFrom("q", "page", "from", "to", "status", "redirectTo", "token", "_data", "index", "sort", "id", "x"),
          fc.nat(10),
        ),
        {
          maxLength: 4,
        },
      ),
      fields: fc.array(
        fc.tuple(
          fc.constantFrom(
            "email",
            "password",
            "title",
            "intent",
            "q",
            "name",
            "quantity",
            "variantId",
            "code",
            "handle",
            "price",
            "id",
            "redirectTo",
            "x",
          ),
          fc.nat(10),
        ),
        {
          maxLength: 6,
        },
      ),
      bodyKind: fc.constantFrom(
        "form",
        "form",
        "form",
        "multipart",
        "multipart-broken",
        "multipart-noboundary",
        "json",
        "text",
        "bytes",
        "none",
      ),
      headerPicks: fc.record({
        origin: fc.constantFrom("own", "own", "none", "null", "evil", "garbage"),
        contentTypeOverride: fc.option(
          fc.constantFrom(
            "application/json",
            "text/plain",
            "multipart/form-data",
            "application/x-www-form-urlencoded; charset=latin1",
            "x/y",
          ),
          { freq: 5 },
        ),
        cookieJunk: fc.option(fc.constantFrom("csrf=%FF", "__session=%00", "lng=%E0", "a=b; ; =; csrf", "ns_cart=" + "A".repeat(3000)), {
          freq: 6,
        }),
        acceptLanguage: fc.option(headerValue, { freq: 3 }),
        forwardedHost: fc.option(fc.constantFrom("evil.example", "[::", "a b", ""), { freq: 8 }),
        secFetchSite: fc.option(fc.constantFrom("same-origin", "cross-site", "none"), { freq: 3 }),
      }),
    })
    .chain((c) =>
      fc
        .tuple(fc.array(urlValue(c.marker), { minLength: 8, maxLength: 8 }), headerValue, fc.uint8Array({ maxLength: 200 }))
        .map(([urlValues, header, randomBytes]) => ({ c, urlValues, header, randomBytes })),
    )
    .map(({ c, urlValues, header, randomBytes }) => {
      const { route, marker } = c;
      const methods = [
        ...(route.loader ? ["GET", "GET", "HEAD"] : []),
        ...(route.action ? ["POST", "POST", "POST", "PUT", "DELETE", "PATCH"] : []),
        "OPTIONS",
      ];
      if (!route.loader && !route.action) methods.push("GET");
      const method = methods[c.methodPick % methods.length];
      const path = fillPattern(route.pattern, urlValues, target.slug, c.useSlug) + c.suffix;
      const query = c.query.map(([k, v]) => `${k}=${urlValues[v % urlValues.length]}`).join("&");
      const fullPath = (path || "/") + (query ? `?${query}` : "");
      const cookie = c.signedIn ? target.signedInCookie : target.anonymousCookie;
      const csrf = c.signedIn ? target.signedInCsrf : target.anonymousCsrf;
      const headers: Record<string, string> = {
        "X-Forwarded-For": `10.${(c.values[0] ?? 0) % 250}.${marker.length}.${(c.values.at(-1) ?? 1) % 250}`,
      };
      const cookies = [cookie, c.headerPicks.cookieJunk].filter(Boolean).join("; ");
      if (cookies) headers.Cookie = cookies;
      const own = target.baseUrl;
      const origin = { own, none: undefined, null: "null", evil: "https://evil.example", garbage: "::not a url::" }[c.headerPicks.origin];
      if (origin && method !== "GET" && method !== "HEAD") headers.Origin = origin;
      if (c.headerPicks.acceptLanguage !== null) headers["Accept-Language"] = c.headerPicks.acceptLanguage;
      else headers["Accept-Language"] = header;
      if (c.headerPicks.forwardedHost !== null) headers["X-Forwarded-Host"] = c.headerPicks.forwardedHost;
      if (c.headerPicks.secFetchSite !== null) headers["Sec-Fetch-Site"] = c.headerPicks.secFetchSite;

      let body: string | Uint8Array | undefined;
      if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
        // Field values: decoded hostile values (a NUL, broken UTF-8 as latin1 bytes, the marker).
        const raw = c.fields.map(([k, v]): [string, string] => [k, urlValues[v % urlValues.length]]);
        if (c.withToken && csrf !== undefined) raw.push(["_csrf", csrf]);
        const asLatin1 = (encoded: string) => {
          try {
            return Buffer.from(unescape(encoded), "latin1").toString("latin1");
          } catch {
            return encoded;
          }
        };
        switch (c.bodyKind) {
          case "form":
            headers["Content-Type"] = "application/x-www-form-urlencoded";
            body = raw.map(([k, v]) => `${k}=${v}`).join("&");
            break;
          case "multipart":
          case "multipart-broken": {
            headers["Content-Type"] = "multipart/form-data; boundary=fzboundary";
            const full = multipart(
              "fzboundary",
              raw.map(([k, v]) => [k, asLatin1(v)]),
              { name: c.fields[0]?.[0] ?? "file", bytes: randomBytes, type: "image/png" },
            );
            body = c.bodyKind === "multipart" ? full : full.subarray(0, Math.max(1, Math.floor(full.length / 2)));
            break;
          }
          case "multipart-noboundary":
            headers["Content-Type"] = "multipart/form-data";
            body = raw.map(([k, v]) => `${k}=${v}`).join("&");
            break;
          case "json":
            headers["Content-Type"] = "application/json";
            body = JSON.stringify(Object.fromEntries(raw.map(([k, v]) => [k, asLatin1(v)])));
            break;
          case "text":
            headers["Content-Type"] = "text/plain";
            body = raw.map(([k, v]) => `${k}=${asLatin1(v)}`).join("\n");
            break;
          case "bytes":
            headers["Content-Type"] = "application/octet-stream";
            body = randomBytes;
            break;
          case "none":
            break;
        }
        if (c.headerPicks.contentTypeOverride !== null) headers["Content-Type"] = c.headerPicks.contentTypeOverride;
      }
      return { method, path: fullPath, headers, body, marker, route: route.id };
    });
}

/** Sends one case; undefined when it passes, otherwise why not. */
export async function runCase(target: FuzzTarget, fuzz: FuzzCase): Promise<{ status: number; why: string } | undefined> {
  let res: Response;
  try {
    res = await fetch(target.baseUrl + fuzz.path, {
      method: fuzz.method,
      headers: fuzz.headers,
      body: fuzz.body as BodyInit | undefined,
      redirect: "manual",
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    // fetch itself refused to send it (an invalid URL or header): not a request the server saw.
    if (error instanceof TypeError && !cause?.code) return undefined;
    return { status: 0, why: `connection failed: ${cause?.code ?? (error as Error).message}` };
  }
  const text = fuzz.method === "HEAD" ? "" : await res.text().catch(() => "");
  if (res.status >= 500) return { status: res.status, why: `status ${res.status}: ${text.slice(0, 200).replace(/\s+/g, " ")}` };
  const html = (res.headers.get("content-type") ?? "").includes("html");
  if (html && text.includes(`<${fuzz.marker}`)) return { status: res.status, why: "reflected unescaped" };
  return undefined;
}

/** Runs `cases` generated requests (sequentially: the point is correctness, not load). */
export async function fuzz(
  routes: FuzzRoute[],
  target: FuzzTarget,
  options: { cases: number; seed?: number; onProgress?: (done: number) => void },
): Promise<FuzzResult> {
  const result: FuzzResult = { cases: 0, status5xx: 0, reflected: 0, failures: [] };
  await fc.assert(
    fc.asyncProperty(fuzzCase(routes, target), async (fuzzed) => {
      result.cases++;
      if (options.onProgress && result.cases % 500 === 0) options.onProgress(result.cases);
      const problem = await runCase(target, fuzzed);
      if (!problem) return;
      if (problem.why === "reflected unescaped") result.reflected++;
      else result.status5xx++;
      if (result.failures.length < 50)
        result.failures.push({ method: fuzzed.method, path: fuzzed.path, status: problem.status, why: problem.why, route: fuzzed.route });
    }),
    // Count every failure instead of stopping (and shrinking) at the first: the report lists them all.
    { numRuns: options.cases, seed: options.seed, endOnFailure: false },
  );
  return result;
}
