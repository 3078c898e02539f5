import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sweepUnmigratedResults } from "~/domain/ai/kling-results.server";
import { KlingClient, SANDBOX_KLING_ACCESS_KEY, SANDBOX_KLING_SECRET_KEY } from "~/integrations/kling.server";
import { headObject, publicObjectUrl, readObject } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { AI_RESULT_SWEEP_EVERY_MS } from "../../../workers/maintenance";
import { until } from "../../helpers/async";
import { makePng, makeProduct } from "../../helpers/catalog";
import { makeShop, makeUser } from "../../helpers/factories";

/**
 * The privacy page: “Images and videos made by AI providers are moved to our own storage within
 * 30 days; we never send your customers to a provider's temporary link.” A result left at Kling
 * (its worker died after Kling finished) is copied by the maintenance sweep, however old, and the
 * sweep runs far more often than every 30 days.
 */
let shopId: string;
let ownerId: string;
let productId: string;
beforeAll(async () => {
  ownerId = (await makeUser()).id;
  shopId = (await makeShop(ownerId)).id;
  productId = (await makeProduct(shopId, ownerId, { title: "Songket shawl" })).productId;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const DAY = 24 * 3600_000;

describe("promise: “images and videos made by AI providers are moved to our own storage within 30 days”", () => {
  it("“moved to our own storage within 30 days”: a Kling result 29 days old is copied into our bucket by the sweep, which runs every few hours", async () => {
    expect(AI_RESULT_SWEEP_EVERY_MS).toBeLessThan(30 * DAY);
    const client = new KlingClient({
      baseUrl: `${process.env.SANDBOX_URL}/kling`,
      accessKey: SANDBOX_KLING_ACCESS_KEY,
      secretKey: SANDBOX_KLING_SECRET_KEY,
      sandbox: true,
    });
    const [job] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.aiJobs)
        .values({
          shopId,
          kind: "tryon",
          provider: "kling",
          productId,
          input: { modelPhotoId: crypto.randomUUID(), garmentMediaId: crypto.randomUUID() },
          credits: 1,
          createdBy: ownerId,
        })
        .returning(),
    );
    const task = await client.createTryOn({
      humanImage: await makePng(600, 800),
      clothImage: await makePng(600, 600),
      externalTaskId: job.id,
    });
    const done = await until(async () => {
      const t = await client.getTask("try-on", task.taskId);
      return t.status === "succeed" && t;
    });
    const klingUrl = done.images[0].url;
    // Kling finished 29 days ago; the worker that should have copied it died.
    await withShop(shopId, (tx) =>
      tx
        .update(schema.aiJobs)
        .set({
          status: "running",
          providerTaskId: task.taskId,
          providerStatus: "succeed",
          providerResultUrl: klingUrl,
          providerResultAt: new Date(Date.now() - 29 * DAY - 23 * 3600_000),
        })
        .where(eq(schema.aiJobs.id, job.id)),
    );

    // The sweep takes the oldest result left at the provider first.
    const swept = await sweepUnmigratedResults({ client, limit: 1 });
    expect(swept).toEqual({ migrated: 1, failed: 0 });
    const [after] = await withShop(shopId, (tx) => tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, job.id)));
    expect(after.migratedAt).not.toBeNull();
    const [media] = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.media)
        .where(and(eq(schema.media.shopId, shopId), eq(schema.media.id, after.resultMediaId!))),
    );
    // In our bucket, byte for byte what Kling made; served from our media address, never Kling's link.
    expect(await headObject(media.originalKey)).toBeDefined();
    const fromKling = Buffer.from(await (await fetch(klingUrl)).arrayBuffer());
    expect((await readObject(media.originalKey)).equals(fromKling)).toBe(true);
    const served = publicObjectUrl(media.originalKey);
    expect(served.startsWith(process.env.MEDIA_PUBLIC_BASE_URL!)).toBe(true);
    expect(new URL(served).origin).not.toBe(new URL(klingUrl).origin);
    expect(JSON.stringify(media)).not.toContain(klingUrl);
  });
});
