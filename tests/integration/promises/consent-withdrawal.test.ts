import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deliverMessage, queueMessage } from "~/domain/notify/messages.server";
import { changeOwnConsent } from "~/domain/privacy/consent.server";
import { WassengerClient } from "~/integrations/wassenger.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { type RunningSandbox, startSandbox } from "../../../sandbox/server";
import { until } from "../../helpers/async";
import { makeShop, makeUser } from "../../helpers/factories";
import { makeCustomerWithHistory } from "../../helpers/privacy";
import { startWeb } from "../../helpers/web";

// A private sandbox whose Wassenger webhooks (the STOP reply) reach a private web server.
let sandbox: RunningSandbox;
let web: Awaited<ReturnType<typeof startWeb>>;
let client: WassengerClient;
let shopId: string;
let ownerId: string;
const secret = process.env.WASSENGER_WEBHOOK_SECRET!;

beforeAll(async () => {
  web = await startWeb();
  sandbox = await startSandbox({ wassengerWebhook: { url: `${web.url}/webhooks/wassenger/${secret}`, secret } });
  client = new WassengerClient({ baseUrl: `${sandbox.url}/wassenger/v1`, token: "sandbox-wassenger-token", sandbox: true });
  const owner = await makeUser();
  ownerId = owner.id;
  shopId = (await makeShop(owner.id)).id;
});
afterAll(async () => {
  await sandbox?.close();
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

const consentOf = async (customerId: string) => {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId))),
  );
  return row;
};

describe("promise: you can withdraw consent at any time", () => {
  it("“withdraw consent at any time”: a STOP reply on WhatsApp withdraws WhatsApp marketing at once, and a marketing message queued before it never leaves", async () => {
    const customer = await makeCustomerWithHistory(shopId, ownerId, "Stop");
    expect((await consentOf(customer.id)).marketingWhatsappConsent).toBe(true);
    const queued = await withShop(shopId, (tx) =>
      queueMessage(tx, { channel: "whatsapp", shopId, to: customer.phone, purpose: "marketing_offer", body: "10% off this week" }),
    );
    const reply = await fetch(`${sandbox.url}/wassenger/reply`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phone: customer.phone, message: "STOP" }),
    });
    expect(reply.status).toBe(202);
    await until(async () => !(await consentOf(customer.id)).marketingWhatsappConsent);
    const events = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.consentEvents)
        .where(and(eq(schema.consentEvents.customerId, customer.id), eq(schema.consentEvents.granted, false))),
    );
    expect(events).toMatchObject([{ channel: "whatsapp", source: "whatsapp_stop" }]);

    expect(await deliverMessage({ messageId: queued, shopId }, client)).toBe("withheld");
    expect(sandbox.wassenger.messages.filter((m) => m.phone === customer.phone)).toEqual([]);
    // Order messages are not marketing: they still go.
    const order = await withShop(shopId, (tx) =>
      queueMessage(tx, { channel: "whatsapp", shopId, to: customer.phone, purpose: "order_shipped", body: "Shipped" }),
    );
    expect(await deliverMessage({ messageId: order, shopId }, client)).toBe("sent");
  });

  it("“withdraw consent at any time”: withdrawing email marketing on the privacy page stops the next marketing email", async () => {
    const customer = await makeCustomerWithHistory(shopId, ownerId, "Mail");
    const before = await withShop(shopId, (tx) =>
      queueMessage(tx, { channel: "email", shopId, to: customer.email, purpose: "marketing_offer", subject: "Sale", body: "Sale on now" }),
    );
    await changeOwnConsent(shopId, customer.id, { email: false, whatsapp: true });
    expect(await deliverMessage({ messageId: before, shopId }, client)).toBe("withheld");
  });

  it("a STOP to a number we do not know changes nothing and is acknowledged", async () => {
    const reply = await fetch(`${sandbox.url}/wassenger/reply`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phone: "+60199999999", message: "stop" }),
    });
    expect(reply.status).toBe(202);
  });
});
