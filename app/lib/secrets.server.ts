import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

import { config } from "~/config.server";

/**
 * Small cryptographic helpers for secrets at rest. Keys come from DATA_ENCRYPTION_KEY
 * (comma-separated to rotate: the first one writes, every one reads), each stretched with HKDF
 * into separate encryption and MAC keys.
 */

function keys(purpose: "encrypt" | "mac"): Buffer[] {
  return config()
    .DATA_ENCRYPTION_KEY.split(",")
    .map((k) => Buffer.from(hkdfSync("sha256", k.trim(), "netshop", `netshop:${purpose}:v1`, 32)));
}

/** AES-256-GCM; the result is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys("encrypt")[0], iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("not a sealed secret");
  for (const key of keys("encrypt")) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // try the next key (rotation)
    }
  }
  throw new Error("the secret cannot be decrypted with any configured DATA_ENCRYPTION_KEY");
}

/** A keyed hash (HMAC-SHA256) of a short secret such as a 6-digit code, bound to its context. */
export function keyedHash(context: string, value: string): string {
  return createHmac("sha256", keys("mac")[0]).update(`${context}\n${value}`).digest("hex");
}

export function verifyKeyedHash(context: string, value: string, hash: string): boolean {
  return keys("mac").some((key) => safeEqual(createHmac("sha256", key).update(`${context}\n${value}`).digest("hex"), hash));
}

/** SHA-256 in hex: for high-entropy tokens (cookies, links), whose hash is their lookup key. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** A uniformly random string of `length` decimal digits. */
export function randomDigits(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function linkKeys(): string[] {
  return config()
    .SESSION_SECRET.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A token for a link that grants access to one thing (an order's status page): an HMAC keyed
 * with SESSION_SECRET (the first one signs, every one verifies, so rotation keeps old links
 * working), bound to its purpose. 128 bits, base64url.
 */
export function signLinkToken(purpose: string, value: string): string {
  return createHmac("sha256", linkKeys()[0]).update(`link:${purpose}\n${value}`).digest("base64url").slice(0, 22);
}

export function verifyLinkToken(purpose: string, value: string, token: string | null | undefined): boolean {
  if (!token) return false;
  return linkKeys().some((key) =>
    safeEqual(createHmac("sha256", key).update(`link:${purpose}\n${value}`).digest("base64url").slice(0, 22), token),
  );
}
