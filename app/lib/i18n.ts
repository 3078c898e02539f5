/**
 * Languages of the storefront and admin chrome (English, Bahasa Melayu, 简体中文) with i18next.
 * Translations are modules (app/locales): the server provides all three at start-up
 * (app/lib/i18n.server.ts); the browser loads only the page's language, as its own chunk, before
 * hydrating (app/lib/i18n-loader.ts), so no page ships the other two languages' text.
 * Merchant content (product titles, descriptions, shop names) is never translated: only our own
 * interface text goes through `t`.
 */
import { createInstance, type i18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";

import { LANGUAGES } from "~/domain/shops/shop-options";
import type { Namespace, Translations } from "~/locales";

export type Locale = (typeof LANGUAGES)[number];
export const LOCALES: readonly Locale[] = LANGUAGES;
export const DEFAULT_LOCALE: Locale = "en";

/** Each language named in itself, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ms: "Bahasa Melayu", zh: "简体中文" };

/** BCP 47 tags for `<html lang>` and Intl formatting. */
export const HTML_LANG: Record<Locale, string> = { en: "en", ms: "ms", zh: "zh-Hans" };

/** Tags for Intl dates and money: the language as written in Malaysia ("7 Dec 2026, 1:30 am", "RM 187.00"). */
export const FORMAT_LANG: Record<Locale, string> = { en: "en-MY", ms: "ms-MY", zh: "zh-Hans-MY" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The locale a page was rendered in, read back from its `<html lang>` (zh-Hans → zh). */
export function localeFromHtmlLang(lang: string | null | undefined): Locale {
  const base = (lang ?? "").toLowerCase().split("-")[0];
  return isLocale(base) ? base : DEFAULT_LOCALE;
}

const provided: Partial<Record<Locale, Translations>> = {};
/** Makes a language's translations available to `createI18n` and `metaT` in this process or page. */
export function provideTranslations(locale: Locale, translations: Translations): void {
  provided[locale] = translations;
}

/** Whether a language's translations are here (in the browser: its chunk has loaded). */
export function hasTranslations(locale: Locale): boolean {
  return provided[locale] !== undefined;
}

/**
 * A ready i18next instance fixed to one language, from the translations provided for it (and
 * English as the fallback where provided; init is synchronous).
 */
export function createI18n(locale: Locale): i18n {
  const instance = createInstance();
  const resources = Object.fromEntries([locale, DEFAULT_LOCALE].flatMap((l) => (provided[l] ? [[l, provided[l]] as const] : []))) as Record<
    string,
    Translations
  >;
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    resources,
    ns: Object.keys(resources[locale] ?? resources[DEFAULT_LOCALE] ?? {}),
    defaultNS: "common",
    interpolation: { escapeValue: false }, // React escapes
    initImmediate: false,
    returnNull: false,
  });
  return instance;
}

const fixed = new Map<Locale, i18n>();
/**
 * `t` for a route's `meta` (page titles), which runs on the server and in the browser without
 * hooks: the language is the root loader's `locale`, found in `matches`.
 */
export function metaT<N extends Namespace>(matches: ReadonlyArray<{ id: string; data?: unknown }>, namespace: N): TFunction<N> {
  const wanted = (matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined)?.locale;
  // In the browser, a language just switched to may still be loading: the one on the page until then.
  const locale = isLocale(wanted) && provided[wanted] ? wanted : (LOCALES.find((l) => provided[l]) ?? DEFAULT_LOCALE);
  let instance = fixed.get(locale);
  if (!instance) fixed.set(locale, (instance = createI18n(locale)));
  return instance.getFixedT(locale, namespace) as TFunction<N>;
}
