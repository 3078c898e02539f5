/**
 * An owner whose renewal lapsed pays it: a paid Starter shop's renewal invoice goes unpaid (the
 * billing cycle on an injected clock makes it past due, then suspended after the grace); the owner
 * signs in, presses pay on /admin/billing and pays on NetShop's gateway (the sandbox's hosted
 * page). Before that, a correctly signed callback for the wrong amount and a tampered one pay
 * nothing; afterwards, the gateway's callback replayed is one payment. The shop is back at once:
 * no banner, the admin saves again, the checkout is open, the next period runs from the old end.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { billingCallbackUrl } from "~/domain/billing/gateway.server";
import { DAY_MS } from "~/domain/billing/periods";
import { runBillingCycle } from "~/flows/billing-cycle.server";
import { asPlatform, schema, withShop } from "~db/client";

import { until } from "../helpers/async";
import { billingStack, forgedCallbacks, paidShop, postCallback, signedIn, subscriptionOf } from "../helpers/billing";
import { choose } from "../helpers/merchant-endpoint";
import { htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();

const renewalOf = async (shopId: string) =>
  (
    await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.platformInvoices)
        .where(and(eq(schema.platformInvoices.shopId, shopId), eq(schema.platformInvoices.kind, "renewal"))),
    )
  )[0];
const auditsOf = (shopId: string, action: string) =>
  asPlatform((tx) =>
    tx
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.shopId, shopId), eq(schema.auditLog.action, action))),
  );
const checkoutClosed = async (slug: string) =>
  htmlDecode(await (await fetch(`${stack.web.url}/s/${slug}/checkout`)).text()).includes('data-testid="checkout-closed"');

describe("a lapsed owner pays the renewal on the hosted page", () => {
  for (const lapsed of ["past_due", "suspended"] as const) {
    it(`${lapsed}: refused forgeries, one payment for replayed callbacks, the shop restored at once`, async () => {
      const t0 = new Date(lapsed === "past_due" ? "2026-05-03T03:00:00Z" : "2026-06-05T03:00:00Z");
      const { owner, shop } = await paidShop(t0, "starter");
      // The suspended shop's owner reads NetShop in Malay: the payment-received email is in Malay.
      if (lapsed === "suspended")
        await asPlatform((tx) => tx.update(schema.users).set({ preferredLanguage: "ms" }).where(eq(schema.users.id, owner.id)));
      const end = (await subscriptionOf(shop.id)).currentPeriodEnd!;
      for (const days of lapsed === "past_due" ? [-7, 0, 3] : [-7, 0, 3, 7, 14]) {
        await runBillingCycle({ now: new Date(end.getTime() + days * DAY_MS), shopIds: [shop.id] });
      }
      expect((await subscriptionOf(shop.id)).status).toBe(lapsed);
      const renewal = await renewalOf(shop.id);
      expect(renewal).toMatchObject({ status: "open", totalMinor: 2_900, gatewayReference: null });
      expect(await checkoutClosed(shop.slug)).toBe(lapsed === "suspended");

      // The banner sends the owner to billing, where the open renewal has its pay button.
      const client = await signedIn(stack.web.url, owner);
      await client.get("/admin");
      expect(htmlDecode(client.lastHtml)).toContain(`data-billing="${lapsed}"`);
      await client.get("/admin/billing");
      const billing = htmlDecode(client.lastHtml);
      expect(billing).toContain('data-testid="pay-open"');
      expect(billing).toContain(renewal.number);

      // A double click: one payment started at the gateway, both clicks to its hosted page.
      const csrf = client.csrfToken();
      const clicks = await Promise.all([1, 2].map(() => client.post("/admin/billing", { intent: "pay", invoiceId: renewal.id }, { csrf })));
      expect(clicks.map((r) => r.status)).toEqual([303, 303]);
      const hosted = clicks[0].headers.get("location")!;
      expect(new URL(hosted).origin).toBe(stack.sandbox.url);
      expect(clicks[1].headers.get("location")).toBe(hosted);
      const started = await renewalOf(shop.id);
      expect(started.gatewayReference).toBeTruthy();
      const atGateway = [...stack.sandbox.payseller.payments.values()].filter((p) => p.order_ref === renewal.number);
      expect(atGateway.map((p) => p.amount)).toEqual([2_900]);

      // Forgeries pay nothing: a tampered body is 401, a signed one for RM 1.00 is recorded as a mismatch.
      const url = billingCallbackUrl("payseller", shop.id);
      const { signed, tampered } = forgedCallbacks(started, 100);
      expect((await postCallback(url, tampered)).status).toBe(401);
      expect((await postCallback(url, signed)).status).toBe(200);
      expect((await renewalOf(shop.id)).status).toBe("open");
      expect((await subscriptionOf(shop.id)).status).toBe(lapsed);
      expect(await auditsOf(shop.id, "billing.payment_mismatch")).toHaveLength(1);

      // The owner pays on the hosted page; the browser comes back to the paid invoice.
      const { page, response } = await choose(hosted, "paid");
      expect(page).toContain("RM 29.00");
      const back = response.headers.get("location")!;
      const returned = await client.get(back.slice(stack.web.url.length));
      expect(returned.headers.get("location")).toBe(`/admin/billing?paid=${encodeURIComponent(renewal.number)}`);
      await until(async () => (await subscriptionOf(shop.id)).status === "active");

      // The gateway's own callback, replayed five times at once: still one payment.
      await until(async () => stack.sandbox.payseller.sender.attempts.some((a) => a.url === url && a.result === 200));
      const sent = stack.sandbox.payseller.payments.get(started.gatewayReference!)!.sent[0];
      const replies = await Promise.all(Array.from({ length: 5 }, () => postCallback(url, sent)));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await auditsOf(shop.id, "billing.invoice_paid")).toHaveLength(2); // the plan bought at t0, and this renewal
      expect(await renewalOf(shop.id)).toMatchObject({ status: "paid", gateway: "payseller" });
      const receipts = await withShop(shop.id, (tx) =>
        tx
          .select()
          .from(schema.messages)
          .where(and(eq(schema.messages.shopId, shop.id), eq(schema.messages.purpose, "billing.invoice_paid"))),
      );
      const receipt = receipts.find((m) => m.body.includes(renewal.number))!;
      expect(receipt.subject).toBe(lapsed === "suspended" ? `Bayaran diterima: ${renewal.number}` : `Payment received: ${renewal.number}`);
      expect(receipt.body).toMatch(
        lapsed === "suspended" ? /^Terima kasih\. Kami telah menerima RM\s29\.00/ : /^Thank you\. We received RM\s29\.00/,
      );

      // Restored at once: the next period from the old end, no banner, the admin saves, the checkout is open.
      const restored = await subscriptionOf(shop.id);
      expect(restored).toMatchObject({
        planId: "starter",
        status: "active",
        pastDueSince: null,
        suspendedAt: null,
        suspensionReason: null,
      });
      expect(restored.currentPeriodStart!.getTime()).toBe(end.getTime());
      await client.get("/admin");
      expect(htmlDecode(client.lastHtml)).not.toContain("data-billing=");
      await client.get("/admin/settings/company");
      const saved = await client.post("/admin/settings/company", {
        companyName: "Bayar Semula Sdn Bhd",
        registrationNumber: "",
        companyAddress: "",
      });
      expect(saved.status).toBe(200);
      expect(await checkoutClosed(shop.slug)).toBe(false);
      // The invoice paid cannot be paid again.
      await client.get("/admin/billing");
      const again = await client.post("/admin/billing", { intent: "pay", invoiceId: renewal.id });
      expect(again.status).toBe(409);
    });
  }
});
