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
CREATE TABLE "product_sales_daily" (
	"shop_id" uuid NOT NULL,
	"day" date NOT NULL,
	"product_key" text NOT NULL,
	"source" text NOT NULL,
	"title" text NOT NULL,
	"quantity" integer NOT NULL,
	"revenue_minor" bigint NOT NULL,
	CONSTRAINT "product_sales_daily_shop_id_day_product_key_source_pk" PRIMARY KEY("shop_id","day","product_key","source")
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
CREATE TABLE "sales_daily" (
	"shop_id" uuid NOT NULL,
	"day" date NOT NULL,
	"orders" integer NOT NULL,
	"revenue_minor" bigint NOT NULL,
	CONSTRAINT "sales_daily_shop_id_day_pk" PRIMARY KEY("shop_id","day")
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
ALTER TABLE "product_sales_daily" ADD CONSTRAINT "product_sales_daily_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_settings" ADD CONSTRAINT "report_settings_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_daily" ADD CONSTRAINT "sales_daily_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storefront_events" ADD CONSTRAINT "storefront_events_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_settings_shop_key" ON "accounting_settings" USING btree ("shop_id");--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_syncs_doc_key" ON "accounting_syncs" USING btree ("shop_id","order_id","kind","ref");--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_syncs_doc_no_key" ON "accounting_syncs" USING btree ("shop_id","kind","doc_no");--> statement-breakpoint
CREATE INDEX "accounting_syncs_status_idx" ON "accounting_syncs" USING btree ("shop_id","status","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "daily_reports_day_key" ON "daily_reports" USING btree ("shop_id","report_date");--> statement-breakpoint
CREATE UNIQUE INDEX "report_settings_shop_key" ON "report_settings" USING btree ("shop_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_subscriptions_user_key" ON "report_subscriptions" USING btree ("shop_id","user_id");--> statement-breakpoint
CREATE INDEX "storefront_events_kind_created_idx" ON "storefront_events" USING btree ("shop_id","kind","created_at");
--> statement-breakpoint
-- Hand-written (accounting & reports).
-- 1. Paid orders by creation time, covering the sums: the rollup refresh reads one local day with it.
CREATE INDEX IF NOT EXISTS "orders_paid_created_idx" ON "orders" USING btree ("shop_id","created_at") INCLUDE ("total_minor","refunded_minor") WHERE "payment_status" <> 'unpaid';
--> statement-breakpoint
-- 2. Daily sales rollups (sales_daily, product_sales_daily), kept equal to the orders by
-- statement-level triggers that recompute each (shop, local day) a statement touched. A
-- transaction-scoped advisory lock per shop and day serialises concurrent refreshes of one day
-- (each statement then sees the other's committed rows), so two payments never collide.
CREATE OR REPLACE FUNCTION netshop_refresh_sales_days(p_shop uuid, p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  tz text;
  d date;
  day_start timestamptz;
  day_end timestamptz;
BEGIN
  SELECT timezone INTO tz FROM shops WHERE id = p_shop;
  IF tz IS NULL OR p_days IS NULL OR cardinality(p_days) = 0 THEN RETURN; END IF;
  FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock(hashtext('sales_daily:' || p_shop::text || ':' || d::text));
  END LOOP;
  FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x ORDER BY x LOOP
    day_start := d::timestamp AT TIME ZONE tz;
    day_end := (d + 1)::timestamp AT TIME ZONE tz;
    DELETE FROM sales_daily WHERE shop_id = p_shop AND day = d;
    DELETE FROM product_sales_daily WHERE shop_id = p_shop AND day = d;
    -- One local day through orders_paid_created_idx, and each order's lines through their index
    -- (OFFSET 0 keeps the lateral subquery a per-order index lookup).
    INSERT INTO sales_daily (shop_id, day, orders, revenue_minor)
      SELECT p_shop, d, count(*), sum(o.total_minor - o.refunded_minor)
      FROM orders o
      WHERE o.shop_id = p_shop AND o.payment_status <> 'unpaid' AND o.created_at >= day_start AND o.created_at < day_end
      HAVING count(*) > 0;
    INSERT INTO product_sales_daily (shop_id, day, product_key, source, title, quantity, revenue_minor)
      SELECT p_shop, d, l.product_key, l.source, min(l.title), sum(l.quantity), sum(l.total_minor)
      FROM orders o
      CROSS JOIN LATERAL (
        SELECT coalesce(ol.product_id::text, 't:' || ol.title) AS product_key, ol.source::text AS source, ol.title, ol.quantity, ol.total_minor
        FROM order_lines ol WHERE ol.shop_id = o.shop_id AND ol.order_id = o.id OFFSET 0
      ) l
      WHERE o.shop_id = p_shop AND o.payment_status <> 'unpaid' AND o.created_at >= day_start AND o.created_at < day_end
      GROUP BY l.product_key, l.source;
  END LOOP;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION netshop_sales_rollup_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT c.shop_id, array_agg(DISTINCT (c.created_at AT TIME ZONE s.timezone)::date) AS days
      FROM changed_new c JOIN shops s ON s.id = c.shop_id WHERE c.payment_status <> 'unpaid' GROUP BY c.shop_id
    LOOP PERFORM netshop_refresh_sales_days(r.shop_id, r.days); END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN SELECT c.shop_id, array_agg(DISTINCT (c.created_at AT TIME ZONE s.timezone)::date) AS days
      FROM changed_old c JOIN shops s ON s.id = c.shop_id WHERE c.payment_status <> 'unpaid' GROUP BY c.shop_id
    LOOP PERFORM netshop_refresh_sales_days(r.shop_id, r.days); END LOOP;
  ELSE
    FOR r IN SELECT x.shop_id, array_agg(DISTINCT (x.created_at AT TIME ZONE s.timezone)::date) AS days
      FROM (
        SELECT n.shop_id, n.created_at FROM changed_new n JOIN changed_old o ON o.shop_id = n.shop_id AND o.id = n.id
          WHERE (n.payment_status <> 'unpaid' OR o.payment_status <> 'unpaid')
            AND (n.payment_status IS DISTINCT FROM o.payment_status OR n.total_minor <> o.total_minor OR n.refunded_minor <> o.refunded_minor OR n.created_at <> o.created_at)
        UNION ALL
        SELECT o.shop_id, o.created_at FROM changed_new n JOIN changed_old o ON o.shop_id = n.shop_id AND o.id = n.id
          WHERE o.payment_status <> 'unpaid' AND n.created_at <> o.created_at
      ) x JOIN shops s ON s.id = x.shop_id GROUP BY x.shop_id
    LOOP PERFORM netshop_refresh_sales_days(r.shop_id, r.days); END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION netshop_sales_rollup_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT o.shop_id, array_agg(DISTINCT (o.created_at AT TIME ZONE s.timezone)::date) AS days
      FROM (SELECT DISTINCT shop_id, order_id FROM changed_new) c
      JOIN orders o ON o.shop_id = c.shop_id AND o.id = c.order_id AND o.payment_status <> 'unpaid'
      JOIN shops s ON s.id = o.shop_id GROUP BY o.shop_id
    LOOP PERFORM netshop_refresh_sales_days(r.shop_id, r.days); END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN SELECT o.shop_id, array_agg(DISTINCT (o.created_at AT TIME ZONE s.timezone)::date) AS days
      FROM (SELECT DISTINCT shop_id, order_id FROM changed_old) c
      JOIN orders o ON o.shop_id = c.shop_id AND o.id = c.order_id AND o.payment_status <> 'unpaid'
      JOIN shops s ON s.id = o.shop_id GROUP BY o.shop_id
    LOOP PERFORM netshop_refresh_sales_days(r.shop_id, r.days); END LOOP;
  ELSE
    FOR r IN SELECT o.shop_id, array_agg(DISTINCT (o.created_at AT TIME ZONE s.timezone)::date) AS days
      FROM (SELECT DISTINCT n.shop_id, n.order_id FROM changed_new n JOIN changed_old p ON p.shop_id = n.shop_id AND p.id = n.id
              WHERE n.quantity <> p.quantity OR n.total_minor <> p.total_minor OR n.source <> p.source OR n.title <> p.title OR n.product_id IS DISTINCT FROM p.product_id OR n.order_id <> p.order_id) c
      JOIN orders o ON o.shop_id = c.shop_id AND o.id = c.order_id AND o.payment_status <> 'unpaid'
      JOIN shops s ON s.id = o.shop_id GROUP BY o.shop_id
    LOOP PERFORM netshop_refresh_sales_days(r.shop_id, r.days); END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sales_rollup_orders_ins AFTER INSERT ON orders REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION netshop_sales_rollup_orders();
--> statement-breakpoint
CREATE TRIGGER sales_rollup_orders_upd AFTER UPDATE ON orders REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION netshop_sales_rollup_orders();
--> statement-breakpoint
CREATE TRIGGER sales_rollup_orders_del AFTER DELETE ON orders REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION netshop_sales_rollup_orders();
--> statement-breakpoint
CREATE TRIGGER sales_rollup_lines_ins AFTER INSERT ON order_lines REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION netshop_sales_rollup_lines();
--> statement-breakpoint
CREATE TRIGGER sales_rollup_lines_upd AFTER UPDATE ON order_lines REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION netshop_sales_rollup_lines();
--> statement-breakpoint
CREATE TRIGGER sales_rollup_lines_del AFTER DELETE ON order_lines REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION netshop_sales_rollup_lines();
--> statement-breakpoint
-- A shop that changes its time zone gets its days recomputed on the new calendar.
CREATE OR REPLACE FUNCTION netshop_sales_rollup_shop_tz() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM sales_daily WHERE shop_id = NEW.id;
  DELETE FROM product_sales_daily WHERE shop_id = NEW.id;
  PERFORM netshop_refresh_sales_days(NEW.id, ARRAY(SELECT DISTINCT (created_at AT TIME ZONE NEW.timezone)::date FROM orders WHERE shop_id = NEW.id AND payment_status <> 'unpaid'));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sales_rollup_shop_tz AFTER UPDATE OF timezone ON shops FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION netshop_sales_rollup_shop_tz();
--> statement-breakpoint
-- Backfill from the orders already there (the migrator's owner role: a superuser in NetShop's setups).
SELECT netshop_refresh_sales_days(s.id, ARRAY(SELECT DISTINCT (o.created_at AT TIME ZONE s.timezone)::date FROM orders o WHERE o.shop_id = s.id AND o.payment_status <> 'unpaid')) FROM shops s;
