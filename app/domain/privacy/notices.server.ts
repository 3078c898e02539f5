import { eq } from "drizzle-orm";

import { publicUrl } from "~/config.server";
import { queueMessage, sendSecretEmail, sendSecretWhatsApp } from "~/domain/notify/messages.server";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import type { PrivacyRequest } from "./requests.server";

/**
 * What a person is told about their request, in the language they asked in, by the channel their
 * contact is (an E.164 number: WhatsApp; otherwise email). Links go to their privacy page, never
 * to the file itself (the download link is made fresh and short-lived when they click).
 */
type Locale = "en" | "ms" | "zh";

const TEXT: Record<Locale, { exportReady: (url: string) => string; deleted: string; subjectExport: string; subjectDeleted: string }> = {
  en: {
    exportReady: (url) => `Your data export is ready. Download it within 7 days from ${url}`,
    deleted:
      "Your personal data has been deleted as you asked. Records the law requires us to keep (tax invoices) keep only what the law needs.",
    subjectExport: "Your data export is ready",
    subjectDeleted: "Your data has been deleted",
  },
  ms: {
    exportReady: (url) => `Eksport data anda sudah sedia. Muat turun dalam 7 hari di ${url}`,
    deleted:
      "Data peribadi anda telah dipadam seperti yang diminta. Rekod yang wajib disimpan oleh undang-undang (invois cukai) hanya menyimpan apa yang diperlukan.",
    subjectExport: "Eksport data anda sudah sedia",
    subjectDeleted: "Data anda telah dipadam",
  },
  zh: {
    exportReady: (url) => `您的数据导出已准备好，请在 7 天内从 ${url} 下载`,
    deleted: "您的个人数据已按您的要求删除。法律要求保留的记录（税务发票）只保留法律所需的内容。",
    subjectExport: "您的数据导出已准备好",
    subjectDeleted: "您的数据已删除",
  },
};

const isPhone = (contact: string) => contact.startsWith("+");

/** Where the person manages their requests. */
export async function privacyPageUrl(tx: Tx, request: PrivacyRequest): Promise<string> {
  if (!request.shopId) return `${publicUrl()}/admin/account/privacy`;
  const [shop] = await tx.select({ slug: schema.shops.slug }).from(schema.shops).where(eq(schema.shops.id, request.shopId));
  const page = request.subjectKind === "guest" ? "privacy" : "account/privacy";
  return `${publicUrl()}/s/${encodeURIComponent(shop?.slug ?? "")}/${page}`;
}

/** "Your export is ready", through the outbox in the transaction that records it ready. */
export async function queueExportReadyNotice(tx: Tx, request: PrivacyRequest): Promise<void> {
  if (!request.contact) return;
  const text = TEXT[request.locale as Locale];
  const body = text.exportReady(await privacyPageUrl(tx, request));
  const userId = request.subjectKind === "user" ? request.subjectId : undefined;
  if (isPhone(request.contact)) {
    await queueMessage(tx, {
      channel: "whatsapp",
      shopId: request.shopId,
      userId,
      to: request.contact,
      purpose: "privacy_export_ready",
      body,
    });
  } else {
    await queueMessage(tx, {
      channel: "email",
      shopId: request.shopId,
      userId,
      to: request.contact,
      purpose: "privacy_export_ready",
      subject: text.subjectExport,
      body,
    });
  }
}

/**
 * "Your data has been deleted", sent now (after the erasure committed). Its messages row then
 * forgets the recipient: keeping the address we just deleted would undo the deletion.
 */
export async function sendDeletionDoneNotice(request: PrivacyRequest, contact: string): Promise<boolean> {
  const text = TEXT[request.locale as Locale];
  const message = { shopId: request.shopId, to: contact, purpose: "privacy_deleted", text: text.deleted, redactedBody: text.deleted };
  const sent = isPhone(contact) ? await sendSecretWhatsApp(message) : await sendSecretEmail({ ...message, subject: text.subjectDeleted });
  const forget = (tx: Tx) => tx.update(schema.messages).set({ recipient: "erased" }).where(eq(schema.messages.id, sent.messageId));
  await (request.shopId ? withShop(request.shopId, forget) : asPlatform(forget));
  return sent.ok;
}
