/**
 * The published promises of access, export and deletion (app/locales/privacy, `policy.rights`,
 * `policy.export`, `policy.deletion`), proved on a storefront customer with a full history.
 */
import { and, eq } from "drizzle-orm";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { exportDownloadUrl } from "~/domain/privacy/downloads.server";
import { categoriesFor } from "~/domain/privacy/privacy-map.server";
import {
  cancelDeletion,
  COOLING_OFF_MS,
  requestDeletion,
  requestExport,
  requestsOf,
  shopRequests,
  type Subject,
} from "~/domain/privacy/requests.server";
import { eraseRequestedData } from "~/flows/data-deleted.server";
import { prepareDataExport } from "~/flows/data-export-prepared.server";
import { headObject, listKeys } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { emailsTo } from "../../helpers/auth";
import { makeShop, makeUser } from "../../helpers/factories";
import { makeCustomerWithHistory, type Person, rowsContaining } from "../../helpers/privacy";

let shopId: string;
let customer: Awaited<ReturnType<typeof makeCustomerWithHistory>>;
let other: Person & { orderIds: string[] };
let subject: Subject;

beforeAll(async () => {
  const owner = await makeUser();
  shopId = (await makeShop(owner.id)).id;
  customer = await makeCustomerWithHistory(shopId, owner.id, "Aminah");
  other = await makeCustomerWithHistory(shopId, owner.id, "Boon");
  subject = { kind: "customer", shopId, customerId: customer.id };
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

// Monday 4 January 2027, 10:00 in Kuala Lumpur.
const MONDAY = new Date("2027-01-04T02:00:00Z");

// One file for three promises: the deletion test goes on from the export the first one made (its
// file must leave the bucket with the person).
describe("promise: “You can see, correct, export and delete your data” (a storefront customer)", () => {
  it("“you can see and export your data”: the ZIP has every category the map lists for a customer, their data, and nothing of anyone else; “a link that works for 5 minutes; the file is deleted after 7 days”", async () => {
    const request = await requestExport(subject, { contact: customer.email, locale: "en", now: MONDAY });
    expect(request).toMatchObject({ kind: "export", status: "queued", dueOn: "2027-02-17" });
    // A second click while it is being built is the same request.
    expect((await requestExport(subject, { contact: customer.email })).id).toBe(request.id);

    expect(await prepareDataExport({ requestId: request.id, shopId }, MONDAY)).toBe("ready");
    // Idempotent: the job running again (a redelivery) changes nothing.
    expect(await prepareDataExport({ requestId: request.id, shopId }, MONDAY)).toBe("skipped");
    const [ready] = (await requestsOf(subject)).filter((r) => r.id === request.id);
    expect(ready).toMatchObject({ status: "ready", progress: 100 });
    expect(ready.exportKey).toMatch(/^private\//);
    expect(ready.exportExpiresAt!.getTime() - MONDAY.getTime()).toBe(7 * 24 * 3600_000);

    const url = await exportDownloadUrl(subject, request.id, MONDAY);
    expect(url).toMatch(/X-Amz-Expires=300/);
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const names = Object.keys(files);
    for (const category of categoriesFor("storefront_customer")) {
      expect(names).toContain(`${category}.json`);
      expect(names).toContain(`${category}.csv`);
    }
    const everything = names.map((n) => strFromU8(files[n])).join("\n");
    for (const mine of [customer.name, customer.email, customer.phone]) expect(everything).toContain(mine);
    for (const theirs of [other.name, other.email, other.phone]) expect(everything).not.toContain(theirs);
    const profile = JSON.parse(strFromU8(files["profile.json"]));
    expect(profile).toEqual([expect.objectContaining({ id: customer.id, email: customer.email })]);
    expect(JSON.parse(strFromU8(files["orders.json"]))).toHaveLength(2);
    expect(JSON.parse(strFromU8(files["wishlist.json"]))).toHaveLength(1);
    expect(JSON.parse(strFromU8(files["sessions.json"]))[0]).toMatchObject({ ip: customer.ip });

    // Someone else cannot get a link to it; after 7 days there is none.
    expect(await exportDownloadUrl({ kind: "customer", shopId, customerId: other.id }, request.id, MONDAY)).toBeUndefined();
    expect(await exportDownloadUrl(subject, request.id, new Date(MONDAY.getTime() + 7 * 24 * 3600_000))).toBeUndefined();
    // The "ready" notice is queued for them, pointing at their privacy page, not at the file.
    const notices = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.recipient, customer.email), eq(schema.messages.purpose, "privacy_export_ready"))),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0].body).toContain("/account/privacy");
    expect(notices[0].body).not.toContain("X-Amz");
  });

  it("“deletion completes within 30 Malaysian business days of your request (you can cancel it for 14 days) and we tell you when it is done”: then everything the map says is gone, tax invoices keep the buyer's name", async () => {
    const first = await requestDeletion(subject, { contact: customer.email, locale: "en", now: MONDAY });
    expect(first).toMatchObject({ status: "cooling_off", dueOn: "2027-02-17" });
    expect(first.coolingOffUntil!.getTime() - MONDAY.getTime()).toBe(COOLING_OFF_MS);
    // The merchant, the controller, sees it with its due date.
    expect((await shopRequests(shopId)).find((r) => r.id === first.id)).toMatchObject({ dueOn: "2027-02-17", status: "cooling_off" });
    // The job fired early does nothing; cancelling during the cooling-off stops it.
    expect(await eraseRequestedData({ requestId: first.id, shopId }, MONDAY)).toBe("not-due");
    expect(await cancelDeletion(subject, first.id)).toBe(true);
    expect(await eraseRequestedData({ requestId: first.id, shopId }, new Date(MONDAY.getTime() + COOLING_OFF_MS + 1))).toBe("skipped");

    const request = await requestDeletion(subject, { contact: customer.email, locale: "en", now: MONDAY });
    const exportKeys = (await requestsOf(subject)).map((r) => r.exportKey).filter(Boolean) as string[];
    expect(exportKeys).toHaveLength(1);
    const after = new Date(MONDAY.getTime() + COOLING_OFF_MS + 1);
    expect(await eraseRequestedData({ requestId: request.id, shopId }, after)).toBe("done");
    expect(await eraseRequestedData({ requestId: request.id, shopId }, after)).toBe("skipped");

    // A full search of the database: none of their name, email or phone, except the name on the
    // invoiced order, which the map retains (tax invoice, 7 years).
    const left = await rowsContaining([customer.name, customer.email, customer.phone]);
    const [invoiced] = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.orders)
        .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, customer.orderIds[0]))),
    );
    expect(invoiced.invoiceNumber).not.toBeNull();
    expect(
      left.map((r) => r.slice(0, 300)),
      JSON.stringify(left),
    ).toHaveLength(1);
    expect(left[0]).toMatch(/^orders: /);
    expect(left[0]).toContain(invoiced.id);
    expect(left[0]).not.toContain(customer.email);
    expect(left[0]).not.toContain(customer.phone);
    // The bucket: their export file is gone, and no key names them.
    expect(await headObject(exportKeys[0])).toBeUndefined();
    expect((await listKeys("")).filter((k) => [customer.name, customer.email, customer.phone].some((s) => k.includes(s)))).toEqual([]);
    // Signed out everywhere; the other customer is untouched.
    const sessions = await withShop(shopId, (tx) =>
      tx.select().from(schema.customerSessions).where(eq(schema.customerSessions.customerId, customer.id)),
    );
    expect(sessions).toEqual([]);
    expect((await rowsContaining([other.email])).length).toBeGreaterThan(0);
    // Told it is done.
    const mail = await emailsTo(customer.email);
    expect(mail.map((m) => m.subject)).toContain("Your data has been deleted");
    expect((await requestsOf(subject)).find((r) => r.id === request.id)).toMatchObject({ status: "done", contact: null });
  });
});
