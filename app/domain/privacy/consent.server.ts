import { and, eq, isNull } from "drizzle-orm";

import { asPlatform, schema, type Tx, withShop } from "~db/client";

/**
 * Marketing consent per customer and channel. Withdrawal takes effect at once: the flag is what
 * the notify worker checks at send time for any message whose purpose starts with "marketing"
 * (app/domain/notify/messages.server.ts), so nothing queued before the withdrawal leaves after it.
 * Every change is kept as a consent event (source: account, unsubscribe_link, whatsapp_stop, merchant).
 */
export type MarketingChannel = "email" | "whatsapp";

export async function setMarketingConsent(
  tx: Tx,
  input: { shopId: string; customerIds: string[]; channel: MarketingChannel; granted: boolean; source: string; now?: Date },
): Promise<number> {
  const now = input.now ?? new Date();
  let changed = 0;
  for (const customerId of input.customerIds) {
    const set =
      input.channel === "email"
        ? { marketingConsent: input.granted, marketingConsentAt: input.granted ? now : null, updatedAt: now }
        : { marketingWhatsappConsent: input.granted, updatedAt: now };
    const rows = await tx
      .update(schema.customers)
      .set(set)
      .where(and(eq(schema.customers.shopId, input.shopId), eq(schema.customers.id, customerId)))
      .returning({ id: schema.customers.id });
    if (!rows.length) continue;
    changed++;
    await tx.insert(schema.consentEvents).values({
      shopId: input.shopId,
      customerId,
      channel: input.channel,
      granted: input.granted,
      source: input.source,
      createdAt: now,
    });
  }
  return changed;
}

/** A customer changes their own consent on their privacy page. */
export async function changeOwnConsent(shopId: string, customerId: string, choice: { email: boolean; whatsapp: boolean }): Promise<void> {
  await withShop(shopId, async (tx) => {
    const [current] = await tx
      .select({ email: schema.customers.marketingConsent, whatsapp: schema.customers.marketingWhatsappConsent })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId)));
    if (!current) return;
    for (const channel of ["email", "whatsapp"] as const) {
      if (current[channel] !== choice[channel]) {
        await setMarketingConsent(tx, { shopId, customerIds: [customerId], channel, granted: choice[channel], source: "account" });
      }
    }
  });
}

/**
 * A STOP reply on WhatsApp from `phone`: WhatsApp marketing is withdrawn for every customer with
 * that number in every shop (the number is the person; the shop they reply to is not known from
 * the platform's shared sender). Returns how many customer records changed.
 */
export async function withdrawWhatsAppByStop(phone: string, now = new Date()): Promise<number> {
  const matches = await asPlatform((tx) =>
    tx
      .select({ shopId: schema.customers.shopId, id: schema.customers.id })
      .from(schema.customers)
      .where(
        and(eq(schema.customers.phone, phone), eq(schema.customers.marketingWhatsappConsent, true), isNull(schema.customers.anonymisedAt)),
      ),
  );
  let changed = 0;
  for (const m of matches) {
    changed += await withShop(m.shopId, (tx) =>
      setMarketingConsent(tx, { shopId: m.shopId, customerIds: [m.id], channel: "whatsapp", granted: false, source: "whatsapp_stop", now }),
    );
  }
  return changed;
}

/** Email marketing withdrawn for every customer of the shop with this address (an unsubscribe link). Returns how many changed. */
export async function withdrawEmailMarketing(shopId: string, email: string, source: string, now = new Date()): Promise<number> {
  return withShop(shopId, async (tx) => {
    const matches = await tx
      .select({ id: schema.customers.id })
      .from(schema.customers)
      .where(
        and(
          eq(schema.customers.shopId, shopId),
          eq(schema.customers.email, email.toLowerCase()),
          eq(schema.customers.marketingConsent, true),
        ),
      );
    return setMarketingConsent(tx, { shopId, customerIds: matches.map((m) => m.id), channel: "email", granted: false, source, now });
  });
}
