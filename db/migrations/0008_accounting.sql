CREATE TYPE "public"."accounting_doc_kind" AS ENUM('invoice', 'credit_note');--> statement-breakpoint
CREATE TYPE "public"."accounting_sync_status" AS ENUM('pending', 'synced', 'failed');--> statement-breakpoint
CREATE TYPE "public"."autocount_mode" AS ENUM('sandbox', 'live');--> statement-breakpoint
CREATE TYPE "public"."customer_code_scheme" AS ENUM('per_customer', 'cash_sales');--> statement-breakpoint
CREATE TYPE "public"."storefront_event_kind" AS ENUM('visit', 'cart', 'checkout', 'order');--> statement-breakpoint
CREATE TABLE "accounting_settings" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"mode" "autocount_mode" NOT NULL,
	"account_book_id" text,
	"key_id" text,
	"api_key_encrypted" text,
	"sales_account_no" text NOT NULL,
	"tax_code" text,
	"credit_term" text NOT NULL,
	"payment_method" text NOT NULL,
	"sales_location" text DEFAULT 'HQ' NOT NULL,
	"customer_code_scheme" "customer_code_scheme" DEFAULT 'per_customer' NOT NULL,
	"customer_code_prefix" text DEFAULT '300-' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"connected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounting_settings_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "accounting_syncs" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"kind" "accounting_doc_kind" NOT NULL,
	"ref" text DEFAULT '' NOT NULL,
	"payment_id" uuid,
	"doc_no" text NOT NULL,
	"status" "accounting_sync_status" DEFAULT 'pending' NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounting_syncs_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "daily_reports" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"report_date" date NOT NULL,
	"recipients" integer DEFAULT 0 NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_reports_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "report_settings" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"send_at" text DEFAULT '09:00' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_settings_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "report_subscriptions" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"subscribed" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_subscriptions_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "storefront_events" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" "storefront_event_kind" NOT NULL,
	"path" text,
	"order_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "storefront_events_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
ALTER TABLE "accounting_settings" ADD CONSTRAINT "accounting_settings_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounting_syncs" ADD CONSTRAINT "accounting_syncs_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounting_syncs" ADD CONSTRAINT "accounting_syncs_order_fk" FOREIGN KEY ("shop_id","order_id") REFERENCES "public"."orders"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_reports" ADD CONSTRAINT "daily_reports_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_settings" ADD CONSTRAINT "report_settings_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storefront_events" ADD CONSTRAINT "storefront_events_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_settings_shop_key" ON "accounting_settings" USING btree ("shop_id");--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_syncs_doc_key" ON "accounting_syncs" USING btree ("shop_id","order_id","kind","ref");--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_syncs_doc_no_key" ON "accounting_syncs" USING btree ("shop_id","kind","doc_no");--> statement-breakpoint
CREATE INDEX "accounting_syncs_status_idx" ON "accounting_syncs" USING btree ("shop_id","status","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "daily_reports_day_key" ON "daily_reports" USING btree ("shop_id","report_date");--> statement-breakpoint
CREATE UNIQUE INDEX "report_settings_shop_key" ON "report_settings" USING btree ("shop_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_subscriptions_user_key" ON "report_subscriptions" USING btree ("shop_id","user_id");--> statement-breakpoint
CREATE INDEX "storefront_events_kind_created_idx" ON "storefront_events" USING btree ("shop_id","kind","created_at");--> statement-breakpoint
-- Hand-written: the dashboard's and the daily report's sales figures read paid orders by creation
-- time; this partial covering index lets them aggregate with index-only scans (measured with
-- EXPLAIN ANALYZE at 100,000 orders, see README).
CREATE INDEX IF NOT EXISTS "orders_paid_created_idx" ON "orders" USING btree ("shop_id","created_at") INCLUDE ("total_minor","refunded_minor") WHERE "payment_status" <> 'unpaid';
