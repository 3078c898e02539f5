import { NavLink } from "@remix-run/react";
import type { ReactNode } from "react";

import { useTranslation } from "~/lib/i18n-react";
import { PostForm } from "~/ui/csrf";
import { LanguageSwitcher } from "~/ui/language-switcher";

/** One entry of a console's side bar; without `to` it is shown as coming soon. */
export interface ConsoleLink {
  key: string;
  label: string;
  to?: string;
  /** Active only on exactly this address (a console's home). */
  end?: boolean;
}

/**
 * The side bar every console shares (the merchant admin, the operators' platform console, the
 * supplier portal): the brand linking home, what the console is about (`header`), its links, and
 * a footer of the person (`footer`), Log out and the language switcher.
 */
export function ConsoleNav({
  home,
  label,
  links,
  header,
  footer,
}: {
  home: string;
  /** The navigation's accessible name. */
  label: string;
  links: ConsoleLink[];
  header?: ReactNode;
  footer?: ReactNode;
}) {
  const { t } = useTranslation("admin");
  return (
    <aside className="admin-nav">
      <a href={home} className="brand">
        <img src="/favicon.svg" alt="" /> NetShop
      </a>
      {header}
      <nav aria-label={label}>
        <ul>
          {links.map((link) => (
            <li key={link.key}>
              {link.to ? (
                <NavLink to={link.to} end={link.end}>
                  {link.label}
                </NavLink>
              ) : (
                <span className="soon" title={t("comingSoon")}>
                  {link.label} <small>{t("soon")}</small>
                </span>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <div className="nav-footer stack">
        {footer}
        <PostForm action="/logout">
          <button type="submit" className="link">
            {t("logOut")}
          </button>
        </PostForm>
        <LanguageSwitcher />
      </div>
    </aside>
  );
}
