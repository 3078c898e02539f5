/**
 * A shop's staff: members, invitations (sent by email or WhatsApp, accepted once), roles, freezing,
 * removal, owner transfer and the shop's two-factor requirement; every change audited.
 *
 * Over ~400 lines because invitations and members share the roles, the owner's rules and the
 * audit of each change; the invitations could move out next.
 */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { TFunction } from "i18next";
import { z } from "zod";

import { publicUrl } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { seatTaken } from "~/domain/billing/plans.server";
import { noticesT, shopLanguage } from "~/domain/notify/language.server";
import { type SecretSendResult, sendSecretEmail, sendSecretWhatsApp } from "~/domain/notify/messages.server";
import { type Coded, coded, type CodedErrors, codedFieldErrors, type Refusal, refuse as refuseText } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { codedText } from "~/lib/i18n.server";
import { normalisePhone } from "~/lib/phone";
import { randomToken, sha256 } from "~/lib/secrets.server";
import { asPlatform, pgConstraint, schema, type Tx, withShop } from "~db/client";

import type { ShopAdminAccess } from "./access.server";
import { AREAS, type Role } from "./permissions";
import { revokeAllSessions } from "./sessions.server";
import { authT } from "./wording.server";

/**
 * A shop's team: members with a role (owner, admin, staff) and, for staff, the areas they may
 * open; invitations by email or WhatsApp (single-use links, 7 days); freezing, removal and
 * ownership transfer. Only the owner manages the team (the routes declare "owner"; every
 * function here checks it again). Every change is audited with its before and after.
 */

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export interface Actor {
  userId: string;
  name: string;
  shopId: string;
  shopName: string;
  role: Role;
}

export function actorOf(access: ShopAdminAccess): Actor {
  return { userId: access.user.id, name: access.user.name, shopId: access.shop.shopId, shopName: access.shop.name, role: access.shop.role };
}

/** A refusal worded by the page: a key of the team namespace's `problems` (`team:problems.<code>`). */
type StaffRefusal = { ok: false; errors: CodedErrors };
type Outcome = { ok: true } | StaffRefusal;
const problem = (code: string, values?: Record<string, string | number>): Coded => coded(`team:problems.${code}`, values);
const refuse = (code: string, field = "form"): StaffRefusal => ({ ok: false, errors: { [field]: problem(code) } });
const notOwner = refuse("notOwner");

export interface Member {
  userId: string;
  name: string;
  email: string;
  phone: string;
  role: Role;
  permissions: string[];
  frozen: boolean;
  joinedAt: Date;
}

export async function listMembers(shopId: string): Promise<Member[]> {
  const rows = await withShop(shopId, (tx) =>
    tx
      .select({
        userId: schema.users.id,
        name: schema.users.name,
        email: schema.users.email,
        phone: schema.users.phone,
        role: schema.shopMemberships.role,
        permissions: schema.shopMemberships.permissions,
        frozenAt: schema.shopMemberships.frozenAt,
        joinedAt: schema.shopMemberships.createdAt,
      })
      .from(schema.shopMemberships)
      .innerJoin(schema.users, eq(schema.users.id, schema.shopMemberships.userId))
      .orderBy(sql`case ${schema.shopMemberships.role} when 'owner' then 0 when 'admin' then 1 else 2 end`, asc(schema.users.name)),
  );
  return rows.map(({ frozenAt, ...m }) => ({ ...m, frozen: frozenAt !== null }));
}

export async function getMember(shopId: string, userId: string): Promise<Member | undefined> {
  return (await listMembers(shopId)).find((m) => m.userId === userId);
}

export async function listPendingInvites(shopId: string) {
  return withShop(shopId, (tx) =>
    tx
      .select({
        id: schema.staffInvites.id,
        channel: schema.staffInvites.channel,
        recipient: schema.staffInvites.recipient,
        role: schema.staffInvites.role,
        permissions: schema.staffInvites.permissions,
        createdAt: schema.staffInvites.createdAt,
        expiresAt: schema.staffInvites.expiresAt,
      })
      .from(schema.staffInvites)
      .where(
        and(isNull(schema.staffInvites.acceptedAt), isNull(schema.staffInvites.revokedAt), gt(schema.staffInvites.expiresAt, new Date())),
      )
      .orderBy(asc(schema.staffInvites.createdAt)),
  );
}

const permissionsField = z
  .array(z.string())
  .default([])
  .transform((list) => [...new Set(list)])
  .refine((list) => list.every((p) => (AREAS as readonly string[]).includes(p)), "chooseAreas");

const roleField = z.enum(["admin", "staff"], { error: "chooseRole" });

export const InviteSchema = z
  .object({
    channel: z.enum(["email", "whatsapp"], { error: "chooseChannel" }),
    recipient: z.string().trim().min(1, "recipientEmpty"),
    role: roleField,
    permissions: permissionsField,
  })
  .transform((v, ctx) => {
    if (v.channel === "email") {
      const email = z.email().safeParse(v.recipient.toLowerCase());
      if (!email.success) {
        ctx.addIssue({ code: "custom", path: ["recipient"], message: "recipientEmail" });
        return z.NEVER;
      }
      return { ...v, recipient: email.data };
    }
    const phone = normalisePhone(v.recipient);
    if (!phone) {
      ctx.addIssue({ code: "custom", path: ["recipient"], message: "recipientPhone" });
      return z.NEVER;
    }
    return { ...v, recipient: phone };
  });

/** The invitation in the shop's default language: the person invited has no account, so no language of their own yet. */
function inviteMessage(actor: Actor, role: Role, link: string, t: TFunction<"notices">): string {
  return t("invite.text", { inviter: actor.name, shop: actor.shopName, role: t(role === "admin" ? "invite.admin" : "invite.staff"), link });
}

async function sendInvite(
  actor: Actor,
  invite: { channel: "email" | "whatsapp"; recipient: string; role: Role },
  token: string,
): Promise<SecretSendResult> {
  const link = `${publicUrl()}/invite?token=${token}`;
  const t = noticesT(await withShop(actor.shopId, (tx) => shopLanguage(tx, actor.shopId)));
  const base = {
    shopId: actor.shopId,
    to: invite.recipient,
    purpose: "staff_invite",
    text: inviteMessage(actor, invite.role, link, t),
    redactedBody: inviteMessage(actor, invite.role, t("invite.link"), t),
  };
  return invite.channel === "email"
    ? sendSecretEmail({ ...base, subject: t("invite.subject", { inviter: actor.name, shop: actor.shopName }) })
    : sendSecretWhatsApp(base);
}

/** Why a saved invitation did not reach its recipient (the page shows it instead of "sent"). */
function sendProblemOf(sent: SecretSendResult, channel: "email" | "whatsapp"): Coded | undefined {
  if (sent.ok) return undefined;
  return problem(`${channel}Unsent${sent.retryable ? "Now" : ""}`);
}

class SeatsFull extends Error {
  constructor(readonly full: { plan: string; seats: number }) {
    super("no staff seat left");
  }
}

export type InviteResult =
  { ok: true; sendProblem?: Coded } | { ok: false; errors: CodedErrors; seatsFull?: { plan: string; seats: number } };

export async function inviteStaff(actor: Actor, form: Record<string, unknown>, who: RequestInfo): Promise<InviteResult> {
  if (actor.role !== "owner") return notOwner;
  const parsed = InviteSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "team:problems.") };
  const input = parsed.data;
  const permissions = input.role === "staff" ? input.permissions : [];
  const members = await listMembers(actor.shopId);
  if (members.some((m) => (input.channel === "email" ? m.email.toLowerCase() === input.recipient : m.phone === input.recipient))) {
    return refuse("alreadyMember", "recipient");
  }
  const token = randomToken();
  const full = await withShop(actor.shopId, async (tx) => {
    // Every member and open invitation holds one of the plan's staff seats (a new invitation to
    // the same person replaces the earlier one, so that one's seat is free for it).
    // A new invitation replaces any earlier one to the same person.
    await tx
      .update(schema.staffInvites)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(schema.staffInvites.recipient, input.recipient),
          isNull(schema.staffInvites.acceptedAt),
          isNull(schema.staffInvites.revokedAt),
        ),
      );
    const seatsFull = await seatTaken(tx, actor.shopId);
    if (seatsFull) throw new SeatsFull(seatsFull);
    const [invite] = await tx
      .insert(schema.staffInvites)
      .values({
        shopId: actor.shopId,
        role: input.role,
        permissions,
        channel: input.channel,
        recipient: input.recipient,
        tokenHash: sha256(token),
        invitedBy: actor.userId,
        expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      })
      .returning({ id: schema.staffInvites.id });
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "staff.invited",
      targetType: "invite",
      targetId: invite.id,
      after: { channel: input.channel, recipient: input.recipient, role: input.role, permissions },
      ...who,
    });
    return undefined;
  }).catch((error: unknown) => {
    // Thrown to roll back the replaced invitation too.
    if (error instanceof SeatsFull) return error.full;
    throw error;
  });
  if (full) {
    return {
      ok: false,
      errors: { form: coded("billing:limits.seats", full) },
      seatsFull: full,
    };
  }
  const sent = await sendInvite(actor, { ...input, role: input.role }, token);
  return { ok: true, sendProblem: sendProblemOf(sent, input.channel) };
}

/** Sends a pending invitation again with a new link (the old link stops working). */
export async function resendInvite(actor: Actor, inviteId: string, who: RequestInfo): Promise<Outcome & { sendProblem?: Coded }> {
  if (actor.role !== "owner") return notOwner;
  const token = randomToken();
  const invite = await withShop(actor.shopId, async (tx) => {
    const [row] = await tx
      .update(schema.staffInvites)
      .set({ tokenHash: sha256(token), expiresAt: new Date(Date.now() + INVITE_TTL_MS) })
      .where(and(eq(schema.staffInvites.id, inviteId), isNull(schema.staffInvites.acceptedAt), isNull(schema.staffInvites.revokedAt)))
      .returning();
    if (row)
      await audit(tx, {
        shopId: actor.shopId,
        actorUserId: actor.userId,
        action: "staff.invite_resent",
        targetType: "invite",
        targetId: row.id,
        ...who,
      });
    return row;
  });
  if (!invite) return refuse("inviteGone");
  const sent = await sendInvite(actor, invite, token);
  return { ok: true, sendProblem: sendProblemOf(sent, invite.channel) };
}

export async function revokeInvite(actor: Actor, inviteId: string, who: RequestInfo): Promise<Outcome> {
  if (actor.role !== "owner") return notOwner;
  const revoked = await withShop(actor.shopId, async (tx) => {
    const rows = await tx
      .update(schema.staffInvites)
      .set({ revokedAt: new Date() })
      .where(and(eq(schema.staffInvites.id, inviteId), isNull(schema.staffInvites.acceptedAt), isNull(schema.staffInvites.revokedAt)))
      .returning({ id: schema.staffInvites.id, recipient: schema.staffInvites.recipient });
    if (rows[0])
      await audit(tx, {
        shopId: actor.shopId,
        actorUserId: actor.userId,
        action: "staff.invite_withdrawn",
        targetType: "invite",
        targetId: rows[0].id,
        before: { recipient: rows[0].recipient },
        ...who,
      });
    return rows.length > 0;
  });
  return revoked ? { ok: true } : refuse("inviteGone");
}

export interface InviteView {
  state: "open" | "expired" | "used" | "withdrawn";
  shopId: string;
  shopName: string;
  inviterName: string | null;
  role: Role;
  channel: "email" | "whatsapp";
  recipient: string;
}

/** The invitation behind a link. Platform-level: the link names no shop, only a token. */
export async function findInvite(token: string): Promise<InviteView | undefined> {
  const [row] = await asPlatform((tx) =>
    tx
      .select({ invite: schema.staffInvites, shopName: schema.shops.name, inviterName: schema.users.name })
      .from(schema.staffInvites)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.staffInvites.shopId))
      .leftJoin(schema.users, eq(schema.users.id, schema.staffInvites.invitedBy))
      .where(eq(schema.staffInvites.tokenHash, sha256(token))),
  );
  if (!row) return undefined;
  const { invite } = row;
  const state = invite.acceptedAt ? "used" : invite.revokedAt ? "withdrawn" : invite.expiresAt.getTime() <= Date.now() ? "expired" : "open";
  return {
    state,
    shopId: invite.shopId,
    shopName: row.shopName,
    inviterName: row.inviterName,
    role: invite.role,
    channel: invite.channel,
    recipient: invite.recipient,
  };
}

export type AcceptResult = { ok: true; shopId: string } | (Refusal & { seatsFull?: { plan: string; seats: number; shop: string } });

/**
 * Joins the shop with the invitation's role, if the link is still open, was sent to this person
 * and the shop's plan has a staff seat for them now (`seatsFull` otherwise: a 409 for the page).
 */
export async function acceptInvite(
  user: { id: string; email: string; phone: string },
  token: string,
  who: RequestInfo,
  locale: Locale = DEFAULT_LOCALE,
): Promise<AcceptResult> {
  // Refusals in the language of the page the person accepts on.
  const t = authT(locale);
  const unusable = t("problems.invite.unusable");
  const view = await findInvite(token);
  if (!view || view.state !== "open") return refuseText(unusable);
  const matches = view.channel === "email" ? user.email.toLowerCase() === view.recipient : user.phone === view.recipient;
  if (!matches) {
    return refuseText(
      view.channel === "email" ? t("problems.invite.otherEmail", { recipient: view.recipient }) : t("problems.invite.otherPhone"),
    );
  }
  try {
    return await withShop(view.shopId, async (tx): Promise<AcceptResult> => {
      // The plan may have shrunk since the invitation was sent (a trial ended, a downgrade): the
      // seat is checked again now, and the invitation stays open for when a seat is free.
      const full = await seatTaken(tx, view.shopId, { invites: false });
      if (full)
        return {
          ...refuseText(`${view.shopName} has no free staff seat on its ${full.plan} plan.`),
          seatsFull: { ...full, shop: view.shopName },
        };
      const [invite] = await tx
        .update(schema.staffInvites)
        .set({ acceptedAt: new Date(), acceptedBy: user.id })
        .where(
          and(
            eq(schema.staffInvites.tokenHash, sha256(token)),
            isNull(schema.staffInvites.acceptedAt),
            isNull(schema.staffInvites.revokedAt),
            gt(schema.staffInvites.expiresAt, new Date()),
          ),
        )
        .returning();
      if (!invite) return refuseText(unusable);
      await tx
        .insert(schema.shopMemberships)
        .values({ shopId: view.shopId, userId: user.id, role: invite.role, permissions: invite.permissions });
      await audit(tx, {
        shopId: view.shopId,
        actorUserId: user.id,
        action: "staff.joined",
        targetType: "user",
        targetId: user.id,
        after: { role: invite.role, permissions: invite.permissions, inviteId: invite.id },
        ...who,
      });
      return { ok: true, shopId: view.shopId } as const;
    });
  } catch (error) {
    if (pgConstraint(error) === "shop_memberships_shop_id_user_id_pk") return refuseText(t("problems.invite.alreadyMember"));
    throw error;
  }
}

async function loadMembership(tx: Tx, userId: string) {
  const [m] = await tx.select().from(schema.shopMemberships).where(eq(schema.shopMemberships.userId, userId)).for("update");
  return m;
}

/** Guards shared by every change to another member: the owner acts, and not on themselves or the owner. */
function checkTarget(actor: Actor, target: { role: Role; userId: string } | undefined): string | undefined {
  if (actor.role !== "owner") return "notOwner";
  if (!target) return "notMember";
  if (target.userId === actor.userId) return "notYourself";
  if (target.role === "owner") return "ownerFixed";
  return undefined;
}

export const RoleSchema = z.object({ role: roleField, permissions: permissionsField });

export async function updateMemberRole(actor: Actor, userId: string, form: Record<string, unknown>, who: RequestInfo): Promise<Outcome> {
  const parsed = RoleSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "team:problems.") };
  const permissions = parsed.data.role === "staff" ? parsed.data.permissions : [];
  const refusal = await withShop(actor.shopId, async (tx) => {
    const before = await loadMembership(tx, userId);
    const refused = checkTarget(actor, before);
    if (refused) return refused;
    await tx.update(schema.shopMemberships).set({ role: parsed.data.role, permissions }).where(eq(schema.shopMemberships.userId, userId));
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "staff.role_changed",
      targetType: "user",
      targetId: userId,
      before: { role: before.role, permissions: before.permissions },
      after: { role: parsed.data.role, permissions },
      ...who,
    });
    return undefined;
  });
  return refusal ? refuse(refusal) : { ok: true };
}

/** Freezes (every session of theirs ends at once) or unfreezes a member. */
export async function setMemberFrozen(
  actor: Actor,
  userId: string,
  frozen: boolean,
  who: RequestInfo,
): Promise<Outcome & { sessionsEnded?: number }> {
  const result = await withShop(actor.shopId, async (tx) => {
    const before = await loadMembership(tx, userId);
    const refused = checkTarget(actor, before);
    if (refused) return refuse(refused);
    if ((before.frozenAt !== null) === frozen) return { ok: true, sessionsEnded: 0 } as const;
    await tx
      .update(schema.shopMemberships)
      .set({ frozenAt: frozen ? new Date() : null })
      .where(eq(schema.shopMemberships.userId, userId));
    const sessionsEnded = frozen ? await revokeAllSessions(tx, userId) : 0;
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: frozen ? "staff.frozen" : "staff.unfrozen",
      targetType: "user",
      targetId: userId,
      before: { frozen: before.frozenAt !== null },
      after: { frozen, sessionsEnded },
      ...who,
    });
    return { ok: true, sessionsEnded } as const;
  });
  return result;
}

export async function removeMember(actor: Actor, userId: string, who: RequestInfo): Promise<Outcome> {
  return withShop(actor.shopId, async (tx) => {
    const before = await loadMembership(tx, userId);
    const refused = checkTarget(actor, before);
    if (refused) return refuse(refused);
    await tx.delete(schema.shopMemberships).where(eq(schema.shopMemberships.userId, userId));
    // Sessions working in this shop lose it now (they fall back to the person's other shops).
    await tx
      .update(schema.sessions)
      .set({ activeShopId: null })
      .where(and(eq(schema.sessions.userId, userId), eq(schema.sessions.activeShopId, actor.shopId)));
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "staff.removed",
      targetType: "user",
      targetId: userId,
      before: { role: before.role, permissions: before.permissions, frozen: before.frozenAt !== null },
      ...who,
    });
    return { ok: true };
  });
}

/** Makes another active member the owner; the previous owner stays on as an admin. */
export async function transferOwnership(actor: Actor, userId: string, who: RequestInfo): Promise<Outcome> {
  return withShop(actor.shopId, async (tx) => {
    const target = await loadMembership(tx, userId);
    const refused = checkTarget(actor, target);
    if (refused) return refuse(refused);
    if (target.frozenAt) return refuse("unfreezeFirst");
    // Demote first: the unique index allows one owner per shop at every moment.
    await tx.update(schema.shopMemberships).set({ role: "admin", permissions: [] }).where(eq(schema.shopMemberships.userId, actor.userId));
    await tx.update(schema.shopMemberships).set({ role: "owner", permissions: [] }).where(eq(schema.shopMemberships.userId, userId));
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "shop.ownership_transferred",
      targetType: "user",
      targetId: userId,
      before: { owner: actor.userId, newOwnerRole: target.role },
      after: { owner: userId, previousOwnerRole: "admin" },
      ...who,
    });
    return { ok: true };
  });
}

/**
 * Requires (or stops requiring) a second factor for every member. Turning it on ends the
 * sessions of members who logged in with a password only; their next login asks for a code.
 */
export async function setRequireTwoFactor(
  actor: Actor,
  required: boolean,
  currentSessionId: string,
  who: RequestInfo,
  locale: Locale = DEFAULT_LOCALE,
): Promise<({ ok: true } | Refusal) & { sessionsEnded?: number }> {
  // Worded here: the security settings page shows the text as it comes.
  if (actor.role !== "owner") return refuseText(codedText(locale, problem("notOwner")));
  return withShop(actor.shopId, async (tx) => {
    const [shop] = await tx
      .select({ requireTwoFactor: schema.shops.requireTwoFactor })
      .from(schema.shops)
      .where(eq(schema.shops.id, actor.shopId))
      .for("update");
    if (shop.requireTwoFactor === required) return { ok: true, sessionsEnded: 0 };
    await tx.update(schema.shops).set({ requireTwoFactor: required, updatedAt: new Date() }).where(eq(schema.shops.id, actor.shopId));
    let sessionsEnded = 0;
    if (required) {
      const ended = await tx
        .update(schema.sessions)
        .set({ revokedAt: new Date() })
        .where(
          and(
            isNull(schema.sessions.revokedAt),
            isNull(schema.sessions.secondFactor),
            sql`${schema.sessions.id} <> ${currentSessionId}`,
            sql`${schema.sessions.userId} in (select user_id from shop_memberships where shop_id = ${actor.shopId})`,
          ),
        )
        .returning({ id: schema.sessions.id });
      sessionsEnded = ended.length;
    }
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "shop.security_changed",
      targetType: "shop",
      targetId: actor.shopId,
      before: { requireTwoFactor: shop.requireTwoFactor },
      after: { requireTwoFactor: required, sessionsEnded },
      ...who,
    });
    return { ok: true, sessionsEnded };
  });
}
