/**
 * Live progress by server-sent events: a change to a shop's job row (here a CSV transfer, as the
 * worker writes it) reaches that shop's open stream through PostgreSQL NOTIFY; another shop's
 * stream never sees it; the stream needs a signed-in member.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { schema, withShop } from "~db/client";

import { signedInClient } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { type FormClient, webForFile } from "../helpers/web";

const web = webForFile();

/** An open event stream, read event by event. */
async function openStream(client: FormClient) {
  const abort = new AbortController();
  const res = await fetch(`${web.url}/admin/progress`, { headers: { Cookie: client.cookieHeader() }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    /** The next event (comments skipped). */
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n").filter((l) => !l.startsWith(":"));
          if (lines.length === 0) continue;
          const field = (name: string) =>
            lines
              .find((l) => l.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim() ?? "";
          return { event: field("event") || "message", data: field("data") };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
}

async function member() {
  const user = await makeUser();
  const shop = await makeShop(user.id);
  return { shop, client: await signedInClient(web.url, user) };
}

describe("progress stream (SSE)", () => {
  it("pushes a shop's job changes to its own stream only", async () => {
    const a = await member();
    const b = await member();
    const streamA = await openStream(a.client);
    const streamB = await openStream(b.client);
    // "ready" is sent once the process listens: nothing after it can be missed.
    expect((await streamA.next()).event).toBe("ready");
    expect((await streamB.next()).event).toBe("ready");

    // The worker's writes: a transfer is queued, then makes progress.
    const [transfer] = await withShop(a.shop.id, (tx) =>
      tx.insert(schema.catalogTransfers).values({ shopId: a.shop.id, kind: "export" }).returning(),
    );
    expect(await streamA.next()).toEqual({ event: "change", data: JSON.stringify({ table: "catalog_transfers", id: transfer.id }) });
    await withShop(a.shop.id, (tx) =>
      tx.update(schema.catalogTransfers).set({ status: "running", processedRows: 5 }).where(eq(schema.catalogTransfers.id, transfer.id)),
    );
    expect(await streamA.next()).toEqual({ event: "change", data: JSON.stringify({ table: "catalog_transfers", id: transfer.id }) });

    // B's stream got neither of A's events: the first thing it sees is B's own change, made after them.
    const [own] = await withShop(b.shop.id, (tx) =>
      tx.insert(schema.catalogTransfers).values({ shopId: b.shop.id, kind: "export" }).returning(),
    );
    expect(await streamB.next()).toEqual({ event: "change", data: JSON.stringify({ table: "catalog_transfers", id: own.id }) });
    streamA.close();
    streamB.close();
  });

  it("is refused to anyone not signed in", async () => {
    const res = await fetch(`${web.url}/admin/progress`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});
