import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runBillingCycle } from "~/flows/billing-cycle.server";
import { openShop } from "~/flows/shop-opened.server";
import { rememberLocale } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { emailsTo, latestWhatsApp, signIn } from "../helpers/auth";
import { addMember, makeShop, makeUser, PASSWORD, unique } from "../helpers/factories";
import { uniquePhone } from "../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

function client(): FormClient {
  const c = new FormClient(web.url);
  c.forwardedFor = `192.0.2.${Math.floor(Math.random() * 250)}`;
  return c;
}

/** An owner signed in to a shop opened as the admin does: on the Growth trial (5 staff seats). */
async function ownerWithShop() {
  const owner = await makeUser();
  const opened = await openShop(owner.id, { name: "Kedai Test", slug: unique("shop-") }, { ip: "127.0.0.1", userAgent: "vitest" });
  if (!opened.ok) throw new Error("shop not opened");
  const shop = opened.shop;
  const c = client();
  await signIn(c, owner);
  return { owner, shop, c };
}

const auditOf = (shopId: string, action: string) =>
  asPlatform((tx) =>
    tx
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.shopId, shopId), eq(schema.auditLog.action, action)))
      .orderBy(desc(schema.auditLog.createdAt)),
  );

describe("staff invitations", () => {
  it("hold the plan's staff seats: a full plan refuses the invitation with what to do, in the owner's language", async () => {
    // A shop on Free: one seat, the owner's.
    const owner = await makeUser();
    await makeShop(owner.id);
    const c = client();
    await signIn(c, owner);
    await c.get("/admin/staff");
    const form = { intent: "invite", channel: "email", recipient: `${unique("seat")}@example.com`, role: "staff", permissions: "orders" };
    const refused = await c.post("/admin/staff", form);
    expect(refused.status).toBe(409);
    const html = htmlDecode(c.lastHtml);
    expect(html).toContain("Your Free plan includes 1 staff seats and all are taken.");
    expect(html).toContain('href="/admin/billing"');
    expect(
      (await asPlatform((tx) => tx.select().from(schema.staffInvites).where(eq(schema.staffInvites.recipient, form.recipient)))).length,
    ).toBe(0);
    const lng = (await rememberLocale("ms")).split(";")[0];
    c.setCookie("lng", lng.slice(lng.indexOf("=") + 1));
    await c.post("/admin/staff", form);
    expect(htmlDecode(c.lastHtml)).toContain("tempat kakitangan");

    // On the Growth trial (5 seats): the owner and four open invitations fill it.
    const trial = await ownerWithShop();
    await trial.c.get("/admin/staff");
    for (let i = 0; i < 4; i++) {
      const sent = await trial.c.post("/admin/staff", { ...form, recipient: `${unique("seat")}@example.com` });
      expect(sent.status).toBe(200);
    }
    expect((await trial.c.post("/admin/staff", { ...form, recipient: `${unique("seat")}@example.com` })).status).toBe(409);
    expect(htmlDecode(trial.c.lastHtml)).toContain("Your Growth plan includes 5 staff seats");
  });

  it("by email: a single-use link that only the invited address can accept, with the chosen areas", async () => {
    const { shop, c } = await ownerWithShop();
    const email = `${unique("staff")}@example.com`;
    await c.get("/admin/staff");
    const bad = await c.post("/admin/staff", {
      intent: "invite",
      channel: "email",
      recipient: "not-an-email",
      role: "staff",
      permissions: "orders",
    });
    expect(bad.status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter an email address like name@example.com.");
    expect(c.lastHtml).toContain('value="not-an-email"');
    const sent = await c.post("/admin/staff", {
      intent: "invite",
      channel: "email",
      recipient: email.toUpperCase(),
      role: "staff",
      permissions: "orders",
    });
    expect(sent.status).toBe(200);
    expect(c.lastHtml).toContain("Invitation sent.");

    const [mail] = await emailsTo(email);
    expect(mail.subject).toContain("invited you to Kedai Test on NetShop");
    const link = mail.text.match(/https?:\/\/\S+\/invite\?token=([\w-]+)/)!;
    const token = link[1];
    const [row] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.recipient, email), eq(schema.messages.purpose, "staff_invite"))),
    );
    expect(row.body).toContain("[invitation link]");
    expect(row.body).not.toContain(token);
    expect(row.status).toBe("sent");

    // Someone else's account cannot use the link.
    const stranger = await makeUser();
    const s = client();
    await signIn(s, stranger);
    await s.get(`/invite?token=${token}`);
    expect((await s.post("/invite", { token })).status).toBe(400);
    expect(htmlDecode(s.lastHtml)).toContain(`This invitation was sent to ${email}`);

    // The invited person signs up from the link and joins.
    const invitee = client();
    await invitee.get(`/invite?token=${token}`);
    expect(htmlDecode(invitee.lastHtml)).toContain("invited you to help run");
    const phone = uniquePhone();
    await invitee.get(`/signup?redirectTo=${encodeURIComponent(`/invite?token=${token}`)}&email=${encodeURIComponent(email)}`);
    expect(invitee.lastHtml).toContain(`value="${email}"`);
    const signup = await invitee.post("/signup", {
      ...invitee.shownPolicies(),
      name: "Ravi Kumar",
      email,
      phone: phone.local,
      companyName: "Kedai Test",
      password: PASSWORD,
      adult: "on",
      terms: "on",
      redirectTo: `/invite?token=${token}`,
    });
    expect(signup.headers.get("location")).toBe(`/invite?token=${token}`);
    await invitee.get(`/invite?token=${token}`);
    const joined = await invitee.post("/invite", { token });
    expect(joined.headers.get("location")).toBe("/admin");
    const [membership] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.shopMemberships)
        .innerJoin(schema.users, eq(schema.users.id, schema.shopMemberships.userId))
        .where(and(eq(schema.shopMemberships.shopId, shop.id), eq(schema.users.email, email))),
    );
    expect(membership.shop_memberships).toMatchObject({ role: "staff", permissions: ["orders"] });
    expect((await auditOf(shop.id, "staff.joined")).length).toBe(1);

    // Used once: the link is dead now.
    await invitee.get(`/invite?token=${token}`);
    expect(invitee.lastHtml).toContain("This invitation cannot be used");
    expect(invitee.lastHtml).toContain("It was already accepted.");
  });

  it("by WhatsApp: accepted only by the account of that number; withdrawn invitations stop working", async () => {
    const { shop, c } = await ownerWithShop();
    const invitee = await makeUser();
    await c.get("/admin/staff");
    await c.post("/admin/staff", { intent: "invite", channel: "whatsapp", recipient: invitee.phone, role: "admin" });
    const message = await latestWhatsApp(invitee.phone);
    const token = message!.message!.match(/invite\?token=([\w-]+)/)![1];
    const i = client();
    await signIn(i, invitee);
    await i.get(`/invite?token=${token}`);
    expect((await i.post("/invite", { token })).headers.get("location")).toBe("/admin");
    const [m] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.shopMemberships)
        .where(and(eq(schema.shopMemberships.shopId, shop.id), eq(schema.shopMemberships.userId, invitee.id))),
    );
    expect(m.role).toBe("admin");

    const other = await makeUser();
    await c.get("/admin/staff");
    await c.post("/admin/staff", { intent: "invite", channel: "whatsapp", recipient: other.phone, role: "staff" });
    const second = (await latestWhatsApp(other.phone))!.message!.match(/invite\?token=([\w-]+)/)![1];
    const [invite] = await asPlatform((tx) => tx.select().from(schema.staffInvites).where(eq(schema.staffInvites.recipient, other.phone)));
    await c.get("/admin/staff");
    await c.post("/admin/staff", { intent: "withdraw", inviteId: invite.id });
    const o = client();
    await o.get(`/invite?token=${second}`);
    expect(o.lastHtml).toContain("The shop&#x27;s owner withdrew it.");
  });
});

describe("a staff seat at acceptance", () => {
  it("is checked again: the trial ended (Free, one seat) after the invitation was sent, so accepting is a 409 in the invitee's language and the link stays open", async () => {
    const { shop, c } = await ownerWithShop();
    const invitee = await makeUser();
    await c.get("/admin/staff");
    await c.post("/admin/staff", { intent: "invite", channel: "whatsapp", recipient: invitee.phone, role: "staff", permissions: "orders" });
    const token = (await latestWhatsApp(invitee.phone))!.message!.match(/invite\?token=([\w-]+)/)![1];

    // The trial ends unpaid (the billing cycle at its end): the shop is on Free, whose one seat is the owner's.
    const [sub] = await asPlatform((tx) => tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shop.id)));
    await runBillingCycle({ now: sub.trialEndsAt!, shopIds: [shop.id] });
    const i = client();
    await signIn(i, invitee);
    const lng = (await rememberLocale("ms")).split(";")[0];
    i.setCookie("lng", lng.slice(lng.indexOf("=") + 1));
    await i.get(`/invite?token=${token}`);
    const refused = await i.post("/invite", { token });
    expect(refused.status).toBe(409);
    expect(htmlDecode(i.lastHtml)).toContain(`${shop.name} tiada tempat kakitangan yang kosong: pelan Free kedai ini merangkumi 1 tempat`);
    const members = () =>
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.shopMemberships)
          .where(and(eq(schema.shopMemberships.shopId, shop.id), eq(schema.shopMemberships.userId, invitee.id))),
      );
    expect(await members()).toHaveLength(0);
    const [invite] = await asPlatform((tx) =>
      tx.select().from(schema.staffInvites).where(eq(schema.staffInvites.recipient, invitee.phone)),
    );
    expect(invite).toMatchObject({ acceptedAt: null, revokedAt: null });

    // With a seat again (the owner back on Growth), the same link works.
    await asPlatform((tx) => tx.update(schema.shopPlans).set({ planId: "growth" }).where(eq(schema.shopPlans.shopId, shop.id)));
    await i.get(`/invite?token=${token}`);
    expect((await i.post("/invite", { token })).headers.get("location")).toBe("/admin");
    expect(await members()).toHaveLength(1);
  });
});

describe("freezing, removal and ownership", () => {
  it("freezing ends every session of the member at once; login then says the administrator froze the account", async () => {
    const { shop, c } = await ownerWithShop();
    const staff = await makeUser();
    await addMember(shop.id, staff.id, "staff", ["orders"]);
    const s1 = client();
    const s2 = client();
    await signIn(s1, staff);
    await signIn(s2, staff);
    expect((await s1.get("/admin")).status).toBe(200);

    await c.get(`/admin/staff/${staff.id}`);
    const frozen = await c.post(`/admin/staff/${staff.id}`, { intent: "freeze" });
    expect(frozen.status).toBe(200);
    expect(htmlDecode(c.lastHtml)).toContain("Frozen. 2 session(s) ended.");
    for (const s of [s1, s2]) expect((await s.get("/admin")).headers.get("location")).toMatch(/^\/login/);

    const again = client();
    await again.get("/login");
    const refused = await again.post("/login", { email: staff.email, password: staff.password });
    expect(refused.status).toBe(403);
    expect(htmlDecode(again.lastHtml)).toContain("The shop's administrator froze your account. Ask them to unfreeze it.");
    const [entry] = await auditOf(shop.id, "staff.frozen");
    expect(entry).toMatchObject({ before: { frozen: false }, after: { frozen: true, sessionsEnded: 2 } });

    await c.get(`/admin/staff/${staff.id}`);
    await c.post(`/admin/staff/${staff.id}`, { intent: "unfreeze" });
    await signIn(again, staff);
    expect((await again.get("/admin")).status).toBe(200);
  });

  it("the owner can change roles, remove members and hand over ownership (one owner at all times)", async () => {
    const { owner, shop, c } = await ownerWithShop();
    const a = await makeUser();
    const b = await makeUser();
    await addMember(shop.id, a.id, "staff", ["orders"]);
    await addMember(shop.id, b.id, "staff", []);
    await c.get(`/admin/staff/${a.id}`);
    expect((await c.post(`/admin/staff/${a.id}`, { intent: "role", role: "staff", permissions: "nonsense" })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Choose areas from the list.");
    await c.post(`/admin/staff/${a.id}`, { intent: "role", role: "admin" });
    const [change] = await auditOf(shop.id, "staff.role_changed");
    expect(change).toMatchObject({ before: { role: "staff", permissions: ["orders"] }, after: { role: "admin", permissions: [] } });

    await c.get(`/admin/staff/${b.id}`);
    expect((await c.post(`/admin/staff/${b.id}`, { intent: "remove" })).headers.get("location")).toBe("/admin/staff");

    await c.get(`/admin/staff/${a.id}`);
    expect((await c.post(`/admin/staff/${a.id}`, { intent: "transfer" })).status).toBe(400); // not confirmed
    expect((await c.post(`/admin/staff/${a.id}`, { intent: "transfer", confirm: "on" })).headers.get("location")).toBe("/admin");
    const roles = await asPlatform((tx) =>
      tx
        .select({ userId: schema.shopMemberships.userId, role: schema.shopMemberships.role })
        .from(schema.shopMemberships)
        .where(eq(schema.shopMemberships.shopId, shop.id)),
    );
    expect(roles).toEqual(
      expect.arrayContaining([
        { userId: a.id, role: "owner" },
        { userId: owner.id, role: "admin" },
      ]),
    );
    expect(roles).toHaveLength(2);
    // The former owner no longer manages the team.
    expect((await c.get("/admin/staff")).status).toBe(403);
  });
});

describe("sensitive actions and shop security", () => {
  it("need a login or password check from the last 12 hours", async () => {
    const { owner, c } = await ownerWithShop();
    await asPlatform((tx) =>
      tx
        .update(schema.sessions)
        .set({ authenticatedAt: sql`now() - interval '13 hours'` })
        .where(eq(schema.sessions.userId, owner.id)),
    );
    await c.get("/admin/staff");
    const form = { intent: "invite", channel: "email", recipient: `${unique("x")}@example.com`, role: "staff" };
    const stale = await c.post("/admin/staff", form);
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toBe("/admin/reauth?redirectTo=%2Fadmin%2Fstaff");
    await c.get("/admin/reauth?redirectTo=%2Fadmin%2Fstaff");
    expect((await c.post("/admin/reauth", { password: "not the password!", redirectTo: "/admin/staff" })).status).toBe(400);
    const ok = await c.post("/admin/reauth", { password: owner.password, redirectTo: "/admin/staff" });
    expect(ok.headers.get("location")).toBe("/admin/staff");
    await c.get("/admin/staff");
    expect((await c.post("/admin/staff", form)).status).toBe(200);
  });

  it("requiring 2FA ends password-only sessions of members, and they cannot turn it off", async () => {
    const { shop, c } = await ownerWithShop();
    const staff = await makeUser();
    await addMember(shop.id, staff.id, "staff", []);
    await asPlatform((tx) => tx.update(schema.users).set({ twoFactorMethod: "none" }).where(eq(schema.users.id, staff.id)));
    const s = client();
    const direct = await signIn(s, staff); // no second factor asked
    expect(direct.headers.get("location")).toBe("/admin");

    await c.get("/admin/settings/security");
    await c.post("/admin/settings/security", { requireTwoFactor: "on" });
    expect(htmlDecode(c.lastHtml)).toContain("1 session(s) without it were logged out.");
    expect((await c.get("/admin")).status).toBe(200); // the owner's own session stays
    expect((await s.get("/admin")).headers.get("location")).toMatch(/^\/login/);

    await s.get("/login");
    expect((await s.post("/login", { email: staff.email, password: staff.password })).headers.get("location")).toBe("/login/verify");
    await signIn(s, staff);
    await s.get("/admin/account");
    expect(s.lastHtml).not.toContain('value="turn-off"');
    expect((await s.post("/admin/account", { intent: "turn-off" })).status).toBe(400);
    expect(htmlDecode(s.lastHtml)).toContain("requires two-factor authentication, so it cannot be turned off.");
  });

  it("the owner's audit log shows staff changes and members' logins, with before/after, filterable", async () => {
    const { shop, c } = await ownerWithShop();
    const staff = await makeUser();
    await addMember(shop.id, staff.id, "staff", []);
    const s = client();
    await signIn(s, staff);
    await c.get(`/admin/staff/${staff.id}`);
    await c.post(`/admin/staff/${staff.id}`, { intent: "role", role: "staff", permissions: "reports" });
    await c.get("/admin/audit?category=staff");
    expect(c.lastHtml).toContain('data-action="staff.role_changed"');
    expect(c.lastHtml).not.toContain('data-action="account.login"');
    expect(htmlDecode(c.lastHtml)).toContain('"permissions": [\n    "reports"\n  ]');
    await c.get(`/admin/audit?category=logins&actor=${staff.id}`);
    expect(c.lastHtml).toContain('data-action="account.login"');
    expect(c.lastHtml).not.toContain('data-action="staff.role_changed"');
    // Someone outside the shop does not appear.
    const outsider = await makeUser();
    await signIn(client(), outsider);
    await c.get("/admin/audit?category=logins");
    expect(c.lastHtml).not.toContain(outsider.email);
  });
});
