CREATE TABLE "privacy_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shop_id" uuid,
	"purpose" text NOT NULL,
	"subject_hash" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "privacy_codes_purpose_check" CHECK ("privacy_codes"."purpose" in ('guest_proof', 'contact_change'))
);
--> statement-breakpoint
ALTER TABLE "privacy_codes" ADD CONSTRAINT "privacy_codes_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_codes_subject_idx" ON "privacy_codes" USING btree ("subject_hash","created_at");--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document" text NOT NULL,
	"version" text NOT NULL,
	"significant" boolean DEFAULT false NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"published_by_user_id" uuid,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notices_queued_at" timestamp with time zone,
	CONSTRAINT "policy_versions_document_check" CHECK ("policy_versions"."document" in ('privacy', 'terms'))
);
--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_published_by_user_id_users_id_fk" FOREIGN KEY ("published_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_document_version_key" ON "policy_versions" USING btree ("document","version");--> statement-breakpoint
CREATE TABLE "policy_acceptances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"policy_version_id" uuid NOT NULL,
	"user_id" uuid,
	"shop_id" uuid,
	"customer_id" uuid,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_acceptances_who_check" CHECK (("policy_acceptances"."user_id" is null) <> ("policy_acceptances"."customer_id" is null))
);
--> statement-breakpoint
ALTER TABLE "policy_acceptances" ADD CONSTRAINT "policy_acceptances_policy_version_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acceptances" ADD CONSTRAINT "policy_acceptances_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acceptances" ADD CONSTRAINT "policy_acceptances_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acceptances" ADD CONSTRAINT "policy_acceptances_customer_fk" FOREIGN KEY ("shop_id","customer_id") REFERENCES "public"."customers"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "policy_acceptances_user_key" ON "policy_acceptances" USING btree ("policy_version_id","user_id") WHERE "policy_acceptances"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "policy_acceptances_customer_key" ON "policy_acceptances" USING btree ("policy_version_id","shop_id","customer_id") WHERE "policy_acceptances"."customer_id" is not null;--> statement-breakpoint
INSERT INTO "policy_versions" ("document", "version", "significant", "summary") VALUES ('privacy', '2026-12-01', false, ''), ('terms', '2026-12-01', false, '');
