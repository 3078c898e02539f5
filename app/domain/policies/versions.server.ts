import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, notExists, or, sql } from "drizzle-orm";
import { z } from "zod";

import { publicUrl } from "~/config.server";
import { audit } from "~/domain/audit/audit.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { accountNoticeContact } from "~/domain/notify/account-channel.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { fieldErrors } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { SHOWN_POLICIES_FIELD } from "~/lib/policy-field";
import { asPlatform, readAsPlatform, schema, type Tx, withShop } from "~db/client";

/**
 * Versions of the privacy policy and the terms. An operator publishes a version and says whether
 * it is significant; a significant one is announced to every account holder (merchants, staff;
 * storefront customers for the privacy policy) by email or WhatsApp (the channel a merchant chose;
 * a customer's contact), once (`notices_queued_at`), and shown as
 * a banner in the admin and on the storefront account page until the person acknowledges it.
 * Announcements are batched: the notice job waits POLICY_NOTICE_BATCH_MS after a publication and
 * then tells each person, in one message, of every significant version not announced yet, so a
 * burst of changes (the policy and the terms together, a correction soon after) is one message.
 * Sign-up records the versions its form showed (refused when the form did not say); each acknowledgement is recorded with the version and
 * the time (policy_acceptances).
 */
type Locale = "en" | "ms" | "zh";
/** Keys of the "privacy" namespace the publishing form's errors are. */
type PolicyError =
  "policyChange.errors.document" | "policyChange.errors.version" | "policyChange.errors.summary" | "policyChange.errors.exists";
export type PolicyVersion = typeof schema.policyVersions.$inferSelect;
type PolicyDocument = "privacy" | "terms";
export type PolicyReader = { kind: "user"; userId: string } | { kind: "customer"; shopId: string; customerId: string };

const PublishSchema = z.object({
  document: z.enum(["privacy", "terms"], { message: "policyChange.errors.document" }),
  version: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,40}$/, "policyChange.errors.version"),
  summary: z.string().trim().min(1, "policyChange.errors.summary").max(500, "policyChange.errors.summary"),
  significant: z.preprocess((v) => v === "on" || v === true, z.boolean()),
});

/** How long the notice of a significant version waits for more changes to announce with it. */
export const POLICY_NOTICE_BATCH_MS = 15 * 60_000;

/** An operator publishes a version; a significant one queues the notices (the privacy `policy-notice` job). */
export async function publishPolicyVersion(
  operatorId: string,
  form: Record<string, unknown>,
  now = new Date(),
): Promise<{ ok: true; version: PolicyVersion } | { ok: false; errors: Record<string, PolicyError> }> {
  const parsed = PublishSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) as Record<string, PolicyError> };
  return asPlatform(async (tx) => {
    const [row] = await tx
      .insert(schema.policyVersions)
      .values({ ...parsed.data, publishedByUserId: operatorId, publishedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) return { ok: false, errors: { version: "policyChange.errors.exists" } } as const;
    if (row.significant) {
      await enqueueAfterCommit(tx, {
        queue: "privacy",
        name: "policy-notice",
        payload: { versionId: row.id },
        shopId: null,
        delayMs: POLICY_NOTICE_BATCH_MS,
      });
    }
    await audit(tx, {
      shopId: null,
      actorUserId: operatorId,
      action: "privacy.policy_published",
      targetType: "policy_version",
      targetId: row.id,
      after: { document: row.document, version: row.version, significant: row.significant },
    });
    return { ok: true, version: row } as const;
  });
}

/** The newest versions, newest first (the operators' console). */
export async function policyVersions(): Promise<PolicyVersion[]> {
  return asPlatform((tx) => tx.select().from(schema.policyVersions).orderBy(desc(schema.policyVersions.publishedAt)).limit(20));
}

const NOTICE: Record<
  Locale,
  { subject: string; body: (doc: string, summary: string, url: string) => string; doc: Record<string, string> }
> = {
  en: {
    subject: "NetShop has changed its policies",
    body: (doc, summary, url) => `We have made a significant change to our ${doc}: ${summary}\n\nRead it at ${url}`,
    doc: { privacy: "privacy policy", terms: "terms of service" },
  },
  ms: {
    subject: "NetShop telah mengubah polisinya",
    body: (doc, summary, url) => `Kami telah membuat perubahan penting pada ${doc} kami: ${summary}\n\nBacanya di ${url}`,
    doc: { privacy: "dasar privasi", terms: "terma perkhidmatan" },
  },
  zh: {
    subject: "NetShop 已更新其政策",
    body: (doc, summary, url) => `我们对${doc}作出了重大更改：${summary}\n\n请在 ${url} 阅读`,
    doc: { privacy: "隐私政策", terms: "服务条款" },
  },
};

/** One message for a burst of versions: each change with its link, in the reader's language. */
function noticeFor(locale: Locale, versions: PolicyVersion[]) {
  const text = NOTICE[locale];
  const body = versions
    .map((v) => text.body(text.doc[v.document], v.summary, `${publicUrl()}/legal/${v.document === "privacy" ? "privacy" : "terms"}`))
    .join("\n\n");
  return { subject: text.subject, body };
}

/**
 * Queues the notice of the significant versions not announced yet (the one this job is for and
 * any published with it) to every merchant and staff account, and, for privacy policy changes,
 * every storefront customer account: one email per person for the whole burst, in one
 * transaction that also marks the versions notified. A job whose version an earlier job already
 * announced queues nothing, and a retried job finds its versions marked. Returns how many were queued.
 */
export async function queuePolicyNotices(versionId: string, now = new Date()): Promise<number> {
  return asPlatform(async (tx) => {
    const v = schema.policyVersions;
    // Locked in one statement, oldest first: two jobs of one burst wait for each other, never deadlock.
    const burst = await tx
      .select()
      .from(v)
      .where(and(eq(v.significant, true), isNull(v.noticesQueuedAt)))
      .orderBy(asc(v.publishedAt), asc(v.id))
      .for("update");
    if (!burst.some((b) => b.id === versionId)) return 0;
    let queued = 0;
    const users = await tx
      .select({
        id: schema.users.id,
        email: schema.users.email,
        phone: schema.users.phone,
        noticeChannel: schema.users.noticeChannel,
        phoneVerifiedAt: schema.users.phoneVerifiedAt,
        locale: schema.users.preferredLanguage,
      })
      .from(schema.users)
      .where(sql`${schema.users.email} not like '%@erased.invalid'`)
      // Shared locks: an account being erased right now is either erased before we read it (and
      // skipped) or waits for this transaction, whose notice its erasure then deletes.
      .for("share");
    for (const u of users) {
      // By the channel the person chose (WhatsApp only to a verified number).
      const notice = noticeFor(u.locale, burst);
      const to = accountNoticeContact(u);
      await queueMessage(
        tx,
        to.channel === "whatsapp"
          ? { channel: "whatsapp", shopId: null, userId: u.id, to: to.to, purpose: "privacy_policy_changed", body: notice.body }
          : { channel: "email", shopId: null, userId: u.id, to: to.to, purpose: "privacy_policy_changed", ...notice },
      );
      queued++;
    }
    // Storefront customers accepted the privacy policy only (NetShop's terms bind its merchants).
    // Their language is the one of their newest order, else the shop's.
    const privacy = burst.filter((b) => b.document === "privacy");
    const o = schema.orders;
    const customers = privacy.length
      ? await tx
          .select({
            id: schema.customers.id,
            shopId: schema.customers.shopId,
            email: schema.customers.email,
            phone: schema.customers.phone,
            locale: sql<Locale>`coalesce((select ${o.locale} from ${o} where ${o.shopId} = ${schema.customers.shopId} and ${o.customerId} = ${schema.customers.id} order by ${o.createdAt} desc limit 1), ${schema.shops.language})`,
          })
          .from(schema.customers)
          .innerJoin(schema.shops, eq(schema.shops.id, schema.customers.shopId))
          .where(
            and(
              isNotNull(schema.customers.passwordHash),
              or(isNotNull(schema.customers.email), isNotNull(schema.customers.phone)),
              isNull(schema.customers.anonymisedAt),
              isNull(schema.customers.mergedIntoId),
            ),
          )
          .for("share", { of: schema.customers })
      : [];
    for (const c of customers) {
      const notice = noticeFor(c.locale, privacy);
      await queueMessage(
        tx,
        c.email
          ? { channel: "email", shopId: c.shopId, to: c.email, purpose: "privacy_policy_changed", ...notice }
          : // An account without an email address hears of it on WhatsApp.
            { channel: "whatsapp", shopId: c.shopId, to: c.phone!, purpose: "privacy_policy_changed", body: notice.body },
      );
      queued++;
    }
    await tx
      .update(v)
      .set({ noticesQueuedAt: now })
      .where(
        inArray(
          v.id,
          burst.map((b) => b.id),
        ),
      );
    return queued;
  });
}

/**
 * The newest significant version published since the person joined that they have not
 * acknowledged yet (their banner), or undefined.
 */
export async function pendingPolicyNotice(reader: PolicyReader): Promise<PolicyVersion | undefined> {
  const v = schema.policyVersions;
  const a = schema.policyAcceptances;
  if (reader.kind === "user") {
    const [row] = await readAsPlatform((db) =>
      db
        .select({ version: v })
        .from(v)
        .innerJoin(schema.users, eq(schema.users.id, reader.userId))
        .where(
          and(
            eq(v.significant, true),
            gt(v.publishedAt, schema.users.createdAt),
            notExists(
              db
                .select({ one: sql`1` })
                .from(a)
                .where(and(eq(a.policyVersionId, v.id), eq(a.userId, reader.userId))),
            ),
          ),
        )
        .orderBy(desc(v.publishedAt))
        .limit(1),
    );
    return row?.version;
  }
  const [row] = await withShop(reader.shopId, (tx) =>
    tx
      .select({ version: v })
      .from(v)
      .innerJoin(schema.customers, and(eq(schema.customers.shopId, reader.shopId), eq(schema.customers.id, reader.customerId)))
      .where(
        and(
          eq(v.significant, true),
          eq(v.document, "privacy"),
          gt(v.publishedAt, schema.customers.createdAt),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(a)
              .where(and(eq(a.policyVersionId, v.id), eq(a.shopId, reader.shopId), eq(a.customerId, reader.customerId))),
          ),
        ),
      )
      .orderBy(desc(v.publishedAt))
      .limit(1),
  );
  return row?.version;
}

/** Records that the person saw and accepted the version (once; a repeat changes nothing). */
export async function acknowledgePolicy(reader: PolicyReader, versionId: unknown, now = new Date()): Promise<boolean> {
  if (!isUuid(versionId)) return false;
  const insert = async (tx: Tx) => {
    const [version] = await tx
      .select({ id: schema.policyVersions.id })
      .from(schema.policyVersions)
      .where(eq(schema.policyVersions.id, versionId));
    if (!version) return false;
    await tx
      .insert(schema.policyAcceptances)
      .values(
        reader.kind === "user"
          ? { policyVersionId: versionId, userId: reader.userId, acceptedAt: now }
          : { policyVersionId: versionId, shopId: reader.shopId, customerId: reader.customerId, acceptedAt: now },
      )
      .onConflictDoNothing();
    return true;
  };
  return reader.kind === "user" ? asPlatform(insert) : withShop(reader.shopId, insert);
}

/** The version of a document in force (the newest published). */
export async function currentPolicyVersion(document: "privacy" | "terms"): Promise<PolicyVersion | undefined> {
  const [row] = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.policyVersions)
      .where(eq(schema.policyVersions.document, document))
      .orderBy(desc(schema.policyVersions.publishedAt))
      .limit(1),
  );
  return row;
}

/** The versions in force of the documents (the newest published of each). */
export async function policiesInForce(tx: Tx, documents: PolicyDocument[]): Promise<PolicyVersion[]> {
  const v = schema.policyVersions;
  return tx.selectDistinctOn([v.document]).from(v).where(inArray(v.document, documents)).orderBy(v.document, desc(v.publishedAt));
}

/**
 * Records, in a sign-up's own transaction, that the new account accepted these versions (those
 * its sign-up page showed, read with policiesInForce) at `now`.
 */
export async function recordAcceptance(tx: Tx, reader: PolicyReader, versions: PolicyVersion[], now: Date): Promise<void> {
  if (!versions.length) return;
  await tx
    .insert(schema.policyAcceptances)
    .values(
      versions.map((version) =>
        reader.kind === "user"
          ? { policyVersionId: version.id, userId: reader.userId, acceptedAt: now }
          : { policyVersionId: version.id, shopId: reader.shopId, customerId: reader.customerId, acceptedAt: now },
      ),
    )
    .onConflictDoNothing();
}

export interface AcceptedPolicyRow {
  document: PolicyDocument;
  version: string;
  acceptedAt: Date;
}

/** Every version the person accepted (at sign-up or by acknowledging a change), newest first: their privacy page. */
export async function acceptedPolicies(reader: PolicyReader): Promise<AcceptedPolicyRow[]> {
  const v = schema.policyVersions;
  const a = schema.policyAcceptances;
  const read = (tx: Tx) =>
    tx
      .select({ document: v.document, version: v.version, acceptedAt: a.acceptedAt })
      .from(a)
      .innerJoin(v, eq(v.id, a.policyVersionId))
      .where(reader.kind === "user" ? eq(a.userId, reader.userId) : and(eq(a.shopId, reader.shopId), eq(a.customerId, reader.customerId)))
      .orderBy(desc(a.acceptedAt), asc(v.document));
  return reader.kind === "user" ? asPlatform(read) : withShop(reader.shopId, read);
}

/** The versions a sign-up page shows (and the sign-up records): their ids go back in its SHOWN_POLICIES_FIELD. */
export async function policyVersionsInForce(
  documents: PolicyDocument[],
): Promise<Array<{ id: string; document: PolicyDocument; version: string }>> {
  const rows = await asPlatform((tx) => policiesInForce(tx, documents));
  return rows.map((r) => ({ id: r.id, document: r.document, version: r.version }));
}

/**
 * The hidden field of a sign-up form showing the versions in force, for sign-ups made by a program
 * on a person's behalf who was shown them (the demo seeds, benchmarks, tests' factories).
 */
export async function shownPoliciesField(documents: PolicyDocument[]): Promise<Record<typeof SHOWN_POLICIES_FIELD, string>> {
  const shown = await policyVersionsInForce(documents);
  return { [SHOWN_POLICIES_FIELD]: shown.map((v) => v.id).join(",") };
}

/** Why a sign-up accepted nothing: a version published since its page was shown, or a form that never said what it showed. */
export type SignupPolicyRefusal = "changed" | "unseen";

/**
 * What a sign-up accepts, read in its own transaction: the versions its form showed (the hidden
 * field), provided they are still the ones in force. "changed" when a version was published
 * between showing and submitting (or the field was tampered with): the person must see and accept
 * the new one. "unseen" when the form did not carry the field at all: the person never saw a
 * version (our form always renders it, with or without JavaScript), so nothing can be recorded as
 * accepted and the sign-up is refused.
 */
export async function acceptedAtSignup(
  tx: Tx,
  documents: PolicyDocument[],
  form: Record<string, unknown>,
): Promise<{ ok: true; versions: PolicyVersion[] } | { ok: false; refusal: SignupPolicyRefusal }> {
  const shown = form[SHOWN_POLICIES_FIELD];
  if (shown === undefined) return { ok: false, refusal: "unseen" };
  const inForce = await policiesInForce(tx, documents);
  const ids = typeof shown === "string" ? shown.split(",").filter(Boolean) : [];
  const same = ids.length === inForce.length && inForce.every((v) => ids.includes(v.id));
  return same ? { ok: true, versions: inForce } : { ok: false, refusal: "changed" };
}
