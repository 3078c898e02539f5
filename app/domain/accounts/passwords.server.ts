import bcrypt from "bcryptjs";

const COST = 12;
export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated. */
const MAX_PASSWORD_BYTES = 72;

// The most common passwords of 12+ characters in public breach corpora; the full bundled
// list arrives with the account-security work.
const COMMON = new Set([
  "123456789012", "1234567890123", "12345678910", "password1234", "password12345", "qwertyuiopas",
  "qwerty123456", "iloveyou1234", "111111111111", "000000000000", "123123123123", "abc123456789",
  "passwordpassword", "qwertyqwerty", "123456123456", "aaaaaaaaaaaa", "letmein12345", "welcome12345",
  "administrator", "princess1234", "football1234", "sunshine1234", "1q2w3e4r5t6y", "zaq12wsxcde3",
]);

/** A reason the password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) return "Use at most 72 characters.";
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return "This password is too common. Choose one that is hard to guess.";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "Don't use your email address in your password.";
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

// Compared against when the account does not exist, so both paths take the same time.
const DUMMY_HASH = bcrypt.hashSync("netshop-timing-equaliser", COST);

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && hash !== undefined;
}
