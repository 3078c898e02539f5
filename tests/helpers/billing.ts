/** Billing tests: a private gateway sandbox whose callbacks reach this file's web server, and shops opened on their trial. */
import { afterAll, beforeAll } from "vitest";

import { openShop } from "~/flows/shop-opened.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { freePort } from "../../scripts/services";
import { signIn } from "./auth";
import { makeUser, unique } from "./factories";
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
