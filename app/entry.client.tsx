import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider } from "react-i18next";

import { createI18n, localeFromHtmlLang } from "~/lib/i18n";
import { loadTranslations } from "~/lib/i18n-loader";

// Same language as the server rendered (it wrote it into <html lang>), so hydration matches; only
// that language's translations are loaded.
const locale = localeFromHtmlLang(document.documentElement.lang);
await loadTranslations(locale);
const i18n = createI18n(locale);

startTransition(() => {
  hydrateRoot(
    document,
    <I18nextProvider i18n={i18n}>
      <StrictMode>
        <RemixBrowser />
      </StrictMode>
    </I18nextProvider>,
  );
});
