import { timingSafeEqual } from "node:crypto";

import { and, eq, or, sql } from "drizzle-orm";

import { config } from "~/config.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { type EmailClient, emailClient, EmailError } from "~/integrations/email.server";
import {
  codeTemplate,
  deliveryStatusOf,
  inboundMessageOf,
  verifyWassengerSignature,
  WassengerClient,
  WassengerError,
  wassengerSettings,
  WassengerWebhookSchema,
  webhookEventId,
} from "~/integrations/wassenger.server";
import type { Refusal } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { parseCleanJson } from "~/lib/text";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import { carriesUnsubscribe, unsubscribeUrl } from "./unsubscribe.server";

type Status = (typeof schema.messageStatusEnum.enumValues)[number];

/** A message to send once the transaction commits: WhatsApp, or an email with its subject. */
export type QueuedMessage = { shopId: string | null; userId?: string; to: string; purpose: string; body: string } & (
  { channel: "whatsapp" } | { channel: "email"; subject: string }
);

/**
 * Records a WhatsApp message or an email to send once `tx` commits (no secrets in it: see
 * sendSecretWhatsApp / sendSecretEmail for those). The row is the message's history (status
 * follows the provider's delivery reports); the outbox carries only its id.
 */
export async function queueMessage(tx: Tx, input: QueuedMessage): Promise<string> {
  const [message] = await tx
    .insert(schema.messages)
    .values({
      shopId: input.shopId,
      userId: input.userId,
      channel: input.channel,
      recipient: input.to,
      purpose: input.purpose,
      subject: input.channel === "email" ? input.subject : undefined,
      body: input.body,
    })
    .returning({ id: schema.messages.id });
  await enqueueAfterCommit(tx, {
    queue: "notify",
    name: "send-message",
    payload: { messageId: message.id, shopId: input.shopId },
    shopId: input.shopId,
  });
  return message.id;
}

/** A failed send is the one refusal shape (the provider's message under `form`), with whether trying again may help. */
export type SecretSendResult = { ok: true; messageId: string } | (Refusal & { messageId: string; retryable: boolean });

interface SecretMessage {
  shopId: string | null;
  userId?: string;
  to: string;
  purpose: string;
  /** The text with the secret, sent and then forgotten. */
  text: string;
  /** What the messages row keeps instead ("Your NetShop code is ••••••"). */
  redactedBody: string;
}

/**
 * Sends a WhatsApp message that carries a secret (a sign-in code, a single-use link) straight
 * from the request, not through the outbox: a job payload or a stored body would keep the
 * secret in plaintext. The messages row records the send with a redacted body, and delivery
 * webhooks update its status like any other message's (matched by our id as `reference`).
 * With `code` and WASSENGER_CODE_TEMPLATE set, the approved template carries the code instead
 * of free text (WhatsApp Business numbers refuse free text outside the 24-hour window).
 */
export async function sendSecretWhatsApp(
  input: SecretMessage & { code?: string },
  client: WassengerClient = new WassengerClient(wassengerSettings()),
): Promise<SecretSendResult> {
  const messageId = await recordSecretMessage(input, "whatsapp");
  const template = input.code ? codeTemplate() : undefined;
  try {
    const sent = template
      ? await client.sendTemplate({
          phone: input.to,
          template: { ...template, params: [input.code!], copyCode: input.code },
          reference: messageId,
        })
      : await client.sendText({ phone: input.to, message: input.text, reference: messageId });
    await settleSecretMessage(input.shopId, messageId, { providerMessageId: sent.id });
    return { ok: true, messageId };
  } catch (error) {
    if (!(error instanceof WassengerError)) throw error;
    await settleSecretMessage(input.shopId, messageId, { error: error.message });
    return { ok: false, messageId, retryable: error.retryable, errors: { form: error.message } };
  }
}

/** The same for email: sent now over SMTP, recorded with a redacted body. */
export async function sendSecretEmail(input: SecretMessage & { subject: string }, client?: EmailClient): Promise<SecretSendResult> {
  const messageId = await recordSecretMessage(input, "email");
  try {
    const sent = await (client ?? (await emailClient())).send({
      to: input.to,
      subject: input.subject,
      text: input.text,
      reference: messageId,
    });
    await settleSecretMessage(input.shopId, messageId, { providerMessageId: sent.messageId });
    return { ok: true, messageId };
  } catch (error) {
    if (!(error instanceof EmailError)) throw error;
    await settleSecretMessage(input.shopId, messageId, { error: error.message });
    return { ok: false, messageId, retryable: error.retryable, errors: { form: error.message } };
  }
}

async function recordSecretMessage(input: SecretMessage, channel: "whatsapp" | "email"): Promise<string> {
  const [row] = await inScope(input.shopId, (tx) =>
    tx
      .insert(schema.messages)
      .values({
        shopId: input.shopId,
        userId: input.userId,
        channel,
        recipient: input.to,
        purpose: input.purpose,
        body: input.redactedBody,
      })
      .returning({ id: schema.messages.id }),
  );
  return row.id;
}

async function settleSecretMessage(shopId: string | null, messageId: string, outcome: { providerMessageId: string } | { error: string }) {
  const now = new Date();
  await inScope(shopId, (tx) =>
    tx
      .update(schema.messages)
      .set(
        "providerMessageId" in outcome
          ? { providerMessageId: outcome.providerMessageId, sentAt: now, updatedAt: now, ...statusNotBehind("sent") }
          : { status: "failed", error: outcome.error.slice(0, 500), updatedAt: now },
      )
      .where(eq(schema.messages.id, messageId)),
  );
}

/** Moves status to `status` unless a delivery webhook already moved it further. */
function statusNotBehind(status: Status) {
  return {
    status: sql`case when ${schema.messages.status} in ('delivered', 'read', 'failed') then ${schema.messages.status} else ${status}::message_status end`,
  } as unknown as { status: Status };
}

function inScope<T>(shopId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return shopId ? withShop(shopId, fn) : asPlatform(fn);
}

/** The line above the unsubscribe link in a customer's email (the email's own language is the shop's; this line is in all three). */
const UNSUBSCRIBE_LINE = "Unsubscribe from offers / Berhenti langganan tawaran / 取消订阅优惠:";

/** How long a send can still be on its way to the provider (the client's timeout, and a margin). */
export const SEND_IN_FLIGHT_MS = 20_000;

/**
 * Sends one queued message, never twice (issue 19):
 * 1. claim: lock the row; a message that left `pending` is done; otherwise record the intent
 *    (`sent_at` set, status still `pending`) and commit;
 * 2. call the provider outside any transaction, with the message id as its reference;
 * 3. record the outcome (status, the provider's id), never moving a webhook's status backwards.
 * A claimed message whose outcome is unknown (the process died after the send, the response was
 * lost, the recording transaction failed) is looked up at the provider by its reference, not sent
 * blindly again; it is sent again only when the provider has no such message once any send of
 * it has had time to arrive. An answer that the provider refused the send clears the intent.
 * (Email has no look-up: SMTP gives none, so an email whose outcome is unknown is sent again.)
 */
export async function deliverMessage(
  job: { messageId: string; shopId: string | null },
  client: WassengerClient = new WassengerClient(wassengerSettings()),
  now: () => Date = () => new Date(),
): Promise<"sent" | "already-sent" | "withheld"> {
  const claim = await inScope(job.shopId, async (tx) => {
    const [message] = await tx.select().from(schema.messages).where(eq(schema.messages.id, job.messageId)).for("update");
    if (!message) throw new PermanentJobFailure(`message ${job.messageId} does not exist`);
    if (message.status !== "pending") return undefined;
    // Marketing leaves only with the recipient's consent as it stands now: a withdrawal made after
    // the message was queued (privacy page, unsubscribe link, WhatsApp STOP) stops it here.
    if (message.purpose.startsWith("marketing") && !(await marketingConsented(tx, message))) {
      await tx
        .update(schema.messages)
        .set({ status: "failed", error: "marketing consent withdrawn", updatedAt: now() })
        .where(eq(schema.messages.id, message.id));
      return "withheld" as const;
    }
    if (!message.sentAt) {
      await tx.update(schema.messages).set({ sentAt: now(), updatedAt: now() }).where(eq(schema.messages.id, message.id));
    }
    const unsubscribe = carriesUnsubscribe(message) ? await unsubscribeUrl(tx, message.shopId!, message.id) : undefined;
    return { message, intentAt: message.sentAt, unsubscribe };
  });
  if (!claim) return "already-sent";
  if (claim === "withheld") return "withheld";
  const { message, intentAt, unsubscribe } = claim;

  let providerMessageId: string | undefined;
  try {
    if (intentAt && message.channel === "whatsapp") {
      providerMessageId = (await client.findByReference(message.id))?.id;
      const inFlightFor = intentAt.getTime() + SEND_IN_FLIGHT_MS - now().getTime();
      if (!providerMessageId && inFlightFor > 0) {
        throw new RetryLater("an earlier send of this message may still be on its way: looking it up again", inFlightFor);
      }
    }
    providerMessageId ??=
      message.channel === "email"
        ? (
            await (
              await emailClient()
            ).send({
              to: message.recipient,
              subject: message.subject ?? "",
              // The link is added as it leaves, not stored: it is the same for every send of this message.
              text: unsubscribe ? `${message.body}\n\n${UNSUBSCRIBE_LINE} ${unsubscribe}` : message.body,
              reference: message.id,
              unsubscribeUrl: unsubscribe,
            })
          ).messageId
        : (await client.sendText({ phone: message.recipient, message: message.body, reference: message.id })).id;
  } catch (error) {
    if (!(error instanceof WassengerError) && !(error instanceof EmailError)) throw error;
    // The provider answered that it did not take the message: nothing is in flight.
    const refused = error instanceof WassengerError && error.status >= 400 && error.status < 500;
    if (error.retryable) {
      if (refused) await clearIntent(job.shopId, message.id);
      if (error instanceof WassengerError && error.retryAfterMs !== undefined) throw new RetryLater(error.message, error.retryAfterMs);
      throw error;
    }
    await inScope(job.shopId, (tx) =>
      tx
        .update(schema.messages)
        .set({ status: "failed", error: error.message.slice(0, 500), updatedAt: now() })
        .where(and(eq(schema.messages.id, message.id), eq(schema.messages.status, "pending"))),
    );
    throw new PermanentJobFailure(error.message, { cause: error });
  }
  await inScope(job.shopId, (tx) =>
    tx
      .update(schema.messages)
      .set({ providerMessageId, updatedAt: now(), error: null, ...statusNotBehind("sent") })
      .where(eq(schema.messages.id, message.id)),
  );
  return "sent";
}

async function clearIntent(shopId: string | null, messageId: string) {
  await inScope(shopId, (tx) =>
    tx
      .update(schema.messages)
      .set({ sentAt: null })
      .where(and(eq(schema.messages.id, messageId), eq(schema.messages.status, "pending"))),
  );
}

/** Some customer of the shop with this address consented to marketing on this channel, and none withdrew. */
async function marketingConsented(tx: Tx, message: typeof schema.messages.$inferSelect): Promise<boolean> {
  if (!message.shopId) return false;
  const c = schema.customers;
  const address = message.channel === "email" ? c.email : c.phone;
  const consent = message.channel === "email" ? c.marketingConsent : c.marketingWhatsappConsent;
  const rows = await tx
    .select({ consent })
    .from(c)
    .where(and(eq(c.shopId, message.shopId), eq(address, message.recipient)));
  return rows.length > 0 && rows.every((r) => r.consent);
}

const RANK: Record<Status, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** A refused delivery is the one refusal shape (why under `form`) with its HTTP status. */
export type WebhookResult =
  | (Refusal & { status: 401 | 400 })
  | { ok: true; status: 200; outcome: "duplicate" | "ignored" | "updated" | "unchanged" }
  /** A person wrote to us: the caller decides what it means (a STOP withdraws marketing consent). */
  | { ok: true; status: 200; outcome: "inbound"; inbound: { from: string; text: string } };

/** Handles one Wassenger webhook delivery: authenticated, deduplicated, and never regressing. */
export async function handleWassengerWebhook(input: {
  pathToken: string;
  rawBody: string;
  signature: string | null;
}): Promise<WebhookResult> {
  const secret = config().WASSENGER_WEBHOOK_SECRET;
  if (!secret || !safeEqual(input.pathToken, secret)) return { ok: false, status: 401, errors: { form: "unknown webhook token" } };
  if (input.signature !== null && !verifyWassengerSignature(input.rawBody, input.signature, secret)) {
    return { ok: false, status: 401, errors: { form: "bad signature" } };
  }
  let hook;
  try {
    hook = WassengerWebhookSchema.parse(parseCleanJson(input.rawBody));
  } catch {
    return { ok: false, status: 400, errors: { form: "body is not a Wassenger webhook" } };
  }
  const status = deliveryStatusOf(hook);
  return asPlatform(async (tx) => {
    const fresh = await tx
      .insert(schema.webhookEvents)
      .values({ provider: "wassenger", eventId: webhookEventId(hook) })
      .onConflictDoNothing()
      .returning();
    if (fresh.length === 0) return { ok: true, status: 200, outcome: "duplicate" } as const;
    const inbound = inboundMessageOf(hook);
    if (inbound) return { ok: true, status: 200, outcome: "inbound", inbound } as const;
    if (!status || !hook.data.id) return { ok: true, status: 200, outcome: "ignored" } as const;
    const error = status === "failed" ? JSON.stringify(hook.data.error ?? "failed").slice(0, 500) : null;
    // Our message id travels as `reference`: it matches even when the webhook overtakes the
    // send's own commit (the row lock held by deliverMessage makes this wait for it).
    const reference = isUuid(hook.data.reference) ? hook.data.reference : undefined;
    const updated = await tx
      .update(schema.messages)
      .set({ status, updatedAt: new Date(), ...(error ? { error } : {}) })
      .where(
        and(
          reference
            ? or(eq(schema.messages.providerMessageId, hook.data.id), eq(schema.messages.id, reference))
            : eq(schema.messages.providerMessageId, hook.data.id),
          // Deliveries arrive out of order: only move forward (failed is final).
          sql`(case ${schema.messages.status} when 'pending' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else 4 end) < ${RANK[status]}`,
        ),
      )
      .returning({ id: schema.messages.id });
    return { ok: true, status: 200, outcome: updated.length ? "updated" : "unchanged" } as const;
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
