/**
 * Languages of the storefront and admin chrome (English, Bahasa Melayu, 简体中文) with i18next.
 * Translations are bundled (app/locales), so the server and the browser build identical instances
 * without loading anything over HTTP. Merchant content (product titles, descriptions, shop names)
 * is never translated: only our own interface text goes through `t`.
 */
import { createInstance, type i18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";

import { LANGUAGES } from "~/domain/shops/shop-options";
import { type Namespace, NAMESPACES } from "~/locales";
import { RESOURCES } from "~/locales/resources";

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

/** A ready i18next instance fixed to one language (resources are inline: init is synchronous). */
export function createI18n(locale: Locale): i18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    resources: RESOURCES,
    ns: NAMESPACES,
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
  const locale = isLocale(wanted) ? wanted : DEFAULT_LOCALE;
  let instance = fixed.get(locale);
  if (!instance) fixed.set(locale, (instance = createI18n(locale)));
  return instance.getFixedT(locale, namespace) as TFunction<N>;
}
