import { useLocation } from "@remix-run/react";
import { useId } from "react";

import { LOCALE_NAMES, localeFromHtmlLang, LOCALES } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { PostForm } from "~/ui/csrf";

/**
 * Chooses the interface language: a plain form posting to /locale, which sets the `lng` cookie
 * and comes back here, so it works without JavaScript. `returnTo` overrides the address to come
 * back to (a storefront on its own domain shows paths without the /s/:slug prefix); `action`
 * lets the storefront post to its own `/s/:slug/locale` (its cached pages carry no CSRF token).
 */
export function LanguageSwitcher({ className, returnTo, action = "/locale" }: { className?: string; returnTo?: string; action?: string }) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const id = useId();
  const current = localeFromHtmlLang(i18n.language);
  return (
    <PostForm
      action={action}
      className={`language-switcher ${className ?? ""}`}
      data-testid="language-switcher"
      fields={{ redirectTo: returnTo ?? location.pathname + location.search }}
    >
      <label htmlFor={id} className="sr-only">
        {t("languageSwitcher.label")}
      </label>
      <select id={id} name="lng" defaultValue={current} key={current}>
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {LOCALE_NAMES[locale]}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary small" aria-label={t("languageSwitcher.submit")}>
        {t("change")}
      </button>
    </PostForm>
  );
}
