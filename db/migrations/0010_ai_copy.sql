CREATE TABLE "ai_copy_drafts" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"tone" text NOT NULL,
	"languages" text[] NOT NULL,
	"content" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"applied" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_copy_drafts_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "ai_copy_versions" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description_md" text NOT NULL,
	"seo_title" text,
	"seo_description" text,
	"tags" text[] NOT NULL,
	"reason" text NOT NULL,
	"draft_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"restored_at" timestamp with time zone,
	CONSTRAINT "ai_copy_versions_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "ai_settings" (
	"shop_id" uuid PRIMARY KEY NOT NULL,
	"copy_provider" text DEFAULT 'openai' NOT NULL,
	"copy_model" text,
	"default_tone" text DEFAULT 'friendly' NOT NULL,
	"default_languages" text[] DEFAULT '{en,ms,zh}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ai_copy_drafts" ADD CONSTRAINT "ai_copy_drafts_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_copy_drafts" ADD CONSTRAINT "ai_copy_drafts_job_fk" FOREIGN KEY ("shop_id","job_id") REFERENCES "public"."ai_jobs"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_copy_drafts" ADD CONSTRAINT "ai_copy_drafts_product_fk" FOREIGN KEY ("shop_id","product_id") REFERENCES "public"."products"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_copy_versions" ADD CONSTRAINT "ai_copy_versions_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_copy_versions" ADD CONSTRAINT "ai_copy_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_copy_versions" ADD CONSTRAINT "ai_copy_versions_product_fk" FOREIGN KEY ("shop_id","product_id") REFERENCES "public"."products"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_settings" ADD CONSTRAINT "ai_settings_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ai_copy_drafts_job_key" ON "ai_copy_drafts" USING btree ("shop_id","job_id");--> statement-breakpoint
CREATE INDEX "ai_copy_drafts_product_idx" ON "ai_copy_drafts" USING btree ("shop_id","product_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ai_copy_versions_product_idx" ON "ai_copy_versions" USING btree ("shop_id","product_id","created_at" DESC NULLS LAST);