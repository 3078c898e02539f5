/**
 * The translator in React: `useTranslation(namespace)` and `<Trans>` (the parts of react-i18next
 * NetShop used, over app/lib/i18n.ts), and `<InlineTranslations>`, which writes the page's
 * language's namespaces into the HTML for the browser to hydrate with (entry.client.tsx reads
 * them back), so no translation travels as JavaScript.
 */
import { useMatches } from "@remix-run/react";
import {
  cloneElement,
  createContext,
  Fragment,
  isValidElement,
  type ReactElement,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
} from "react";

import type { I18n, Locale } from "~/lib/i18n";
import type { Namespace } from "~/locales";

export interface I18nContextValue {
  i18n: I18n;
  /**
   * The JSON of the page's translations for `<InlineTranslations>`: on a storefront page, `area`
   * (the namespaces every storefront page can use) and whatever the page read; null elsewhere:
   * none, the browser loads the page's whole language before hydrating.
   */
  inline(area: readonly string[] | null): string;
  /** In the browser: load `locale` (when new) and switch to it. */
  changeLanguage?(locale: Locale): void;
}

const I18nContext = createContext<I18nContextValue | null>(null);
export const I18nProvider = I18nContext.Provider;

function useI18nContext(): I18nContextValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useTranslation outside I18nProvider (entry.server.tsx and entry.client.tsx provide it)");
  return value;
}

export function useTranslation<N extends Namespace | readonly Namespace[] = "common">(namespace?: N) {
  const { i18n } = useI18nContext();
  const key = namespace === undefined ? "" : typeof namespace === "string" ? namespace : namespace.join(",");
  // `key` is the namespace's identity (an array literal is new at every render).
  const t = useMemo(() => i18n.getFixedT<N>(namespace), [i18n, key]);
  return { t, i18n };
}

/** Follows the root loader's language in the browser (after the switcher or a cookie changed it). */
export function useLanguage(locale: Locale): void {
  const { i18n, changeLanguage } = useI18nContext();
  useEffect(() => {
    if (changeLanguage && i18n.language !== locale) changeLanguage(locale);
  }, [i18n, changeLanguage, locale]);
}

/** The element of the page that carries its translations (read once by entry.client.tsx). */
export const INLINE_TRANSLATIONS_ID = "netshop-translations";

/**
 * Namespaces a storefront page (`/s/:slug/...`) can use, on itself or on any storefront page
 * reached from it without a reload (whatever a page read is always included too). Other pages
 * (admin, supplier, platform) carry none: their browser loads the language's chunk, as before.
 */
const STOREFRONT_NAMESPACES = ["common", "storefront", "checkout", "payments", "privacy", "ui", "orders", "account", "billing"] as const;

/** Place after the page's content, before `<Scripts>`: by then the server knows every namespace the page read. */
export function InlineTranslations() {
  const { inline } = useI18nContext();
  const storefront = useMatches().some((m) => m.id.startsWith("routes/s.$slug"));
  return (
    <script
      id={INLINE_TRANSLATIONS_ID}
      type="application/json"
      suppressHydrationWarning
      dangerouslySetInnerHTML={{ __html: inline(storefront ? STOREFRONT_NAMESPACES : null) }}
    />
  );
}

type TagComponents = Record<string, ReactElement>;

/** `a <b>bold</b> and <br/>` → text and `components`' elements (unknown tags keep their text). */
function renderTagged(text: string, components: TagComponents): ReactNode[] {
  const out: ReactNode[] = [];
  const tag = /<(\w+)\s*\/>|<(\w+)>([\s\S]*?)<\/\2>/g;
  let last = 0;
  for (const match of text.matchAll(tag)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const name = match[1] ?? match[2];
    const element = components[name];
    const inner = match[1] === undefined ? renderTagged(match[3], components) : undefined;
    if (isValidElement(element))
      out.push(inner === undefined ? cloneElement(element, { key: out.length }) : cloneElement(element, { key: out.length }, ...inner));
    else if (inner) out.push(<Fragment key={out.length}>{inner}</Fragment>);
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A translation with markup: `<Trans t={t} i18nKey="x.y" values={…} components={{ strong: <strong /> }} />`. */
export function Trans({
  t,
  i18nKey,
  values,
  count,
  components = {},
}: {
  t: (...args: never[]) => unknown;
  i18nKey: string;
  values?: Record<string, unknown>;
  count?: number;
  components?: TagComponents;
}) {
  const text = (t as unknown as (key: string, options?: Record<string, unknown>) => string)(
    i18nKey,
    count === undefined ? values : { ...values, count },
  );
  return <>{renderTagged(text, components)}</>;
}
