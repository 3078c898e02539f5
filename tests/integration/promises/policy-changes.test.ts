process.env.TRUST_PROXY = "1";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deliverMessage } from "~/domain/notify/messages.server";
import { POLICY_NOTICE_BATCH_MS, publishPolicyVersion, queuePolicyNotices } from "~/domain/policies/versions.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { emailsTo, latestWhatsApp, signIn } from "../../helpers/auth";
import { sellable } from "../../helpers/checkout";
import { makeOperator } from "../../helpers/dropship";
import { makeShop, makeUser, PASSWORD, unique } from "../../helpers/factories";
import { makeOrder } from "../../helpers/orders";
import { uniquePhone } from "../../helpers/phones";
import { type IsolatedStack, isolatedStack } from "../../helpers/stack";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

// Its own database: the versions this file publishes are platform-wide, and a sign-up in another
// file between showing its form and sending it would be refused (409) for a version it never saw;
// the notices would also go to every account of the shared database.
let stack: IsolatedStack;
let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  stack = await isolatedStack();
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

function client() {
  const c = new FormClient(web.url);
  c.forwardedFor = `192.0.2.${Math.floor(Math.random() * 250)}`;
  return c;
}

const versionRow = async (version: string) =>
  (await asPlatform((tx) => tx.select().from(schema.policyVersions).where(eq(schema.policyVersions.version, version))))[0];

describe("promise: “notice of significant policy changes”", () => {
  it("“we tell you by email and show a notice until you acknowledge it”: an operator publishes a significant version; merchants and customers are emailed once, see a banner, and their acknowledgement is recorded with the version and time", async () => {
    const merchant = await makeUser();
    const shop = await makeShop(merchant.id);
    const customerClient = client();
    const customerEmail = `${unique("policy")}@example.com`;
    await customerClient.get(`/s/${shop.slug}/account/signup`);
    const signup = await customerClient.post(`/s/${shop.slug}/account/signup`, {
      ...customerClient.shownPolicies(),
      name: "Mei Ling",
      email: customerEmail,
      phone: uniquePhone().local,
      password: PASSWORD,
      adult: "on",
    });
    expect(signup.status).toBe(302);
    const merchantClient = client();
    await signIn(merchantClient, merchant);
    await merchantClient.get("/admin");
    expect(merchantClient.lastHtml).not.toContain('data-testid="policy-banner"');

    // The operator publishes (a bad version is refused clearly).
    const operator = await makeOperator();
    const console = client();
    await signIn(console, operator);
    await console.get("/platform/privacy");
    expect(
      (await console.post("/platform/privacy", { intent: "publish-policy", document: "privacy", version: "no spaces!", summary: "x" }))
        .status,
    ).toBe(400);
    expect(htmlDecode(console.lastHtml)).toContain("Enter a version such as 2027-01-15");
    const version = unique("v");
    const summary = `We now keep analytics for 13 months (${version}).`;
    await console.get("/platform/privacy");
    const published = await console.post("/platform/privacy", {
      intent: "publish-policy",
      document: "privacy",
      version,
      summary,
      significant: "on",
    });
    expect(published.status).toBe(200);
    const row = await versionRow(version);
    expect(row).toMatchObject({ significant: true, publishedByUserId: operator.id, noticesQueuedAt: null });
    const [job] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.outbox)
        .where(and(eq(schema.outbox.jobName, "policy-notice"), sql`${schema.outbox.payload}->>'versionId' = ${row.id}`)),
    );
    expect(job).toBeDefined();
    // It waits for more changes to announce with this one (a burst is one message).
    expect(job.availableAt.getTime()).toBeGreaterThanOrEqual(row.publishedAt.getTime() + POLICY_NOTICE_BATCH_MS - 1000);

    // The job (run here: this test runs no workers) queues one email per account holder, once.
    expect(await queuePolicyNotices(row.id)).toBeGreaterThanOrEqual(2);
    expect(await queuePolicyNotices(row.id)).toBe(0);
    const notices = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(
          and(
            eq(schema.messages.purpose, "privacy_policy_changed"),
            sql`${schema.messages.recipient} in (${merchant.email}, ${customerEmail})`,
          ),
        ),
    );
    expect(notices.map((n) => n.recipient).sort()).toEqual([merchant.email, customerEmail].sort());
    const toCustomer = notices.find((n) => n.recipient === customerEmail)!;
    expect(await deliverMessage({ messageId: toCustomer.id, shopId: toCustomer.shopId })).toBe("sent");
    expect((await emailsTo(customerEmail))[0].text).toContain(summary);

    // The merchant's admin shows the banner on every page until they acknowledge it.
    await merchantClient.get("/admin/account/privacy");
    expect(merchantClient.lastHtml).toContain('data-testid="policy-banner"');
    expect(htmlDecode(merchantClient.lastHtml)).toContain(summary);
    expect((await merchantClient.post("/admin/account/policy", { versionId: "nope", redirectTo: "/admin" })).status).toBe(404);
    await merchantClient.get("/admin/account/privacy");
    const ack = await merchantClient.post("/admin/account/policy", { versionId: row.id, redirectTo: "/admin/account/privacy" });
    expect(ack.status).toBe(302);
    expect(ack.headers.get("location")).toBe("/admin/account/privacy");
    await merchantClient.get("/admin");
    expect(merchantClient.lastHtml).not.toContain('data-testid="policy-banner"');
    const [accepted] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.policyAcceptances)
        .where(and(eq(schema.policyAcceptances.userId, merchant.id), eq(schema.policyAcceptances.policyVersionId, row.id))),
    );
    expect(accepted).toBeDefined();
    expect(accepted.acceptedAt.getTime()).toBeGreaterThanOrEqual(row.publishedAt.getTime());

    // The storefront account page shows it to the customer; their acknowledgement is recorded in the shop.
    await customerClient.get(`/s/${shop.slug}/account`);
    expect(customerClient.lastHtml).toContain('data-testid="policy-banner"');
    expect((await customerClient.post(`/s/${shop.slug}/account/privacy`, { intent: "acknowledge-policy", versionId: row.id })).status).toBe(
      302,
    );
    await customerClient.get(`/s/${shop.slug}/account`);
    expect(customerClient.lastHtml).not.toContain('data-testid="policy-banner"');
    const customerAcceptances = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.policyAcceptances)
        .where(and(eq(schema.policyAcceptances.shopId, shop.id), eq(schema.policyAcceptances.policyVersionId, row.id))),
    );
    expect(customerAcceptances).toHaveLength(1);

    // Someone who joins after the change accepted it at sign-up: no banner for them.
    const newcomer = await makeUser();
    const newcomerClient = client();
    await signIn(newcomerClient, newcomer);
    await newcomerClient.get("/admin/account/privacy");
    expect(newcomerClient.lastHtml).not.toContain('data-testid="policy-banner"');

    // The policy page names the version in force, in every language.
    const zh = client();
    await zh.get("/login");
    await zh.post("/locale", { lng: "zh", redirectTo: "/legal/privacy" });
    await zh.get("/legal/privacy");
    expect(htmlDecode(zh.lastHtml)).toContain(`版本 ${version}`);
  });

  it("“we tell you by email or WhatsApp”: an account holder without an email address hears of a significant change on WhatsApp, in the language they shop in", async () => {
    const merchant = await makeUser();
    const shop = await makeShop(merchant.id);
    const { variantId } = await sellable(shop.id, merchant.id, { stock: 5 });
    const buyer = client();
    const phone = uniquePhone();
    const email = `${unique("waonly")}@example.com`;
    await buyer.get(`/s/${shop.slug}/account/signup`);
    expect(
      (
        await buyer.post(`/s/${shop.slug}/account/signup`, {
          ...buyer.shownPolicies(),
          name: "Wei Jie",
          email,
          phone: phone.local,
          password: PASSWORD,
          adult: "on",
        })
      ).status,
    ).toBe(302);
    // The schema allows an account with a WhatsApp number and no email address (customers.email is
    // nullable); such a person is told by WhatsApp. Their newest order was placed in Chinese.
    const [customer] = await withShop(shop.id, (tx) =>
      tx
        .update(schema.customers)
        .set({ email: null })
        .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.email, email)))
        .returning(),
    );
    const order = await makeOrder(shop.id, {
      lines: [{ variantId, quantity: 1 }],
      customerId: customer.id,
      email: null,
      phone: phone.e164,
    });
    await withShop(shop.id, (tx) =>
      tx
        .update(schema.orders)
        .set({ locale: "zh" })
        .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, order.id))),
    );

    const operator = await makeOperator();
    const summary = `Analytics are kept for 13 months (${unique("wa")}).`;
    const published = await publishPolicyVersion(operator.id, { document: "privacy", version: unique("wa"), summary, significant: "on" });
    if (!published.ok) throw new Error(JSON.stringify(published.errors));
    expect(await queuePolicyNotices(published.version.id)).toBeGreaterThanOrEqual(2);
    const [notice] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.purpose, "privacy_policy_changed"), eq(schema.messages.recipient, phone.e164))),
    );
    expect(notice).toMatchObject({ channel: "whatsapp", shopId: shop.id });
    expect(await deliverMessage({ messageId: notice.id, shopId: notice.shopId })).toBe("sent");
    // What the WhatsApp provider (the sandbox) received: the change, in Chinese, with the link.
    const received = await latestWhatsApp(phone.e164);
    expect(received?.message).toContain("我们对隐私政策作出了重大更改");
    expect(received?.message).toContain(summary);
    expect(received?.message).toContain("/legal/privacy");
    // The merchant, who has an email address, is emailed as before.
    const [toMerchant] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(
          and(
            eq(schema.messages.purpose, "privacy_policy_changed"),
            eq(schema.messages.recipient, merchant.email),
            sql`${schema.messages.body} like ${`%${summary}%`}`,
          ),
        ),
    );
    expect(toMerchant.channel).toBe("email");
  });

  it("a minor change is recorded but announces nothing", async () => {
    const operator = await makeOperator();
    const console = client();
    await signIn(console, operator);
    await console.get("/platform/privacy");
    const version = unique("minor");
    expect(
      (await console.post("/platform/privacy", { intent: "publish-policy", document: "terms", version, summary: "Typo fixed." })).status,
    ).toBe(200);
    const row = await versionRow(version);
    expect(row.significant).toBe(false);
    expect(await queuePolicyNotices(row.id)).toBe(0);
  });

  it("a burst of significant changes (the privacy policy and the terms together) is one message per person, not one per change", async () => {
    const merchant = await makeUser();
    const shop = await makeShop(merchant.id);
    const customerClient = client();
    const customerEmail = `${unique("burst")}@example.com`;
    await customerClient.get(`/s/${shop.slug}/account/signup`);
    await customerClient.post(`/s/${shop.slug}/account/signup`, {
      ...customerClient.shownPolicies(),
      name: "Burst Buyer",
      email: customerEmail,
      phone: uniquePhone().local,
      password: PASSWORD,
      adult: "on",
    });
    const operator = await makeOperator();
    const console = client();
    await signIn(console, operator);
    const tag = unique("burst");
    const published = [];
    for (const document of ["privacy", "terms"] as const) {
      await console.get("/platform/privacy");
      const summary = `${document} change ${tag}`;
      expect(
        (
          await console.post("/platform/privacy", {
            intent: "publish-policy",
            document,
            version: `${tag}-${document}`,
            summary,
            significant: "on",
          })
        ).status,
      ).toBe(200);
      published.push({ row: await versionRow(`${tag}-${document}`), summary });
    }
    // The first job to run announces both; the other finds nothing left to announce.
    const queued = await queuePolicyNotices(published[0].row.id);
    expect(queued).toBeGreaterThanOrEqual(2);
    expect(await queuePolicyNotices(published[1].row.id)).toBe(0);
    const sent = (to: string) =>
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.messages)
          .where(
            and(
              eq(schema.messages.purpose, "privacy_policy_changed"),
              eq(schema.messages.recipient, to),
              sql`${schema.messages.body} like ${`%${tag}%`}`,
            ),
          ),
      );
    // The merchant: one message naming both changes.
    const toMerchant = await sent(merchant.email);
    expect(toMerchant).toHaveLength(1);
    expect(toMerchant[0].body).toContain(published[0].summary);
    expect(toMerchant[0].body).toContain(published[1].summary);
    // The storefront customer accepted the privacy policy only: one message, about it.
    const toCustomer = await sent(customerEmail);
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0].body).toContain(published[0].summary);
    expect(toCustomer[0].body).not.toContain(published[1].summary);
  });

  it("sign-up records which versions were accepted and when, and the privacy pages show them (AcceptedPolicy)", async () => {
    const [privacy, terms] = await Promise.all([
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.policyVersions)
          .where(eq(schema.policyVersions.document, "privacy"))
          .orderBy(sql`published_at desc`)
          .limit(1),
      ),
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.policyVersions)
          .where(eq(schema.policyVersions.document, "terms"))
          .orderBy(sql`published_at desc`)
          .limit(1),
      ),
    ]).then(([[p], [t]]) => [p, t]);
    // The merchant's sign-up page names the versions it accepts; signing up records them.
    const visitor = client();
    await visitor.get("/signup");
    const page = htmlDecode(visitor.lastHtml);
    expect(page).toContain('data-testid="accepted-policy"');
    expect(page).toContain(`data-document="privacy" data-version="${privacy.version}"`);
    expect(page).toContain(`data-document="terms" data-version="${terms.version}"`);
    const before = new Date();
    const email = `${unique("accept")}@example.com`;
    const signed = await visitor.post("/signup", {
      ...visitor.shownPolicies(),
      name: "Hana Accepts",
      email,
      phone: uniquePhone().local,
      companyName: "Hana Trading",
      password: PASSWORD,
      adult: "on",
      terms: "on",
    });
    expect(signed.status).toBe(302);
    const [user] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.email, email)));
    expect(user.termsVersion).toBe(terms.version);
    const userAccepted = await asPlatform((tx) =>
      tx.select().from(schema.policyAcceptances).where(eq(schema.policyAcceptances.userId, user.id)),
    );
    expect(userAccepted.map((a) => a.policyVersionId).sort()).toEqual([privacy.id, terms.id].sort());
    for (const a of userAccepted) expect(a.acceptedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    await visitor.get("/admin/account/privacy");
    expect(visitor.lastHtml).toContain(`data-document="privacy" data-version="${privacy.version}"`);

    // A storefront customer accepts the privacy policy in force; their privacy page says which and when.
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const buyer = client();
    await buyer.get(`/s/${shop.slug}/account/signup`);
    expect(htmlDecode(buyer.lastHtml)).toContain(`data-document="privacy" data-version="${privacy.version}"`);
    await buyer.post(`/s/${shop.slug}/account/signup`, {
      ...buyer.shownPolicies(),
      name: "Ahmad Accepts",
      email: `${unique("buyer")}@example.com`,
      password: PASSWORD,
      adult: "on",
    });
    const customerAccepted = await withShop(shop.id, (tx) =>
      tx.select().from(schema.policyAcceptances).where(eq(schema.policyAcceptances.shopId, shop.id)),
    );
    expect(customerAccepted.map((a) => a.policyVersionId)).toEqual([privacy.id]);
    await buyer.get(`/s/${shop.slug}/account/privacy`);
    expect(buyer.lastHtml).toContain(`data-document="privacy" data-version="${privacy.version}"`);
  });

  it("sign-up records the versions its form showed: a version published between showing and submitting is refused (409) and the form shows the new one to accept", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const buyer = client();
    await buyer.get(`/s/${shop.slug}/account/signup`);
    const shownField = () => buyer.lastHtml.match(/name="policyVersions" value="([^"]*)"/)?.[1];
    const shown = shownField();
    expect(shown).toBeDefined();
    const operator = await makeOperator();
    const version = unique("between");
    const published = await publishPolicyVersion(operator.id, { document: "privacy", version, summary: "Changed while you were typing." });
    if (!published.ok) throw new Error(JSON.stringify(published.errors));
    const email = `${unique("late")}@example.com`;
    const form = { name: "Late Lim", email, password: PASSWORD, adult: "on" };
    const refused = await buyer.post(`/s/${shop.slug}/account/signup`, { ...form, policyVersions: shown! });
    expect(refused.status).toBe(409);
    expect(htmlDecode(buyer.lastHtml)).toContain("The privacy policy or terms changed while you were signing up.");
    expect(htmlDecode(buyer.lastHtml)).toContain(`data-document="privacy" data-version="${version}"`);
    expect(await withShop(shop.id, (tx) => tx.select().from(schema.customers).where(eq(schema.customers.email, email)))).toEqual([]);
    // A tampered field is refused the same way, never a 500.
    expect((await buyer.post(`/s/${shop.slug}/account/signup`, { ...form, policyVersions: "nonsense,'" })).status).toBe(409);
    // Submitting the re-shown form accepts the new version.
    const reshown = shownField();
    expect(reshown).toContain(published.version.id);
    expect((await buyer.post(`/s/${shop.slug}/account/signup`, { ...form, policyVersions: reshown! })).status).toBe(302);
    const [customer] = await withShop(shop.id, (tx) => tx.select().from(schema.customers).where(eq(schema.customers.email, email)));
    const accepted = await withShop(shop.id, (tx) =>
      tx.select().from(schema.policyAcceptances).where(eq(schema.policyAcceptances.customerId, customer.id)),
    );
    expect(accepted.map((a) => a.policyVersionId)).toEqual([published.version.id]);

    // The merchant's sign-up likewise, in Malay.
    const visitor = client();
    await visitor.get("/login");
    await visitor.post("/locale", { lng: "ms", redirectTo: "/signup" });
    await visitor.get("/signup");
    const merchantShown = visitor.lastHtml.match(/name="policyVersions" value="([^"]*)"/)![1];
    await publishPolicyVersion(operator.id, { document: "terms", version: unique("terms"), summary: "Changed too." });
    const merchantForm = {
      name: "Lewat Ali",
      email: `${unique("lewat")}@example.com`,
      phone: uniquePhone().local,
      companyName: "Lewat Trading",
      password: PASSWORD,
      adult: "on",
      terms: "on",
      policyVersions: merchantShown,
    };
    expect((await visitor.post("/signup", { ...merchantForm, ...visitor.shownPolicies() })).status).toBe(409);
    expect(htmlDecode(visitor.lastHtml)).toContain("Dasar privasi atau terma berubah semasa anda mendaftar.");
    const again = visitor.lastHtml.match(/name="policyVersions" value="([^"]*)"/)![1];
    expect((await visitor.post("/signup", { ...merchantForm, policyVersions: again })).status).toBe(302);
  });

  it("a sign-up that never said which versions its page showed is refused (400) with a clear message, and nothing is recorded as accepted: the person never saw a version", async () => {
    const unseen =
      "This sign-up did not say which privacy policy and terms you were shown, so it cannot accept them for you. Read the versions shown below and send the form again.";
    // The merchant's sign-up, sent without the hidden field (not from our form, which always has it).
    const visitor = client();
    await visitor.get("/signup");
    const email = `${unique("unseen")}@example.com`;
    const merchantForm = {
      name: "Tiada Lihat",
      email,
      phone: uniquePhone().local,
      companyName: "Tiada Trading",
      password: PASSWORD,
      adult: "on",
      terms: "on",
    };
    expect((await visitor.post("/signup", merchantForm)).status).toBe(400);
    expect(htmlDecode(visitor.lastHtml)).toContain(unseen);
    expect(await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.email, email)))).toEqual([]);
    // The page it answers with carries the field: sending that form signs up.
    expect((await visitor.post("/signup", { ...merchantForm, ...visitor.shownPolicies() })).status).toBe(302);

    // A storefront customer's sign-up likewise.
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const buyer = client();
    await buyer.get(`/s/${shop.slug}/account/signup`);
    const buyerEmail = `${unique("unseen")}@example.com`;
    const form = { name: "Tak Nampak", email: buyerEmail, password: PASSWORD, adult: "on" };
    expect((await buyer.post(`/s/${shop.slug}/account/signup`, form)).status).toBe(400);
    expect(htmlDecode(buyer.lastHtml)).toContain(unseen);
    expect(await withShop(shop.id, (tx) => tx.select().from(schema.customers).where(eq(schema.customers.email, buyerEmail)))).toEqual([]);
    expect(await withShop(shop.id, (tx) => tx.select().from(schema.policyAcceptances))).toEqual([]);
    expect((await buyer.post(`/s/${shop.slug}/account/signup`, { ...form, ...buyer.shownPolicies() })).status).toBe(302);
  });

  it("“we tell you by email or WhatsApp”: a merchant who chose WhatsApp on /admin/account (a verified number) hears of a significant change there; an unverified number cannot be chosen", async () => {
    const merchant = await makeUser();
    const admin = client();
    // Signing in with a WhatsApp code verifies the number.
    await signIn(admin, merchant);
    await admin.get("/admin/account");
    expect(admin.lastHtml).toContain('data-testid="notice-channel"');
    expect((await admin.post("/admin/account", { intent: "notice-channel", channel: "sms" })).status).toBe(400);
    expect(htmlDecode(admin.lastHtml)).toContain("Choose email or WhatsApp.");
    expect((await admin.post("/admin/account", { intent: "notice-channel", channel: "whatsapp" })).status).toBe(200);
    expect(htmlDecode(admin.lastHtml)).toContain("Saved: account notices now go by WhatsApp.");
    const [chosen] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, merchant.id)));
    expect(chosen).toMatchObject({ noticeChannel: "whatsapp" });
    expect(chosen.phoneVerifiedAt).not.toBeNull();

    // A colleague whose number was never confirmed by a code (an authenticator-app user, say) cannot choose WhatsApp.
    const staff = await makeUser();
    const other = client();
    await signIn(other, staff);
    await asPlatform((tx) => tx.update(schema.users).set({ phoneVerifiedAt: null }).where(eq(schema.users.id, staff.id)));
    await other.get("/admin/account");
    expect(htmlDecode(other.lastHtml)).toContain("WhatsApp needs a verified number");
    expect((await other.post("/admin/account", { intent: "notice-channel", channel: "whatsapp" })).status).toBe(400);
    expect(htmlDecode(other.lastHtml)).toContain("Your WhatsApp number is not verified yet");

    const operator = await makeOperator();
    const summary = `Merchants may choose WhatsApp (${unique("ch")}).`;
    const published = await publishPolicyVersion(operator.id, { document: "terms", version: unique("ch"), summary, significant: "on" });
    if (!published.ok) throw new Error(JSON.stringify(published.errors));
    await queuePolicyNotices(published.version.id);
    const toMerchant = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.purpose, "privacy_policy_changed"), eq(schema.messages.userId, merchant.id))),
    );
    expect(toMerchant).toHaveLength(1);
    expect(toMerchant[0]).toMatchObject({ channel: "whatsapp", recipient: merchant.phone });
    expect(await deliverMessage({ messageId: toMerchant[0].id, shopId: null })).toBe("sent");
    // What Wassenger (the sandbox) received.
    const received = await latestWhatsApp(merchant.phone);
    expect(received?.message).toContain(summary);
    expect(received?.message).toContain("/legal/terms");
    // The colleague is emailed.
    const toStaff = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.purpose, "privacy_policy_changed"), eq(schema.messages.userId, staff.id))),
    );
    expect(toStaff.map((m) => [m.channel, m.recipient])).toEqual([["email", staff.email]]);
  });
});
