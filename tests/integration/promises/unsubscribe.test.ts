import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deliverMessage, queueMessage } from "~/domain/notify/messages.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeShop, makeUser } from "../../helpers/factories";
import { makeCustomerWithHistory } from "../../helpers/privacy";
import { startWeb } from "../../helpers/web";

/**
 * The privacy page's promise: “Withdraw it on your privacy page or reply STOP on WhatsApp: it
 * takes effect at once”, and every email a shop sends its customers carries a one-click
 * unsubscribe link (List-Unsubscribe with List-Unsubscribe-Post, RFC 8058) that withdraws it.
 */
let web: Awaited<ReturnType<typeof startWeb>>;
let shopId: string;
let owner: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  shopId = (await makeShop(owner.id)).id;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

interface SandboxMail {
  subject: string;
  text: string;
  listUnsubscribe?: string;
  listUnsubscribePost?: string;
}
async function inbox(to: string): Promise<SandboxMail[]> {
  const res = await fetch(`${process.env.SANDBOX_URL}/mail/inbox.json?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: SandboxMail[] }).messages;
}

async function send(input: { to: string; purpose: string; userId?: string }) {
  const messageId = await withShop(shopId, (tx) =>
    queueMessage(tx, {
      channel: "email",
      shopId,
      userId: input.userId,
      to: input.to,
      purpose: input.purpose,
      subject: "Kedai Test",
      body: "Hello",
    }),
  );
  return { messageId, outcome: await deliverMessage({ messageId, shopId }) };
}

const customerRow = async (id: string) =>
  (
    await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.customers)
        .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, id))),
    )
  )[0];

describe("promise: “withdraw consent at any time” — the unsubscribe link", () => {
  it("“withdraw consent at any time”: a shop's email carries a signed one-click unsubscribe link; following it withdraws email marketing at once", async () => {
    const customer = await makeCustomerWithHistory(shopId, owner.id, "Unsub");
    expect((await customerRow(customer.id)).marketingConsent).toBe(true);
    const { messageId, outcome } = await send({ to: customer.email, purpose: "order_confirmed" });
    expect(outcome).toBe("sent");
    const [mail] = await inbox(customer.email);
    expect(mail.listUnsubscribePost).toBe("List-Unsubscribe=One-Click");
    const link = mail.listUnsubscribe?.match(/^<(.+)>$/)?.[1];
    expect(link).toContain(`/unsubscribe/${messageId}?t=`);
    expect(mail.text).toContain(link);
    // The address is not in the link; the link is served by this test's web server.
    expect(link).not.toContain(encodeURIComponent(customer.email));
    const url = new URL(link!);
    const here = `${web.url}${url.pathname}${url.search}`;

    // Opening it only asks (mail scanners open links).
    const page = await fetch(here);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Unsubscribe");
    expect((await customerRow(customer.id)).marketingConsent).toBe(true);
    // A forged or altered token does nothing.
    const forged = await fetch(`${web.url}${url.pathname}?t=AAAAAAAAAAAAAAAAAAAAAA`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(forged.status).toBe(404);
    expect((await customerRow(customer.id)).marketingConsent).toBe(true);
    // A malformed message id is a 404, not a 500.
    expect((await fetch(`${web.url}${url.pathname.replace(messageId, "not-a-uuid")}${url.search}`)).status).toBe(404);

    // The mail app's one-click POST: no cookies, no CSRF token, only the signed link.
    const click = await fetch(here, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(click.status).toBe(200);
    expect((await customerRow(customer.id)).marketingConsent).toBe(false);
    const events = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.consentEvents)
        .where(and(eq(schema.consentEvents.shopId, shopId), eq(schema.consentEvents.customerId, customer.id))),
    );
    expect(events.find((e) => e.source === "unsubscribe_link")).toMatchObject({ channel: "email", granted: false });

    // At once: a marketing email to them no longer leaves.
    expect((await send({ to: customer.email, purpose: "marketing_offer" })).outcome).toBe("withheld");
  });

  it("the platform's emails to a merchant and privacy notices carry no unsubscribe link", async () => {
    await send({ to: owner.email, purpose: "order_paid_owner", userId: owner.id });
    const [mail] = await inbox(owner.email);
    expect(mail.listUnsubscribe).toBeUndefined();
    const customer = await makeCustomerWithHistory(shopId, owner.id, "Notice");
    expect((await send({ to: customer.email, purpose: "privacy_export_ready" })).outcome).toBe("sent");
    const [notice] = await inbox(customer.email);
    expect(notice.listUnsubscribe).toBeUndefined();
  });
});
