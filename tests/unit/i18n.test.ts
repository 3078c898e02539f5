import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { createI18n, HTML_LANG, localeFromHtmlLang, LOCALES, provideTranslations } from "~/lib/i18n";
import { Trans } from "~/lib/i18n-react";
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

  it("picks plural forms by the language's rules, falls back across namespaces and to the key, and notes each namespace read", () => {
    const read = new Set<string>();
    const en = createI18n("en", (ns) => read.add(ns));
    expect(en.t("account:password.othersOut", { count: 1 })).toBe("1 other session was logged out.");
    expect(en.t("account:password.othersOut", { count: 3 })).toBe("3 other sessions were logged out.");
    // Malay and Chinese have one form ("other") for every number, as Intl.PluralRules says.
    expect(createI18n("ms").t("account:password.othersOut", { count: 1 })).toBe(
      RESOURCES.ms.account.password.othersOut_other.replace("{{count}}", "1"),
    );
    const both = en.getFixedT(["payments", "storefront"]);
    expect(both("fromPrice", { price: "RM 5.00" })).toBe("From RM 5.00");
    expect(en.getFixedT("storefront")("no.such.key" as never)).toBe("no.such.key");
    expect(en.t("error.eyebrow", { status: 404 })).toBe("Error 404");
    expect(en.t("error.eyebrow")).toBe("Error {{status}}");
    expect([...read].sort()).toEqual(["account", "common", "payments", "storefront"]);
  });

  it("renders <Trans> tags as the given elements", () => {
    const t = createI18n("en").getFixedT("account");
    const html = renderToStaticMarkup(
      createElement(Trans, {
        t,
        i18nKey: "security.recoveryLeft",
        count: 2,
        components: { strong: createElement("strong", { "data-x": "1" }) },
      }),
    );
    expect(html).toBe('For when you lose your phone. You have <strong data-x="1">2</strong> unused recovery codes.');
  });

  it("reads the locale back from <html lang>", () => {
    for (const locale of LOCALES) expect(localeFromHtmlLang(HTML_LANG[locale])).toBe(locale);
    expect(localeFromHtmlLang("fr")).toBe("en");
  });
});
