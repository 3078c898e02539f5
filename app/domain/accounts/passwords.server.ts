import { createRequire } from "node:module";

import bcrypt from "bcryptjs";

import { config } from "~/config.server";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";

import { authT } from "./wording.server";

export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated. */
const MAX_PASSWORD_BYTES = 72;

/**
 * Common and breached passwords, bundled (no network): the 49,233-entry "passwords-common" list of
 * @zxcvbn-ts/language-common (MIT, maintained; drawn from public breach corpora), loaded once, on
 * the first password checked rather than when a process starts (400 KB of data; issue 19).
 */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = createRequire(import.meta.url)("@zxcvbn-ts/language-common") as typeof import("@zxcvbn-ts/language-common");
    common = new Set(dictionary["passwords-common"] as string[]);
  }
  return common;
}

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s", "!": "i" };

/**
 * The forms of a password an attacker's list would also try: as typed, lower-cased, without
 * spaces, with digits read as letters ("p@ssw0rd"), and with the digits and symbols people add
 * before or after a common word ("Sunshine2026!").
 */
function variants(password: string): string[] {
  const lower = password.toLowerCase();
  const compact = lower.replace(/\s+/g, "");
  const unleet = compact.replace(/[0134579@$!]/g, (c) => LEET[c] ?? c);
  const core = compact.replace(/^[\d\W_]+|[\d\W_]+$/g, "");
  return [password, lower, compact, unleet, core, core.replace(/[0134579@$!]/g, (c) => LEET[c] ?? c)];
}

/** A reason the password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, context: { email?: string; locale?: Locale } = {}): string | undefined {
  const t = authT(context.locale ?? DEFAULT_LOCALE);
  if (password.length < MIN_PASSWORD_LENGTH) return t("problems.password.tooShort", { min: MIN_PASSWORD_LENGTH });
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) return t("problems.password.tooLong");
  const list = commonPasswords();
  const repeated = /^(.{1,6}?)\1+$/.test(password.toLowerCase()); // "abcabcabcabc", "zzzzzzzzzzzz"
  if (repeated || variants(password).some((v) => v.length > 0 && list.has(v))) return t("problems.password.tooCommon");
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) return t("problems.password.hasEmail");
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, config().PASSWORD_HASH_COST);
}

// Compared against when the account does not exist, so both paths take the same time (made once,
// at the configured cost).
let dummyHash: string | undefined;

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hashSync("netshop-timing-equaliser", config().PASSWORD_HASH_COST);
  const ok = await bcrypt.compare(password, hash ?? dummyHash);
  return ok && hash !== undefined;
}
