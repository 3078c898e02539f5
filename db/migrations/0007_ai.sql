CREATE TYPE "public"."ai_job_kind" AS ENUM('copy', 'tryon', 'video');--> statement-breakpoint
CREATE TYPE "public"."ai_job_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "ai_batches" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" "ai_job_kind" NOT NULL,
	"status" "ai_job_status" DEFAULT 'queued' NOT NULL,
	"total" integer NOT NULL,
	"input" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "ai_batches_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "ai_credit_usage" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"kind" "ai_job_kind" NOT NULL,
	"credits" integer NOT NULL,
	"period" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_credit_usage_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "ai_credit_usage_credits_check" CHECK ("ai_credit_usage"."credits" > 0)
);
--> statement-breakpoint
CREATE TABLE "ai_jobs" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" "ai_job_kind" NOT NULL,
	"status" "ai_job_status" DEFAULT 'queued' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"provider" text NOT NULL,
	"model" text,
	"product_id" uuid,
	"batch_id" uuid,
	"input" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"provider_task_id" text,
	"provider_status" text,
	"provider_result_url" text,
	"provider_result_at" timestamp with time zone,
	"result_media_id" uuid,
	"migrated_at" timestamp with time zone,
	"result_draft_id" uuid,
	"error" text,
	"error_code" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"input_tokens" integer,
	"output_tokens" integer,
	"provider_units" integer,
	"credits" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "ai_jobs_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "ai_jobs_progress_check" CHECK ("ai_jobs"."progress" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "ai_copy_credits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "ai_tryon_credits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "ai_video_credits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_batches" ADD CONSTRAINT "ai_batches_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_batches" ADD CONSTRAINT "ai_batches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_credit_usage" ADD CONSTRAINT "ai_credit_usage_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_jobs" ADD CONSTRAINT "ai_jobs_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_jobs" ADD CONSTRAINT "ai_jobs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_jobs" ADD CONSTRAINT "ai_jobs_batch_fk" FOREIGN KEY ("shop_id","batch_id") REFERENCES "public"."ai_batches"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_batches_created_idx" ON "ai_batches" USING btree ("shop_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "ai_credit_usage_job_key" ON "ai_credit_usage" USING btree ("shop_id","job_id");--> statement-breakpoint
CREATE INDEX "ai_credit_usage_period_idx" ON "ai_credit_usage" USING btree ("shop_id","period","kind");--> statement-breakpoint
CREATE INDEX "ai_jobs_created_idx" ON "ai_jobs" USING btree ("shop_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ai_jobs_product_idx" ON "ai_jobs" USING btree ("shop_id","product_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ai_jobs_batch_idx" ON "ai_jobs" USING btree ("shop_id","batch_id");--> statement-breakpoint
CREATE INDEX "ai_jobs_unmigrated_idx" ON "ai_jobs" USING btree ("provider_result_at") WHERE "ai_jobs"."provider_result_url" is not null and "ai_jobs"."migrated_at" is null;--> statement-breakpoint
-- Monthly AI credits per plan: copy is cheap, a try-on image costs a Kling task, a video several.
UPDATE plans SET ai_copy_credits = 50, ai_tryon_credits = 10, ai_video_credits = 2 WHERE id = 'free';--> statement-breakpoint
UPDATE plans SET ai_copy_credits = 1000, ai_tryon_credits = 200, ai_video_credits = 40 WHERE id = 'growth';--> statement-breakpoint
UPDATE plans SET ai_copy_credits = 10000, ai_tryon_credits = 2000, ai_video_credits = 400 WHERE id = 'scale';
