import { eq } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { asPlatform, schema } from "~db/client";

/**
 * How account notices reach a merchant or staff member (significant policy changes, an export
 * ready, a deletion done): email by default, or WhatsApp when they chose it and their number is
 * verified (a WhatsApp code sent to it came back: a sign-in, a number change). Storefront
 * customers' notices choose by the contact they have; this is the same choice, made by the person.
 */
export type NoticeChannel = "email" | "whatsapp";
type NoticeReader = { email: string; phone: string; noticeChannel: NoticeChannel; phoneVerifiedAt: Date | null };

/** Where a person's account notices go now. */
export function accountNoticeContact(user: NoticeReader): { channel: NoticeChannel; to: string } {
  return user.noticeChannel === "whatsapp" && user.phoneVerifiedAt
    ? { channel: "whatsapp", to: user.phone }
    : { channel: "email", to: user.email };
}

/** Keys of the "account" namespace a refusal is. */
type NoticeChannelError = "notices.errors.choice" | "notices.errors.unverified";

/** The person chooses; WhatsApp only with a verified number. Audited. */
export async function setNoticeChannel(
  user: { id: string; noticeChannel: NoticeChannel; phoneVerifiedAt: Date | null },
  input: unknown,
  who: RequestInfo,
): Promise<{ ok: true } | { ok: false; error: NoticeChannelError }> {
  if (input !== "email" && input !== "whatsapp") return { ok: false, error: "notices.errors.choice" };
  if (input === "whatsapp" && !user.phoneVerifiedAt) return { ok: false, error: "notices.errors.unverified" };
  if (input === user.noticeChannel) return { ok: true };
  await asPlatform(async (tx) => {
    await tx.update(schema.users).set({ noticeChannel: input, updatedAt: new Date() }).where(eq(schema.users.id, user.id));
    await audit(tx, {
      shopId: null,
      actorUserId: user.id,
      action: "account.notice_channel_changed",
      targetType: "user",
      targetId: user.id,
      before: { channel: user.noticeChannel },
      after: { channel: input },
      ...who,
    });
  });
  return { ok: true };
}
