import { RemixBrowser } from "@remix-run/react";
import { type ReactNode, startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

import { bootTranslations, clientI18nStore, useClientI18n } from "~/lib/i18n-loader";
import { I18nProvider } from "~/lib/i18n-react";

// Same language as the server rendered (it wrote it into <html lang>, and its translations into
// the page), so hydration matches.
const store = clientI18nStore(await bootTranslations());

function Translations({ children }: { children: ReactNode }) {
  return <I18nProvider value={useClientI18n(store)}>{children}</I18nProvider>;
}

startTransition(() => {
  hydrateRoot(
    document,
    <Translations>
      <StrictMode>
        <RemixBrowser />
      </StrictMode>
    </Translations>,
  );
});
