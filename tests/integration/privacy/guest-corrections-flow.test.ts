/**
 * The guest-corrected flow (app/flows/guest-corrected.server.ts): a guest buyer's correction on
 * /s/:slug/privacy shows on the merchant's timeline of each affected order, and the corrected
 * recipient of an order already forwarded to a dropshipping supplier reaches the supplier's order
 * through the outbox (`dropship:recipient-corrected`, run here by its processor, twice: idempotent).
 */
process.env.TRUST_PROXY = "1";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { forwardOrder } from "~/domain/dropship/forwarding.server";
import { sendCorrectedRecipient } from "~/domain/dropship/recipient-corrections.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn, whatsAppCode } from "../../helpers/auth";
import { importInto, makeDropshipOrder, makeMerchant, makeSupplier, makeSupplierProduct, topUp } from "../../helpers/dropship";
import { makeOrder, TEST_ADDRESS } from "../../helpers/orders";
import { uniquePhone } from "../../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

let web: Awaited<ReturnType<typeof startWeb>>;

beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

function client() {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return c;
}

const timeline = (shopId: string, orderId: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.orderEvents)
      .where(and(eq(schema.orderEvents.shopId, shopId), eq(schema.orderEvents.orderId, orderId))),
  );

const queuedRecipients = (shopId: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.shopId, shopId), eq(schema.outbox.jobName, "recipient-corrected"))),
  );

describe("a guest's correction reaches the merchant's orders and the dropshipping supplier (guest-corrected flow)", () => {
  it("each affected order's timeline says what the buyer corrected, and a forwarded order's supplier gets the corrected recipient once", async () => {
    const supplier = await makeSupplier();
    const merchant = await makeMerchant();
    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "6.00", price: "19.90", stock: 20 });
    const { variants } = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 10_000);
    const phone = uniquePhone();
    const forwarded = await makeDropshipOrder(merchant.shopId, [{ variantId: variants[0].id, quantity: 1 }], { phone: phone.e164 });
    await forwardOrder({ shopId: merchant.shopId, orderId: forwarded.id });
    const supplierOrder = async () =>
      (
        await withShop(supplier.shopId, (tx) =>
          tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.merchantOrderId, forwarded.id)),
        )
      )[0];
    expect(await supplierOrder()).toMatchObject({ status: "open", recipientName: TEST_ADDRESS.name, addressLine1: TEST_ADDRESS.line1 });
    // A second order of the same buyer, never forwarded.
    const plain = await makeOrder(merchant.shopId, { lines: [{ variantId: variants[0].id, quantity: 1 }], paid: false, phone: phone.e164 });

    // The buyer proves their number and corrects their name (which was also the recipient's).
    const c = client();
    const page = `/s/${merchant.shop.slug}/privacy`;
    await c.get(page);
    await c.post(page, { intent: "send-code", contact: phone.e164 });
    expect((await c.post(page, { intent: "verify", contact: phone.e164, code: await whatsAppCode(phone.e164) })).status).toBe(302);
    await c.get(page);
    expect((await c.post(page, { intent: "correct", name: "Siti Rahmah binti Ali" })).status).toBe(200);

    // 2. Both orders' timelines say so; 3. only the forwarded one is re-sent, through the outbox.
    for (const order of [forwarded, plain])
      expect((await timeline(merchant.shopId, order.id)).map((e) => e.type)).toContain("privacy_corrected");
    expect((await timeline(merchant.shopId, forwarded.id)).map((e) => e.type)).toContain("dropship_recipient_corrected");
    expect((await timeline(merchant.shopId, plain.id)).map((e) => e.type)).not.toContain("dropship_recipient_corrected");
    const queued = await queuedRecipients(merchant.shopId);
    expect(queued).toHaveLength(1);
    const payload = queued[0].payload as { shopId: string; forwardId: string };
    expect(payload).toEqual({ shopId: merchant.shopId, forwardId: (await supplierOrder()).id });

    // The job, run twice (a retry, a duplicate): the supplier's order changes once and the supplier is told once.
    expect(await sendCorrectedRecipient(payload)).toBe(true);
    expect(await sendCorrectedRecipient(payload)).toBe(false);
    expect(await supplierOrder()).toMatchObject({ recipientName: "Siti Rahmah binti Ali", addressLine1: TEST_ADDRESS.line1 });
    const told = await withShop(supplier.shopId, (tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.shopId, supplier.shopId), eq(schema.messages.purpose, "dropship.recipient_corrected"))),
    );
    expect(told).toHaveLength(1);

    // An address correction goes the same way.
    await c.get(page);
    const orderId = c.lastHtml.match(/name="orderId" value="([^"]+)"/)![1];
    const address = {
      ...TEST_ADDRESS,
      name: "Siti Rahmah binti Ali",
      line1: "8 Jalan Bangsar Utama 1",
      postcode: "59000",
      line2: "",
      phone: "",
    };
    expect((await c.post(page, { intent: "address-save", orderId, ...address })).status).toBe(200);
    const again = (await queuedRecipients(merchant.shopId)).filter((row) => row.id !== queued[0].id);
    expect(again).toHaveLength(1);
    expect(await sendCorrectedRecipient(again[0].payload as typeof payload)).toBe(true);
    expect(await supplierOrder()).toMatchObject({
      addressLine1: "8 Jalan Bangsar Utama 1",
      postcode: "59000",
      recipientPhone: TEST_ADDRESS.phone,
    });

    // The merchant reads it on the order page.
    const admin = client();
    await signIn(admin, merchant.user);
    await admin.get(`/admin/orders/${forwarded.id}`);
    const html = htmlDecode(admin.lastHtml);
    expect(html).toContain("The buyer corrected their name on the shop's privacy page");
    expect(html).toContain("The buyer corrected the shipping address on the shop's privacy page");
    expect(html).toContain("Corrected recipient details sent to the dropshipping supplier");
  });
});
