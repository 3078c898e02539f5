-- Billing: plans with monthly and yearly prices, seats and features; shop_plans becomes the
-- shop's subscription (status machine, periods, trial, scheduled downgrade); platform invoices
-- with a gapless NSB-YYYY-NNNNNN number; AI credit packs.

-- Plans: Free, Starter, Growth, Pro. "scale" becomes "pro" (same limits, shops moved across).
ALTER TABLE "plans" ADD COLUMN "yearly_price_minor" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "staff_seats" integer;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "own_domain" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "dropshipping" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "autocount_sync" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "listed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
INSERT INTO plans (id, name, product_limit, storage_limit_bytes, price_minor, yearly_price_minor, currency, position,
                   ai_copy_credits, ai_tryon_credits, ai_video_credits, staff_seats, own_domain, dropshipping, autocount_sync, listed) VALUES
  ('starter', 'Starter', 500,  5368709120,   2900,  29000,  'MYR', 1, 300,   50,   10,  2,    false, true, false, true),
  ('pro',     'Pro',     NULL, 214748364800, 19900, 199000, 'MYR', 3, 10000, 2000, 400, 15,   true,  true, true,  true)
ON CONFLICT (id) DO NOTHING;--> statement-breakpoint
UPDATE plans SET staff_seats = 1, listed = true, position = 0 WHERE id = 'free';--> statement-breakpoint
UPDATE plans SET yearly_price_minor = 49000, staff_seats = 5, own_domain = true, dropshipping = true, autocount_sync = true,
                 listed = true, position = 2 WHERE id = 'growth';--> statement-breakpoint
UPDATE shop_plans SET plan_id = 'pro' WHERE plan_id = 'scale';--> statement-breakpoint
DELETE FROM plans WHERE id = 'scale';--> statement-breakpoint

-- The subscription: one row per shop (a shop without one is on Free, active, with no period).
ALTER TABLE "shop_plans" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD CONSTRAINT "shop_plans_status_check"
  CHECK (status IN ('trialing', 'active', 'past_due', 'suspended', 'cancelled'));--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "interval" text DEFAULT 'month' NOT NULL;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD CONSTRAINT "shop_plans_interval_check" CHECK (interval IN ('month', 'year'));--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "current_period_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "current_period_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "anchor_day" smallint;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "trial_ends_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "scheduled_plan_id" text REFERENCES plans(id);--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "scheduled_interval" text;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "past_due_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "suspension_reason" text;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shop_plans" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "shop_plans_due_idx" ON "shop_plans" ("status", "current_period_end");--> statement-breakpoint

-- Gapless numbering of platform documents: one row per series (e.g. NSB-2026), taken under its row lock.
CREATE TABLE "platform_counters" (
  "series" text PRIMARY KEY NOT NULL,
  "value" integer DEFAULT 0 NOT NULL
);--> statement-breakpoint

CREATE TABLE "platform_invoices" (
  "shop_id" uuid NOT NULL REFERENCES shops(id) ON DELETE cascade,
  "id" uuid DEFAULT gen_random_uuid() NOT NULL,
  "number" text NOT NULL,
  "kind" text NOT NULL CHECK (kind IN ('renewal', 'change', 'credits')),
  "status" text DEFAULT 'open' NOT NULL CHECK (status IN ('open', 'paid', 'void')),
  -- Makes a retried issue (double click, a renewal job run twice) return the same invoice.
  "idempotency_key" text NOT NULL,
  "plan_id" text REFERENCES plans(id),
  "interval" text,
  "period_start" timestamp with time zone,
  "period_end" timestamp with time zone,
  "lines" jsonb NOT NULL,
  "subtotal_minor" integer NOT NULL,
  "sst_rate_bp" integer DEFAULT 0 NOT NULL,
  "sst_minor" integer DEFAULT 0 NOT NULL,
  "total_minor" integer NOT NULL,
  "currency" char(3) DEFAULT 'MYR' NOT NULL,
  "sst_registration" text,
  "bill_to" jsonb NOT NULL,
  "issued_at" timestamp with time zone DEFAULT now() NOT NULL,
  "due_at" timestamp with time zone NOT NULL,
  "paid_at" timestamp with time zone,
  "gateway" text,
  "gateway_reference" text,
  "payment_url" text,
  "reminders_sent" text[] DEFAULT '{}' NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "platform_invoices_pk" PRIMARY KEY ("shop_id", "id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "platform_invoices_number_key" ON "platform_invoices" ("shop_id", "number");--> statement-breakpoint
CREATE UNIQUE INDEX "platform_invoices_idempotency_key" ON "platform_invoices" ("shop_id", "idempotency_key");--> statement-breakpoint
CREATE INDEX "platform_invoices_reference_idx" ON "platform_invoices" ("gateway", "gateway_reference");--> statement-breakpoint
CREATE INDEX "platform_invoices_open_idx" ON "platform_invoices" ("status", "due_at");--> statement-breakpoint

-- AI credits bought in packs (or granted by an operator): used after the month's plan credits, never expire.
CREATE TABLE "ai_credit_grants" (
  "shop_id" uuid NOT NULL REFERENCES shops(id) ON DELETE cascade,
  "id" uuid DEFAULT gen_random_uuid() NOT NULL,
  "kind" "ai_job_kind" NOT NULL,
  "credits" integer NOT NULL CHECK (credits > 0),
  "source" text NOT NULL CHECK (source IN ('pack', 'operator')),
  "invoice_id" uuid,
  "note" text,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "ai_credit_grants_pk" PRIMARY KEY ("shop_id", "id"),
  CONSTRAINT "ai_credit_grants_invoice_fk" FOREIGN KEY ("shop_id", "invoice_id") REFERENCES "platform_invoices" ("shop_id", "id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "ai_credit_grants_invoice_key" ON "ai_credit_grants" ("shop_id", "invoice_id", "kind");
