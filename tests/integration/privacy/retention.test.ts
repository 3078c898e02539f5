import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { COOLING_OFF_MS, requestDeletion, requestExport } from "~/domain/privacy/requests.server";
import { prepareDataExport } from "~/flows/data-export-prepared.server";
import { runPrivacyRetention } from "~/flows/privacy-retention.server";
import { headObject } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeShop, makeUser } from "../../helpers/factories";
import { makeCustomerWithHistory } from "../../helpers/privacy";

/**
 * The daily retention job (maintenance:privacy-retention, app/flows/privacy-retention.server.ts),
 * run with the real clock on rows whose own times are set in the past (the shared test database
 * holds other tests' rows, which a clock moved forward would purge too).
 */
let shopId: string;
let ownerId: string;
beforeAll(async () => {
  ownerId = (await makeUser()).id;
  shopId = (await makeShop(ownerId)).id;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const DAY = 24 * 3600_000;

describe("privacy retention", () => {
  it("deletes analytics events older than 13 months and keeps younger ones", async () => {
    const [old, young] = await withShop(shopId, async (tx) => [
      (
        await tx
          .insert(schema.storefrontEvents)
          .values({ shopId, kind: "visit", path: "/old", createdAt: new Date(Date.now() - 400 * DAY) })
          .returning()
      )[0],
      (
        await tx
          .insert(schema.storefrontEvents)
          .values({ shopId, kind: "visit", path: "/young", createdAt: new Date(Date.now() - 380 * DAY) })
          .returning()
      )[0],
    ]);
    expect((await runPrivacyRetention(new Date())).analyticsEvents).toBeGreaterThanOrEqual(1);
    const left = await withShop(shopId, (tx) =>
      tx.select({ id: schema.storefrontEvents.id }).from(schema.storefrontEvents).where(eq(schema.storefrontEvents.shopId, shopId)),
    );
    expect(left.map((r) => r.id)).not.toContain(old.id);
    expect(left.map((r) => r.id)).toContain(young.id);
  });

  it("deletes export files 7 days after they were made: the object leaves the bucket and the request becomes expired", async () => {
    const customer = await makeCustomerWithHistory(shopId, ownerId, "Retain");
    const request = await requestExport({ kind: "customer", shopId, customerId: customer.id }, { contact: customer.email });
    expect(await prepareDataExport({ requestId: request.id, shopId })).toBe("ready");
    const ready = async () =>
      (await withShop(shopId, (tx) => tx.select().from(schema.privacyRequests).where(eq(schema.privacyRequests.id, request.id))))[0];
    const made = await ready();
    expect(made.exportExpiresAt!.getTime() - made.updatedAt.getTime()).toBeGreaterThanOrEqual(7 * DAY - 60_000);
    expect(await headObject(made.exportKey!)).toBeDefined();
    // Still within its 7 days: kept.
    await runPrivacyRetention(new Date());
    expect((await ready()).status).toBe("ready");
    // Its 7 days are over.
    await withShop(shopId, (tx) =>
      tx
        .update(schema.privacyRequests)
        .set({ exportExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(schema.privacyRequests.id, request.id)),
    );
    expect((await runPrivacyRetention(new Date())).exportFiles).toBeGreaterThanOrEqual(1);
    expect(await ready()).toMatchObject({ status: "expired", exportKey: null });
    expect(await headObject(made.exportKey!)).toBeUndefined();
  });

  it("erases a deletion whose cooling-off ended and whose job was lost", async () => {
    const customer = await makeCustomerWithHistory(shopId, ownerId, "Lost");
    const request = await requestDeletion(
      { kind: "customer", shopId, customerId: customer.id },
      { contact: customer.email, now: new Date(Date.now() - COOLING_OFF_MS - DAY) },
    );
    await runPrivacyRetention(new Date());
    // Done by this run, or by another file's run of the same sweep that claimed it first.
    const status = async () =>
      (
        await withShop(shopId, (tx) =>
          tx
            .select({ status: schema.privacyRequests.status })
            .from(schema.privacyRequests)
            .where(and(eq(schema.privacyRequests.shopId, shopId), eq(schema.privacyRequests.id, request.id))),
        )
      )[0]?.status;
    await expect.poll(status).toBe("done");
    const [row] = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.customers)
        .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customer.id))),
    );
    expect(row?.email ?? null).not.toBe(customer.email);
  });
});
