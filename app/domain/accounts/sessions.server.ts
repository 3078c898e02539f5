import { createHash, randomBytes } from "node:crypto";
import { createCookie, redirect } from "@remix-run/node";
import { and, eq, gt, isNull } from "drizzle-orm";
import { asPlatform, schema } from "~db/client";
import { config } from "~/config.server";
import type { RequestInfo } from "~/domain/audit/audit.server";

/**
 * Server-side sessions behind a signed cookie. The cookie holds a random token; the database
 * keeps only its SHA-256 (the session id), so sessions can be listed and revoked and a database
 * leak yields none. Users and sessions are platform data (no shop_id): they live across shops.
 */

export const REMEMBER_FOR_MS = 30 * 24 * 3600 * 1000;
/** Without "remember me", a session ends after this long without activity. */
export const IDLE_TIMEOUT_MS = 12 * 3600 * 1000;
const TOUCH_EVERY_MS = 5 * 60 * 1000;

let cookie: ReturnType<typeof createCookie> | undefined;
function sessionCookie() {
  const env = config();
  cookie ??= createCookie("__session", {
    httpOnly: true,
    sameSite: "lax",
    secure: env.NODE_ENV === "production",
    path: "/",
    secrets: env.SESSION_SECRET.split(",").map((s) => s.trim()),
  });
  return cookie;
}

const sessionId = (token: string) => createHash("sha256").update(token).digest("hex");

export type Session = typeof schema.sessions.$inferSelect;
export type User = typeof schema.users.$inferSelect;

/** Starts a new session (always a new id: no session fixation) and returns its Set-Cookie. */
export async function startSession(
  userId: string,
  options: { remember: boolean } & RequestInfo,
): Promise<{ setCookie: string; sessionId: string }> {
  const token = randomBytes(32).toString("base64url");
  const id = sessionId(token);
  await asPlatform((tx) =>
    tx.insert(schema.sessions).values({
      id,
      userId,
      remember: options.remember,
      ip: options.ip,
      userAgent: options.userAgent?.slice(0, 400),
      expiresAt: new Date(Date.now() + (options.remember ? REMEMBER_FOR_MS : IDLE_TIMEOUT_MS)),
    }),
  );
  const setCookie = await sessionCookie().serialize(token, {
    maxAge: options.remember ? REMEMBER_FOR_MS / 1000 : undefined,
  });
  return { setCookie, sessionId: id };
}

/** The live session and its user for this request, or undefined. Extends idle sessions. */
export async function readSession(request: Request): Promise<{ session: Session; user: User } | undefined> {
  const token = await sessionCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length < 20) return undefined;
  const id = sessionId(token);
  const now = new Date();
  const rows = await asPlatform((tx) =>
    tx
      .select({ session: schema.sessions, user: schema.users })
      .from(schema.sessions)
      .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
      .where(and(eq(schema.sessions.id, id), isNull(schema.sessions.revokedAt), gt(schema.sessions.expiresAt, now))),
  );
  const found = rows[0];
  if (!found) return undefined;
  if (now.getTime() - found.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    const expiresAt = found.session.remember ? found.session.expiresAt : new Date(now.getTime() + IDLE_TIMEOUT_MS);
    await asPlatform((tx) =>
      tx.update(schema.sessions).set({ lastSeenAt: now, expiresAt }).where(eq(schema.sessions.id, id)),
    );
  }
  return found;
}

export async function setActiveShop(sessionIdValue: string, shopId: string): Promise<void> {
  await asPlatform((tx) =>
    tx.update(schema.sessions).set({ activeShopId: shopId }).where(eq(schema.sessions.id, sessionIdValue)),
  );
}

/** Ends the session behind this request (if any) and returns the Set-Cookie that clears it. */
export async function endSession(request: Request): Promise<string> {
  const token = await sessionCookie().parse(request.headers.get("Cookie"));
  if (typeof token === "string") {
    await asPlatform((tx) =>
      tx.update(schema.sessions).set({ revokedAt: new Date() }).where(eq(schema.sessions.id, sessionId(token))),
    );
  }
  return sessionCookie().serialize("", { maxAge: 0 });
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<{ session: Session; user: User }> {
  const current = await readSession(request);
  if (!current) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return current;
}
