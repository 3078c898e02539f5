/** Billing tests: a private gateway sandbox whose callbacks reach this file's web server, and shops opened on their trial. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";

import { changePlan } from "~/domain/billing/changes.server";
import { payInvoice } from "~/flows/billing-invoice-paid.server";
import { openShop } from "~/flows/shop-opened.server";
import { SANDBOX_PAYSELLER_CREDENTIALS, signPayseller } from "~/integrations/payseller.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { freePort } from "../../scripts/services";
import { until } from "./async";
import { signIn } from "./auth";
import { makeUser, unique } from "./factories";
import { choose } from "./merchant-endpoint";
import { FormClient, startWeb } from "./web";

export interface BillingStack {
  sandbox: RunningSandbox;
  web: { url: string; close(): Promise<void> };
}

/** Starts the sandbox and the web app for the file (and stops them after). Read the stack in tests, not at import. */
export function billingStack(): BillingStack {
  const stack = {} as BillingStack;
  beforeAll(async () => {
    stack.sandbox = await startSandbox({ callbackRetryDelaysMs: [50, 100, 100, 200] });
    const port = await freePort();
    process.env.SANDBOX_URL = stack.sandbox.url;
    process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
    stack.web = await startWeb({ port });
  });
  afterAll(async () => {
    await stack.web?.close();
    await stack.sandbox?.close();
    await closeRedis();
    await closeDatabase();
  });
  return stack;
}

const who = { ip: "127.0.0.1", userAgent: "vitest" };

/** A new owner and their shop, opened as the admin does (14-day Growth trial); `now` for an injected clock. */
export async function trialShop(now?: Date) {
  const owner = await makeUser();
  const opened = await openShop(owner.id, { name: "Kedai Billing", slug: unique("bill-") }, who, now);
  if (!opened.ok) throw new Error("shop not opened");
  return { owner, shop: opened.shop };
}

/** A no-JavaScript browser signed in as `user`, with its own client address. */
export async function signedIn(base: string, user: { email: string; password: string; phone: string }) {
  const client = new FormClient(base);
  client.forwardedFor = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
  return client;
}

/** A shop that chose and paid `planId` on the sandbox's hosted page at `t0` (its subscription active). */
export async function paidShop(t0: Date, planId: string, interval: "month" | "year" = "month") {
  const opened = await trialShop(t0);
  const changed = await changePlan(opened.shop.id, { userId: opened.owner.id, ...who }, { planId, interval }, t0);
  if (!changed.ok || changed.outcome !== "invoice") throw new Error(JSON.stringify(changed));
  const pay = await payInvoice(opened.shop.id, changed.invoiceId);
  if (!pay.ok) throw new Error(pay.message);
  await choose(pay.url, "paid");
  await until(async () => (await subscriptionOf(opened.shop.id)).status === "active");
  return opened;
}

/** The shop's subscription row. */
export const subscriptionOf = (shopId: string) =>
  withShop(shopId, async (tx) => (await tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId)))[0]);

/**
 * A PaySeller callback body for `invoice` as NetShop's gateway account would sign it, saying
 * `amountMinor` was paid (a wrong amount, correctly signed), and the same body with the amount
 * changed after signing (tampered).
 */
export function forgedCallbacks(invoice: { gatewayReference: string | null; number: string }, amountMinor: number) {
  const fields: [string, string][] = [
    ["event_id", unique("evt")],
    ["payment_id", invoice.gatewayReference!],
    ["order_ref", invoice.number],
    ["status", "paid"],
    ["amount", String(amountMinor)],
    ["paid_amount", String(amountMinor)],
    ["currency", "MYR"],
    ["paid_at", new Date().toISOString()],
    ["transaction_id", unique("tx")],
  ];
  const signed = new URLSearchParams([
    ...fields,
    ["signature", signPayseller(fields, SANDBOX_PAYSELLER_CREDENTIALS.checksumKey)],
  ]).toString();
  return { signed, tampered: signed.replace(`&amount=${amountMinor}&`, `&amount=${amountMinor + 1}&`) };
}

/** Posts a gateway callback body as the gateway does. */
export const postCallback = (url: string, body: string) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
