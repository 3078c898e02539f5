/**
 * The language a message is written in: the recipient's own (users.preferred_language), or the
 * shop's default language where no person is known (an invitation, a supplier's WhatsApp number).
 */
import { eq } from "drizzle-orm";
import type { TFunction } from "i18next";

import { DEFAULT_LOCALE, isLocale, type Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { schema, type Tx } from "~db/client";

export function localeOr(language: unknown): Locale {
  return isLocale(language) ? language : DEFAULT_LOCALE;
}

/** `t` of the "notices" namespace in `language` (English when it is not one of ours). */
export function noticesT(language: unknown): TFunction<"notices"> {
  return serverT(localeOr(language), "notices");
}

/** A shop's default language (its storefront's), in a transaction that can read the shop's row. */
export async function shopLanguage(tx: Tx, shopId: string): Promise<Locale> {
  const [shop] = await tx.select({ language: schema.shops.language }).from(schema.shops).where(eq(schema.shops.id, shopId));
  return localeOr(shop?.language);
}
