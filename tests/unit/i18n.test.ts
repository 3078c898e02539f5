import { describe, expect, it } from "vitest";

import { createI18n, HTML_LANG, localeFromHtmlLang, LOCALES, provideTranslations } from "~/lib/i18n";
import { RESOURCES } from "~/locales/resources";

// As the server does at start-up (app/lib/i18n.server.ts); a browser provides only its page's language.
for (const locale of LOCALES) provideTranslations(locale, RESOURCES[locale]);

/** Every leaf of a nested translation object as "a.b.c" → text. */
function leaves(tree: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
  }
  return out;
}
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("translations", () => {
  const english = leaves(RESOURCES.en);

  it.each(LOCALES.filter((l) => l !== "en"))("%s has exactly the English keys, each non-empty, with the same placeholders", (locale) => {
    const other = leaves(RESOURCES[locale]);
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      expect(other.get(key)?.trim(), `${locale}: ${key}`).toBeTruthy();
      expect(placeholders(other.get(key)!), `${locale}: ${key}`).toEqual(placeholders(text));
    }
  });

  it("translates and interpolates in each language", () => {
    expect(createI18n("en").t("storefront:fromPrice", { price: "RM 5.00" })).toBe("From RM 5.00");
    expect(createI18n("ms").t("storefront:fromPrice", { price: "RM 5.00" })).toBe("Dari RM 5.00");
    expect(createI18n("zh").t("admin:nav.orders")).toBe("订单");
  });

  it("reads the locale back from <html lang>", () => {
    for (const locale of LOCALES) expect(localeFromHtmlLang(HTML_LANG[locale])).toBe(locale);
    expect(localeFromHtmlLang("fr")).toBe("en");
  });
});
