/**
 * The browser's translations. A storefront page arrives with its language's storefront namespaces
 * inlined in the HTML (`<InlineTranslations>`, read by `bootTranslations`); a whole language loads
 * as its own chunk (each is a dynamic import, so esbuild splits it out of the shared bundle) before
 * hydrating any other page, when the visitor switches language, or when a page reached without a
 * reload reads a namespace that was not inlined.
 */
import { useSyncExternalStore } from "react";

import { createI18n, hasTranslations, type Locale, localeFromHtmlLang, provideTranslations } from "~/lib/i18n";
import { type I18nContextValue, INLINE_TRANSLATIONS_ID } from "~/lib/i18n-react";
import type { Translations } from "~/locales";

const LOADERS: Record<Locale, () => Promise<{ default: Translations }>> = {
  en: () => import("~/locales/en"),
  ms: () => import("~/locales/ms"),
  zh: () => import("~/locales/zh"),
};

const loading = new Map<Locale, Promise<void>>();
/** Loads all of `locale`'s translations (once) and provides them to `createI18n` and `metaT`. */
function loadTranslations(locale: Locale): Promise<void> {
  let promise = loading.get(locale);
  if (!promise) {
    promise = LOADERS[locale]().then((m) => provideTranslations(locale, m.default));
    loading.set(locale, promise);
  }
  return promise;
}

/**
 * The page's language and the translations inlined in it (provided to `createI18n` and `metaT`);
 * the whole language from its chunk when the page carries none. Call once, before hydrating.
 */
export async function bootTranslations(): Promise<{ locale: Locale; inlined: string }> {
  const locale = localeFromHtmlLang(document.documentElement.lang);
  const inlined = document.getElementById(INLINE_TRANSLATIONS_ID)?.textContent ?? "";
  const parsed = inlined ? (JSON.parse(inlined) as { locale?: string; namespaces?: Partial<Translations>; partial?: boolean }) : {};
  // A page outside the storefront carries none: its whole language loads before hydrating, so
  // every admin page reached without a reload has its texts at once.
  if (parsed.locale === locale && parsed.namespaces && !parsed.partial) provideTranslations(locale, parsed.namespaces);
  else await loadTranslations(locale);
  return { locale, inlined };
}

/**
 * The browser's translator as a store: the current language's `I18n`, replaced (and React
 * re-rendered) when another language or a missing namespace has loaded.
 */
export function clientI18nStore(boot: { locale: Locale; inlined: string }) {
  const listeners = new Set<() => void>();
  let current: I18nContextValue;
  let wanted = boot.locale;
  const make = (locale: Locale): I18nContextValue => ({
    i18n: createI18n(locale, (namespace) => {
      if (!hasTranslations(locale, namespace)) void loadTranslations(locale).then(() => current.i18n.language === locale && set(locale));
    }),
    // The inlined text stays what the server sent (hydration compares it).
    inline: () => boot.inlined,
    changeLanguage(next: Locale) {
      wanted = next;
      if (current.i18n.language !== next) void loadTranslations(next).then(() => next === wanted && set(next));
    },
  });
  const set = (locale: Locale) => {
    current = make(locale);
    for (const listener of listeners) listener();
  };
  current = make(boot.locale);
  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => current,
  };
}
type ClientI18nStore = ReturnType<typeof clientI18nStore>;

/** The store's current value, for entry.client.tsx's provider. */
export function useClientI18n(store: ClientI18nStore): I18nContextValue {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
