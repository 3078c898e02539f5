/**
 * Production's shape on one machine (issue 16): two web processes behind one port
 * (scripts/web.ts, WEB_PROCESSES=2) and two worker processes (workers/main.ts), on one
 * PostgreSQL and one Redis. A checkout burst through both web processes never oversells and
 * every buyer gets an answer; every outbox job runs exactly once although two dispatchers and
 * two workers compete for them.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis, queue } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { until } from "../helpers/async";
import { checkoutForm, level, peninsularRateId, sellable } from "../helpers/checkout";
import { makeShop, makeUser } from "../helpers/factories";
import { type AppProcess, startWebProcesses, startWorkerProcess } from "../helpers/processes";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";
import { FormClient } from "../helpers/web";

let stack: IsolatedStack;
let web: AppProcess & { url: string; processes: number };
const workers: AppProcess[] = [];

beforeAll(async () => {
  stack = await isolatedStack();
  process.env.TRUST_PROXY = "1"; // every buyer is its own address (X-Forwarded-For), in the children too
  process.env.LOG_LEVEL = "error"; // 35 refusals (409) are expected, not warnings
  web = await startWebProcesses(2);
  workers.push(...(await Promise.all([startWorkerProcess(), startWorkerProcess()])));
});

afterAll(async () => {
  await Promise.all([web?.stop(), ...workers.map((w) => w.stop())]);
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

describe("two web processes and two worker processes", () => {
  it("a checkout burst through both web processes sells exactly the stock and answers every buyer", async () => {
    expect(web.processes).toBe(2);
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const { variantId } = await sellable(shop.id, owner.id, { stock: 5, title: "Kuih Raya Box" });
    const rateId = await peninsularRateId(shop.id);
    const buyers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const client = new FormClient(web.url);
        client.forwardedFor = `198.51.100.${i + 1}`;
        await client.get(`/s/${shop.slug}`);
        const added = await client.post(`/s/${shop.slug}/cart`, { intent: "add", variantId, quantity: "1" });
        expect(added.status).toBe(302);
        await client.get(`/s/${shop.slug}/checkout`);
        return client;
      }),
    );
    const answers = await Promise.all(
      buyers.map((client) => client.post(`/s/${shop.slug}/checkout`, { ...checkoutForm(rateId), intent: "place" })),
    );
    const placed = answers.filter((r) => r.status === 302 && /\/orders\/[0-9a-f-]{36}\/pay$/.test(r.headers.get("location") ?? ""));
    expect(placed).toHaveLength(5);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(35);
    expect(await level(shop.id, variantId)).toEqual({ onHand: 5, reserved: 5 });
    const orders = await withShop(shop.id, (tx) => tx.select({ number: schema.orders.number }).from(schema.orders));
    expect(orders).toHaveLength(5);
    expect(new Set(orders.map((o) => o.number)).size).toBe(5);
  });

  it("every outbox job runs once with two dispatchers and two workers", async () => {
    // Each sign-up commits a welcome WhatsApp message and its outbox row in one transaction.
    const users = await Promise.all(Array.from({ length: 30 }, () => makeUser()));
    const messages = await asPlatform((tx) =>
      tx
        .select({ id: schema.messages.id, status: schema.messages.status })
        .from(schema.messages)
        .where(
          inArray(
            schema.messages.userId,
            users.map((u) => u.id),
          ),
        ),
    );
    expect(messages).toHaveLength(30);
    const ids = messages.map((m) => m.id);
    await until(async () => {
      const rows = await asPlatform((tx) =>
        tx.select({ status: schema.messages.status }).from(schema.messages).where(inArray(schema.messages.id, ids)),
      );
      return rows.every((r) => r.status !== "pending");
    }, 120_000);
    const outbox = await asPlatform((tx) =>
      tx
        .select({ id: schema.outbox.id, dispatchedAt: schema.outbox.dispatchedAt })
        .from(schema.outbox)
        .where(eq(schema.outbox.queue, "notify")),
    );
    expect(outbox.filter((r) => !r.dispatchedAt)).toEqual([]);
    // The sandbox's inbox: each message delivered once to its person.
    for (const user of users) {
      const res = await fetch(`${stack.sandbox.url}/wassenger/inbox.json?phone=${encodeURIComponent(user.phone)}`);
      const inbox = ((await res.json()) as { messages: Array<{ reference: string }> }).messages;
      expect(inbox.filter((m) => ids.includes(m.reference))).toHaveLength(1);
    }
    // One BullMQ job per outbox row (its id is the job id), each completed once, none failed.
    const counts = await until(async () => {
      const c = await queue("notify").getJobCounts("completed", "failed", "waiting", "active", "delayed");
      return c.completed + c.failed >= outbox.length && c;
    });
    expect(counts).toEqual({ completed: outbox.length, failed: 0, waiting: 0, active: 0, delayed: 0 });
  }); // a deadlock guard, not a speed check: on a busy machine the waits above may take minutes
});
