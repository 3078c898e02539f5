/**
 * The HTTP layer in front of Remix: request ids and structured logs, compression, security
 * headers, static assets, liveness/readiness probes, the CSRF cookie and a same-origin check
 * for state-changing requests. Routes stay thin; this is the only Express code.
 */
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";

import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";

import { config, publicUrl } from "~/config.server";
import { storefrontSlugByDomain } from "~/domain/storefront/shop.server";
import { checkReadiness } from "~/domain/system/health.server";
import { csrfCookieName, newCsrfToken, readCookie } from "~/lib/csrf.server";
import { loggablePath, logger } from "~/lib/logger.server";
import { consume } from "~/lib/rate-limit.server";

import { errorPage, isOwnOrigin, rejectMalformedRequests, secureCookiesOverHttps } from "./input-guard.server";
import { pageCache } from "./page-cache.server";

/** Paths that receive cross-site POSTs by design (signed provider callbacks). */
const CROSS_SITE_POST_PATHS = [/^\/webhooks\//, /^\/callbacks\//];

export function createHttpApp(options: { build: ServerBuild; publicDir: string }) {
  const env = config();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);

  app.use(
    pinoHttp({
      logger: logger(),
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Query strings can carry tokens (signed links), webhook paths a secret: log the path without them.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, path: loggablePath(String(req.url)) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );
  // Before anything decodes the URL or a header (static files, custom domains, Remix).
  app.use(rejectMalformedRequests);
  app.use(secureCookiesOverHttps);
  app.use(compression());

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          "style-src": ["'self'", "'unsafe-inline'"],
          "img-src": ["'self'", "data:", "blob:", ...mediaOrigins()],
          "media-src": ["'self'", "blob:", ...mediaOrigins()],
          "font-src": ["'self'", "data:"],
          // Browsers upload product media straight to the bucket's S3 endpoint (presigned PUT).
          "connect-src": ["'self'", ...mediaOrigins(), new URL(config().S3_ENDPOINT).origin],
          "frame-ancestors": ["'none'"],
          "base-uri": ["'self'"],
          "object-src": ["'none'"],
          "form-action": ["'self'"],
        },
      },
      // HSTS only where the request really came over HTTPS (directly or via a trusted proxy).
      strictTransportSecurity: false,
      referrerPolicy: { policy: "strict-origin-when-cross-origin" },
      crossOriginEmbedderPolicy: false,
      xFrameOptions: { action: "deny" },
    }),
  );
  app.use((req, res, next) => {
    if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    // Powerful browser features no page of ours uses.
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get("/readyz", async (_req, res) => {
    const readiness = await checkReadiness();
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });

  app.use("/build", express.static(path.join(options.publicDir, "build"), { immutable: true, maxAge: "1y", index: false }));
  // Only a path that names a file (favicon.svg) can be one: pages skip the file-system look-up
  // (a stat per request, 2% of a storefront request's CPU in bench:storefront's profile).
  const publicFiles = express.static(options.publicDir, { maxAge: "1h", index: false });
  app.use((req, res, next) => (/\.\w+$/.test(req.path) ? publicFiles(req, res, next) : next()));

  app.use(customDomains);
  app.use(publicRateLimit);
  app.use(noStoreForPrivatePages);
  app.use(storefrontCaching);
  app.use(csrfCookie);
  app.use(sameOriginForStateChanges);
  app.use(pageCache);

  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      // Always Remix's production mode: its development mode answers a failed request with the
      // error's message and stack, and `npm start` (NODE_ENV=development) serves visitors too.
      // The stack is in the log (app/entry.server.tsx handleError), never in a response.
      mode: "production",
      getLoadContext: (req, res) => ({
        requestId: String(req.id),
        ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
        userAgent: req.get("user-agent") ?? "",
        cspNonce: res.locals.cspNonce as string,
        csrfToken: res.locals.csrfToken as string,
        customDomain: Boolean(res.locals.customDomain),
        publicPage: Boolean(res.locals.publicPage),
      }),
    }),
  );

  app.use((error: Error & { status?: number; statusCode?: number }, req: Request, res: Response, _next: NextFunction) => {
    // A request Express itself could not read (a broken path for a static file, an aborted body) is the client's.
    const status = error.status ?? error.statusCode ?? (error instanceof URIError ? 400 : 500);
    if (status >= 400 && status < 500) return void errorPage(req, res, status, "badInput.form");
    req.log?.error({ err: error }, "unhandled error");
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong on our side.");
  });
  return app;
}

function mediaOrigins(): string[] {
  const base = config().MEDIA_PUBLIC_BASE_URL;
  return base ? [new URL(base).origin] : [];
}

/** Paths outside the per-address limit: signed-in work (admin), provider callbacks. */
const UNLIMITED_PATHS = /^\/(admin|webhooks|callbacks)(\/|$)/;

/**
 * Every address gets RATE_LIMIT_PUBLIC_PER_MINUTE requests a minute to public pages (storefront,
 * login, sign-up, password reset, invitations); beyond that, 429 with Retry-After. Logins, codes,
 * resets and checkout have tighter limits of their own in the domain.
 */
async function publicRateLimit(req: Request, res: Response, next: NextFunction) {
  if (UNLIMITED_PATHS.test(req.path)) return next();
  try {
    const result = await consume("publicPerIp", req.ip ?? req.socket.remoteAddress ?? "unknown");
    if (result.ok) return next();
    res.setHeader("Retry-After", String(result.retryAfterSeconds));
    res.status(429).type("text/plain").send("Too many requests from your network. Please wait a moment and try again.");
  } catch (error) {
    next(error);
  }
}

/** Pages with personal data or secrets (admin, login, resets, invitations) are never cached. */
const PRIVATE_PATHS = /^\/(admin|login|logout|signup|password|invite)(\/|$)/;
function noStoreForPrivatePages(req: Request, res: Response, next: NextFunction) {
  if (PRIVATE_PATHS.test(req.path)) res.setHeader("Cache-Control", "no-store");
  next();
}

/**
 * A shop's own domain: when the Host is a shop's `custom_domain`, its storefront is served at the
 * root by rewriting the path to `/s/:slug/…` (`/` → `/s/:slug`, `/products/x` →
 * `/s/:slug/products/x`, `/sitemap.xml`, `/robots.txt`…). Pages on such a host link without
 * the prefix (the layout's `base` is ""), so visitors stay on the host, and render without the
 * Remix client (its router knows only the /s/:slug paths): plain links and forms, which every
 * storefront page supports anyway. The admin and other platform pages are not served there.
 */
const OWN_HOSTS = new Set(["localhost", "127.0.0.1", "::1"]);
async function customDomains(req: Request, res: Response, next: NextFunction) {
  const host = req.hostname?.toLowerCase();
  if (!host || OWN_HOSTS.has(host) || host === new URL(publicUrl()).hostname || !host.includes(".")) return next();
  try {
    const slug = await storefrontSlugByDomain(host);
    if (!slug) return next();
    res.locals.customDomain = slug;
    const prefix = `/s/${slug}`;
    if (req.path !== prefix && !req.path.startsWith(`${prefix}/`)) {
      const url = req.url === "/" ? prefix : req.url.startsWith("/?") ? prefix + req.url.slice(1) : prefix + req.url;
      req.url = url;
      req.originalUrl = url;
    }
    next();
  } catch (error) {
    next(error);
  }
}

/**
 * Cache headers for the storefront, so a CDN can serve anonymous browsing:
 *
 * - Browsing pages (home, collections, products, search, sitemap, robots) requested by a visitor
 *   with no cookies of ours but the CSRF one are the same for everyone with the same
 *   Accept-Language: `public, s-maxage=60, stale-while-revalidate=600` with `Vary: Accept-Language,
 *   Cookie` (a visitor with cookies is a different cache key and reaches us). Such a page carries
 *   no per-visitor token: no Set-Cookie and an empty CSRF field (see app/lib/csrf.server.ts for
 *   how its forms are still protected).
 * - Every other storefront response (a visitor with a language, consent, cart or login cookie;
 *   cart, account, checkout, orders) is `private, no-store`. Errors (5xx) are never stored.
 *
 * A route may set its own Cache-Control; these are the defaults, applied as headers are sent.
 */
const CACHEABLE_STOREFRONT = /^\/s\/[^/]+(?:\/(?:collections|products)\/[^/]+|\/search|\/sitemap\.xml|\/robots\.txt)?\/?$/;
const STOREFRONT = /^\/s\/[^/]+/;
export const PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=60, stale-while-revalidate=600";
function storefrontCaching(req: Request, res: Response, next: NextFunction) {
  if (!STOREFRONT.test(req.path)) return next();
  const path = req.path.replace(/\.data$/, "");
  const cookies = (req.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim().split("=")[0])
    .filter((name) => name && name !== "csrf" && name !== "__Host-csrf");
  const publicPage = (req.method === "GET" || req.method === "HEAD") && CACHEABLE_STOREFRONT.test(path) && cookies.length === 0;
  res.locals.publicPage = publicPage;
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    const status = typeof args[0] === "number" ? args[0] : this.statusCode;
    if (status >= 500) this.setHeader("Cache-Control", "no-store");
    else if (!this.getHeader("Cache-Control")) this.setHeader("Cache-Control", publicPage ? PUBLIC_CACHE_CONTROL : "private, no-store");
    if (publicPage && status < 500) {
      this.removeHeader("Set-Cookie");
      this.setHeader("Vary", [this.getHeader("Vary"), "Accept-Language, Cookie"].filter(Boolean).join(", "));
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as typeof res.writeHead;
  next();
}

/** Gives each browser its CSRF token (see app/lib/csrf.server.ts). */
function csrfCookie(req: Request, res: Response, next: NextFunction) {
  // A page a CDN may share carries no per-visitor token (see storefrontCaching).
  if (res.locals.publicPage) {
    res.locals.csrfToken = "";
    return next();
  }
  const name = csrfCookieName(req.secure);
  let token = readCookie(req.get("cookie") ?? null, name);
  if (!token || !/^[\w-]{20,64}$/.test(token)) {
    token = newCsrfToken();
    res.cookie(name, token, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
  }
  res.locals.csrfToken = token;
  next();
}

/** Refuses state-changing requests that a browser says came from another site. */
function sameOriginForStateChanges(req: Request, res: Response, next: NextFunction) {
  // OPTIONS too: Remix runs an action for any other method on a `.data` URL.
  if (req.method === "GET" || req.method === "HEAD") return next();
  if (CROSS_SITE_POST_PATHS.some((p) => p.test(req.path))) {
    // Signed provider callbacks come server to server, without an Origin; one sent anyway must not
    // reach Remix's own origin check, which throws on a foreign or malformed one.
    delete req.headers.origin;
    return next();
  }
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  // `Origin: null` (a sandboxed frame, a data: page, a cross-site redirect) is not ours either.
  if (site === "cross-site" || (origin !== undefined && !isOwnOrigin(req, origin)))
    return void errorPage(req, res, 403, "badInput.crossSite");
  next();
}
