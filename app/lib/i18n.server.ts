/**
 * Which language a request is answered in: the `lng` cookie (set by the switcher, /locale), then
 * the browser's Accept-Language, then — on a storefront — the shop's own language, then English.
 */
import { AsyncLocalStorage } from "node:async_hooks";

import { createCookie } from "@remix-run/node";
import type { TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";

import { storefrontShopForRequest } from "~/domain/storefront/shop.server";
import type { Coded } from "~/lib/forms";
import {
  createI18n,
  DEFAULT_LOCALE,
  type I18n,
  isLocale,
  type Locale,
  LOCALES,
  observeMetaNamespaces,
  providedNamespaces,
  provideTranslations,
  wordCoded,
} from "~/lib/i18n";
import type { I18nContextValue } from "~/lib/i18n-react";
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

// One fixed translator per language: resources are static, so nothing is per request.
const instances = new Map<Locale, I18n>();
function i18nFor(locale: Locale): I18n {
  let instance = instances.get(locale);
  if (!instance) instances.set(locale, (instance = createI18n(locale)));
  return instance;
}

// The namespaces the page being rendered has read, its `meta` titles' included (React renders
// a request's page in tasks scheduled from `renderTranslated`, so they carry its store).
const pageReads = new AsyncLocalStorage<Set<string>>();
observeMetaNamespaces((namespace) => pageReads.getStore()?.add(namespace));

/**
 * Renders a page (`render`, given the translator to provide): every namespace the page reads is
 * noted, so `<InlineTranslations>` (rendered after the page's content) sends a storefront page's
 * browser those and the storefront's, and no others.
 */
export function renderTranslated<T>(locale: Locale, render: (i18n: I18nContextValue) => T): T {
  const read = new Set<string>();
  const value: I18nContextValue = {
    i18n: createI18n(locale, (namespace) => read.add(namespace)),
    inline(area) {
      // Outside the storefront the browser loads the whole language instead (i18n-loader.ts).
      const namespaces = area ? providedNamespaces(locale, new Set([...area, ...read])) : {};
      // `<` escaped: the JSON sits in a <script> element.
      return JSON.stringify({ locale, namespaces, partial: area === null }).replace(/</g, "\\u003c");
    },
  };
  return pageReads.run(read, () => render(value));
}

/** `t` for server code (page titles in meta, messages built in loaders and actions). */
export function serverT<N extends Namespace>(locale: Locale, namespace: N): TFunction<N> {
  return i18nFor(locale).getFixedT(namespace) as TFunction<N>;
}

/** A coded message (see ~/lib/forms) in `locale`, for what the server writes itself (CSV reports). */
export function codedText(locale: Locale, message: Coded): string {
  return wordCoded(i18nFor(locale), message);
}
