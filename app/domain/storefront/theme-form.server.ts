/**
 * A submitted or stored storefront theme, parsed with zod (server-only: theme.ts, which the
 * storefront's browser bundle imports, stays free of zod).
 *
 * Errors are translation keys of the "ui" namespace (`theme.errors.*`) with their values, so the
 * page shows them in the merchant's language.
 */
import { z } from "zod";

import {
  contrastRatio,
  DEFAULT_THEME,
  HEX,
  isSafeLink,
  MIN_CONTRAST,
  type StorefrontTheme,
  THEME_LIMITS,
  type ThemeError,
  type ThemeErrors,
  type ThemeImage,
  whatsappLink,
} from "./theme";

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
