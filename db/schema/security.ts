/**
 * Account security: second factors, login challenges, trusted devices, password resets and staff
 * invitations. Every secret here is stored only as a hash (codes, tokens) or encrypted (TOTP
 * seeds); the plaintext exists only in the request that creates it and in the message that
 * carries it to the person.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, shopId, tenantKey, timestamptz } from "./columns";
import { membershipRoleEnum, messageChannelEnum, shops, users } from "./core";

/** contact_change: a new WhatsApp number proved by a code sent to it before it replaces the old one (privacy correction). */
export const codePurposeEnum = pgEnum("verification_code_purpose", ["sign_in", "password_reset", "contact_change"]);

// ---------------------------------------------------------------------------------------------
// Platform tables (no shop_id): a person's security spans every shop they work in.

/**
 * A login between the password and the second factor. The browser holds a random token in a
 * short-lived cookie; the row is keyed by its SHA-256.
 */
export const loginChallenges = pgTable(
  "login_challenges",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    remember: boolean("remember").notNull().default(false),
    redirectTo: text("redirect_to"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    completedAt: timestamptz("completed_at"),
  },
  (t) => [index("login_challenges_user_idx").on(t.userId)],
);

/**
 * One-time codes sent by WhatsApp (sign-in second factor, password reset). Only a keyed hash of
 * the code is kept; each code is single use, short-lived and dies after a few wrong tries.
 * `subject_id` is the login challenge or password reset the code belongs to.
 */
export const verificationCodes = pgTable(
  "verification_codes",
  {
    id: id().primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: codePurposeEnum("purpose").notNull(),
    subjectId: text("subject_id").notNull(),
    codeHash: text("code_hash").notNull(),
    sentTo: text("sent_to").notNull(),
    /** The messages row recording the send (its body is redacted). */
    messageId: uuid("message_id"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    consumedAt: timestamptz("consumed_at"),
  },
  (t) => [index("verification_codes_subject_idx").on(t.subjectId, t.createdAt)],
);

/** "Trust this device for 30 days": a cookie token (hashed here) that skips the second factor. */
export const trustedDevices = pgTable(
  "trusted_devices",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastUsedAt: timestamptz("last_used_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [index("trusted_devices_user_idx").on(t.userId)],
);

/** An authenticator app (TOTP, RFC 6238). Seeds are encrypted with DATA_ENCRYPTION_KEY. */
export const totpAuthenticators = pgTable("totp_authenticators", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** The confirmed seed in use, or null before the first confirmation. */
  secretEncrypted: text("secret_encrypted"),
  /** A seed shown for enrolment and not yet confirmed with a code. */
  pendingSecretEncrypted: text("pending_secret_encrypted"),
  confirmedAt: timestamptz("confirmed_at"),
  /** The last accepted 30-second step: a code is never accepted twice. */
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: createdAt(),
});

/** Ten single-use recovery codes per person, each salted and hashed. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id().primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    salt: text("salt").notNull(),
    codeHash: text("code_hash").notNull(),
    createdAt: createdAt(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

export const passwordResetMethodEnum = pgEnum("password_reset_method", ["whatsapp", "email"]);

/** A password reset in progress: an emailed link or a WhatsApp code; single use, 30 minutes. */
export const passwordResets = pgTable(
  "password_resets",
  {
    /** SHA-256 of the link token (email) or of the browser's reset cookie (WhatsApp). */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    method: passwordResetMethodEnum("method").notNull(),
    ip: text("ip"),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

// ---------------------------------------------------------------------------------------------
// Tenant tables.

/** An invitation to join a shop's staff, sent by email or WhatsApp as a single-use link. */
export const staffInvites = pgTable(
  "staff_invites",
  {
    shopId: shopId().references(() => shops.id, { onDelete: "cascade" }),
    id: id(),
    role: membershipRoleEnum("role").notNull(),
    permissions: text("permissions")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    channel: messageChannelEnum("channel").notNull(),
    /** Lower-cased email address or E.164 number; only that person's account can accept. */
    recipient: text("recipient").notNull(),
    /** SHA-256 of the token in the link. */
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    acceptedAt: timestamptz("accepted_at"),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("staff_invites_token_key").on(t.shopId, t.tokenHash),
    // The link names no shop: acceptance looks the token up across shops.
    index("staff_invites_token_idx").on(t.tokenHash),
  ],
);
