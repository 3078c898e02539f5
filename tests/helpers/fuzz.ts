/**
 * Property-based fuzzing of the running app over every route in the Remix build's manifest:
 * hostile values in path parameters, query strings, form fields, headers, multipart and JSON
 * bodies, for every method a route accepts, signed in (each role the target offers) and anonymous.
 * The property: no 5xx, no marker sent in the request comes back unescaped in an HTML page, and
 * no response carries an error's stack trace.
 *
 * Two kinds of case, so that most of them reach loaders, actions and domain code instead of
 * stopping at the HTTP layer's guard:
 *
 * - well-formed (about four in five): a request a browser could send — own Origin, the session's
 *   valid CSRF token, the right Content-Type, the route's own field, query and `intent` names (read
 *   from the route's code in the build), real ids of this tenant and of another one — carrying
 *   hostile *values*: huge, negative, float and exotic-digit numbers, emoji, RTL and zero-width
 *   text, very long strings, impossible dates, arrays where a scalar is expected, missing and
 *   duplicated fields, JSON and multipart bodies with real, fake, polyglot and oversize (> 10 MB)
 *   images and CSV files;
 * - malformed (the rest): broken percent-encoding, NUL bytes, wrong or missing Content-Types,
 *   truncated multipart, hostile headers and Origins — what the guard must turn into a 4xx.
 *
 * fast-check rather than a hand-written generator: it composes the hostile-value generators
 * declaratively and replays a run from its seed (`--seed`).
 *
 * Used by tests/integration/fuzz.test.ts (about 1,000 cases in CI) and scripts/fuzz.ts
 * (`npm run fuzz -- --cases 20000` against a running product).
 */
import type { ServerBuild } from "@remix-run/node";
import fc from "fast-check";

import { pageText } from "./page-text";

export interface FuzzRoute {
  id: string;
  /** Full path pattern, e.g. `/s/:slug/products/:handle`. */
  pattern: string;
  loader: boolean;
  action: boolean;
  /** Form field and query names the route's code reads (from the build's source), if known. */
  names: string[];
  /** String literals the route compares against (`intent` values, statuses, kinds). */
  literals: string[];
}

/**
 * Every route of the build with a loader or an action, with its full path pattern; with the
 * build's source (build/index.js), also the names and literals its module reads, so well-formed
 * cases post the fields the route really handles.
 */
export function routesOf(build: ServerBuild, source?: string): FuzzRoute[] {
  const routes = build.routes;
  const fullPath = (id: string): string => {
    const r = routes[id];
    if (!r) return "";
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/");
  };
  const sections = source ? moduleSections(source) : new Map<string, string>();
  return Object.values(routes)
    .filter((r): r is NonNullable<typeof r> => Boolean(r && (r.module.loader || r.module.action)))
    .map((r) => {
      const code = [".tsx", ".ts", "/route.tsx", "/route.ts"].map((ext) => sections.get(`app/${r.id}${ext}`) ?? "").join("\n");
      return {
        id: r.id,
        pattern: `/${fullPath(r.id)}`.replace(/\/+/g, "/"),
        loader: Boolean(r.module.loader),
        action: Boolean(r.module.action),
        ...namesIn(code),
      };
    });
}

/** The build's source split by esbuild's `// app/…` module comments (a module may have several sections). */
function moduleSections(source: string): Map<string, string> {
  const sections = new Map<string, string>();
  const marks = [...source.matchAll(/^\/\/ (app\/[^\n]+)$/gm)];
  marks.forEach((m, i) => {
    const text = source.slice(m.index, marks[i + 1]?.index ?? source.length);
    sections.set(m[1], (sections.get(m[1]) ?? "") + text);
  });
  return sections;
}

function namesIn(code: string): { names: string[]; literals: string[] } {
  const names = new Set<string>();
  for (const m of code.matchAll(/\.(?:get|getAll|has)\(\s*"([\w.[\]-]{1,40})"\s*\)/g)) names.add(m[1]);
  for (const m of code.matchAll(/\bname: "([\w.[\]-]{1,40})"/g)) names.add(m[1]);
  const literals = new Set<string>();
  for (const m of code.matchAll(/(?:===|!==|case) "([\w-]{1,40})"/g)) literals.add(m[1]);
  for (const m of code.matchAll(/\bvalue: "([\w-]{1,40})"/g)) literals.add(m[1]);
  return { names: [...names], literals: [...literals] };
}

/** A session the cases may use: anonymous, or signed in with some role. */
export interface FuzzIdentity {
  /** e.g. "anonymous", "owner", "staff", "operator", "supplier", "customer". */
  role: string;
  /** The Cookie header of the session (its CSRF cookie included). */
  cookie: string;
  /** The CSRF token that goes with the cookie. */
  csrf: string;
}

export interface FuzzTarget {
  baseUrl: string;
  /** A real shop's slug, so storefront routes get past their first lookup. */
  slug?: string;
  /** Sessions to send cases as; the first is used for malformed cases' anonymous half. */
  identities: FuzzIdentity[];
  /** Real ids: of the signed-in shop's rows and of another tenant's (products, orders, variants, shops, users). */
  ids?: string[];
  /** Real handles and slugs (products, collections, other shops). */
  handles?: string[];
  /** A real image to upload (PNG), so multipart cases also reach the re-encoding path. */
  image?: Uint8Array;
}

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  marker: string;
  route: string;
  kind: "well-formed" | "malformed";
}

export interface FuzzResult {
  cases: number;
  status5xx: number;
  reflected: number;
  /** Responses (of any status) that carried an error's stack trace. */
  stackTraces: number;
  /** How many responses had each status (0: the connection failed). */
  statuses: Record<number, number>;
  /** Redirects to a login page (a session the route does not accept). */
  toLogin: number;
  /** How many well-formed cases were sent (the rest are malformed). */
  wellFormed: number;
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

/** A malformed request: what the HTTP layer's guard and the form-body reader must answer with a 4xx. */
function malformedCase(routes: FuzzRoute[], target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      marker: MARKER(),
      identity: fc.nat(Math.max(0, target.identities.length - 1)),
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
      const identity = target.identities[SESSION_ENDING.test(route.pattern) ? 0 : c.identity] as FuzzIdentity | undefined;
      const cookie = identity?.cookie;
      const csrf = identity?.csrf;
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
      return { method, path: fullPath, headers, body, marker, route: route.id, kind: "malformed" as const };
    });
}

// --- Well-formed requests with hostile values ------------------------------------------------

/** Numbers as a form or a query string may carry them. */
const hostileNumber = fc.oneof(
  fc.constantFrom(
    "0",
    "-0",
    "-1",
    "1.5",
    "0.0001",
    "-0.01",
    "1e308",
    "1e309",
    "-1e308",
    "1e-7",
    "9007199254740993",
    "99999999999999999999999",
    "2147483648",
    "-2147483649",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "1,000",
    "1.000,50",
    " 5 ",
    "５",
    "٣",
    "१२",
    "+1",
    "00001",
    "1.",
    ".5",
    "RM 10",
    "10.999",
  ),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
);

/** Text that is valid UTF-8 (the guard lets it through) but hostile to domain code. */
const hostileText = (marker: string) =>
  fc.oneof(
    fc.constantFrom(
      "",
      " ",
      "\t\n",
      "\r\n\r\n",
      "😀",
      "😀".repeat(2000),
      "👩🏽‍💻🇲🇾",
      "\u202Egnp.exe",
      "\u200B\u200C\u200D\uFEFF",
      "שלום עולם",
      "مرحبا بالعالم",
      "𝕏𝕐ℤ",
      "İıßẞ",
      "Ⅻ",
      "ﷺ",
      "null",
      "true",
      "[]",
      "{}",
      '{"a":1}',
      "__proto__",
      "constructor",
      "' OR 1=1--",
      "'; DROP TABLE users;--",
      "\\",
      "%00",
      "%",
      "../../etc/passwd",
      "https://evil.example/",
      "//evil.example",
      "javascript:alert(1)",
      "a@b",
      "a@b.c",
      "@",
      "x@" + "a".repeat(300) + ".com",
      "+60123456789",
      "+6",
      "0".repeat(40),
      "2026-02-30",
      "9999-12-31",
      "0001-01-01",
      "2026-13-01",
      "2026-01-01T25:00",
      "1970-01-01T00:00:00Z",
      "00000000-0000-0000-0000-000000000000",
      "a".repeat(300),
      "a".repeat(70_000),
      "line\n".repeat(5000),
    ),
    fc.constant(`"><${marker}>'`),
    fc.constant(`<${marker}>${"€".repeat(20)}`),
    fc.string({ unit: "grapheme", maxLength: 30 }),
    // eslint-disable-next-line no-control-regex -- a NUL is the malformed cases' job, not these
    fc.string({ unit: "binary", maxLength: 30 }).map((t) => t.replace(/[\u0000\uD800-\uDFFF]/g, "")),
    fc.uuid(),
  );

function hostileValue(marker: string, target: FuzzTarget, literals: string[]): fc.Arbitrary<string> {
  const ids = target.ids?.length ? target.ids : ["00000000-0000-4000-8000-000000000000"];
  const handles = target.handles?.length ? target.handles : ["x"];
  return fc.oneof(
    { weight: 3, arbitrary: hostileText(marker) },
    { weight: 3, arbitrary: hostileNumber },
    { weight: 2, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom(...handles) },
    { weight: literals.length ? 2 : 0, arbitrary: fc.constantFrom(...(literals.length ? literals : ["x"])) },
  );
}

const PARAM_IDS = /id$/i;

/** Routes that end or revoke sessions: sent anonymously, so the run's signed-in sessions stay signed in. */
const SESSION_ENDING = /logout|account\/sessions|account\/password|account\/totp|account\/privacy|switch-shop/;

/** A request a browser could send, with hostile values in it. */
function wellFormedCase(routes: FuzzRoute[], target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  const identities = target.identities;
  return fc
    .record({
      route: fc.constantFrom(...routes),
      marker: MARKER(),
      identity: fc.nat(Math.max(0, identities.length - 1)),
      affinity: fc.nat(9),
      methodPick: fc.nat(99),
      realParams: fc.array(fc.nat(99), { minLength: 6, maxLength: 6 }),
      ip: fc.tuple(fc.nat(255), fc.nat(255)),
      language: fc.constantFrom("en", "ms", "zh", "ms-MY,ms;q=0.9", "zh-CN,zh;q=0.9,en;q=0.1", "*"),
      bodyKind: fc.constantFrom("form", "form", "form", "form", "multipart", "multipart", "json"),
      fileKind: fc.constantFrom("none", "none", "png", "png", "polyglot", "random", "csv", "svg", "empty"),
      fileType: fc.constantFrom(
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/svg+xml",
        "text/html",
        "text/csv",
        "video/mp4",
        "application/pdf",
      ),
      fieldCount: fc.nat(8),
      duplicate: fc.nat(4),
      queryCount: fc.nat(3),
      dotData: fc.nat(9),
    })
    .chain((c) => {
      const route = c.route;
      const names = [...route.names, "intent", "id", "q", "page", "redirectTo"];
      const value = hostileValue(c.marker, target, route.literals);
      return fc
        .record({
          params: fc.array(value, { minLength: 6, maxLength: 6 }),
          fields: fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: c.fieldCount }),
          intent: fc.option(fc.constantFrom(...(route.literals.length ? route.literals : ["save"])), { freq: 3 }),
          query: fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: c.queryCount }),
          json: fc.jsonValue({ maxDepth: 3 }),
          csv: fc.array(fc.array(value, { maxLength: 8 }), { maxLength: 6 }),
          random: fc.uint8Array({ maxLength: 400 }),
        })
        .map((v) => ({ c, v }));
    })
    .map(({ c, v }) => {
      const { route, marker } = c;
      // Mostly a session the route is for (staff roles on the admin, shoppers on the storefront), so cases get past sign-in.
      const fitting = identities.filter((i) =>
        /^\/(admin|supplier)/.test(route.pattern)
          ? !["anonymous", "customer"].includes(i.role)
          : ["anonymous", "customer"].includes(i.role),
      );
      const pool = c.affinity < 8 && fitting.length ? fitting : identities;
      const identity = (SESSION_ENDING.test(route.pattern) ? identities[0] : pool[c.identity % pool.length]) as FuzzIdentity | undefined;
      // Mostly what the route is for (a page's GET, a form's POST); a few other methods too.
      const method =
        route.action && (!route.loader || c.methodPick < 60)
          ? c.methodPick < 92
            ? "POST"
            : (["PUT", "PATCH", "DELETE", "POST", "POST", "POST", "POST", "POST"][c.methodPick - 92] ?? "POST")
          : c.methodPick < 95
            ? "GET"
            : "HEAD";
      let p = 0;
      const ids = target.ids ?? [];
      const handles = target.handles ?? [];
      const path = route.pattern.replace(/:(\w+)\??|\*/g, (_m, name?: string) => {
        const i = p++;
        const roll = c.realParams[i % 6];
        let value: string;
        if (name === "slug" && target.slug && roll < 85) value = target.slug;
        else if (name && PARAM_IDS.test(name) && ids.length && roll < 70) value = ids[roll % ids.length];
        else if (name === "handle" && handles.length && roll < 60) value = handles[roll % handles.length];
        else value = v.params[i % 6];
        return encodeURIComponent(value) || "x";
      });
      const suffix = c.dotData === 0 ? ".data" : "";
      const query = new URLSearchParams(v.query).toString();
      const fullPath = (path || "/") + suffix + (query ? `?${query}` : "");
      const headers: Record<string, string> = {
        "X-Forwarded-For": `10.${200 + (c.ip[0] % 50)}.${c.ip[1]}.${(marker.length * 7 + c.ip[0]) % 250}`,
        "Accept-Language": c.language,
      };
      if (identity?.cookie) headers.Cookie = identity.cookie;
      let body: string | Uint8Array | undefined;
      if (method !== "GET" && method !== "HEAD") {
        headers.Origin = target.baseUrl;
        // Duplicates: a field sent twice (an array where the route expects one value).
        const fields: Array<[string, string]> = [...v.fields];
        if (c.duplicate === 0 && fields.length) fields.push([fields[0][0], v.params[0]]);
        if (v.intent !== null) fields.unshift(["intent", v.intent]);
        if (identity) fields.push(["_csrf", identity.csrf]);
        const webhook = /^\/(webhooks|callbacks)\//.test(route.pattern);
        const kind = webhook && c.bodyKind !== "multipart" ? "json" : c.bodyKind === "json" && !webhook ? "form" : c.bodyKind;
        if (kind === "form") {
          headers["Content-Type"] = "application/x-www-form-urlencoded";
          body = new URLSearchParams(fields).toString();
        } else if (kind === "json") {
          headers["Content-Type"] = "application/json";
          const shaped = Object.fromEntries(fields);
          body = JSON.stringify(c.dotData % 2 ? { ...shaped, data: v.json, event: v.intent ?? "message:out:ack" } : v.json);
        } else {
          const boundary = `----fz${marker}`;
          headers["Content-Type"] = `multipart/form-data; boundary=${boundary}`;
          const fileField = route.names.find((n) => /image|file|photo|logo|csv|upload|media/i.test(n)) ?? "file";
          const bytes =
            c.fileKind === "png"
              ? (target.image ?? new Uint8Array())
              : c.fileKind === "polyglot"
                ? Buffer.concat([
                    Buffer.from((target.image ?? new Uint8Array()).subarray(0, 33)),
                    Buffer.from(`<html><script>${marker}</script>`),
                  ])
                : c.fileKind === "csv"
                  ? Buffer.from(v.csv.map((row) => row.map((x) => `"${x.replace(/"/g, '""')}"`).join(",")).join("\r\n"))
                  : c.fileKind === "svg"
                    ? Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>${marker}</script></svg>`)
                    : c.fileKind === "random"
                      ? c.duplicate === 4
                        ? oversize(target.image)
                        : v.random
                      : new Uint8Array();
          const encoder = (t: string) => Buffer.from(t, "utf8").toString("latin1");
          body = multipart(
            boundary,
            fields.map(([k, x]) => [k, encoder(x)]),
            c.fileKind === "none" ? undefined : { name: fileField, bytes, type: c.fileType },
          );
        }
      }
      return { method, path: fullPath, headers, body, marker, route: route.id, kind: "well-formed" as const };
    });
}

/** The arbitrary of one request against the routes: about four well-formed cases to one malformed. */
export function fuzzCase(routes: FuzzRoute[], target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  return fc.oneof({ weight: 4, arbitrary: wellFormedCase(routes, target) }, { weight: 1, arbitrary: malformedCase(routes, target) });
}

let oversizeFile: Uint8Array | undefined;
/** An upload over every limit (10 MB images): a real PNG's first bytes, then zeros; made once. */
function oversize(image: Uint8Array | undefined): Uint8Array {
  if (!oversizeFile) {
    oversizeFile = new Uint8Array(10 * 1024 * 1024 + 4096);
    oversizeFile.set((image ?? new Uint8Array()).subarray(0, 33));
  }
  return oversizeFile;
}

/** Sends one case: the status it got (0 when the connection failed), and why it fails the property, if it does. */
export async function runCase(target: FuzzTarget, fuzz: FuzzCase): Promise<{ status: number; problem?: string; location?: string }> {
  let res: Response | undefined;
  // A kept-alive connection the server cut after refusing an earlier case's body can reset the
  // next request sent on it: that one is sent again once, on a fresh connection.
  for (let attempt = 0; !res; attempt++) {
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
      if (error instanceof TypeError && !cause?.code) return { status: -1 };
      if (attempt === 0 && (cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET")) continue;
      return { status: 0, problem: `connection failed: ${cause?.code ?? (error as Error).message}` };
    }
  }
  const location = res.headers.get("location") ?? undefined;
  const text = fuzz.method === "HEAD" ? "" : await pageText(res).catch(() => "");
  if (res.status >= 500) return { status: res.status, problem: `status ${res.status}: ${text.slice(0, 200).replace(/\s+/g, " ")}` };
  const html = (res.headers.get("content-type") ?? "").includes("html");
  if (html && text.includes(`<${fuzz.marker}`)) return { status: res.status, problem: "reflected unescaped" };
  // An error's stack (frames like "at fn (/app/node_modules/x.js:1:2)") is for the logs only.
  if (/\bat .{0,200}\.(?:js|ts|tsx):\d+:\d+/.test(text))
    return { status: res.status, problem: `stack trace in the response: ${text.slice(0, 200)}` };
  return { status: res.status, location };
}

/**
 * Runs `cases` generated requests, `concurrency` at a time (1 in the suite; the script may send a
 * few at once against a running product). The same seed generates the same cases.
 */
export async function fuzz(
  routes: FuzzRoute[],
  target: FuzzTarget,
  options: {
    cases: number;
    seed?: number;
    concurrency?: number;
    onProgress?: (done: number) => void;
    /** Each failure as it is found (a long run's problems can be worked on before it ends). */
    onFailure?: (failure: FuzzResult["failures"][number]) => void;
    /** A time (ms since the epoch) after which no new case starts: `cases` then counts those run. */
    deadline?: number;
  },
): Promise<FuzzResult> {
  const result: FuzzResult = {
    cases: 0,
    status5xx: 0,
    reflected: 0,
    stackTraces: 0,
    toLogin: 0,
    statuses: {},
    wellFormed: 0,
    failures: [],
  };
  const cases = fc.sample(fuzzCase(routes, target), {
    numRuns: options.cases,
    seed: options.seed ?? Date.now() ^ (Math.random() * 2 ** 31),
  });
  let next = 0;
  const worker = async () => {
    while (next < cases.length && (options.deadline === undefined || Date.now() < options.deadline)) {
      const fuzzed = cases[next++];
      if (fuzzed.kind === "well-formed") result.wellFormed++;
      const { status, problem, location } = await runCase(target, fuzzed);
      result.cases++;
      if (location && /^\/(login|s\/[^/]+\/account\/login)([/?]|$)/.test(location.replace(/^https?:\/\/[^/]+/, ""))) result.toLogin++;
      if (options.onProgress && result.cases % 500 === 0) options.onProgress(result.cases);
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (!problem) continue;
      if (problem === "reflected unescaped") result.reflected++;
      else if (problem.startsWith("stack trace")) result.stackTraces++;
      else result.status5xx++;
      const failure = { method: fuzzed.method, path: fuzzed.path, status, why: problem, route: fuzzed.route };
      options.onFailure?.(failure);
      if (result.failures.length < 50) result.failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  return result;
}
