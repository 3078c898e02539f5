/**
 * Plan-limit refusals reach a merchant in their language (ms, zh) wherever they surface: a new
 * product over the plan's products, a CSV import (the stored row problem, on the import's page and
 * in its problem report), a media upload and a model photo over the plan's storage, AI copy (one
 * product and a bulk run), try-on and video requests and their retries without credits left. Each
 * answer over HTTP carries the billing namespace's `limits` text for the refusal's facts in the
 * page's language and not the English one; the stored row keeps the facts, so an import read
 * later (or in another language) is worded for its reader.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { planLimitMessage } from "~/domain/billing/limit-refusals.server";
import type { PlanLimit } from "~/domain/billing/plans.server";
import { runImport, startImport } from "~/domain/catalog/transfers.server";
import { ingestImage } from "~/domain/media/ingest.server";
import { processMedia } from "~/domain/media/media.server";
import type { Locale } from "~/lib/i18n";
import { localeCookie } from "~/lib/i18n.server";
import { asPlatform, schema, withShop } from "~db/client";

import { billingStack, signedIn, trialShop } from "../helpers/billing";
import { makePng, makeProduct } from "../helpers/catalog";
import { englishLeft } from "../helpers/english";
import { unique } from "../helpers/factories";
import { type FormClient, htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();

/** Words a translation may share with the English text: the plan's name, and Malay's own "media" and "video". */
const SHARED = ["Mini", "AI", "media", "video"];

/** A plan with room for one product, 1,000 bytes of media and no AI credits. */
const MINI = { name: "Mini", productLimit: 1, storageLimitBytes: 1000 };

async function inLanguage(client: FormClient, locale: Locale) {
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return client;
}

/** `text` words the refusal in `locale`, and not in English. */
function expectWorded(text: string, locale: Locale, limit: PlanLimit) {
  const wanted = planLimitMessage(locale, limit);
  const english = planLimitMessage("en", limit);
  expect(wanted, `${locale} ${limit.limit}`).not.toBe(english);
  expect(englishLeft(wanted, english, SHARED), `${locale} ${limit.limit}: English left in the translation`).toEqual([]);
  const shown = htmlDecode(text);
  expect(shown, `${locale} ${limit.limit}`).toContain(wanted);
  expect(shown).not.toContain(english);
}

/**
 * A trial shop with one product that has a ready image and a model photo (made while the trial's
 * limits allowed them), then moved to the Mini plan: full for products and storage, no AI credits.
 */
async function fullShop() {
  const { owner, shop } = await trialShop();
  const { productId } = await makeProduct(shop.id, owner.id, { title: "Batik shirt" });
  const { addImageFromBuffer } = await import("~/domain/media/media.server");
  const imageId = await addImageFromBuffer(shop.id, productId, {
    body: await makePng(600, 600),
    contentType: "image/png",
    filename: "batik.png",
    alt: "",
  });
  // The media job's own step, run here (this file runs no workers).
  await processMedia({ shopId: shop.id, mediaId: imageId });
  const { uploadModelPhoto } = await import("~/domain/ai/model-photos.server");
  const photo = await uploadModelPhoto(
    shop.id,
    owner.id,
    new File([new Uint8Array(await makePng(600, 800))], "model.png", { type: "image/png" }),
  );
  if (!photo.ok) throw new Error(JSON.stringify(photo.errors));
  const planId = unique("mini");
  await asPlatform(async (tx) => {
    await tx.insert(schema.plans).values({ id: planId, ...MINI });
    await tx.update(schema.shopPlans).set({ planId }).where(eq(schema.shopPlans.shopId, shop.id));
  });
  const used = await withShop(shop.id, async (tx) => {
    const rows = await tx.select({ stored: schema.media.storedBytes }).from(schema.media);
    return rows.reduce((n, r) => n + Number(r.stored ?? 0), 0);
  });
  return { owner, shop, productId, imageId, modelPhotoId: photo.id, used };
}

/** A failed job of `kind` on the product, as a retry finds it. */
async function failedJob(shopId: string, productId: string, kind: "tryon" | "video" | "copy", credits: number) {
  const [job] = await withShop(shopId, (tx) =>
    tx
      .insert(schema.aiJobs)
      .values({ shopId, kind, productId, provider: kind === "copy" ? "openai" : "kling", model: "m", input: {}, credits, status: "failed" })
      .returning({ id: schema.aiJobs.id }),
  );
  return job.id;
}

describe.each(["ms", "zh"] as const)("plan-limit refusals in %s", (locale) => {
  let s: Awaited<ReturnType<typeof fullShop>>;
  let client: FormClient;
  beforeAll(async () => {
    s = await fullShop();
    client = await inLanguage(await signedIn(stack.web.url, s.owner), locale);
  });

  it("a new product over the plan's products", async () => {
    await client.get("/admin/products/new");
    const res = await client.post("/admin/products/new", {
      intent: "save",
      title: "Songket",
      optionsBefore: "[]",
      "variants.0.price": "10.00",
    });
    expect(res.status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "products", plan: "Mini", allowed: 1, count: 1 });
  });

  it("a CSV import's row problem, on the import's page and in its report, in the reader's language", async () => {
    const csv = "Handle,Title,Variant Price\nsongket-shawl,Songket shawl,89.00\n";
    const started = await startImport(s.shop.id, s.owner.id, { name: "more.csv", text: csv }, { ip: "127.0.0.1", userAgent: "vitest" });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    // The catalog-csv job's own step, run here.
    await runImport({ shopId: s.shop.id, transferId: started.id });
    const facts: PlanLimit = { limit: "products", plan: "Mini", allowed: 1, count: 1 };
    expect((await client.get(`/admin/products/transfers/${started.id}`)).status).toBe(200);
    expectWorded(client.lastHtml, locale, facts);
    const report = await client.get(`/admin/products/transfers/${started.id}/csv?report=errors`);
    expect(report.status).toBe(200);
    expectWorded(client.lastHtml, locale, facts);
    // Stored with its facts: the same row reads in English for an English reader.
    const english = await inLanguage(await signedIn(stack.web.url, s.owner), "en");
    await english.get(`/admin/products/transfers/${started.id}`);
    expect(htmlDecode(english.lastHtml)).toContain(planLimitMessage("en", facts));
  });

  it("a media upload and a model photo over the plan's storage", async () => {
    await client.get(`/admin/products/${s.productId}`);
    const res = await client.post(`/admin/products/${s.productId}/media`, {
      intent: "request-upload",
      filename: "big.png",
      contentType: "image/png",
      size: "5000",
    });
    expect(res.status).toBe(403);
    const { error } = JSON.parse(client.lastHtml) as { error: string };
    expectWorded(error, locale, { limit: "storage", plan: "Mini", allowed: 1000, used: s.used, adding: 5000 });

    await client.get(`/admin/products/${s.productId}/studio`);
    const photo = await makePng(400, 400);
    const form = new FormData();
    form.set("_csrf", client.csrfToken());
    form.set("intent", "upload-model-photo");
    form.set("photo", new File([new Uint8Array(photo)], "model2.png", { type: "image/png" }));
    const upload = await fetch(`${stack.web.url}/admin/products/${s.productId}/studio`, {
      method: "POST",
      headers: { Cookie: client.cookieHeader(), Origin: stack.web.url, "X-Forwarded-For": client.forwardedFor! },
      body: form,
      redirect: "manual",
    });
    expect(upload.status).toBe(400);
    // Measured as stored: the photo re-encoded, as the upload does.
    const checked = await ingestImage(photo, { claimed: "image/png", name: "model2.png" });
    if (!checked.ok) throw new Error(checked.message);
    expectWorded(await upload.text(), locale, {
      limit: "storage",
      plan: "Mini",
      allowed: 1000,
      used: s.used,
      adding: checked.body.length,
    });
  });

  it("AI copy, try-on and video requests and retries without credits", async () => {
    const copyPage = `/admin/products/${s.productId}/copy`;
    await client.get(copyPage);
    expect((await client.post(copyPage, { intent: "generate", tone: "friendly", languages: ["en", "ms"] })).status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "credits", plan: "Mini", kind: "copy", allowance: 0, left: 0, held: 0, needs: 2 });

    await client.get("/admin/ai");
    expect((await client.post("/admin/ai", { ids: [s.productId], tone: "friendly", languages: ["en"], chosen: "1" })).status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "credits", plan: "Mini", kind: "copy", allowance: 0, left: 0, held: 0, needs: 1 });

    const copyJob = await failedJob(s.shop.id, s.productId, "copy", 1);
    expect((await client.post("/admin/ai", { intent: "retry", jobId: copyJob })).status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "credits", plan: "Mini", kind: "copy", allowance: 0, left: 0, held: 0, needs: 1 });

    const studio = `/admin/products/${s.productId}/studio`;
    await client.get(studio);
    const tryon = await client.post(studio, { intent: "tryon", modelPhotoId: s.modelPhotoId, garmentMediaId: s.imageId });
    expect(tryon.status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "credits", plan: "Mini", kind: "tryon", allowance: 0, left: 0, held: 0, needs: 1 });

    const video = await client.post(studio, { intent: "video", mediaId: s.imageId, prompt: "Turn slowly", duration: "5", mode: "std" });
    expect(video.status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "credits", plan: "Mini", kind: "video", allowance: 0, left: 0, held: 0, needs: 1 });

    const videoJob = await failedJob(s.shop.id, s.productId, "video", 2);
    expect((await client.post(studio, { intent: "retry", jobId: videoJob })).status).toBe(400);
    expectWorded(client.lastHtml, locale, { limit: "credits", plan: "Mini", kind: "video", allowance: 0, left: 0, held: 0, needs: 2 });
  });
});
