import { and, eq, isNull, lt, or } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";

import { decryptSecret, encryptSecret } from "~/lib/secrets.server";
import { asPlatform, schema } from "~db/client";

/**
 * Authenticator apps (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps, ±1 step of clock drift).
 * Seeds are encrypted at rest; the last accepted step is recorded so a code is never accepted
 * twice, not even within its own window (OWASP ASVS 2.8.4).
 */
const ISSUER = "NetShop";
const PENDING_REUSE_MS = 15 * 60 * 1000;

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

export interface TotpEnrolment {
  /** The seed in base32, for typing into an app by hand. */
  secret: string;
  uri: string;
  /** The otpauth:// URI as a QR code (PNG data URL). */
  qrDataUrl: string;
}

/**
 * The seed being set up (a new one, or the one shown in the last 15 minutes so a reload keeps
 * the QR code the person may already have scanned). The confirmed seed, if any, stays in use
 * until the new one is confirmed.
 */
export async function startTotpEnrolment(user: { id: string; email: string }): Promise<TotpEnrolment> {
  const existing = await asPlatform((tx) =>
    tx.select().from(schema.totpAuthenticators).where(eq(schema.totpAuthenticators.userId, user.id)),
  );
  let secret: string | undefined;
  const row = existing[0];
  if (row?.pendingSecretEncrypted) {
    const [createdAtMs, sealed] = splitPending(row.pendingSecretEncrypted);
    if (Date.now() - createdAtMs < PENDING_REUSE_MS) secret = decryptSecret(sealed);
  }
  if (!secret) {
    secret = new Secret({ size: 20 }).base32;
    const pending = `${Date.now()}|${encryptSecret(secret)}`;
    await asPlatform((tx) =>
      tx
        .insert(schema.totpAuthenticators)
        .values({ userId: user.id, pendingSecretEncrypted: pending })
        .onConflictDoUpdate({ target: schema.totpAuthenticators.userId, set: { pendingSecretEncrypted: pending } }),
    );
  }
  const uri = totpFor(secret, user.email).toString();
  return { secret, uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) };
}

function splitPending(value: string): [number, string] {
  const bar = value.indexOf("|");
  return [Number(value.slice(0, bar)), value.slice(bar + 1)];
}

/** The step a code belongs to (within ±1 of now), or undefined when it is not a current code. */
function matchingStep(secret: string, code: string): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const totp = totpFor(secret, "check");
  const delta = totp.validate({ token: code, window: 1 });
  return delta === null ? undefined : totp.counter() + delta;
}

/** Records `step` as used unless it (or a later one) was used already: atomic, so never twice. */
async function claimStep(userId: string, step: number): Promise<boolean> {
  const claimed = await asPlatform((tx) =>
    tx
      .update(schema.totpAuthenticators)
      .set({ lastUsedStep: step })
      .where(
        and(
          eq(schema.totpAuthenticators.userId, userId),
          or(isNull(schema.totpAuthenticators.lastUsedStep), lt(schema.totpAuthenticators.lastUsedStep, step)),
        ),
      )
      .returning({ userId: schema.totpAuthenticators.userId }),
  );
  return claimed.length > 0;
}

/**
 * Confirms the pending seed with a code from the app; it then replaces any earlier seed.
 * "malformed": not six digits; "none": no seed being set up; "reused": the code that already
 * confirmed the seed, sent again (a replayed or doubled request), which changes nothing.
 */
export async function confirmTotpEnrolment(userId: string, code: string): Promise<"ok" | "wrong" | "malformed" | "none" | "reused"> {
  const digits = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(digits)) return "malformed";
  const [row] = await asPlatform((tx) => tx.select().from(schema.totpAuthenticators).where(eq(schema.totpAuthenticators.userId, userId)));
  // A code of the confirmed seed already used (the page has shown a new seed since: the reply to
  // a successful set-up begins the next one).
  if (row?.secretEncrypted && row.lastUsedStep !== null) {
    const spent = matchingStep(decryptSecret(row.secretEncrypted), digits);
    if (spent !== undefined && spent <= row.lastUsedStep) return "reused";
  }
  if (!row?.pendingSecretEncrypted) return "none";
  const pending = row.pendingSecretEncrypted;
  const sealed = splitPending(pending)[1];
  const step = matchingStep(decryptSecret(sealed), digits);
  if (step === undefined) return "wrong";
  // Only while this seed is still the pending one: of two requests with the same code, one confirms.
  const confirmed = await asPlatform((tx) =>
    tx
      .update(schema.totpAuthenticators)
      .set({ secretEncrypted: sealed, pendingSecretEncrypted: null, confirmedAt: new Date(), lastUsedStep: step })
      .where(and(eq(schema.totpAuthenticators.userId, userId), eq(schema.totpAuthenticators.pendingSecretEncrypted, pending)))
      .returning({ userId: schema.totpAuthenticators.userId }),
  );
  return confirmed.length > 0 ? "ok" : "reused";
}

export type TotpCheck = "ok" | "wrong" | "reused" | "none";

/** Checks a code from the person's authenticator app at login. */
export async function verifyTotp(userId: string, code: string): Promise<TotpCheck> {
  const [row] = await asPlatform((tx) => tx.select().from(schema.totpAuthenticators).where(eq(schema.totpAuthenticators.userId, userId)));
  if (!row?.secretEncrypted || !row.confirmedAt) return "none";
  const step = matchingStep(decryptSecret(row.secretEncrypted), code.replace(/\s+/g, ""));
  if (step === undefined) return "wrong";
  return (await claimStep(userId, step)) ? "ok" : "reused";
}

export async function hasConfirmedTotp(userId: string): Promise<boolean> {
  const [row] = await asPlatform((tx) =>
    tx
      .select({ confirmedAt: schema.totpAuthenticators.confirmedAt, secret: schema.totpAuthenticators.secretEncrypted })
      .from(schema.totpAuthenticators)
      .where(eq(schema.totpAuthenticators.userId, userId)),
  );
  return Boolean(row?.confirmedAt && row.secret);
}
