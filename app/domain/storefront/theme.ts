/**
 * A shop's storefront theme (shops.storefront_theme, migration 0023): brand colours, logo,
 * favicon, a hero banner, an announcement bar and footer links. Pure: the admin's live preview
 * and the storefront use the same parsing, colours and links as the server that saves it.
 *
 * Parsing a submitted or stored theme (zod) is in theme-form.server.ts, so the storefront's browser
 * bundle, which imports this file for the theme's type and colours, never ships zod.
 */
export const THEME_IMAGE_SLOTS = ["logo", "favicon", "heroImage"] as const;
export type ThemeImageSlot = (typeof THEME_IMAGE_SLOTS)[number];

export type ThemeImage = { url: string; key: string; width: number; height: number };

export type StorefrontTheme = {
  primaryColour: string;
  headerColour: string;
  headerTextColour: string;
  logo: ThemeImage | null;
  favicon: ThemeImage | null;
  heroImage: ThemeImage | null;
  heroTitle: string;
  heroText: string;
  heroLinkLabel: string;
  heroLinkUrl: string;
  announcement: string;
  announcementUrl: string;
  contactEmail: string;
  contactPhone: string;
  whatsapp: string;
  facebook: string;
  instagram: string;
  tiktok: string;
};

export const DEFAULT_THEME: StorefrontTheme = {
  primaryColour: "#0f766e",
  headerColour: "#ffffff",
  headerTextColour: "#0f172a",
  logo: null,
  favicon: null,
  heroImage: null,
  heroTitle: "",
  heroText: "",
  heroLinkLabel: "",
  heroLinkUrl: "",
  announcement: "",
  announcementUrl: "",
  contactEmail: "",
  contactPhone: "",
  whatsapp: "",
  facebook: "",
  instagram: "",
  tiktok: "",
};

export const THEME_LIMITS = { heroTitle: 80, heroText: 240, heroLinkLabel: 30, announcement: 140, url: 500 } as const;
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

export const HEX = /^#[0-9a-f]{6}$/;

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}
/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
/** Black or white text, whichever reads better on `background`. */
export function readableOn(background: string): string {
  return contrastRatio(background, "#ffffff") >= contrastRatio(background, "#0f172a") ? "#ffffff" : "#0f172a";
}

/** An absolute http(s) link, or a path in the shop ("/collections/raya"); nothing else (no javascript:, data:, //host). */
export function isSafeLink(value: string): boolean {
  if (value.startsWith("/")) return !value.startsWith("//") && !value.startsWith("/\\") && !/[\s<>"]/.test(value);
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.includes(".") && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** A https://wa.me chat link for a phone number given as +60…, 60… or 01… (Malaysia), or undefined. */
export function whatsappLink(phone: string): string | undefined {
  const digits = phone.replace(/[\s\-()]/g, "");
  if (!/^\+?\d{8,15}$/.test(digits)) return undefined;
  const international = digits.startsWith("+") ? digits.slice(1) : digits.startsWith("0") ? `6${digits}` : digits;
  return `https://wa.me/${international}`;
}

export type ThemeError = { key: string; values?: Record<string, string | number> };
export type ThemeErrors = Partial<Record<keyof StorefrontTheme | "form", ThemeError>>;

/** The CSS custom properties the storefront's stylesheet reads. */
export function themeStyle(theme: StorefrontTheme): Record<string, string> {
  return {
    "--brand": theme.primaryColour,
    "--brand-dark": theme.primaryColour,
    "--shop-header-bg": theme.headerColour,
    "--shop-header-ink": theme.headerTextColour,
    "--shop-on-brand": readableOn(theme.primaryColour),
  };
}
