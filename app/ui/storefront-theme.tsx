/**
 * The parts of a storefront that carry the shop's theme (app/domain/storefront/theme.ts): the
 * announcement bar, logo, home page banner, footer links, the compact cookie bar and the in-shop
 * 404. Plain links and forms: all of it works without JavaScript.
 */
import { Form } from "@remix-run/react";

import { type StorefrontTheme, whatsappLink } from "~/domain/storefront/theme";
import { useTranslation } from "~/lib/i18n-react";
import { PostForm } from "~/ui/csrf";
import { useStorefront } from "~/ui/storefront";

/** A theme link: a shop path gets the host's base ("/s/:slug" or ""), a full address stays. */
function href(base: string, link: string): string {
  return link.startsWith("/") ? `${base}${link}` : link;
}
const external = (link: string) => (link.startsWith("/") ? {} : { rel: "noopener noreferrer" });

export function AnnouncementBar({ theme, base }: { theme: StorefrontTheme; base: string }) {
  if (!theme.announcement) return null;
  return (
    <div className="announcement-bar" data-testid="announcement-bar">
      {theme.announcementUrl ? (
        <a href={href(base, theme.announcementUrl)} {...external(theme.announcementUrl)}>
          {theme.announcement}
        </a>
      ) : (
        theme.announcement
      )}
    </div>
  );
}

export function ShopBrand({ theme, name }: { theme: StorefrontTheme; name: string }) {
  return (
    <>
      {theme.logo ? (
        <img
          src={theme.logo.url}
          alt=""
          className="shop-logo"
          width={theme.logo.width}
          height={theme.logo.height}
          data-testid="shop-logo"
        />
      ) : null}
      <span className="brand-name">{name}</span>
    </>
  );
}

/** The home page's banner: heading, text and a button, over the banner image when there is one. */
export function HeroBanner() {
  const { theme, base } = useStorefront();
  if (!theme.heroTitle && !theme.heroImage) return null;
  return (
    <section
      className={`hero${theme.heroImage ? " with-image" : ""}`}
      style={theme.heroImage ? { backgroundImage: `url(${theme.heroImage.url})` } : undefined}
      data-testid="hero"
    >
      <div className="hero-text">
        {theme.heroTitle ? <h2 className="hero-title">{theme.heroTitle}</h2> : null}
        {theme.heroText ? <p>{theme.heroText}</p> : null}
        {theme.heroLinkLabel && theme.heroLinkUrl ? (
          <a className="button" href={href(base, theme.heroLinkUrl)} {...external(theme.heroLinkUrl)} data-testid="hero-link">
            {theme.heroLinkLabel}
          </a>
        ) : null}
      </div>
    </section>
  );
}

export function ShopFooterLinks({ theme }: { theme: StorefrontTheme }) {
  const { t } = useTranslation("ui");
  const wa = theme.whatsapp ? whatsappLink(theme.whatsapp) : undefined;
  const social = [
    { name: "Facebook", url: theme.facebook },
    { name: "Instagram", url: theme.instagram },
    { name: "TikTok", url: theme.tiktok },
  ].filter((s) => s.url);
  const phone = theme.contactPhone ? theme.contactPhone.replace(/[^\d+]/g, "") : "";
  if (!theme.contactEmail && !phone && !wa && social.length === 0) return null;
  return (
    <div className="inner footer-links" data-testid="footer-links">
      {theme.contactEmail || phone || wa ? (
        <div>
          <h2 className="footer-heading">{t("store.contact")}</h2>
          <ul>
            {theme.contactEmail ? (
              <li>
                <a href={`mailto:${theme.contactEmail}`}>{theme.contactEmail}</a>
              </li>
            ) : null}
            {phone ? (
              <li>
                <a href={`tel:${phone}`}>{theme.contactPhone}</a>
              </li>
            ) : null}
            {wa ? (
              <li>
                <a href={wa} rel="noopener noreferrer" className="whatsapp-link" data-testid="whatsapp-link">
                  {t("store.chatWhatsApp")}
                </a>
              </li>
            ) : null}
          </ul>
        </div>
      ) : null}
      {social.length > 0 ? (
        <div>
          <h2 className="footer-heading">{t("store.follow")}</h2>
          <ul>
            {social.map((s) => (
              <li key={s.name}>
                <a href={s.url} rel="noopener noreferrer">
                  {s.name}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** Necessary vs analytics cookies, one compact line above the page (never over it); a plain form. */
export function CookieBar({ base, here }: { base: string; here: string }) {
  const { t } = useTranslation("storefront");
  const { t: ui } = useTranslation("ui");
  return (
    <aside className="cookie-bar" aria-label={t("consent.title")} data-testid="consent-banner">
      <p>
        {ui("store.cookies.short")} <a href={`${base}/consent`}>{ui("store.cookies.more")}</a>
      </p>
      <PostForm action={`${base}/consent`} className="cookie-actions" fields={{ redirectTo: here }}>
        <button type="submit" name="choice" value="all" className="small">
          {t("consent.acceptAll")}
        </button>
        <button type="submit" name="choice" value="necessary" className="secondary small">
          {t("consent.necessaryOnly")}
        </button>
      </PostForm>
    </aside>
  );
}

/** The shop's own 404 for a path it does not have: its header and footer stay, with search and a way home. */
export function StorefrontNotFound() {
  const { t } = useTranslation("ui");
  const { t: ts } = useTranslation("storefront");
  const data = useStorefront();
  const base = data?.base ?? "";
  return (
    <div className="card narrow not-found" data-testid="storefront-404">
      <p className="eyebrow">{t("store.notFound.eyebrow")}</p>
      <h1>{t("store.notFound.title")}</h1>
      <p>{t("store.notFound.body")}</p>
      <Form method="get" action={`${base}/search`} role="search" className="storefront-search">
        <label className="sr-only" htmlFor="not-found-search">
          {ts("search")}
        </label>
        <input id="not-found-search" type="search" name="q" placeholder={ts("searchPlaceholder")} />
        <button type="submit" className="small">
          {ts("search")}
        </button>
      </Form>
      <p>
        <a className="button secondary" href={base || "/"}>
          {t("store.notFound.home")}
        </a>
      </p>
    </div>
  );
}
