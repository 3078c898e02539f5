import { randomBytes, randomInt } from "node:crypto";

import { and, eq, isNull, sql } from "drizzle-orm";

import { safeEqual, sha256 } from "~/lib/secrets.server";
import { asPlatform, schema, type Tx } from "~db/client";

/**
 * Ten single-use recovery codes, for when the phone or the authenticator app is lost. Each has
 * 80 random bits (16 base32 characters, shown as XXXX-XXXX-XXXX-XXXX) and is stored salted and
 * hashed (OWASP ASVS 2.6.2); they are shown once, when generated.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function newCode(): string {
  let raw = "";
  for (let i = 0; i < 16; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join("-");
}

const normalise = (input: string) => input.toUpperCase().replace(/[^A-Z2-7]/g, "");
const hashOf = (salt: string, code: string) => sha256(`${salt}:${normalise(code)}`);

/** Replaces the person's recovery codes with ten new ones, returned once in plaintext. */
export async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  await tx.delete(schema.recoveryCodes).where(eq(schema.recoveryCodes.userId, userId));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await tx.insert(schema.recoveryCodes).values(
    codes.map((code) => {
      const salt = randomBytes(16).toString("hex");
      return { userId, salt, codeHash: hashOf(salt, code) };
    }),
  );
  return codes;
}

/** Uses up one recovery code: true when it was one of the person's unused codes. */
export async function useRecoveryCode(userId: string, input: string): Promise<boolean> {
  if (normalise(input).length !== 16) return false;
  return asPlatform(async (tx) => {
    const unused = await tx
      .select()
      .from(schema.recoveryCodes)
      .where(and(eq(schema.recoveryCodes.userId, userId), isNull(schema.recoveryCodes.usedAt)))
      .for("update");
    const match = unused.find((row) => safeEqual(hashOf(row.salt, input), row.codeHash));
    if (!match) return false;
    await tx.update(schema.recoveryCodes).set({ usedAt: new Date() }).where(eq(schema.recoveryCodes.id, match.id));
    return true;
  });
}

export async function unusedRecoveryCodes(userId: string): Promise<number> {
  const [row] = await asPlatform((tx) =>
    tx
      .select({ count: sql<number>`count(*)::int` })
      .from(schema.recoveryCodes)
      .where(and(eq(schema.recoveryCodes.userId, userId), isNull(schema.recoveryCodes.usedAt))),
  );
  return row.count;
}
