import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runSync } from "~/domain/accounting/sync.server";
import { runCopyJob } from "~/domain/ai/copy-processor.server";
import { requestCopy } from "~/domain/ai/copy-requests.server";
import { runKlingJob } from "~/domain/ai/kling-processor.server";
import { requestTryOn, requestVideo } from "~/domain/ai/kling-requests.server";
import { uploadModelPhoto } from "~/domain/ai/model-photos.server";
import { forwardOrder, listForwards, snapshotDropshipLines } from "~/domain/dropship/forwarding.server";
import { addImageFromBuffer, processMedia } from "~/domain/media/media.server";
import { deliverMessage, queueMessage } from "~/domain/notify/messages.server";
import { orderAccessToken } from "~/domain/orders/order-links.server";
import { savePaymentSettings } from "~/domain/orders/payment-settings.server";
import { PRIVACY_MAP } from "~/domain/privacy/privacy-map.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { type ReceivedRequest, type RunningSandbox, startSandbox } from "../../../sandbox/server";
import { syncToAutoCountSandbox } from "../../helpers/accounting";
import { signIn } from "../../helpers/auth";
import { makePng, makeProduct } from "../../helpers/catalog";
import { sellable } from "../../helpers/checkout";
import { importInto, makeMerchant, makeSupplier, makeSupplierProduct, payOrder, topUp } from "../../helpers/dropship";
import { makeShop, makeUser, onPlan, unique } from "../../helpers/factories";
import { makeOrder, TEST_ADDRESS } from "../../helpers/orders";
import { uniquePhone } from "../../helpers/phones";
import { makeCustomerWithHistory } from "../../helpers/privacy";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

/**
 * The privacy page: “Each service provider we use receives only the minimum data it needs for its
 * job.” Checked where it counts: what each provider's stand-in actually received over HTTP
 * (sandbox/server.ts records every API request as parsed), against the privacy map's list of
 * providers for each personal column. Payment gateways, Wassenger, AI copy, Kling (images and a
 * prompt), AutoCount (the invoice, the payment and the buyer's invoice details) and dropship
 * suppliers (the recipient's name, phone and address and the lines, read in their portal).
 */
let sandbox: RunningSandbox;
let web: Awaited<ReturnType<typeof startWeb>>;
let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string };

beforeAll(async () => {
  // Before anything reads the configuration: every provider is this file's private sandbox.
  sandbox = await startSandbox();
  process.env.SANDBOX_URL = sandbox.url;
  web = await startWeb();
  owner = await makeUser();
  shop = await makeShop(owner.id);
});
afterAll(async () => {
  await web?.close();
  await sandbox?.close();
  await closeRedis();
  await closeDatabase();
});

/** Whether the privacy map lets `provider` receive `table.column`. */
const mapAllows = (provider: string, table: string, column: string) =>
  PRIVACY_MAP.some((c) => c.table === table && c.column === column && c.providers.includes(provider));

const received = (provider: string, containing: string): ReceivedRequest[] =>
  sandbox.received.filter((r) => r.provider === provider && JSON.stringify(r.body).includes(containing));

/** A phone number as it may travel: E.164, or its digits alone. */
const phoneForms = (e164: string) => [e164, e164.slice(1)];

describe("promise: “each service provider we use receives only the minimum data it needs for its job”", () => {
  it.each(["billplz", "payseller"] as const)(
    "“only the minimum data”: the %s payment gateway gets the amount, the reference and the contact it needs, never the address or the order's note",
    async (gateway) => {
      const saved = await savePaymentSettings(
        { userId: owner.id, shopId: shop.id },
        { gateway, mode: "sandbox" },
        { ip: "127.0.0.1", userAgent: "vitest" },
      );
      expect(saved.ok).toBe(true);
      const { variantId } = await sellable(shop.id, owner.id, { stock: 10 });
      const email = `${unique("gw")}@example.com`;
      const phone = uniquePhone().e164;
      const customerName = `Payer ${unique("n")}`;
      const line1 = `${unique("Lot")} Jalan Privasi`;
      const note = `Gate code ${unique("gc")}`;
      const order = await makeOrder(shop.id, { lines: [{ variantId, quantity: 1 }], paid: false, email, phone, customerName });
      await withShop(shop.id, (tx) =>
        tx
          .update(schema.orders)
          .set({ shippingAddress: { ...TEST_ADDRESS, name: customerName, phone, line1 }, note })
          .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, order.id))),
      );
      const pay = await fetch(`${web.url}/s/${shop.slug}/orders/${order.id}/pay?t=${orderAccessToken(order.id)}`, { redirect: "manual" });
      expect(pay.status).toBe(303);
      const [sent] = received(gateway, email).length ? received(gateway, email) : received(gateway, phone.slice(1));
      expect(sent, `${gateway} received the charge`).toBeDefined();
      const payload = JSON.stringify(sent.body);
      // What the map does not list for payment gateways never leaves.
      expect(mapAllows("payment_gateway", "orders", "shipping_address")).toBe(false);
      expect(payload).not.toContain(line1);
      expect(mapAllows("payment_gateway", "orders", "note")).toBe(false);
      expect(payload).not.toContain(note);
      // What it carries of the person is listed for payment gateways in the map.
      const personal: Array<[string[], string]> = [
        [[email], "email"],
        [phoneForms(phone), "phone"],
        [[customerName], "customer_name"],
      ];
      for (const [forms, column] of personal) {
        if (forms.some((f) => payload.includes(f))) expect(mapAllows("payment_gateway", "orders", column), `orders.${column}`).toBe(true);
      }
      // And the amount and our reference, which it needs.
      expect(payload).toMatch(/3300|33\.00/);
    },
  );

  it("“only the minimum data”: Wassenger gets a phone number and the message, nothing else about the person", async () => {
    const customer = await makeCustomerWithHistory(shop.id, owner.id, "Wa");
    const messageId = await withShop(shop.id, (tx) =>
      queueMessage(tx, {
        channel: "whatsapp",
        shopId: shop.id,
        to: customer.phone,
        purpose: "order_confirmed",
        body: "Your order is confirmed.",
      }),
    );
    expect(await deliverMessage({ messageId, shopId: shop.id })).toBe("sent");
    const [sent] = received("wassenger", customer.phone);
    expect(sent).toBeDefined();
    expect(Object.keys(sent.body as object).sort()).toEqual(["message", "phone", "reference"]);
    expect(sent.body).toMatchObject({ phone: customer.phone, message: "Your order is confirmed.", reference: messageId });
    expect(mapAllows("wassenger", "customers", "phone")).toBe(true);
    const payload = JSON.stringify(sent.body);
    expect(payload).not.toContain(customer.email);
    expect(payload).not.toContain(customer.name);
  });

  it("“only the minimum data”: AI copy requests carry product facts only, no merchant's or customer's personal data", async () => {
    const customer = await makeCustomerWithHistory(shop.id, owner.id, "Copy");
    const title = `Songket ${unique("tote")}`;
    const product = await makeProduct(shop.id, owner.id, { title, extra: { brand: "Tenun Kita", productType: "Bags" } });
    const queued = await requestCopy(
      shop.id,
      product.productId,
      { tone: "friendly", languages: ["en"] },
      { userId: owner.id, ip: "127.0.0.1", userAgent: "vitest" },
    );
    if (!queued?.ok) throw new Error(`not queued: ${JSON.stringify(queued)}`);
    expect(await runCopyJob({ shopId: shop.id, jobId: queued.jobId })).toBe("done");
    const sent = [...received("openai", title), ...received("anthropic", title)];
    expect(sent.length).toBeGreaterThan(0);
    const payload = JSON.stringify(sent.map((s) => s.body));
    // No column of the map goes to an AI copy provider...
    expect(PRIVACY_MAP.filter((c) => c.providers.some((p) => /openai|anthropic|ai_copy/.test(p)))).toEqual([]);
    // ...and none of these people's data is in what it received.
    for (const value of [owner.email, ...phoneForms(owner.phone), customer.email, customer.name, ...phoneForms(customer.phone)]) {
      expect(payload).not.toContain(value);
    }
  });

  it("“only the minimum data”: Kling gets the images and a prompt, and nothing about the merchant or the shop's customers", async () => {
    const customer = await makeCustomerWithHistory(shop.id, owner.id, "Kling");
    const product = await makeProduct(shop.id, owner.id, { title: `Baju kurung ${unique("k")}` });
    const garmentId = await addImageFromBuffer(shop.id, product.productId, {
      body: await makePng(600, 600),
      contentType: "image/png",
      filename: "garment.png",
      alt: "",
    });
    // The media worker's step, run here: the garment becomes a ready product image.
    await processMedia({ shopId: shop.id, mediaId: garmentId });
    const photo = await uploadModelPhoto(
      shop.id,
      owner.id,
      new File([new Uint8Array(await makePng(600, 800))], "model.png", { type: "image/png" }),
    );
    if (!photo.ok) throw new Error(photo.errors.photo);
    const tryOn = await requestTryOn(shop.id, owner.id, product.productId, { modelPhotoId: photo.id, garmentMediaId: garmentId });
    if (!tryOn?.ok) throw new Error(JSON.stringify(tryOn));
    const prompt = "The fabric sways as the model turns";
    const video = await requestVideo(shop.id, owner.id, product.productId, { mediaId: garmentId, prompt, duration: "5", mode: "std" });
    if (!video?.ok) throw new Error(JSON.stringify(video));
    const fast = { pollBaseMs: 100, pollMaxMs: 300, hintCheckMs: 50, callbacks: false };
    await runKlingJob("tryon", { shopId: shop.id, jobId: tryOn.jobId }, fast);
    await runKlingJob("video", { shopId: shop.id, jobId: video.jobId }, fast);

    const creates = sandbox.received.filter(
      (r) => r.provider === "kling" && [tryOn.jobId, video.jobId].some((id) => JSON.stringify(r.body).includes(id)),
    );
    const tryOnBody = creates.find((r) => r.path.endsWith("/kolors-virtual-try-on"))?.body as Record<string, unknown>;
    const videoBody = creates.find((r) => r.path.endsWith("/image2video"))?.body as Record<string, unknown>;
    expect(tryOnBody, "Kling received the try-on").toBeDefined();
    expect(videoBody, "Kling received the video").toBeDefined();
    // The try-on: the two images, the model and our job id (idempotency), nothing more.
    expect(Object.keys(tryOnBody).sort()).toEqual(["cloth_image", "external_task_id", "human_image", "model_name"]);
    expect(tryOnBody.external_task_id).toBe(tryOn.jobId);
    // The video: the image and the merchant's prompt, with its settings.
    expect(Object.keys(videoBody).sort()).toEqual(["duration", "external_task_id", "image", "mode", "model_name", "prompt"]);
    expect(videoBody).toMatchObject({ prompt, duration: "5", mode: "std", external_task_id: video.jobId });
    // No column of the map goes to Kling, and none of these people's data is in what it received.
    expect(PRIVACY_MAP.filter((c) => c.providers.includes("kling"))).toEqual([]);
    const payload = JSON.stringify(creates.map((c) => c.body));
    for (const value of [owner.email, ...phoneForms(owner.phone), customer.email, customer.name, ...phoneForms(customer.phone)])
      expect(payload).not.toContain(value);
    expect(payload).not.toContain(shop.slug);
  });

  it("“only the minimum data”: AutoCount gets the invoice's lines and amounts, the payment and the buyer's invoice details only", async () => {
    const books = await makeShop(owner.id);
    await onPlan(books.id, "growth");
    await syncToAutoCountSandbox({ userId: owner.id, shopId: books.id }, { taxCode: "" });
    // A customer with a history: their paid order is queued for AutoCount; its address and note are set after.
    const customer = await makeCustomerWithHistory(books.id, owner.id, "Buku");
    const [sync] = await withShop(books.id, (tx) =>
      tx
        .select()
        .from(schema.accountingSyncs)
        .where(and(eq(schema.accountingSyncs.shopId, books.id), eq(schema.accountingSyncs.kind, "invoice"))),
    );
    expect(sync, "the paid order was queued for AutoCount").toBeDefined();
    expect(await runSync({ shopId: books.id, syncId: sync.id })).toEqual({ status: "synced" });
    const [order] = await withShop(books.id, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, sync.orderId)));
    const sent = sandbox.received.filter((r) => r.provider === "autocount" && JSON.stringify(r.body).includes(sync.docNo));
    const debtor = sandbox.received.find(
      (r) => r.provider === "autocount" && r.path.endsWith("/debtor") && JSON.stringify(r.body).includes(customer.email),
    );
    expect(debtor, "AutoCount received the debtor").toBeDefined();
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // The debtor: the invoice's addressee and how to reach them (what an invoice carries), its terms.
    // (AutoCount's stand-in reads its bodies as text, to check the JSON itself.)
    const bodyOf = (r: ReceivedRequest) => (typeof r.body === "string" ? (JSON.parse(r.body) as unknown) : r.body);
    expect(Object.keys(bodyOf(debtor!) as object).sort()).toEqual([
      "accNo",
      "address",
      "companyName",
      "creditTerm",
      "currencyCode",
      "emailAddress",
      "isActive",
      "phone1",
      "postCode",
    ]);
    const payload = JSON.stringify([bodyOf(debtor!), ...sent.map(bodyOf)]);
    // What the map does not give AutoCount never leaves: the checkout note, the customer's account
    // details beyond the invoice's, the merchant's own data.
    expect(mapAllows("autocount", "orders", "note")).toBe(false);
    expect(payload).not.toContain(order.note!);
    for (const value of [owner.email, ...phoneForms(owner.phone), customer.ip]) expect(payload).not.toContain(value);
    // Each personal value it carries is listed for AutoCount in the map.
    const address = order.shippingAddress!;
    const personal: Array<[string[], string]> = [
      [[customer.email], "email"],
      [phoneForms(customer.phone), "phone"],
      [[customer.name], "customer_name"],
      [[address.line1, address.postcode], "shipping_address"],
    ];
    for (const [forms, column] of personal)
      if (forms.some((f) => payload.includes(f))) expect(mapAllows("autocount", "orders", column), `orders.${column}`).toBe(true);
    // And the invoice's amounts, which it needs.
    expect(payload).toContain(String(order.totalMinor / 100));
  });

  it("“only the minimum data”: a dropship supplier gets the recipient's name, phone and address and the lines, not the buyer's email, name or note", async () => {
    const supplier = await makeSupplier();
    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "10.00", price: "30.00", stock: 100 });
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 5_000);
    // A gift: the buyer pays, someone else receives it.
    const buyer = { email: `${unique("buyer")}@example.com`, phone: uniquePhone().e164, name: `Buyer ${unique("b")}` };
    const recipient = { name: `Recipient ${unique("r")}`, phone: uniquePhone().e164, line1: `${unique("No")} Jalan Hadiah` };
    const note = `Surprise, do not call ${unique("nc")}`;
    const order = await makeOrder(merchant.shopId, {
      lines: [{ variantId: linked.variants[0].id, quantity: 2 }],
      paid: false,
      email: buyer.email,
      phone: buyer.phone,
      customerName: buyer.name,
    });
    await withShop(merchant.shopId, async (tx) => {
      await tx
        .update(schema.orders)
        .set({ shippingAddress: { ...TEST_ADDRESS, ...recipient }, note })
        .where(and(eq(schema.orders.shopId, merchant.shopId), eq(schema.orders.id, order.id)));
      await snapshotDropshipLines(tx, merchant.shopId, order.id);
    });
    await payOrder(merchant.shopId, order.id);
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const [forward] = (await listForwards(merchant.shopId)).forwards;
    expect(forward?.sentAt).not.toBeNull();

    // What the supplier holds of the order...
    const held = JSON.stringify(
      await withShop(supplier.shopId, async (tx) => [
        await tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.id, forward.id)),
        await tx.select().from(schema.supplierOrderLines).where(eq(schema.supplierOrderLines.supplierOrderId, forward.id)),
      ]),
    );
    // ...and what its portal shows it, over HTTP, signed in as the supplier.
    const portal = new FormClient(web.url);
    await signIn(portal, supplier.user);
    expect((await portal.get(`/supplier/orders/${forward.id}`)).status).toBe(200);
    const page = htmlDecode(portal.lastHtml);
    for (const seen of [held, page]) {
      expect(seen).toContain(recipient.name);
      expect(seen).toContain(recipient.line1);
      expect(seen.includes(recipient.phone) || seen.includes(recipient.phone.slice(3))).toBe(true);
      for (const value of [buyer.email, buyer.name, ...phoneForms(buyer.phone), note, merchant.user.email])
        expect(seen).not.toContain(value);
    }
    expect(page).toContain(product.variants[0].sku ?? "");
    expect(["recipient_name", "recipient_phone", "address_line1"].every((c) => mapAllows("supplier", "supplier_orders", c))).toBe(true);
    expect(mapAllows("supplier", "orders", "email")).toBe(false);

    // The supplier's WhatsApp alert says an order came, with no one's details in it.
    const [alert] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.shopId, supplier.shopId), eq(schema.messages.purpose, "dropship.new_order"))),
    );
    expect(await deliverMessage({ messageId: alert.id, shopId: supplier.shopId })).toBe("sent");
    const [whatsapp] = sandbox.received.filter((r) => r.provider === "wassenger" && JSON.stringify(r.body).includes(alert.id));
    const text = JSON.stringify(whatsapp.body);
    for (const value of [recipient.name, recipient.line1, ...phoneForms(recipient.phone), buyer.email, buyer.name, note])
      expect(text).not.toContain(value);
  });
});
