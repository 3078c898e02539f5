import { createHash, randomBytes } from "node:crypto";

import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";

import type { RequestInfo } from "~/domain/audit/audit.server";
import { signedCookie } from "~/lib/cookies.server";
import { redirect } from "~/lib/redirect.server";
import { asPlatform, readAsPlatform, schema, type Tx } from "~db/client";

/**
 * Server-side sessions behind a signed cookie. The cookie holds a random token; the database
 * keeps only its SHA-256 (the session id), so sessions can be listed and revoked and a database
 * leak yields none. Users and sessions are platform data (no shop_id): they live across shops.
 *
 * Lifetimes (OWASP ASVS 3.3):
 * - without "remember me": ends after IDLE_TIMEOUT_MS without a request, and at the latest
 *   MAX_SESSION_MS after login; the cookie ends with the browser;
 * - with "remember me": lasts REMEMBER_FOR_MS from login, idle or not;
 * - either way, sensitive actions need a login or re-authentication less than
 *   REAUTH_AFTER_MS old (see requireRecentAuth in access.server.ts).
 */

export const REMEMBER_FOR_MS = 30 * 24 * 3600 * 1000;
/** Without "remember me", a session ends after this long without activity. */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** Without "remember me", a session ends this long after login however active it is. */
export const MAX_SESSION_MS = 12 * 3600 * 1000;
/** Sensitive actions need the person to have proved it is them within this long. */
export const REAUTH_AFTER_MS = 12 * 3600 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

const sessionCookie = () => signedCookie("__session", { path: "/" });

const sessionId = (token: string) => createHash("sha256").update(token).digest("hex");

export type Session = typeof schema.sessions.$inferSelect;
export type User = typeof schema.users.$inferSelect;
export type SecondFactorUsed = "whatsapp" | "totp" | "recovery" | "trusted_device";

/** Starts a new session (always a new id: no session fixation) and returns its Set-Cookie. */
export async function startSession(
  userId: string,
  options: { remember: boolean; secondFactor?: SecondFactorUsed } & RequestInfo,
): Promise<{ setCookie: string; sessionId: string }> {
  const token = randomBytes(32).toString("base64url");
  const id = sessionId(token);
  await asPlatform((tx) =>
    tx.insert(schema.sessions).values({
      id,
      userId,
      remember: options.remember,
      secondFactor: options.secondFactor ?? null,
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

/** When a session without "remember me" ends if it stays idle from `now`. */
function idleExpiry(session: Pick<Session, "createdAt">, now: Date): Date {
  return new Date(Math.min(now.getTime() + IDLE_TIMEOUT_MS, session.createdAt.getTime() + MAX_SESSION_MS));
}

/** The live session and its user for this request, or undefined. Extends idle sessions. */
export async function readSession(request: Request): Promise<{ session: Session; user: User } | undefined> {
  const token = await sessionCookie().parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length < 20) return undefined;
  const id = sessionId(token);
  const now = new Date();
  const rows = await readAsPlatform((db) =>
    db
      .select({ session: schema.sessions, user: schema.users })
      .from(schema.sessions)
      .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
      .where(and(eq(schema.sessions.id, id), isNull(schema.sessions.revokedAt), gt(schema.sessions.expiresAt, now))),
  );
  const found = rows[0];
  if (!found) return undefined;
  if (now.getTime() - found.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    const expiresAt = found.session.remember ? found.session.expiresAt : idleExpiry(found.session, now);
    await asPlatform((tx) => tx.update(schema.sessions).set({ lastSeenAt: now, expiresAt }).where(eq(schema.sessions.id, id)));
    found.session = { ...found.session, lastSeenAt: now, expiresAt };
  }
  return found;
}

export async function setActiveShop(sessionIdValue: string, shopId: string): Promise<void> {
  await asPlatform((tx) => tx.update(schema.sessions).set({ activeShopId: shopId }).where(eq(schema.sessions.id, sessionIdValue)));
}

/** Ends the session behind this request (if any) and returns the Set-Cookie that clears it. */
export async function endSession(request: Request): Promise<string> {
  const token = await sessionCookie().parse(request.headers.get("Cookie"));
  if (typeof token === "string") {
    await asPlatform((tx) =>
      tx
        .update(schema.sessions)
        .set({ revokedAt: new Date() })
        .where(eq(schema.sessions.id, sessionId(token))),
    );
  }
  return clearSessionCookie();
}

export function clearSessionCookie(): Promise<string> {
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

/** Whether the person proved it is them recently enough for a sensitive action. */
export function isRecentlyAuthenticated(session: Pick<Session, "authenticatedAt">, now = new Date()): boolean {
  return now.getTime() - session.authenticatedAt.getTime() < REAUTH_AFTER_MS;
}

export async function markReauthenticated(sessionIdValue: string): Promise<void> {
  await asPlatform((tx) => tx.update(schema.sessions).set({ authenticatedAt: new Date() }).where(eq(schema.sessions.id, sessionIdValue)));
}

export interface ActiveSession {
  id: string;
  ip: string | null;
  userAgent: string | null;
  remember: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** A person's live sessions, most recently used first. */
export async function listSessions(userId: string, currentSessionId: string): Promise<ActiveSession[]> {
  const rows = await asPlatform((tx) =>
    tx
      .select({
        id: schema.sessions.id,
        ip: schema.sessions.ip,
        userAgent: schema.sessions.userAgent,
        remember: schema.sessions.remember,
        createdAt: schema.sessions.createdAt,
        lastSeenAt: schema.sessions.lastSeenAt,
      })
      .from(schema.sessions)
      .where(and(eq(schema.sessions.userId, userId), isNull(schema.sessions.revokedAt), gt(schema.sessions.expiresAt, new Date())))
      .orderBy(desc(schema.sessions.lastSeenAt)),
  );
  return rows.map((r) => ({ ...r, current: r.id === currentSessionId }));
}

/** Ends one of the person's own sessions. False when it is not theirs or already ended. */
export async function revokeSession(userId: string, targetSessionId: string): Promise<boolean> {
  const ended = await asPlatform((tx) =>
    tx
      .update(schema.sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(schema.sessions.id, targetSessionId), eq(schema.sessions.userId, userId), isNull(schema.sessions.revokedAt)))
      .returning({ id: schema.sessions.id }),
  );
  return ended.length > 0;
}

/** Ends every session of a person (optionally but one), inside the caller's transaction. */
export async function revokeAllSessions(tx: Tx, userId: string, options: { except?: string } = {}): Promise<number> {
  const ended = await tx
    .update(schema.sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(schema.sessions.userId, userId),
        isNull(schema.sessions.revokedAt),
        options.except ? ne(schema.sessions.id, options.except) : sql`true`,
      ),
    )
    .returning({ id: schema.sessions.id });
  return ended.length;
}

/**
 * The language a signed-in person chose with the switcher, kept on their account so that what
 * NetShop sends them outside a page (owner alerts, order notices to staff) is in it too.
 */
export async function rememberPreferredLanguage(
  request: Request,
  language: (typeof schema.languageEnum.enumValues)[number],
): Promise<void> {
  const signedIn = await readSession(request);
  if (!signedIn || signedIn.user.preferredLanguage === language) return;
  await asPlatform((tx) =>
    tx.update(schema.users).set({ preferredLanguage: language, updatedAt: new Date() }).where(eq(schema.users.id, signedIn.user.id)),
  );
}
