import pino from "pino";

import { config } from "~/config.server";

/**
 * Structured logs (JSON lines). Anything that could carry a secret or a person's credentials is
 * redacted at the source, so a careless log call cannot leak it.
 */
export const REDACTED_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  "req.headers.token",
  "req.headers['x-api-key']",
  "req.headers['api-key']",
  "res.headers['set-cookie']",
  "*.password",
  "*.passwordHash",
  "*.token",
  "*.secret",
  "*.code",
  "*.apiKey",
  "*.authorization",
];

let instance: pino.Logger | undefined;

export function logger(): pino.Logger {
  instance ??= pino({
    level: config().NODE_ENV === "test" ? "warn" : config().LOG_LEVEL,
    base: { service: process.env.NETSHOP_PROCESS ?? "netshop" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return instance;
}

/** Path segments that are secrets (webhook tokens in the URL): never logged. */
const SECRET_PATH_SEGMENTS = [/^(\/webhooks\/wassenger\/)[^/?]+/, /^(\/webhooks\/kling\/[^/]+\/[^/]+\/)[^/?]+/];

/** A request path as it may be logged: without its query string (signed links) or a secret segment. */
export function loggablePath(url: string): string {
  let path = url.split("?")[0];
  for (const pattern of SECRET_PATH_SEGMENTS) path = path.replace(pattern, "$1[redacted]");
  return path;
}
