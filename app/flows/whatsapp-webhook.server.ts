/**
 * A Wassenger webhook arrives (app/routes/webhooks.wassenger.$token.tsx).
 *
 *   1. Notify checks it (token, signature, shape), deduplicates it and applies delivery statuses
 *      to our messages (handleWassengerWebhook).
 *   2. A person's reply that says STOP (or BERHENTI, 停止, UNSUBSCRIBE) withdraws their WhatsApp
 *      marketing consent at once, in every shop that holds their number (privacy).
 */
import { handleWassengerWebhook, type WebhookResult } from "~/domain/notify/messages.server";
import { withdrawWhatsAppByStop } from "~/domain/privacy/consent.server";

const STOP_WORDS = /^\s*(stop|unsubscribe|berhenti|henti|停止|退订)\s*[.!]?\s*$/i;

export function isStopReply(text: string): boolean {
  return STOP_WORDS.test(text);
}

export async function wassengerWebhookReceived(
  input: Parameters<typeof handleWassengerWebhook>[0],
): Promise<WebhookResult & { withdrawn?: number }> {
  // 1. Checked, deduplicated, statuses applied.
  const result = await handleWassengerWebhook(input);
  // 2. STOP.
  if (result.ok && result.outcome === "inbound" && isStopReply(result.inbound.text)) {
    return { ...result, withdrawn: await withdrawWhatsAppByStop(result.inbound.from) };
  }
  return result;
}
