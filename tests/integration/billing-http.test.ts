/**
 * Billing end to end over HTTP: the owner's /admin/billing page, an upgrade paid on NetShop's
 * gateway (the sandbox stand-in, a private one whose callbacks reach this file's web server),
 * the signed callback (duplicate, tampered, wrong amount), the invoice as HTML and PDF, and the
 * gapless platform numbering.
 */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { billingCallbackUrl } from "~/domain/billing/gateway.server";
import { failedPayments } from "~/domain/billing/operators.server";
import { asPlatform, schema, withShop } from "~db/client";

import { until } from "../helpers/async";
import { billingStack, forgedCallbacks, postCallback, signedIn, trialShop } from "../helpers/billing";
import { addMember, makeUser } from "../helpers/factories";
import { choose } from "../helpers/merchant-endpoint";
import { htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();

async function trialShopSignedIn() {
  const { owner, shop } = await trialShop();
  return { owner, shop, client: await signedIn(stack.web.url, owner) };
}

async function subscription(shopId: string) {
  return withShop(shopId, async (tx) => (await tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId)))[0]);
}
async function invoices(shopId: string) {
  return withShop(shopId, (tx) => tx.select().from(schema.platformInvoices).where(eq(schema.platformInvoices.shopId, shopId)));
}

describe("/admin/billing", () => {
  it("a new shop is on a 14-day Growth trial; the owner upgrades to Growth yearly and pays on the gateway's hosted page", async () => {
    const { owner, shop, client } = await trialShopSignedIn();
    const sub = await subscription(shop.id);
    expect(sub).toMatchObject({ planId: "growth", status: "trialing", interval: "month" });
    expect((sub.trialEndsAt!.getTime() - sub.currentPeriodStart!.getTime()) / 86_400_000).toBe(14);

    const page = await client.get("/admin/billing");
    expect(page.status).toBe(200);
    const html = htmlDecode(client.lastHtml);
    expect(html).toContain('data-status="trialing"');
    for (const plan of ["free", "starter", "growth", "pro"]) expect(html).toContain(`data-plan-row="${plan}"`);
    expect(html).toMatch(/RM\s?490\.00 \/ year/);

    // A double click: two posts, one invoice, one payment at the gateway.
    const csrf = client.csrfToken();
    const [first, second] = await Promise.all(
      [1, 2].map(() => client.post("/admin/billing", { intent: "change", planId: "growth", interval: "year" }, { csrf })),
    );
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    const hosted = first.headers.get("location")!;
    expect(new URL(hosted).origin).toBe(stack.sandbox.url);
    expect(second.headers.get("location")).toBe(hosted);
    const issued = await invoices(shop.id);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      kind: "change",
      status: "open",
      planId: "growth",
      interval: "year",
      totalMinor: 49_000,
      sstMinor: 0,
    });
    expect(issued[0].number).toMatch(/^NSB-\d{4}-\d{6}$/);
    expect(issued[0].billTo).toMatchObject({ name: "Kedai Billing", email: owner.email });

    const { page: hostedPage, response } = await choose(hosted, "paid");
    expect(hostedPage).toContain("RM 490.00");
    const back = response.headers.get("location")!;
    expect(back.startsWith(`${stack.web.url}/admin/billing/invoices/${issued[0].id}/return`)).toBe(true);
    const returned = await client.get(back.slice(stack.web.url.length));
    expect(returned.status).toBe(302);
    expect(returned.headers.get("location")).toBe(`/admin/billing?paid=${encodeURIComponent(issued[0].number)}`);

    await until(async () =>
      stack.sandbox.payseller.sender.attempts.some((a) => a.url === billingCallbackUrl("payseller", shop.id) && a.result === 200),
    );
    const after = await subscription(shop.id);
    expect(after).toMatchObject({ planId: "growth", status: "active", interval: "year" });
    expect(after.currentPeriodEnd!.getTime()).toBeGreaterThan(after.currentPeriodStart!.getTime() + 364 * 86_400_000);
    const [paid] = await invoices(shop.id);
    expect(paid).toMatchObject({ status: "paid", gateway: "payseller" });

    // The page shows it; the invoice is there as HTML and as PDF.
    await client.get(`/admin/billing?paid=${paid.number}`);
    expect(htmlDecode(client.lastHtml)).toContain('data-status="active"');
    const doc = await client.get(`/admin/billing/invoices/${paid.id}`);
    expect(doc.headers.get("content-type")).toContain("text/html");
    expect(client.lastHtml).toContain(paid.number);
    expect(client.lastHtml).toContain("Kedai Billing");
    expect(client.lastHtml).toContain('data-status="paid"');
    const pdf = await fetch(`${stack.web.url}/admin/billing/invoices/${paid.id}?format=pdf`, {
      headers: { Cookie: client.cookieHeader() },
    });
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    // Duplicate and replayed callbacks change nothing; one audit entry for the payment.
    const sent = stack.sandbox.payseller.payments.get(paid.gatewayReference!)!.sent[0];
    const replies = await Promise.all(Array.from({ length: 5 }, () => postCallback(billingCallbackUrl("payseller", shop.id), sent)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const audits = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.shopId, shop.id), eq(schema.auditLog.action, "billing.invoice_paid"))),
    );
    expect(audits).toHaveLength(1);
  });

  it("refuses a tampered callback (401) and a wrong amount (recorded, nothing paid)", async () => {
    const { shop, client } = await trialShopSignedIn();
    await client.get("/admin/billing");
    const res = await client.post("/admin/billing", { intent: "change", planId: "starter", interval: "month" });
    expect(res.status).toBe(303);
    const [invoice] = await invoices(shop.id);
    expect(invoice.totalMinor).toBe(2_900);
    const url = billingCallbackUrl("payseller", shop.id);
    const { signed, tampered } = forgedCallbacks(invoice, 100);
    expect((await postCallback(url, tampered)).status).toBe(401);
    expect((await postCallback(url, "nonsense")).status).toBeGreaterThanOrEqual(400);
    expect((await postCallback(url, signed)).status).toBe(200);
    expect((await invoices(shop.id))[0].status).toBe("open");
    expect((await subscription(shop.id)).status).toBe("trialing");
    const mismatch = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.shopId, shop.id), eq(schema.auditLog.action, "billing.payment_mismatch"))),
    );
    expect(mismatch).toHaveLength(1);
    // The operators' list of failed payments has it, with what did not match.
    const failures = await failedPayments();
    expect(failures.filter((f) => f.shopId === shop.id)).toEqual([
      expect.objectContaining({ kind: "mismatch", number: (await invoices(shop.id))[0].number, field: expect.any(String) }),
    ]);
    // Unknown shops and gateways are 404, GET is 405.
    expect((await postCallback(`${stack.web.url}/webhooks/billing/payseller/not-a-shop`, signed)).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
  });

  it("is the owner's only: staff with every area and admins are refused", async () => {
    const { shop } = await trialShopSignedIn();
    const admin = await makeUser();
    await addMember(shop.id, admin.id, "admin");
    const client = await signedIn(stack.web.url, admin);
    const res = await client.get("/admin/billing");
    expect(res.status).toBe(403);
  });

  it("numbers platform invoices gaplessly across shops", async () => {
    const a = await trialShopSignedIn();
    const b = await trialShopSignedIn();
    for (const s of [a, b]) {
      await s.client.get("/admin/billing");
      expect((await s.client.post("/admin/billing", { intent: "change", planId: "pro", interval: "month" })).status).toBe(303);
    }
    const all = await asPlatform((tx) =>
      tx
        .select({ number: schema.platformInvoices.number })
        .from(schema.platformInvoices)
        .orderBy(sql`${schema.platformInvoices.number}`),
    );
    const seq = all.map((r) => Number(r.number.slice(-6)));
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, i) => seq[0] + i));
  });
});
