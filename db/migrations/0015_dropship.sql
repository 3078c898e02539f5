CREATE TYPE "public"."shop_kind" AS ENUM('merchant', 'supplier');--> statement-breakpoint
CREATE TYPE "public"."supplier_line_status" AS ENUM('open', 'shipped', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."supplier_order_status" AS ENUM('held', 'open', 'accepted', 'shipped', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."supplier_payment" AS ENUM('unpaid', 'wallet', 'manual');--> statement-breakpoint
CREATE TYPE "public"."supplier_status" AS ENUM('pending', 'approved', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."wallet_entry_kind" AS ENUM('topup', 'charge', 'refund');--> statement-breakpoint
CREATE TABLE "dropship_alerts" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"order_id" uuid,
	"product_id" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dropship_alerts_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "dropship_favourites" (
	"shop_id" uuid NOT NULL,
	"supplier_product_id" uuid NOT NULL,
	"supplier_shop_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dropship_favourites_shop_id_supplier_product_id_pk" PRIMARY KEY("shop_id","supplier_product_id")
);
--> statement-breakpoint
CREATE TABLE "dropship_forwards" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"supplier_shop_id" uuid NOT NULL,
	"status" "supplier_order_status" DEFAULT 'held' NOT NULL,
	"payment" "supplier_payment" DEFAULT 'unpaid' NOT NULL,
	"currency" char(3) NOT NULL,
	"cost_total_minor" bigint NOT NULL,
	"sent_at" timestamp with time zone,
	"carrier" text,
	"tracking_number" text,
	"fulfilled_at" timestamp with time zone,
	"rejected_lines" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dropship_forwards_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "dropship_links" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"supplier_shop_id" uuid NOT NULL,
	"supplier_product_id" uuid NOT NULL,
	"supplier_variant_id" uuid NOT NULL,
	"supplier_cost_minor" integer NOT NULL,
	"multiplier_bp" integer,
	"markup_minor" integer,
	"rounding_ending" integer,
	"price_locked" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dropship_links_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "dropship_settings" (
	"shop_id" uuid PRIMARY KEY NOT NULL,
	"multiplier_bp" integer DEFAULT 20000 NOT NULL,
	"markup_minor" integer DEFAULT 0 NOT NULL,
	"rounding_ending" integer,
	"margin_alert_percent" integer DEFAULT 20 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dropship_wallet_entries" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" "wallet_entry_kind" NOT NULL,
	"amount_minor" bigint NOT NULL,
	"balance_after_minor" bigint NOT NULL,
	"forward_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dropship_wallet_entries_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "dropship_wallet_entries_balance_check" CHECK ("dropship_wallet_entries"."balance_after_minor" >= 0 and "dropship_wallet_entries"."amount_minor" <> 0)
);
--> statement-breakpoint
CREATE TABLE "dropship_wallets" (
	"shop_id" uuid PRIMARY KEY NOT NULL,
	"currency" char(3) DEFAULT 'MYR' NOT NULL,
	"balance_minor" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dropship_wallets_balance_check" CHECK ("dropship_wallets"."balance_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_order_lines" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"supplier_order_id" uuid NOT NULL,
	"merchant_line_id" uuid NOT NULL,
	"variant_id" uuid,
	"title" text NOT NULL,
	"variant_title" text DEFAULT '' NOT NULL,
	"sku" text,
	"quantity" integer NOT NULL,
	"unit_cost_minor" bigint NOT NULL,
	"status" "supplier_line_status" DEFAULT 'open' NOT NULL,
	"reject_reason" text,
	CONSTRAINT "supplier_order_lines_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "supplier_order_lines_quantity_check" CHECK ("supplier_order_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_orders" (
	"shop_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"merchant_shop_id" uuid NOT NULL,
	"merchant_order_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"status" "supplier_order_status" DEFAULT 'open' NOT NULL,
	"recipient_name" text NOT NULL,
	"recipient_phone" text,
	"address_line1" text NOT NULL,
	"address_line2" text,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"postcode" text NOT NULL,
	"country" char(2) NOT NULL,
	"currency" char(3) NOT NULL,
	"cost_total_minor" bigint NOT NULL,
	"carrier" text,
	"tracking_number" text,
	"accepted_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_orders_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "supplier_profiles" (
	"shop_id" uuid PRIMARY KEY NOT NULL,
	"company_name" text NOT NULL,
	"contact_name" text NOT NULL,
	"whatsapp" text NOT NULL,
	"warehouse_city" text NOT NULL,
	"warehouse_state" text NOT NULL,
	"regions" text[] DEFAULT '{}'::text[] NOT NULL,
	"handling_days" integer DEFAULT 2 NOT NULL,
	"status" "supplier_status" DEFAULT 'pending' NOT NULL,
	"status_changed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_profiles_handling_check" CHECK ("supplier_profiles"."handling_days" between 0 and 60)
);
--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "kind" "shop_kind" DEFAULT 'merchant' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "platform_role" text;--> statement-breakpoint
ALTER TABLE "dropship_alerts" ADD CONSTRAINT "dropship_alerts_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_favourites" ADD CONSTRAINT "dropship_favourites_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_favourites" ADD CONSTRAINT "dropship_favourites_supplier_shop_id_shops_id_fk" FOREIGN KEY ("supplier_shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_forwards" ADD CONSTRAINT "dropship_forwards_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_forwards" ADD CONSTRAINT "dropship_forwards_supplier_shop_id_shops_id_fk" FOREIGN KEY ("supplier_shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_forwards" ADD CONSTRAINT "dropship_forwards_order_fk" FOREIGN KEY ("shop_id","order_id") REFERENCES "public"."orders"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_links" ADD CONSTRAINT "dropship_links_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_links" ADD CONSTRAINT "dropship_links_supplier_shop_id_shops_id_fk" FOREIGN KEY ("supplier_shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_links" ADD CONSTRAINT "dropship_links_variant_fk" FOREIGN KEY ("shop_id","variant_id") REFERENCES "public"."variants"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_settings" ADD CONSTRAINT "dropship_settings_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_wallet_entries" ADD CONSTRAINT "dropship_wallet_entries_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_wallet_entries" ADD CONSTRAINT "dropship_wallet_entries_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dropship_wallets" ADD CONSTRAINT "dropship_wallets_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_order_lines" ADD CONSTRAINT "supplier_order_lines_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_order_lines" ADD CONSTRAINT "supplier_order_lines_order_fk" FOREIGN KEY ("shop_id","supplier_order_id") REFERENCES "public"."supplier_orders"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_orders" ADD CONSTRAINT "supplier_orders_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_orders" ADD CONSTRAINT "supplier_orders_merchant_shop_id_shops_id_fk" FOREIGN KEY ("merchant_shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_profiles" ADD CONSTRAINT "supplier_profiles_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dropship_alerts_open_idx" ON "dropship_alerts" USING btree ("shop_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "dropship_forwards_order_supplier_key" ON "dropship_forwards" USING btree ("shop_id","order_id","supplier_shop_id");--> statement-breakpoint
CREATE INDEX "dropship_forwards_list_idx" ON "dropship_forwards" USING btree ("shop_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "dropship_links_variant_key" ON "dropship_links" USING btree ("shop_id","variant_id");--> statement-breakpoint
CREATE INDEX "dropship_links_product_idx" ON "dropship_links" USING btree ("shop_id","product_id");--> statement-breakpoint
CREATE INDEX "dropship_links_supplier_variant_idx" ON "dropship_links" USING btree ("supplier_variant_id");--> statement-breakpoint
CREATE INDEX "dropship_wallet_entries_time_idx" ON "dropship_wallet_entries" USING btree ("shop_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "dropship_wallet_entries_charge_key" ON "dropship_wallet_entries" USING btree ("shop_id","forward_id") WHERE "dropship_wallet_entries"."forward_id" is not null and "dropship_wallet_entries"."kind" = 'charge';--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_order_lines_line_key" ON "supplier_order_lines" USING btree ("shop_id","supplier_order_id","merchant_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_orders_merchant_order_key" ON "supplier_orders" USING btree ("shop_id","merchant_shop_id","merchant_order_id");--> statement-breakpoint
CREATE INDEX "supplier_orders_list_idx" ON "supplier_orders" USING btree ("shop_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "supplier_profiles_status_idx" ON "supplier_profiles" USING btree ("status");