// AI copy constants the browser needs too (the form's choices, the review's fields).

export const COPY_LANGUAGE_CODES = ["en", "ms", "zh"] as const;
export type CopyLanguageCode = (typeof COPY_LANGUAGE_CODES)[number];
/** Language names as written in that language (shown as is in every admin language). */
export const LANGUAGE_NAMES: Record<CopyLanguageCode, string> = { en: "English", ms: "Bahasa Melayu", zh: "简体中文" };

export const COPY_TONE_CODES = ["friendly", "professional", "luxury", "playful"] as const;
export type CopyToneCode = (typeof COPY_TONE_CODES)[number];

export const COPY_PROVIDERS = ["openai", "anthropic"] as const;
export type CopyProviderCode = (typeof COPY_PROVIDERS)[number];
export const PROVIDER_NAMES: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic", kling: "Kling" };

/** Fields of a draft a merchant can apply, each to the product field it fills. */
export const COPY_FIELDS = ["title", "description", "bulletPoints", "seoTitle", "metaDescription", "tags"] as const;
export type CopyField = (typeof COPY_FIELDS)[number];

/** One credit per language written. */
export const creditsForCopy = (languages: number) => Math.max(1, languages);

/** At most this many products in one bulk run. */
export const MAX_BATCH_PRODUCTS = 200;
