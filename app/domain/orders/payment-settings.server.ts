/**
 * A shop's payment settings: which gateway it takes payments through and, for its own account,
 * the credentials (sealed; secrets never shown back, only hints), and a connection test.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";

import { config } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { type GatewayName, PaymentGatewayError } from "~/integrations/payment-gateway";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { decryptSecret, encryptSecret } from "~/lib/secrets.server";
import { schema, withShop } from "~db/client";

import { DEFAULT_GATEWAY, GATEWAY_LABELS, gatewayForPayment, GATEWAYS, isGateway } from "./gateways.server";

export { GATEWAY_LABELS };

/** Which credential fields each gateway takes, and which of them are secrets (never shown back). */
export const CREDENTIAL_FIELDS: Record<GatewayName, ReadonlyArray<{ name: string; label: string; secret: boolean }>> = {
  payseller: [
    { name: "merchantId", label: "Merchant ID", secret: false },
    { name: "apiKey", label: "API key", secret: true },
    { name: "checksumKey", label: "Checksum key", secret: true },
  ],
  billplz: [
    { name: "collectionId", label: "Collection ID", secret: false },
    { name: "secretKey", label: "API secret key", secret: true },
    { name: "xSignatureKey", label: "X Signature key", secret: true },
  ],
};

const masked = (value: string) => `••••${value.slice(-4)}`;

export interface PaymentSettingsView {
  active: GatewayName;
  accounts: Record<
    GatewayName,
    { live: boolean; hint: Record<string, string>; useBillplzSandbox: boolean; lastTestedAt: string | null; lastTestResult: string | null }
  >;
  /** PaySeller has no public address: live credentials need PAYSELLER_BASE_URL. */
  paysellerLiveAvailable: boolean;
}

export async function paymentSettings(shopId: string): Promise<PaymentSettingsView> {
  const rows = await withShop(shopId, (tx) =>
    tx.select().from(schema.paymentGatewayAccounts).where(eq(schema.paymentGatewayAccounts.shopId, shopId)),
  );
  const view = (name: GatewayName) => {
    const row = rows.find((r) => r.gateway === name);
    const hint = row?.credentialsHint ? (JSON.parse(row.credentialsHint) as Record<string, string>) : {};
    return {
      live: Boolean(row?.credentialsSealed),
      hint,
      useBillplzSandbox: hint.useBillplzSandbox === "yes",
      lastTestedAt: row?.lastTestedAt?.toISOString() ?? null,
      lastTestResult: row?.lastTestResult ?? null,
    };
  };
  const active = rows.find((r) => r.active)?.gateway;
  return {
    active: active && isGateway(active) ? active : DEFAULT_GATEWAY,
    accounts: { payseller: view("payseller"), billplz: view("billplz") },
    paysellerLiveAvailable: Boolean(config().PAYSELLER_BASE_URL),
  };
}

const SettingsSchema = z.object({
  gateway: z.enum(GATEWAYS, { error: "Choose PaySeller or Billplz." }),
  mode: z.enum(["sandbox", "live"], { error: "Choose the sandbox or your own credentials." }),
});

/**
 * Saves the shop's gateway and, for "live", its credentials (sealed; a secret left blank keeps
 * the one saved before). Audited as payments.settings_changed with hints only, never secrets.
 */
export async function savePaymentSettings(
  actor: { userId: string; shopId: string },
  form: Record<string, unknown>,
  request: RequestInfo,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = SettingsSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { gateway, mode } = parsed.data;
  if (mode === "live" && gateway === "payseller" && !config().PAYSELLER_BASE_URL) {
    return {
      ok: false,
      errors: {
        mode: "PaySeller has no public API address yet: NetShop's operator must set PAYSELLER_BASE_URL before live PaySeller credentials can be used. Use the sandbox or Billplz.",
      },
    };
  }
  return withShop(actor.shopId, async (tx) => {
    const accounts = await tx
      .select()
      .from(schema.paymentGatewayAccounts)
      .where(eq(schema.paymentGatewayAccounts.shopId, actor.shopId))
      .for("update");
    const existing = accounts.find((a) => a.gateway === gateway);
    const before = {
      active: accounts.find((a) => a.active)?.gateway ?? DEFAULT_GATEWAY,
      [gateway]: existing?.credentialsHint ? JSON.parse(existing.credentialsHint) : "sandbox",
    };
    let sealed: string | null = null;
    let hint: Record<string, string> | null = null;
    if (mode === "live") {
      const saved = existing?.credentialsSealed ? (JSON.parse(decryptSecret(existing.credentialsSealed)) as Record<string, string>) : {};
      const credentials: Record<string, string | boolean> = {};
      const errors: FieldErrors = {};
      hint = {};
      for (const field of CREDENTIAL_FIELDS[gateway]) {
        const typed = String(form[`${gateway}.${field.name}`] ?? "").trim();
        const value = typed || (field.secret ? (saved[field.name] ?? "") : "");
        if (!value) errors[`${gateway}.${field.name}`] = `Enter the ${field.label}.`;
        else if (value.length > 200) errors[`${gateway}.${field.name}`] = `The ${field.label} is at most 200 characters.`;
        credentials[field.name] = value;
        hint[field.name] = field.secret ? masked(value) : value;
      }
      if (Object.keys(errors).length) return { ok: false as const, errors };
      if (gateway === "billplz") {
        const useSandbox = form["billplz.useBillplzSandbox"] === "on";
        credentials.useBillplzSandbox = useSandbox;
        hint.useBillplzSandbox = useSandbox ? "yes" : "no";
      }
      sealed = encryptSecret(JSON.stringify(credentials));
    }
    await tx.update(schema.paymentGatewayAccounts).set({ active: false }).where(eq(schema.paymentGatewayAccounts.shopId, actor.shopId));
    const values = {
      active: true,
      credentialsSealed: sealed,
      credentialsHint: hint ? JSON.stringify(hint) : null,
      lastTestedAt: null,
      lastTestResult: null,
      updatedByUserId: actor.userId,
      updatedAt: new Date(),
    };
    if (existing)
      await tx
        .update(schema.paymentGatewayAccounts)
        .set(values)
        .where(and(eq(schema.paymentGatewayAccounts.shopId, actor.shopId), eq(schema.paymentGatewayAccounts.id, existing.id)));
    else await tx.insert(schema.paymentGatewayAccounts).values({ shopId: actor.shopId, gateway, ...values });
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "payments.settings_changed",
      targetType: "shop",
      targetId: actor.shopId,
      before,
      after: { active: gateway, [gateway]: hint ?? "sandbox" },
      ...request,
    });
    return { ok: true as const };
  });
}

/**
 * Checks the saved credentials against the gateway: a re-query of a payment that cannot exist
 * answers 404 with a good key and 401 with a bad one (neither gateway has a "ping"). The
 * signature key can only be checked by a real callback.
 */
export async function testPaymentConnection(
  actor: { userId: string; shopId: string },
  gatewayName: string,
): Promise<{ ok: boolean; message: string }> {
  if (!isGateway(gatewayName)) return { ok: false, message: "Choose PaySeller or Billplz." };
  const gateway = await withShop(actor.shopId, (tx) => gatewayForPayment(tx, actor.shopId, gatewayName));
  const label = GATEWAY_LABELS[gatewayName];
  let result: { ok: boolean; message: string };
  try {
    await gateway.getPayment("netshop-connection-test");
    result = { ok: true, message: `${label} answered: the connection works.` };
  } catch (error) {
    if (!(error instanceof PaymentGatewayError)) throw error;
    result =
      error.kind === "not_found"
        ? {
            ok: true,
            message: `${label} accepted the credentials${gateway.isSandbox ? " (the sandbox)" : ""}. The signature key is checked on the first payment.`,
          }
        : error.kind === "unauthorized"
          ? { ok: false, message: `${label} refused the credentials. Check the API key and save again.` }
          : error.kind === "unavailable" || error.kind === "rate_limited"
            ? { ok: false, message: `${label} could not be reached just now. Try again in a minute.` }
            : { ok: false, message: `${label} did not accept the request: ${error.message}` };
  }
  await withShop(actor.shopId, (tx) =>
    tx
      .update(schema.paymentGatewayAccounts)
      .set({ lastTestedAt: new Date(), lastTestResult: result.message })
      .where(and(eq(schema.paymentGatewayAccounts.shopId, actor.shopId), eq(schema.paymentGatewayAccounts.gateway, gatewayName))),
  );
  return result;
}
