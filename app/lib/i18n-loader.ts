/**
 * The browser's translations: only the page's language, loaded as its own chunk (each language is
 * a dynamic import, so esbuild splits it out of the shared bundle). `entry.client.tsx` awaits the
 * page's language before hydrating; the root route's `useLanguage` loads another one when the
 * visitor switches, then switches i18next to it.
 */
import type { i18n } from "i18next";
import { useEffect } from "react";

import { hasTranslations, type Locale, provideTranslations } from "~/lib/i18n";
import type { Translations } from "~/locales";

const LOADERS: Record<Locale, () => Promise<{ default: Translations }>> = {
  en: () => import("~/locales/en"),
  ms: () => import("~/locales/ms"),
  zh: () => import("~/locales/zh"),
};

/** Loads `locale`'s translations (once) and provides them to `createI18n` and `metaT`. */
export async function loadTranslations(locale: Locale): Promise<Translations> {
  const translations = (await LOADERS[locale]()).default;
  if (!hasTranslations(locale)) provideTranslations(locale, translations);
  return translations;
}

/** Follows the root loader's language: loads it when new, then switches `i18n` (a no-op when it is already the language). */
export function useLanguage(i18n: i18n, locale: Locale): void {
  useEffect(() => {
    if (i18n.language === locale) return;
    let current = true;
    void loadTranslations(locale).then((translations) => {
      if (!current) return;
      for (const [namespace, resources] of Object.entries(translations)) i18n.addResourceBundle(locale, namespace, resources, true, true);
      void i18n.changeLanguage(locale);
    });
    return () => {
      current = false;
    };
  }, [i18n, locale]);
}
