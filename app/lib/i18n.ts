/**
 * Languages of the storefront and admin chrome (English, Bahasa Melayu, 简体中文). Translations are
 * modules (app/locales): the server provides all three at start-up (app/lib/i18n.server.ts). The
 * browser gets only the page's language, and of it only the namespaces the page can use, inlined in
 * the HTML (app/lib/i18n-react.tsx); a language switched to later loads as its own chunk
 * (app/lib/i18n-loader.ts). The translator is this small module rather than i18next: i18next and
 * react-i18next were about 20 KB of every page's JavaScript for keys, plurals and `{{values}}`.
 * Merchant content (product titles, descriptions, shop names) is never translated: only our own
 * interface text goes through `t`.
 */
import type { i18n as I18next, TFunction } from "i18next";

import { LANGUAGES } from "~/domain/shops/shop-options";
import type { Coded } from "~/lib/forms";
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

const provided: Partial<Record<Locale, Partial<Translations>>> = {};
/** Makes a language's translations (all or some namespaces) available to `createI18n` and `metaT` in this process or page. */
export function provideTranslations(locale: Locale, translations: Partial<Translations>): void {
  provided[locale] = { ...provided[locale], ...translations };
}

/** Whether a language's namespace (any namespace when none is named) is here. */
export function hasTranslations(locale: Locale, namespace?: string): boolean {
  const tree = provided[locale] as Record<string, unknown> | undefined;
  return namespace === undefined ? tree !== undefined : tree?.[namespace] !== undefined;
}

/** The namespaces of `locale` provided here, as they are (for inlining in a page). */
export function providedNamespaces(locale: Locale, namespaces: Iterable<string>): Record<string, unknown> {
  const tree = (provided[locale] ?? {}) as Record<string, unknown>;
  return Object.fromEntries([...namespaces].flatMap((ns) => (tree[ns] === undefined ? [] : [[ns, tree[ns]]])));
}

type TranslateOptions = Record<string, unknown> & { count?: unknown };

/** One language's translator, with English as the fallback where provided. */
export interface I18n {
  readonly language: Locale;
  /** `t("ns:key", values)`; an unprefixed key is in `common`. */
  t: I18next["t"];
  getFixedT<N extends Namespace | readonly Namespace[] = "common">(namespace?: N): TFunction<N>;
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
function pluralOf(locale: Locale, count: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(count);
}

function lookup(tree: unknown, path: string): string | undefined {
  let node = tree;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** `{{name}}` → the value (as i18next did, with escaping left to React); a missing value stays as written. */
function interpolate(text: string, values: TranslateOptions | undefined): string {
  if (!values || !text.includes("{{")) return text;
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (match, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? match : String(value);
  });
}

/**
 * The text of `key` (optionally `ns:key`) in the first of `namespaces` that has it, in `locale`
 * then English: plural forms `key_<Intl plural category>` when `count` is a number (as i18next
 * resolves them), else the key itself when none has it. `onNamespace` sees every namespace read.
 */
function translate(
  locale: Locale,
  namespaces: readonly string[],
  rawKey: string,
  options: TranslateOptions | undefined,
  onNamespace?: (namespace: string) => void,
): string {
  const colon = rawKey.indexOf(":");
  const [spaces, key] = colon > 0 ? [[rawKey.slice(0, colon)], rawKey.slice(colon + 1)] : [namespaces, rawKey];
  const count = typeof options?.count === "number" ? options.count : undefined;
  for (const ns of spaces) {
    onNamespace?.(ns);
    for (const code of locale === DEFAULT_LOCALE ? [locale] : [locale, DEFAULT_LOCALE]) {
      const tree = (provided[code] as Record<string, unknown> | undefined)?.[ns];
      if (tree === undefined) continue;
      const candidates = count === undefined ? [key] : [...(count === 0 ? [`${key}_zero`] : []), `${key}_${pluralOf(code, count)}`, key];
      for (const candidate of candidates) {
        const text = lookup(tree, candidate);
        if (text !== undefined) return interpolate(text, options);
      }
    }
  }
  return key;
}

/**
 * A translator fixed to one language, reading the translations provided for it (and English as
 * the fallback where provided) at each call, so namespaces provided later are seen.
 * `onNamespace` sees every namespace a `t` reads (the server uses it to inline them in the page).
 */
export function createI18n(locale: Locale, onNamespace?: (namespace: string) => void): I18n {
  const getFixedT = (namespace?: Namespace | readonly Namespace[]) => {
    const namespaces: readonly string[] = namespace === undefined ? ["common"] : typeof namespace === "string" ? [namespace] : namespace;
    const t = (key: string | string[], options?: TranslateOptions) => {
      const keys = Array.isArray(key) ? key : [key];
      for (const k of keys.slice(0, -1)) {
        const text = translate(locale, namespaces, k, options, onNamespace);
        if (text !== k.slice(k.indexOf(":") + 1)) return text;
      }
      return translate(locale, namespaces, keys[keys.length - 1] ?? "", options, onNamespace);
    };
    return t as unknown as TFunction<never>;
  };
  return { language: locale, t: getFixedT() as unknown as I18next["t"], getFixedT: getFixedT as I18n["getFixedT"] };
}

/**
 * A coded message (a domain's refusal, see ~/lib/forms) in `i18n`'s language: numbers in its
 * format ("50,000"), a `count` kept as a number for plural forms.
 */
export function wordCoded(i18n: I18n, message: Coded): string {
  const number = new Intl.NumberFormat(FORMAT_LANG[i18n.language]);
  const values = Object.fromEntries(
    Object.entries(message.values ?? {}).map(([name, value]) => [
      name,
      typeof value === "number" && name !== "count" ? number.format(value) : value,
    ]),
  );
  return (i18n.t as unknown as (key: string, values: Record<string, unknown>) => string)(message.key, values);
}

let metaObserver: ((namespace: string) => void) | undefined;
/** Also tell `observer` of each namespace a `metaT` reads (the server notes a page's, see i18n.server.ts). */
export function observeMetaNamespaces(observer: (namespace: string) => void): void {
  metaObserver = observer;
}

const fixed = new Map<Locale, I18n>();
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
  metaObserver?.(namespace);
  return instance.getFixedT(namespace) as TFunction<N>;
}
