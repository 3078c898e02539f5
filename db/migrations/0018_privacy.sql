ALTER TYPE "verification_code_purpose" ADD VALUE IF NOT EXISTS 'contact_change';--> statement-breakpoint
CREATE TABLE "privacy_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shop_id" uuid,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"contact" text,
	"locale" "language" DEFAULT 'en' NOT NULL,
	"requested_by_user_id" uuid,
	"minor" boolean DEFAULT false NOT NULL,
	"due_on" date NOT NULL,
	"cooling_off_until" timestamp with time zone,
	"progress" integer DEFAULT 0 NOT NULL,
	"export_key" text,
	"export_expires_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_requests_subject_kind_check" CHECK ("privacy_requests"."subject_kind" in ('customer', 'guest', 'user')),
	CONSTRAINT "privacy_requests_kind_check" CHECK ("privacy_requests"."kind" in ('export', 'deletion')),
	CONSTRAINT "privacy_requests_status_check" CHECK ("privacy_requests"."status" in ('queued', 'processing', 'cooling_off', 'ready', 'done', 'cancelled', 'failed', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD CONSTRAINT "privacy_requests_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD CONSTRAINT "privacy_requests_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_requests_shop_created_idx" ON "privacy_requests" USING btree ("shop_id","created_at");--> statement-breakpoint
CREATE INDEX "privacy_requests_subject_idx" ON "privacy_requests" USING btree ("subject_kind","subject_id");--> statement-breakpoint
CREATE INDEX "privacy_requests_open_due_idx" ON "privacy_requests" USING btree ("due_on") WHERE "privacy_requests"."status" in ('queued', 'processing', 'cooling_off');--> statement-breakpoint
CREATE TABLE "consent_events" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_events_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "consent_events_channel_check" CHECK ("consent_events"."channel" in ('email', 'whatsapp'))
);
--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_customer_fk" FOREIGN KEY ("shop_id","customer_id") REFERENCES "public"."customers"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_events_customer_idx" ON "consent_events" USING btree ("shop_id","customer_id","created_at");--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "marketing_whatsapp_consent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "anonymised_at" timestamp with time zone;--> statement-breakpoint
UPDATE "customers" SET "marketing_whatsapp_consent" = "marketing_consent";
