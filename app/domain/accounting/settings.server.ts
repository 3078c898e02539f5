/**
 * A shop's AutoCount Cloud connection: the account book id and keys (the API-Key encrypted with
 * encryptSecret, never shown back nor logged), and the mapping of our sales onto its master data
 * (sales account, tax code, credit term, payment method, location, customer codes), each checked
 * against the account book before it is saved.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";

import { config } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { type FeatureAccess, featureAccess, FeatureNotInPlan } from "~/domain/billing/plans.server";
import {
  AutoCountClient,
  AutoCountError,
  autoCountSandboxSettings,
  type AutoCountSettings,
  autoCountSettings,
  type MappingProblems,
  SANDBOX_AUTOCOUNT_CREDENTIALS,
} from "~/integrations/autocount.server";
import { fieldErrors } from "~/lib/forms";
import { decryptSecret, encryptSecret } from "~/lib/secrets.server";
import { schema, type Tx, withShop } from "~db/client";

export type AccountingSettingsRow = typeof schema.accountingSettings.$inferSelect;

/** What the settings page may show: everything but the API-Key. */
export interface AccountingSettingsView {
  connected: boolean;
  mode: "sandbox" | "live";
  accountBookId: string;
  keyId: string;
  hasApiKey: boolean;
  salesAccountNo: string;
  taxCode: string;
  creditTerm: string;
  paymentMethod: string;
  salesLocation: string;
  customerCodeScheme: "per_customer" | "cash_sales";
  customerCodePrefix: string;
  enabled: boolean;
  connectedAt: string | null;
  /** NetShop's AutoCount stand-in is running here (SANDBOX_URL is set). */
  sandboxAvailable: boolean;
}

/** The sandbox's master data, as defaults for a first connection to it. */
export const SANDBOX_MAPPING_DEFAULTS = {
  salesAccountNo: "500-1000",
  taxCode: "",
  creditTerm: "C.O.D.",
  paymentMethod: "ONLINE",
  salesLocation: "HQ",
} as const;

const code = (label: string, max = 30) =>
  z.string().trim().min(1, `Enter the ${label} exactly as AutoCount shows it.`).max(max, `The ${label} is at most ${max} characters.`);

export const AccountingSettingsInput = z
  .object({
    mode: z.enum(["sandbox", "live"], { error: "Choose AutoCount or the sandbox." }),
    accountBookId: z.string().trim().max(40).default(""),
    keyId: z.string().trim().max(200).default(""),
    apiKey: z.string().trim().max(500).default(""),
    salesAccountNo: code("sales account", 12),
    taxCode: z.string().trim().max(14).default(""),
    creditTerm: code("credit term"),
    paymentMethod: code("payment method"),
    salesLocation: code("location", 8),
    customerCodeScheme: z.enum(["per_customer", "cash_sales"], { error: "Choose how customers are coded." }),
    customerCodePrefix: z
      .string()
      .trim()
      .regex(/^[A-Z0-9-]{1,4}$/, "Use 1 to 4 capital letters, digits or dashes, e.g. 300-."),
    enabled: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  })
  .superRefine((v, ctx) => {
    if (v.mode !== "live") return;
    if (!/^\d{1,20}$/.test(v.accountBookId))
      ctx.addIssue({
        code: "custom",
        path: ["accountBookId"],
        message: "Enter the account book id: the number in your AutoCount Cloud address.",
      });
    if (!v.keyId) ctx.addIssue({ code: "custom", path: ["keyId"], message: "Enter the Key-ID from AutoCount's API Keys page." });
  });
export type AccountingSettingsInput = z.infer<typeof AccountingSettingsInput>;

function sandboxAvailable(): boolean {
  return Boolean(config().SANDBOX_URL);
}

export async function loadAccountingSettings(tx: Tx, shopId: string): Promise<AccountingSettingsRow | undefined> {
  const [row] = await tx.select().from(schema.accountingSettings).where(eq(schema.accountingSettings.shopId, shopId));
  return row ?? undefined;
}

/** The client settings for a saved row; the API-Key is decrypted only here. */
export function clientSettingsFor(
  row: Pick<AccountingSettingsRow, "mode" | "accountBookId" | "keyId" | "apiKeyEncrypted">,
): AutoCountSettings {
  if (row.mode === "sandbox") return autoCountSandboxSettings();
  if (!row.accountBookId || !row.keyId || !row.apiKeyEncrypted) throw new Error("AutoCount credentials are incomplete");
  return autoCountSettings({ accountBookId: row.accountBookId, keyId: row.keyId, apiKey: decryptSecret(row.apiKeyEncrypted) });
}

export async function accountingSettingsView(shopId: string): Promise<AccountingSettingsView> {
  const row = await withShop(shopId, (tx) => loadAccountingSettings(tx, shopId));
  const available = sandboxAvailable();
  if (!row) {
    return {
      connected: false,
      mode: available ? "sandbox" : "live",
      accountBookId: "",
      keyId: "",
      hasApiKey: false,
      ...SANDBOX_MAPPING_DEFAULTS,
      customerCodeScheme: "per_customer",
      customerCodePrefix: "300-",
      enabled: true,
      connectedAt: null,
      sandboxAvailable: available,
    };
  }
  return {
    connected: true,
    mode: row.mode,
    accountBookId: row.accountBookId ?? "",
    keyId: row.keyId ?? "",
    hasApiKey: Boolean(row.apiKeyEncrypted),
    salesAccountNo: row.salesAccountNo,
    taxCode: row.taxCode ?? "",
    creditTerm: row.creditTerm,
    paymentMethod: row.paymentMethod,
    salesLocation: row.salesLocation,
    customerCodeScheme: row.customerCodeScheme,
    customerCodePrefix: row.customerCodePrefix,
    enabled: row.enabled,
    connectedAt: row.connectedAt?.toISOString() ?? null,
    sandboxAvailable: available,
  };
}

export type SaveOutcome = { ok: true; message: string } | { ok: false; errors: Record<string, string>; feature?: FeatureAccess };

/** Refuses when the shop's plan has no AutoCount sync (connecting, testing, retrying, resyncing need it). */
export async function autoCountNotInPlan(
  tx: Tx,
  shopId: string,
): Promise<{ ok: false; errors: Record<string, string>; feature: FeatureAccess } | undefined> {
  const access = await featureAccess(tx, shopId, "autocountSync");
  return access.allowed ? undefined : { ok: false, errors: { form: new FeatureNotInPlan(access).message }, feature: access };
}

/** A message for a failed connection or master-data check, fit to show on the page. */
export function connectionProblem(error: unknown): string {
  if (error instanceof AutoCountError) {
    if (error.kind === "unauthorized")
      return "AutoCount refused the account book id, Key-ID or API-Key. Copy them again from AutoCount Cloud (Settings → API Keys).";
    if (error.kind === "rate_limited") return "AutoCount is limiting requests right now. Try again in a minute.";
    if (error.kind === "unavailable") return "AutoCount could not be reached. Try again in a few minutes.";
    return error.message;
  }
  throw error;
}

/** Resolves the credentials to try: what was typed, else (for the API-Key) what is saved. */
async function credentialsFor(
  shopId: string,
  input: AccountingSettingsInput,
): Promise<{ settings: AutoCountSettings; apiKey: string } | { error: Record<string, string> }> {
  if (input.mode === "sandbox") {
    if (!sandboxAvailable()) return { error: { mode: "The sandbox is not running here: connect your AutoCount account book." } };
    return { settings: autoCountSandboxSettings(), apiKey: "" };
  }
  let apiKey = input.apiKey;
  if (!apiKey) {
    const saved = await withShop(shopId, (tx) => loadAccountingSettings(tx, shopId));
    if (saved?.apiKeyEncrypted && saved.mode === "live") apiKey = decryptSecret(saved.apiKeyEncrypted);
  }
  if (!apiKey) return { error: { apiKey: "Enter the API-Key from AutoCount's API Keys page." } };
  return { settings: autoCountSettings({ accountBookId: input.accountBookId, keyId: input.keyId, apiKey }), apiKey };
}

/** "Test connection": the keys work. */
export async function testAccountingConnection(shopId: string, raw: Record<string, unknown>): Promise<SaveOutcome> {
  const refused = await withShop(shopId, (tx) => autoCountNotInPlan(tx, shopId));
  if (refused) return refused;
  const parsed = AccountingSettingsInput.safeParse(raw);
  if (!parsed.success) {
    // Only the credentials matter for a connection test.
    const errors = Object.fromEntries(
      Object.entries(fieldErrors(parsed.error)).filter(([key]) => ["mode", "accountBookId", "keyId", "apiKey"].includes(key)),
    );
    if (Object.keys(errors).length) return { ok: false, errors };
  }
  const input = (
    parsed.success ? parsed.data : { ...(raw as AccountingSettingsInput), mode: raw.mode === "live" ? "live" : "sandbox" }
  ) as AccountingSettingsInput;
  const creds = await credentialsFor(shopId, input);
  if ("error" in creds) return { ok: false, errors: creds.error };
  try {
    await new AutoCountClient(creds.settings).testConnection();
  } catch (error) {
    return { ok: false, errors: { form: connectionProblem(error) } };
  }
  return {
    ok: true,
    message: creds.settings.sandbox
      ? "Connected to NetShop's AutoCount sandbox."
      : `Connected to AutoCount account book ${input.accountBookId}.`,
  };
}

/** Saves the connection and mapping after checking both against the account book. */
export async function saveAccountingSettings(
  actor: { userId: string; shopId: string },
  raw: Record<string, unknown>,
  info: RequestInfo = {},
): Promise<SaveOutcome> {
  const refused = await withShop(actor.shopId, (tx) => autoCountNotInPlan(tx, actor.shopId));
  if (refused) return refused;
  const parsed = AccountingSettingsInput.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, errors: fieldErrors(parsed.error) };
  }
  const input = parsed.data;
  const creds = await credentialsFor(actor.shopId, input);
  if ("error" in creds) return { ok: false, errors: creds.error };
  const client = new AutoCountClient(creds.settings);
  let problems: MappingProblems;
  try {
    const checked = await client.validateMapping({
      salesAccountNo: input.salesAccountNo,
      taxCode: input.taxCode || null,
      creditTerm: input.creditTerm,
      paymentMethod: input.paymentMethod,
    });
    problems = checked.problems;
  } catch (error) {
    return { ok: false, errors: { form: connectionProblem(error) } };
  }
  if (Object.keys(problems).length) return { ok: false, errors: problems as Record<string, string> };

  const values = {
    mode: input.mode,
    accountBookId: input.mode === "live" ? input.accountBookId : SANDBOX_AUTOCOUNT_CREDENTIALS.accountBookId,
    keyId: input.mode === "live" ? input.keyId : null,
    apiKeyEncrypted: input.mode === "live" ? encryptSecret(creds.apiKey) : null,
    salesAccountNo: input.salesAccountNo,
    taxCode: input.taxCode || null,
    creditTerm: input.creditTerm,
    paymentMethod: input.paymentMethod,
    salesLocation: input.salesLocation,
    customerCodeScheme: input.customerCodeScheme,
    customerCodePrefix: input.customerCodePrefix,
    enabled: input.enabled,
    connectedAt: new Date(),
    updatedAt: new Date(),
  };
  await withShop(actor.shopId, async (tx) => {
    await tx
      .insert(schema.accountingSettings)
      .values({ shopId: actor.shopId, ...values })
      .onConflictDoUpdate({ target: schema.accountingSettings.shopId, set: values });
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "accounting.settings_changed",
      targetType: "accounting_settings",
      // Never the key itself.
      after: {
        mode: input.mode,
        accountBookId: values.accountBookId,
        keyId: values.keyId,
        apiKeyChanged: Boolean(input.apiKey),
        mapping: { ...input, apiKey: undefined },
      },
      ...info,
    });
  });
  return {
    ok: true,
    message:
      input.mode === "sandbox"
        ? "Saved: paid orders now go to NetShop's AutoCount sandbox."
        : "Saved: paid orders now go to your AutoCount account book.",
  };
}

/** Stops syncing (the settings row goes; sync history stays). */
export async function disconnectAccounting(actor: { userId: string; shopId: string }, info: RequestInfo = {}): Promise<void> {
  await withShop(actor.shopId, async (tx) => {
    await tx.delete(schema.accountingSettings).where(eq(schema.accountingSettings.shopId, actor.shopId));
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "accounting.disconnected",
      targetType: "accounting_settings",
      ...info,
    });
  });
}
