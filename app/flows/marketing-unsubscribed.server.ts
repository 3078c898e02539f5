/**
 * A customer follows the unsubscribe link of a shop's email (or their mail app posts it, RFC 8058):
 *
 *   1. The link is checked: its token signs the message id, and the message is an email of this
 *      shop (notify/unsubscribe.server.ts); its recipient is who unsubscribes.
 *   2. Email marketing consent is withdrawn for every customer of the shop with that address, each
 *      recorded as a consent event (source `unsubscribe_link`). It takes effect at once: the notify
 *      worker checks consent as each marketing message leaves.
 * A wrong or stale link changes nothing and says so (404).
 */
import { unsubscribeRecipient } from "~/domain/notify/unsubscribe.server";
import { withdrawEmailMarketing } from "~/domain/privacy/consent.server";

export async function unsubscribeByLink(shopId: string, messageId: unknown, token: unknown): Promise<boolean> {
  const recipient = await unsubscribeRecipient(shopId, messageId, token);
  if (!recipient) return false;
  await withdrawEmailMarketing(shopId, recipient, "unsubscribe_link");
  return true;
}

/** Whether the link is good (the page that asks "unsubscribe?" before the click). */
export async function unsubscribeLinkValid(shopId: string, messageId: unknown, token: unknown): Promise<boolean> {
  return Boolean(await unsubscribeRecipient(shopId, messageId, token));
}
