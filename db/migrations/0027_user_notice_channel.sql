-- Hand-written (issue 14): merchants and staff choose how account notices reach them (email, or
-- WhatsApp once their number is verified). A number is verified when a WhatsApp code sent to it
-- came back: existing accounts take the time of their newest sign-in with a WhatsApp code, from
-- the audit log (a number changed since was itself confirmed by a code, and sets it anew).
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "phone_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "notice_channel" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
DO $$ BEGIN
  ALTER TABLE "users" ADD CONSTRAINT "users_notice_channel_check" CHECK ("notice_channel" IN ('email', 'whatsapp'));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;--> statement-breakpoint
UPDATE "users" u SET "phone_verified_at" = a.at
  FROM (SELECT "actor_user_id" AS id, max("created_at") AS at FROM "audit_log"
         WHERE "action" = 'account.login' AND "after"->>'secondFactor' = 'whatsapp' GROUP BY "actor_user_id") a
 WHERE a.id = u."id" AND u."phone_verified_at" IS NULL;
