/**
 * A shop's storefront theme (shops.storefront_theme, migration 0023): brand colours, logo,
 * favicon, a hero banner, an announcement bar and footer links. Pure: the admin's live preview
 * and the storefront use the same parsing, colours and links as the server that saves it.
 *
 * Errors are translation keys of the "ui" namespace (`theme.errors.*`) with their values, so the
 * page shows them in the merchant's language.
 */
import { z } from "zod";

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

const HEX = /^#[0-9a-f]{6}$/;

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

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: JSON.stringify({ key: "tooLong", values: { max } }) });
const colour = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => HEX.test(s), { message: JSON.stringify({ key: "colour" }) });
const link = z
  .string()
  .trim()
  .max(THEME_LIMITS.url, { message: JSON.stringify({ key: "tooLong", values: { max: THEME_LIMITS.url } }) })
  .refine((s) => s === "" || isSafeLink(s), { message: JSON.stringify({ key: "url" }) });
const socialLink = link.refine((s) => s === "" || /^https?:\/\//.test(s), { message: JSON.stringify({ key: "url" }) });

const ThemeText = z
  .object({
    primaryColour: colour,
    headerColour: colour,
    headerTextColour: colour,
    heroTitle: text(THEME_LIMITS.heroTitle),
    heroText: text(THEME_LIMITS.heroText),
    heroLinkLabel: text(THEME_LIMITS.heroLinkLabel),
    heroLinkUrl: link,
    announcement: text(THEME_LIMITS.announcement),
    announcementUrl: link,
    contactEmail: z
      .string()
      .trim()
      .max(200, { message: JSON.stringify({ key: "tooLong", values: { max: 200 } }) })
      .refine((s) => s === "" || z.string().email().safeParse(s).success, { message: JSON.stringify({ key: "email" }) }),
    contactPhone: z
      .string()
      .trim()
      .refine((s) => s === "" || whatsappLink(s) !== undefined, { message: JSON.stringify({ key: "phone" }) }),
    whatsapp: z
      .string()
      .trim()
      .refine((s) => s === "" || whatsappLink(s) !== undefined, { message: JSON.stringify({ key: "phone" }) }),
    facebook: socialLink,
    instagram: socialLink,
    tiktok: socialLink,
  })
  .superRefine((t, ctx) => {
    const white = contrastRatio(t.primaryColour ?? "#000000", "#ffffff");
    if (HEX.test(t.primaryColour) && white < MIN_CONTRAST)
      ctx.addIssue({
        code: "custom",
        path: ["primaryColour"],
        message: JSON.stringify({ key: "contrastWhite", values: { ratio: white.toFixed(1), min: MIN_CONTRAST } }),
      });
    if (HEX.test(t.headerColour) && HEX.test(t.headerTextColour)) {
      const ratio = contrastRatio(t.headerColour, t.headerTextColour);
      if (ratio < MIN_CONTRAST)
        ctx.addIssue({
          code: "custom",
          path: ["headerTextColour"],
          message: JSON.stringify({ key: "contrast", values: { ratio: ratio.toFixed(1), min: MIN_CONTRAST } }),
        });
    }
    if ((t.heroLinkLabel === "") !== (t.heroLinkUrl === ""))
      ctx.addIssue({
        code: "custom",
        path: [t.heroLinkLabel === "" ? "heroLinkLabel" : "heroLinkUrl"],
        message: JSON.stringify({ key: "linkPair" }),
      });
  });

export type ThemeTextFields = z.infer<typeof ThemeText>;

/** The text fields of a submitted theme form, or the errors to show beside each field. */
export function parseThemeForm(form: Record<string, unknown>): { ok: true; value: ThemeTextFields } | { ok: false; errors: ThemeErrors } {
  const input = Object.fromEntries(Object.keys(ThemeText.shape).map((k) => [k, typeof form[k] === "string" ? form[k] : ""]));
  const parsed = ThemeText.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: ThemeErrors = {};
  for (const issue of parsed.error.issues) {
    const field = (issue.path[0] ?? "form") as keyof ThemeErrors;
    if (errors[field]) continue;
    try {
      errors[field] = JSON.parse(issue.message) as ThemeError;
    } catch {
      errors[field] = { key: "invalid" };
    }
  }
  return { ok: false, errors };
}

function image(v: unknown): ThemeImage | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  return typeof o.url === "string" && typeof o.key === "string" && typeof o.width === "number" && typeof o.height === "number"
    ? { url: o.url, key: o.key, width: o.width, height: o.height }
    : null;
}

/** The stored document read defensively: anything missing or malformed falls back to the default. */
export function themeFromStored(stored: unknown): StorefrontTheme {
  const o = stored && typeof stored === "object" ? (stored as Record<string, unknown>) : {};
  const parsed = parseThemeForm({ ...DEFAULT_THEME, ...o });
  const fields = parsed.ok ? parsed.value : {};
  return { ...DEFAULT_THEME, ...fields, logo: image(o.logo), favicon: image(o.favicon), heroImage: image(o.heroImage) };
}

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
