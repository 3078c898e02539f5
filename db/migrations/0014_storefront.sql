CREATE TABLE "flash_sale_claims" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"flash_sale_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"customer_key" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_minor" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "flash_sale_claims_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "flash_sale_claims_quantity_check" CHECK ("flash_sale_claims"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "flash_sale_customers" (
	"shop_id" uuid NOT NULL,
	"flash_sale_id" uuid NOT NULL,
	"customer_key" text NOT NULL,
	"quantity" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "flash_sale_customers_shop_id_flash_sale_id_customer_key_pk" PRIMARY KEY("shop_id","flash_sale_id","customer_key"),
	CONSTRAINT "flash_sale_customers_quantity_check" CHECK ("flash_sale_customers"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "flash_sale_variants" (
	"shop_id" uuid NOT NULL,
	"flash_sale_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"sale_price_minor" integer NOT NULL,
	CONSTRAINT "flash_sale_variants_shop_id_flash_sale_id_variant_id_pk" PRIMARY KEY("shop_id","flash_sale_id","variant_id"),
	CONSTRAINT "flash_sale_variants_price_check" CHECK ("flash_sale_variants"."sale_price_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "flash_sales" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"per_customer_limit" integer,
	"total_cap" integer,
	"claimed" integer DEFAULT 0 NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flash_sales_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "flash_sales_window_check" CHECK ("flash_sales"."ends_at" > "flash_sales"."starts_at"),
	CONSTRAINT "flash_sales_limits_check" CHECK (coalesce("flash_sales"."per_customer_limit", 1) > 0 and coalesce("flash_sales"."total_cap", 1) > 0),
	CONSTRAINT "flash_sales_claimed_check" CHECK ("flash_sales"."claimed" >= 0 and ("flash_sales"."total_cap" is null or "flash_sales"."claimed" <= "flash_sales"."total_cap"))
);
--> statement-breakpoint
ALTER TABLE "flash_sale_claims" ADD CONSTRAINT "flash_sale_claims_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sale_claims" ADD CONSTRAINT "flash_sale_claims_sale_fk" FOREIGN KEY ("shop_id","flash_sale_id") REFERENCES "public"."flash_sales"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sale_customers" ADD CONSTRAINT "flash_sale_customers_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sale_customers" ADD CONSTRAINT "flash_sale_customers_sale_fk" FOREIGN KEY ("shop_id","flash_sale_id") REFERENCES "public"."flash_sales"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sale_variants" ADD CONSTRAINT "flash_sale_variants_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sale_variants" ADD CONSTRAINT "flash_sale_variants_sale_fk" FOREIGN KEY ("shop_id","flash_sale_id") REFERENCES "public"."flash_sales"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sale_variants" ADD CONSTRAINT "flash_sale_variants_variant_fk" FOREIGN KEY ("shop_id","variant_id") REFERENCES "public"."variants"("shop_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flash_sales" ADD CONSTRAINT "flash_sales_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flash_sale_claims_order_idx" ON "flash_sale_claims" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "flash_sale_claims_sale_idx" ON "flash_sale_claims" USING btree ("shop_id","flash_sale_id","created_at");--> statement-breakpoint
CREATE INDEX "flash_sale_variants_variant_idx" ON "flash_sale_variants" USING btree ("shop_id","variant_id");--> statement-breakpoint
CREATE INDEX "flash_sales_window_idx" ON "flash_sales" USING btree ("shop_id","ends_at","starts_at");--> statement-breakpoint
-- Hand-written: storefront search. `search_document` is the tsvector of what customers search
-- (title, brand, type), stored so neither the match nor the ranking recomputes it per row; the
-- expression must match app/domain/storefront/search.server.ts. btree_gin (a trusted extension)
-- lets each GIN index lead with shop_id, so a search scans only the shop's entries; only active
-- products are indexed. These quals (@@, <%, ILIKE) are not leakproof, so PostgreSQL cannot use
-- them as index conditions under a row-level-security policy: the storefront search reads
-- candidate ids through the platform role with an explicit shop filter and hydrates them under
-- RLS (see search.server.ts).
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN IF NOT EXISTS "search_document" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "title" || ' ' || coalesce("brand", '') || ' ' || coalesce("product_type", ''))) STORED;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_storefront_fts_idx" ON "products" USING gin ("shop_id", "search_document") WHERE "status" = 'active';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_storefront_trgm_idx" ON "products" USING gin ("shop_id", "title" gin_trgm_ops) WHERE "status" = 'active';
