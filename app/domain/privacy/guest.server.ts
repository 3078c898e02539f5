import { and, eq, or } from "drizzle-orm";

import { signedCookie } from "~/lib/cookies.server";
import { logger } from "~/lib/logger.server";
import { consumeAll } from "~/lib/rate-limit.server";
import { schema, withShop } from "~db/client";

import { checkPrivacyCode, issuePrivacyCode, normaliseContact } from "./codes.server";

/**
 * A guest buyer's proof (/s/:slug/privacy): a code sent to the email or WhatsApp number their
 * orders in the shop carry, then a signed cookie that lets this browser act for that contact in
 * that shop for 30 minutes. The page answers the same whether or not the shop holds orders for
 * the contact (a code is only sent when it does), so nobody can learn who bought there; both the
 * sending and the answering are rate-limited, and a code dies after 5 wrong answers.
 */
type Locale = "en" | "ms" | "zh";
const PROOF_SECONDS = 30 * 60;

const proofCookie = () => signedCookie("ns_privacy_guest", { path: "/s", maxAgeSeconds: PROOF_SECONDS });

/** Whether the shop holds any order for the contact (by the order's own email or phone). */
async function hasOrders(shopId: string, contact: string): Promise<boolean> {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ id: schema.orders.id })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), or(eq(schema.orders.email, contact), eq(schema.orders.phone, contact))))
      .limit(1),
  );
  return Boolean(row);
}

export type GuestProofError = "guest.badContact" | "guest.tooMany" | "codeWrong";

/** Step 1: "send me a code". The same answer whether or not orders exist for the contact. */
export async function startGuestProof(
  shopId: string,
  input: unknown,
  who: { ip: string | null; locale: Locale },
): Promise<{ ok: true; contact: string } | { ok: false; error: GuestProofError }> {
  const contact = normaliseContact(input);
  if (!contact) return { ok: false, error: "guest.badContact" };
  const limited = await consumeAll(["privacyCodePerIp", `${who.ip ?? "unknown"}`], ["privacyCodePerContact", `${shopId}:${contact}`]);
  if (!limited.ok) return { ok: false, error: "guest.tooMany" };
  if (await hasOrders(shopId, contact)) {
    const sent = await issuePrivacyCode({ purpose: "guest_proof", shopId, scope: shopId, contact }, { locale: who.locale });
    // Saying so would tell a stranger the contact bought here: the failure goes to the log only.
    if (!sent.ok) logger().warn({ shopId, error: sent.error }, "privacy guest code could not be sent");
  }
  return { ok: true, contact };
}

/** Step 2: the code. On success, the Set-Cookie that proves the contact in this shop for 30 minutes. */
export async function finishGuestProof(
  shopId: string,
  input: { contact: unknown; code: unknown },
  who: { ip: string | null },
): Promise<{ ok: true; setCookie: string } | { ok: false; error: GuestProofError }> {
  const contact = normaliseContact(input.contact);
  if (!contact) return { ok: false, error: "guest.badContact" };
  const limited = await consumeAll(["privacyCodeVerifyPerIp", `${who.ip ?? "unknown"}`]);
  if (!limited.ok) return { ok: false, error: "guest.tooMany" };
  const check = await checkPrivacyCode({ purpose: "guest_proof", shopId, scope: shopId, contact }, input.code);
  if (check !== "ok") return { ok: false, error: "codeWrong" };
  return { ok: true, setCookie: await guestProofCookie(shopId, contact) };
}

/**
 * The Set-Cookie that proves `contact` in the shop for 30 minutes: after a code, or after the
 * guest replaced the contact they proved with a new one they confirmed by a code.
 */
export function guestProofCookie(shopId: string, contact: string): Promise<string> {
  const expires = Date.now() + PROOF_SECONDS * 1000;
  return proofCookie().serialize({ shopId, contact, expires });
}

/** The contact this browser has proved in this shop, or undefined. */
export async function provenGuest(request: Request, shopId: string): Promise<string | undefined> {
  const value = (await proofCookie().parse(request.headers.get("Cookie"))) as unknown;
  if (!value || typeof value !== "object") return undefined;
  const { shopId: provedShop, contact, expires } = value as Record<string, unknown>;
  if (provedShop !== shopId || typeof contact !== "string" || typeof expires !== "number" || expires <= Date.now()) return undefined;
  return contact;
}

/** "Forget me on this browser". */
export function forgetGuestProof(): Promise<string> {
  return proofCookie().serialize("", { maxAge: 0 });
}
