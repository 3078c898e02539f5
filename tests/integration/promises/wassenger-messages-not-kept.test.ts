import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { issueCode } from "~/domain/accounts/codes.server";
import { deliverMessage, queueMessage } from "~/domain/notify/messages.server";
import { PURGED_BODY } from "~/domain/privacy/retention.server";
import { runPrivacyRetention } from "~/flows/privacy-retention.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { latestWhatsApp, whatsAppCode } from "../../helpers/auth";
import { makeShop, makeUser } from "../../helpers/factories";
import { uniquePhone } from "../../helpers/phones";

/** The privacy page: “Messages sent through our WhatsApp provider are not kept: their text is deleted after 7 days, and sign-in codes are never stored.” */
let shopId: string;
let owner: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  owner = await makeUser();
  shopId = (await makeShop(owner.id)).id;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const DAY = 24 * 3600_000;

describe("promise: “messages sent through our WhatsApp provider are not kept”", () => {
  it("“their text is deleted after 7 days”: the daily retention job empties WhatsApp bodies older than 7 days and keeps status and metadata; newer ones stay", async () => {
    const phone = uniquePhone().e164;
    const [old, fresh] = await withShop(shopId, async (tx) => [
      await queueMessage(tx, {
        channel: "whatsapp",
        shopId,
        to: phone,
        purpose: "order_confirmed",
        body: "Hi Aminah, order #1001 is confirmed.",
      }),
      await queueMessage(tx, {
        channel: "whatsapp",
        shopId,
        to: phone,
        purpose: "order_shipped",
        body: "Hi Aminah, order #1001 has shipped.",
      }),
    ]);
    expect(await deliverMessage({ messageId: old, shopId })).toBe("sent");
    expect(await deliverMessage({ messageId: fresh, shopId })).toBe("sent");
    expect((await latestWhatsApp(phone))?.message).toContain("Hi Aminah");
    // Eight days pass for the first message, one for the second (its row's clock; the job runs now).
    await withShop(shopId, async (tx) => {
      await tx
        .update(schema.messages)
        .set({ createdAt: new Date(Date.now() - 8 * DAY) })
        .where(eq(schema.messages.id, old));
      await tx
        .update(schema.messages)
        .set({ createdAt: new Date(Date.now() - 1 * DAY) })
        .where(eq(schema.messages.id, fresh));
    });
    const outcome = await runPrivacyRetention(new Date());
    expect(outcome.whatsappBodies).toBeGreaterThanOrEqual(1);
    const rows = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.shopId, shopId), inArray(schema.messages.id, [old, fresh]))),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(old)).toMatchObject({ body: PURGED_BODY, recipient: phone, purpose: "order_confirmed", status: "sent" });
    expect(byId.get(old)!.providerMessageId).not.toBeNull();
    expect(byId.get(fresh)!.body).toContain("has shipped");
  });

  it("“sign-in codes are never stored”: the code reaches the phone, while the database keeps only a keyed hash and a redacted message", async () => {
    const user = await makeUser();
    const challenge = crypto.randomUUID();
    expect(await issueCode({ userId: user.id, purpose: "sign_in", subjectId: challenge, phone: user.phone })).toEqual({ ok: true });
    const code = await whatsAppCode(user.phone);
    const [stored] = await asPlatform((tx) =>
      tx.select().from(schema.verificationCodes).where(eq(schema.verificationCodes.subjectId, challenge)),
    );
    expect(stored.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
    const [message] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.id, stored.messageId!)));
    expect(message.body).toContain("••••••");
    expect(message.body).not.toContain(code);
    // No job carries it either: the code is sent from the request, never through the outbox.
    const jobs = await asPlatform((tx) => tx.select({ payload: schema.outbox.payload }).from(schema.outbox));
    expect(jobs.filter((j) => JSON.stringify(j.payload).includes(`"${code}"`))).toEqual([]);
  });
});
