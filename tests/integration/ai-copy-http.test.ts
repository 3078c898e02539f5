/**
 * The AI copy and AI studio routes over HTTP: the merchant's own flow (queue, review, apply,
 * restore, retry, cancel, settings) and shop B's attempts on shop A's jobs, drafts, versions and
 * batches, which must all find nothing. The copy is written by running the processor in-process
 * against the run's sandbox (this file shares the database, so it runs no queue workers).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runCopyJob } from "~/domain/ai/copy-processor.server";
import { productCopyPage } from "~/domain/ai/copy-review.server";
import { getProduct } from "~/domain/catalog/products.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

type Person = { id: string; email: string; password: string; phone: string };
let web: Awaited<ReturnType<typeof startWeb>>;
const a = {} as {
  user: Person;
  shop: { id: string };
  product: string;
  job: string;
  draft: string;
  failed: string;
  batch: string;
  version: string;
};
const b = {} as { user: Person; shop: { id: string }; product: string };

async function signedIn(user: Person) {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
  return client;
}

beforeAll(async () => {
  web = await startWeb();
  a.user = await makeUser();
  a.shop = await makeShop(a.user.id);
  a.product = (
    await makeProduct(a.shop.id, a.user.id, { title: "Shop A's Songket", status: "active", extra: { descriptionMd: "A's own words." } })
  ).productId;
  b.user = await makeUser();
  b.shop = await makeShop(b.user.id);
  b.product = (await makeProduct(b.shop.id, b.user.id, { title: "Shop B's Kaya" })).productId;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

const jobsOf = (shopId: string) => withShop(shopId, (tx) => tx.select().from(schema.aiJobs));

describe("a merchant's own AI copy over HTTP", () => {
  it("queues copy, reviews the draft, applies a field, restores, retries and cancels", async () => {
    const client = await signedIn(a.user);
    await client.get(`/admin/products/${a.product}/copy`);
    expect(client.lastHtml).toContain("Sandbox: no OpenAI key configured");
    // A field error keeps what was typed.
    let res = await client.post(`/admin/products/${a.product}/copy`, {
      intent: "generate",
      tone: "luxury",
      notes: "Gold thread from Terengganu.",
    });
    expect(res.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("Choose at least one language.");
    expect(htmlDecode(client.lastHtml)).toContain("Gold thread from Terengganu.");

    res = await client.post(`/admin/products/${a.product}/copy`, {
      intent: "generate",
      tone: "luxury",
      notes: "Gold thread from Terengganu.",
      languages: ["en", "zh"],
    });
    expect(res.status).toBe(302);
    const [job] = await jobsOf(a.shop.id);
    expect(job).toMatchObject({
      status: "queued",
      kind: "copy",
      provider: "openai",
      credits: 2,
      input: { tone: "luxury", languages: ["en", "zh"], notes: "Gold thread from Terengganu." },
    });
    a.job = job.id;
    await client.get(`/admin/products/${a.product}/copy`);
    expect(client.lastHtml).toContain('data-status="queued"');

    expect(await runCopyJob({ shopId: a.shop.id, jobId: a.job })).toBe("done");
    expect(await runCopyJob({ shopId: a.shop.id, jobId: a.job })).toBe("skipped"); // a second delivery does nothing
    await client.get(`/admin/products/${a.product}/copy`);
    const page = htmlDecode(client.lastHtml);
    expect(page).toContain('data-testid="copy-review"');
    expect(page).toContain("Indulge in the Shop A's Songket");
    // Copy from the sandbox says so beside the result, and never claims a real model wrote it.
    expect(page).toContain('data-testid="sandbox-copy"');
    expect(page).toContain("Written by NetShop's sandbox (standing in for OpenAI)");
    a.draft = (await productCopyPage(a.shop.id, a.product))!.drafts[0].id;

    res = await client.post(`/admin/products/${a.product}/copy`, {
      intent: "apply",
      draftId: a.draft,
      language: "en",
      field: "description",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/admin/products/${a.product}/copy?applied=en.description&draft=${a.draft}`);
    const product = (await getProduct(a.shop.id, a.product))!.product;
    expect(product.descriptionHtml).toContain("Indulge in the Shop A");
    expect(product.descriptionHtml).toContain("Gold thread from Terengganu.");
    a.version = (await productCopyPage(a.shop.id, a.product))!.versions[0].id;

    // The AI studio lists the job with its cost; a failed job has a Retry button that queues it again.
    const [failed] = await withShop(a.shop.id, (tx) =>
      tx
        .insert(schema.aiJobs)
        .values({
          shopId: a.shop.id,
          kind: "copy",
          provider: "openai",
          productId: a.product,
          status: "failed",
          error: "OpenAI declined to write copy for this product.",
          input: { tone: "friendly", languages: ["en"] },
        })
        .returning(),
    );
    a.failed = failed.id;
    await client.get("/admin/ai");
    const studio = htmlDecode(client.lastHtml);
    expect(studio).toContain("OpenAI declined to write copy for this product.");
    expect(studio).toMatch(/credits charged: 2/);
    expect(studio).toContain("2 used, 0 held by jobs in progress, 48 of 50 left");

    // Bulk from the product list's selection (the list's own form posts to the studio).
    await client.get("/admin/products");
    res = await client.post("/admin/ai", { intent: "bulk-copy", ids: a.product, bulk: "" });
    expect(res.status).toBe(302);
    a.batch = res.headers.get("location")!.split("/").pop()!;
    await client.get("/admin/ai");
    expect(htmlDecode(client.lastHtml)).toContain("0 of 1 finished, 0 failed");
    await client.get(`/admin/ai/batches/${a.batch}`);
    expect(htmlDecode(client.lastHtml)).toContain("Bulk copy for 1 products");
    expect(htmlDecode(client.lastHtml)).toContain("Shop A's Songket");
  });

  it("saves the shop's AI settings with field errors next to the fields", async () => {
    const client = await signedIn(a.user);
    await client.get("/admin/settings/ai");
    let res = await client.post("/admin/settings/ai", { provider: "mistral", tone: "friendly", model: "x" });
    expect(res.status).toBe(400);
    expect(client.lastHtml).toContain("Choose OpenAI or Anthropic.");
    expect(client.lastHtml).toContain("Choose at least one language.");
    res = await client.post("/admin/settings/ai", {
      provider: "anthropic",
      tone: "professional",
      model: "claude-sonnet-4-5",
      languages: "ms",
    });
    expect(res.status).toBe(200);
    const [settings] = await withShop(a.shop.id, (tx) => tx.select().from(schema.aiSettings));
    expect(settings).toMatchObject({
      copyProvider: "anthropic",
      copyModel: "claude-sonnet-4-5",
      defaultTone: "professional",
      defaultLanguages: ["ms"],
    });
  });
});

describe("cross-tenant attempts on AI routes", () => {
  it("shop B gets 404 (or nothing) for shop A's product copy, drafts, versions, jobs and batches, and shop A is unchanged", async () => {
    const state = async () => ({
      jobs: (await jobsOf(a.shop.id)).map((j) => [j.id, j.status]).sort(),
      product: (await getProduct(a.shop.id, a.product))!.product.descriptionMd,
      page: await productCopyPage(a.shop.id, a.product),
    });
    const before = await state();
    const client = await signedIn(b.user);
    await client.get("/admin/ai");
    expect(htmlDecode(client.lastHtml)).not.toContain("Shop A's Songket");
    expect(htmlDecode(client.lastHtml)).not.toContain("OpenAI declined");
    const csrf = client.csrfToken();
    const post = (path: string, fields: Record<string, string>) => client.post(path, fields, { csrf });
    const attempts: Array<[string, () => Promise<Response>]> = [
      ["read A's copy page", () => client.get(`/admin/products/${a.product}/copy`)],
      [
        "queue copy for A's product",
        () => post(`/admin/products/${a.product}/copy`, { intent: "generate", tone: "friendly", languages: "en" }),
      ],
      [
        "apply A's draft",
        () => post(`/admin/products/${a.product}/copy`, { intent: "apply", draftId: a.draft, language: "en", field: "title" }),
      ],
      [
        "apply A's draft to B's product",
        () => post(`/admin/products/${b.product}/copy`, { intent: "apply", draftId: a.draft, language: "en", field: "description" }),
      ],
      ["restore A's version", () => post(`/admin/products/${a.product}/copy`, { intent: "restore", versionId: a.version })],
      ["restore A's version on B's product", () => post(`/admin/products/${b.product}/copy`, { intent: "restore", versionId: a.version })],
      ["retry A's job", () => post("/admin/ai", { intent: "retry", jobId: a.failed })],
      ["cancel A's batch", () => post("/admin/ai", { intent: "cancel", batchId: a.batch })],
      ["read A's batch", () => client.get(`/admin/ai/batches/${a.batch}`)],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect({ what, status: res.status }).toEqual({ what, status: 404 });
    }
    const bulk = await post("/admin/ai", { intent: "bulk-copy", ids: a.product });
    expect(bulk.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("None of the selected products exists any more.");
    expect(await jobsOf(b.shop.id)).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it("the same requests work in shop A itself (so the 404s above are isolation)", async () => {
    const client = await signedIn(a.user);
    await client.get(`/admin/products/${a.product}/copy`);
    const csrf = client.csrfToken();
    expect((await client.post(`/admin/products/${a.product}/copy`, { intent: "restore", versionId: a.version }, { csrf })).status).toBe(
      302,
    );
    expect((await getProduct(a.shop.id, a.product))!.product.descriptionMd).toBe("A's own words.");
    expect((await client.post("/admin/ai", { intent: "retry", jobId: a.failed }, { csrf })).status).toBe(302);
    expect((await jobsOf(a.shop.id)).find((j) => j.id === a.failed)?.status).toBe("queued");
    const cancel = await client.post("/admin/ai", { intent: "cancel", batchId: a.batch }, { csrf });
    expect(cancel.headers.get("location")).toBe(`/admin/ai/batches/${a.batch}?cancelled=1`);
    const [batch] = await withShop(a.shop.id, (tx) => tx.select().from(schema.aiBatches).where(eq(schema.aiBatches.id, a.batch)));
    expect(batch).toMatchObject({ status: "cancelled" });
    expect(batch.finishedAt).not.toBeNull();
    await client.get("/admin/ai");
    expect(htmlDecode(client.lastHtml)).toContain("1 of 1 finished, 0 failed");
  });
});
