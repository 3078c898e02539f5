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
import { config } from "~/config.server";
import { checkReadiness } from "~/domain/system/health.server";
import { csrfCookieName, newCsrfToken, readCookie } from "~/lib/csrf.server";
import { logger } from "~/lib/logger.server";
import { consume } from "~/lib/rate-limit.server";

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
      // Query strings can carry tokens (signed links): log the path only.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, path: String(req.url).split("?")[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );
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

  app.use(
    "/build",
    express.static(path.join(options.publicDir, "build"), { immutable: true, maxAge: "1y", index: false }),
  );
  app.use(express.static(options.publicDir, { maxAge: "1h", index: false }));

  app.use(publicRateLimit);
  app.use(noStoreForPrivatePages);
  app.use(csrfCookie);
  app.use(sameOriginForStateChanges);

  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      mode: env.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: (req, res) => ({
        requestId: String(req.id),
        ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
        userAgent: req.get("user-agent") ?? "",
        cspNonce: res.locals.cspNonce as string,
        csrfToken: res.locals.csrfToken as string,
      }),
    }),
  );

  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
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

/** Gives each browser its CSRF token (see app/lib/csrf.server.ts). */
function csrfCookie(req: Request, res: Response, next: NextFunction) {
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
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  if (CROSS_SITE_POST_PATHS.some((p) => p.test(req.path))) return next();
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  const ownOrigin = `${req.protocol}://${req.get("host")}`;
  const crossSite = site === "cross-site" || (origin !== undefined && origin !== "null" && origin !== ownOrigin);
  if (crossSite) {
    res.status(403).type("text/plain").send("Cross-site form submissions are not accepted.");
    return;
  }
  next();
}
