import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { deliverMessage, queueMessage, SEND_IN_FLIGHT_MS } from "~/domain/notify/messages.server";
import { signWassengerBody, WassengerClient, WassengerError } from "~/integrations/wassenger.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { rejection, until } from "../helpers/async";
import { startWeb } from "../helpers/web";

// A private sandbox (its switches are flipped here) whose webhooks reach a private web server.
let sandbox: RunningSandbox;
let web: Awaited<ReturnType<typeof startWeb>>;
let client: WassengerClient;
const secret = process.env.WASSENGER_WEBHOOK_SECRET!;

beforeAll(async () => {
  web = await startWeb();
  sandbox = await startSandbox({ wassengerWebhook: { url: `${web.url}/webhooks/wassenger/${secret}`, secret } });
  client = new WassengerClient({ baseUrl: `${sandbox.url}/wassenger/v1`, token: "sandbox-wassenger-token", sandbox: true });
});
beforeEach(() => sandbox.wassenger.reset());
afterAll(async () => {
  await sandbox?.close();
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("Wassenger client against the sandbox", () => {
  it("validates the key and sends a text message", async () => {
    await client.validateKey();
    const sent = await client.sendText({ phone: "+60123456789", message: "Hello from NetShop", reference: "ref-1" });
    expect(sent).toMatchObject({ status: "queued" });
    expect(sent.id).toMatch(/^[0-9a-f]{24}$/);
    expect(sandbox.wassenger.messages).toMatchObject([{ phone: "+60123456789", message: "Hello from NetShop", reference: "ref-1" }]);
  });

  it("reports a bad key as unauthorized", async () => {
    const bad = new WassengerClient({ baseUrl: `${sandbox.url}/wassenger/v1`, token: "nope", sandbox: true });
    await expect(bad.validateKey()).rejects.toMatchObject({ kind: "unauthorized", status: 401, retryable: false });
  });

  it("refuses numbers that are not E.164, before and at the provider", async () => {
    await expect(client.sendText({ phone: "0123456789", message: "x" })).rejects.toMatchObject({ kind: "invalid_request" });
    const raw = await fetch(`${sandbox.url}/wassenger/v1/messages`, {
      method: "POST",
      headers: { Token: "sandbox-wassenger-token", "Content-Type": "application/json" },
      body: JSON.stringify({ phone: "60123", message: "x" }),
    });
    expect(raw.status).toBe(400);
  });

  it("turns 429 into a retryable error with the provider's Retry-After", async () => {
    sandbox.wassenger.switches.rateLimitNext = 1;
    const error = await client.sendText({ phone: "+60123456789", message: "x" }).catch((e) => e);
    expect(error).toBeInstanceOf(WassengerError);
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 1000, retryable: true });
    await expect(client.sendText({ phone: "+60123456789", message: "x" })).resolves.toMatchObject({ status: "queued" });
  });

  it("recognises the WhatsApp Business template-required rejection, and sends the template", async () => {
    sandbox.wassenger.switches.templateRequired = true;
    await expect(client.sendText({ phone: "+60123456789", message: "Your code is 123456" })).rejects.toMatchObject({
      kind: "template_required",
      retryable: false,
    });
    const sent = await client.sendTemplate({
      phone: "+60123456789",
      template: { name: "netshop_login_code", language: "en", params: ["123456"] },
    });
    expect(sent.status).toBe("queued");
    expect(sandbox.wassenger.messages[0].template).toEqual({
      name: "netshop_login_code",
      language: "en",
      components: [{ type: "body", parameters: [{ type: "text", text: "123456" }] }],
    });
  });

  it("checks whether a number is on WhatsApp", async () => {
    sandbox.wassenger.switches.notOnWhatsApp = ["+60111111111"];
    expect(await client.numberExists("+60123456789")).toBe(true);
    expect(await client.numberExists("+60111111111")).toBe(false);
  });
});

describe("sending a queued message and following its delivery", () => {
  async function queued(phone = "+60129998888") {
    return asPlatform((tx) =>
      queueMessage(tx, { channel: "whatsapp", shopId: null, to: phone, purpose: "test", body: "Your order is on its way" }),
    );
  }
  const status = async (id: string) => (await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.id, id))))[0];

  it("sends once, then follows the signed delivery webhooks (duplicates ignored)", async () => {
    sandbox.wassenger.switches.duplicateWebhooks = true;
    const id = await queued();
    expect(await deliverMessage({ messageId: id, shopId: null }, client)).toBe("sent");
    expect(await deliverMessage({ messageId: id, shopId: null }, client)).toBe("already-sent");
    expect(sandbox.wassenger.messages.filter((m) => m.reference === id)).toHaveLength(1);
    const delivered = await until(async () => {
      const m = await status(id);
      return m.status === "delivered" && m;
    });
    expect(delivered.providerMessageId).toBe(sandbox.wassenger.messages[0].id);
    await until(async () => sandbox.wassenger.webhookDeliveries >= 4);
    const events = await asPlatform((tx) => tx.select().from(schema.webhookEvents).where(eq(schema.webhookEvents.provider, "wassenger")));
    const mine = events.filter((e) => e.eventId.length > 0);
    expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length);
  });

  it("records a refusal as a permanent failure, and a rate limit as retry-later", async () => {
    sandbox.wassenger.switches.templateRequired = true;
    const refused = await queued();
    await expect(deliverMessage({ messageId: refused, shopId: null }, client)).rejects.toBeInstanceOf(PermanentJobFailure);
    expect(await status(refused)).toMatchObject({ status: "failed", error: expect.stringContaining("template") });

    sandbox.wassenger.switches.templateRequired = false;
    sandbox.wassenger.switches.rateLimitNext = 1;
    const limited = await queued();
    await expect(deliverMessage({ messageId: limited, shopId: null }, client)).rejects.toBeInstanceOf(RetryLater);
    expect((await status(limited)).status).toBe("pending");
    expect(await deliverMessage({ messageId: limited, shopId: null }, client)).toBe("sent");
  });

  it("a send whose answer was lost is looked up at the provider by its reference, never sent blindly again", async () => {
    const id = await queued("+60129997777");
    sandbox.wassenger.switches.loseResponses = 1;
    await expect(deliverMessage({ messageId: id, shopId: null }, client)).rejects.toMatchObject({ kind: "unavailable" });
    expect(await status(id)).toMatchObject({ status: "pending", sentAt: expect.any(Date) }); // the intent is recorded
    expect(await deliverMessage({ messageId: id, shopId: null }, client)).toBe("sent");
    const atProvider = sandbox.wassenger.messages.filter((m) => m.reference === id);
    expect(atProvider).toHaveLength(1);
    expect((await status(id)).providerMessageId).toBe(atProvider[0].id);
  });

  it("a claimed message the provider never got waits out a send that may be in flight, then goes out once", async () => {
    const id = await queued("+60129996666");
    // The process that claimed it died before its request left (the intent is all that is recorded).
    const claimedAt = new Date();
    await asPlatform((tx) => tx.update(schema.messages).set({ sentAt: claimedAt }).where(eq(schema.messages.id, id)));
    const early = await rejection(
      deliverMessage({ messageId: id, shopId: null }, client, () => claimedAt),
      RetryLater,
    );
    expect(early.delayMs).toBe(SEND_IN_FLIGHT_MS);
    const later = () => new Date(claimedAt.getTime() + SEND_IN_FLIGHT_MS + 1);
    expect(await deliverMessage({ messageId: id, shopId: null }, client, later)).toBe("sent");
    expect(sandbox.wassenger.messages.filter((m) => m.reference === id)).toHaveLength(1);
  });

  it("rejects webhooks with a wrong URL token or signature, and never moves a status backwards", async () => {
    const id = await queued();
    await deliverMessage({ messageId: id, shopId: null }, client);
    const providerId = (await status(id)).providerMessageId!;
    await until(async () => (await status(id)).status === "delivered");
    const body = JSON.stringify({ event: "message:out:ack", data: { id: providerId, ack: "read" } });
    const post = (token: string, signature?: string) =>
      fetch(`${web.url}/webhooks/wassenger/${token}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(signature ? { "X-Wassenger-Signature": signature } : {}) },
        body,
      });
    expect((await post("wrong-token", signWassengerBody(body, secret))).status).toBe(401);
    expect((await post(secret, signWassengerBody(body, "not-the-secret"))).status).toBe(401);
    expect((await status(id)).status).toBe("delivered");
    expect((await post(secret, signWassengerBody(body, secret))).status).toBe(200);
    expect((await status(id)).status).toBe("read");
    const late = JSON.stringify({ event: "message:out:sent", data: { id: providerId } });
    await fetch(`${web.url}/webhooks/wassenger/${secret}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Wassenger-Signature": signWassengerBody(late, secret) },
      body: late,
    });
    expect((await status(id)).status).toBe("read");
  });
});
