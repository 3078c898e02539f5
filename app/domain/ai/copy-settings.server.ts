/** The shop's AI copy settings: provider, model, default tone and languages. */
import { eq } from "drizzle-orm";
import { z } from "zod";

import { config, providerModes } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import type { CopyProvider } from "~/integrations/ai-copy.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { schema, type Tx, withShop } from "~db/client";

import { COPY_LANGUAGE_CODES, COPY_PROVIDERS, COPY_TONE_CODES, type CopyLanguageCode } from "./copy-rules";

export interface Actor extends RequestInfo {
  userId: string | null;
}

export interface AiSettings {
  provider: CopyProvider;
  /** The shop's chosen model, or null for the configured default. */
  model: string | null;
  /** The model a job will use. */
  effectiveModel: string;
  defaultModels: Record<CopyProvider, string>;
  tone: (typeof COPY_TONE_CODES)[number];
  languages: CopyLanguageCode[];
  /** Providers answered by the sandbox (no key configured). */
  sandbox: Record<CopyProvider, boolean>;
}

export async function readSettings(tx: Tx, shopId: string): Promise<AiSettings> {
  const [row] = await tx.select().from(schema.aiSettings).where(eq(schema.aiSettings.shopId, shopId));
  const env = config();
  const modes = providerModes();
  const defaultModels = { openai: env.OPENAI_MODEL, anthropic: env.ANTHROPIC_MODEL };
  const provider = (COPY_PROVIDERS as readonly string[]).includes(row?.copyProvider ?? "") ? (row!.copyProvider as CopyProvider) : "openai";
  return {
    provider,
    model: row?.copyModel ?? null,
    effectiveModel: row?.copyModel || defaultModels[provider],
    defaultModels,
    tone: (COPY_TONE_CODES as readonly string[]).includes(row?.defaultTone ?? "") ? (row!.defaultTone as AiSettings["tone"]) : "friendly",
    languages: (row?.defaultLanguages ?? ["en", "ms", "zh"]).filter((l): l is CopyLanguageCode =>
      (COPY_LANGUAGE_CODES as readonly string[]).includes(l),
    ),
    sandbox: { openai: modes.openai === "sandbox", anthropic: modes.anthropic === "sandbox" },
  };
}

/** What the AI pages show of the settings: the provider and model a job will use, its defaults, and whether the sandbox answers. */
export function copySettingsView(settings: AiSettings) {
  return {
    provider: settings.provider,
    model: settings.effectiveModel,
    tone: settings.tone,
    languages: settings.languages,
    sandbox: settings.sandbox[settings.provider],
    /** Per provider, so a job says who really wrote it (the sandbox standing in for a provider with no key). */
    sandboxed: settings.sandbox,
  };
}

export async function getAiSettings(shopId: string): Promise<AiSettings> {
  return withShop(shopId, (tx) => readSettings(tx, shopId));
}

const SettingsSchema = z.object({
  provider: z.enum(COPY_PROVIDERS, { error: "Choose OpenAI or Anthropic." }),
  model: z
    .string()
    .trim()
    .max(100, { error: "Use at most 100 characters." })
    .regex(/^[\w.:/@-]*$/, { error: "Use the model's name as the provider writes it, e.g. gpt-4.1-mini." })
    .optional()
    .default(""),
  tone: z.enum(COPY_TONE_CODES, { error: "Choose a tone." }),
  languages: z.array(z.enum(COPY_LANGUAGE_CODES)).min(1, { error: "Choose at least one language." }),
});

export async function saveAiSettings(
  shopId: string,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const s = parsed.data;
  await withShop(shopId, async (tx) => {
    const values = {
      copyProvider: s.provider,
      copyModel: s.model || null,
      defaultTone: s.tone,
      defaultLanguages: s.languages,
      updatedAt: new Date(),
    };
    await tx
      .insert(schema.aiSettings)
      .values({ shopId, ...values })
      .onConflictDoUpdate({ target: schema.aiSettings.shopId, set: values });
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "ai.settings_changed",
      after: values,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
  });
  return { ok: true };
}
