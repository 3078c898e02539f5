import { and, eq } from "drizzle-orm";

import { publicUrl } from "~/config.server";
import { isUuid } from "~/lib/ids";
import { signLinkToken, verifyLinkToken } from "~/lib/secrets.server";
import { schema, type Tx, withShop } from "~db/client";

/**
 * One-click unsubscribe links (RFC 8058) in the emails a shop sends its customers: the link names
 * the message (no address in the URL) and carries an HMAC of its id, so only its recipient can
 * use it and nobody can make one for someone else. Following it withdraws the recipient's email
 * marketing consent in that shop (app/flows/marketing-unsubscribed.server.ts).
 */
const PURPOSE = "unsubscribe";

/** Whether a message gets the link: emails to a shop's customers, not the platform's to its merchants, nor privacy notices. */
export function carriesUnsubscribe(message: { shopId: string | null; userId: string | null; channel: string; purpose: string }): boolean {
  return message.channel === "email" && message.shopId !== null && message.userId === null && !message.purpose.startsWith("privacy");
}

export async function unsubscribeUrl(tx: Tx, shopId: string, messageId: string): Promise<string> {
  const [shop] = await tx.select({ slug: schema.shops.slug }).from(schema.shops).where(eq(schema.shops.id, shopId));
  return `${publicUrl()}/s/${encodeURIComponent(shop?.slug ?? "")}/unsubscribe/${messageId}?t=${signLinkToken(PURPOSE, messageId)}`;
}

/** The recipient of a shop's email message whose link this is, or undefined (a wrong token, another shop's message, an erased one). */
export async function unsubscribeRecipient(shopId: string, messageId: unknown, token: unknown): Promise<string | undefined> {
  if (!isUuid(messageId) || typeof token !== "string" || !verifyLinkToken(PURPOSE, messageId, token)) return undefined;
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ recipient: schema.messages.recipient })
      .from(schema.messages)
      .where(and(eq(schema.messages.shopId, shopId), eq(schema.messages.id, messageId), eq(schema.messages.channel, "email"))),
  );
  return row && row.recipient.includes("@") ? row.recipient : undefined;
}
