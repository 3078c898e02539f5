/**
 * Which language a request is answered in: the `lng` cookie (set by the switcher, /locale), then
 * the browser's Accept-Language, then — on a storefront — the shop's own language, then English.
 */
import { createCookie } from "@remix-run/node";
import type { i18n, TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";

import { storefrontShopForRequest } from "~/domain/storefront/shop.server";
import { createI18n, DEFAULT_LOCALE, isLocale, type Locale, LOCALES, provideTranslations } from "~/lib/i18n";
import type { Namespace } from "~/locales";
import { RESOURCES } from "~/locales/resources";

// The server answers in every language: all of them, once, at start-up.
for (const locale of LOCALES) provideTranslations(locale, RESOURCES[locale]);

export const localeCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...LOCALES],
    fallbackLanguage: DEFAULT_LOCALE,
    cookie: localeCookie,
    order: ["cookie", "header", "custom"],
    findLocale: async (request) => (await storefrontShopForRequest(request))?.language ?? null,
  },
});

export async function localeFor(request: Request): Promise<Locale> {
  const locale = await detector.getLocale(request);
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** The `Set-Cookie` value that remembers a chosen language for a year. */
export function rememberLocale(locale: Locale): Promise<string> {
  return localeCookie.serialize(locale);
}

// One fixed instance per language, built once: resources are static, so nothing is per request.
const instances = new Map<Locale, i18n>();
export function i18nFor(locale: Locale): i18n {
  let instance = instances.get(locale);
  if (!instance) instances.set(locale, (instance = createI18n(locale)));
  return instance;
}

/** `t` for server code (page titles in meta, messages built in loaders and actions). */
export function serverT<N extends Namespace>(locale: Locale, namespace: N): TFunction<N> {
  return i18nFor(locale).getFixedT(locale, namespace) as TFunction<N>;
}
