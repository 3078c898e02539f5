/**
 * A CSV import's progress arrives by push (issue 17): the transfer page is open and waiting, the
 * import then runs, and the page reaches "Done" with its counts through the server-sent event
 * stream (/admin/progress), with no reload and no polling.
 *
 * The import is queued without a job, and the test runs it with the worker's own function
 * (runImport) once the page's stream is open: a fast worker can otherwise finish before the page
 * loads, and the page would show "Done" from its first render, proving nothing about the push.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { runImport } from "~/domain/catalog/transfers.server";
import { schema, withShop } from "~db/client";

import { baseUrl, hydrated, journeyBrowser, logInInBrowser } from "../helpers/browser";
import { makeShop, makeUser } from "../helpers/factories";

const chrome = journeyBrowser();
let owner: Awaited<ReturnType<typeof makeUser>>;
let shopId: string;

const CSV = [
  "Handle,Title,Variant Price,Variant SKU",
  "batik-shirt,Batik shirt,89.00,LP-1",
  "songket-scarf,Songket scarf,45.00,LP-2",
  "kopiah,Kopiah,15.00,LP-3",
  "bad handle,Bad handle,10.00,LP-4",
].join("\n");

beforeAll(async () => {
  owner = await makeUser();
  shopId = (await makeShop(owner.id)).id;
});

describe("live progress", () => {
  it("a CSV import open in the page goes from waiting to done by server-sent events, without a reload", async () => {
    const page = await chrome.newPage();
    await logInInBrowser(page, owner);
    // Queued with no job: nothing runs it until this test does, as the worker would.
    const [transfer] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.catalogTransfers)
        .values({ shopId, kind: "import", filename: "live.csv", csv: CSV, totalRows: 4, createdBy: owner.id })
        .returning({ id: schema.catalogTransfers.id }),
    );

    // What the page's event stream receives, read from Chromium's network events.
    const events: Array<{ name: string; data: string }> = [];
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    cdp.on("Network.eventSourceMessageReceived", (e) => events.push({ name: e.eventName, data: e.data }));
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));

    await page.goto(`${baseUrl()}/admin/products/transfers/${transfer.id}`);
    await hydrated(page);
    expect(await page.getByTestId("transfer-status").textContent()).toBe("Waiting to start…");
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    // The stream is open and listening: from here on no change is missed.
    await expect.poll(() => events.some((e) => e.name === "ready")).toBe(true);
    const before = navigations.length;

    await runImport({ shopId, transferId: transfer.id });

    await expect.poll(() => page.getByTestId("transfer-status").textContent()).toBe("Done.");
    expect(await page.getByTestId("transfer-message").textContent()).toBe("Imported 3 products; see the problems listed below.");
    expect(await page.getByTestId("error-report").locator("tbody tr").count()).toBe(1);
    // Pushed: change events for this transfer came down the stream; the page is the same document.
    expect(events.filter((e) => e.name === "change").map((e) => JSON.parse(e.data) as { table: string; id: string })).toContainEqual({
      table: "catalog_transfers",
      id: transfer.id,
    });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(navigations.length).toBe(before);
    const [row] = await withShop(shopId, (tx) =>
      tx
        .select({ status: schema.catalogTransfers.status })
        .from(schema.catalogTransfers)
        .where(eq(schema.catalogTransfers.id, transfer.id)),
    );
    expect(row.status).toBe("succeeded");
    expect(chrome.errors).toEqual([]);
  });
});
