// AI copy constants the browser needs too (the form's choices, the review's fields), and the
// pure rules of applying a draft field.
import type { ProductCopyFields } from "~/domain/catalog/products.server";
import type { ProductCopy } from "~/integrations/ai-copy.server";
import { type Coded, coded } from "~/lib/forms";

/** A refusal of the AI pages, worded by the page (`ai:errors.<key>`). */
export const aiProblem = (key: string, values?: Record<string, string | number>): Coded => coded(`ai:errors.${key}`, values);

export const COPY_LANGUAGE_CODES = ["en", "ms", "zh"] as const;
export type CopyLanguageCode = (typeof COPY_LANGUAGE_CODES)[number];
/** Language names as written in that language (shown as is in every admin language). */
export const LANGUAGE_NAMES: Record<CopyLanguageCode, string> = { en: "English", ms: "Bahasa Melayu", zh: "简体中文" };

export const COPY_TONE_CODES = ["friendly", "professional", "luxury", "playful"] as const;

export const COPY_PROVIDERS = ["openai", "anthropic"] as const;
export const PROVIDER_NAMES: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic", kling: "Kling" };

/** Fields of a draft a merchant can apply, each to the product field it fills. */
export const COPY_FIELDS = ["title", "description", "bulletPoints", "seoTitle", "metaDescription", "tags"] as const;
export type CopyField = (typeof COPY_FIELDS)[number];

/** One credit per language written. */
export const creditsForCopy = (languages: number) => Math.max(1, languages);

/** At most this many products in one bulk run. */
export const MAX_BATCH_PRODUCTS = 200;

/** Where a draft field lands on the product. Bullet points become a list at the end of the description. */
export function changeFor(field: CopyField, copy: ProductCopy, current: ProductCopyFields): Partial<ProductCopyFields> {
  switch (field) {
    case "title":
      return { title: copy.title };
    case "description":
      return { descriptionMd: copy.description };
    case "bulletPoints":
      return { descriptionMd: withBullets(current.descriptionMd, copy.bulletPoints) };
    case "seoTitle":
      return { seoTitle: copy.seoTitle };
    case "metaDescription":
      return { seoDescription: copy.metaDescription };
    case "tags":
      return { tags: copy.tags };
  }
}

/** The description with its trailing bullet list (if any) replaced by `bullets`. */
export function withBullets(descriptionMd: string, bullets: string[]): string {
  const lines = descriptionMd.replace(/\s+$/, "").split("\n");
  while (lines.length && /^\s*[-*]\s+/.test(lines[lines.length - 1])) lines.pop();
  const body = lines.join("\n").replace(/\s+$/, "");
  const list = bullets.map((b) => `- ${b.replace(/\n+/g, " ")}`).join("\n");
  return body ? `${body}\n\n${list}` : list;
}
