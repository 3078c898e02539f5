-- Billing life cycle: an owner may cancel a paid subscription at the period's end, and the
-- platform keeps a list of failed platform-invoice payments (amount mismatches, payments the
-- gateway reports failed or cancelled/expired) for the operators, not only the audit log.
ALTER TABLE "shop_plans" ADD COLUMN "cancel_at_period_end" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE "platform_payment_failures" (
  "shop_id" uuid NOT NULL REFERENCES shops(id) ON DELETE cascade,
  "id" uuid DEFAULT gen_random_uuid() NOT NULL,
  "invoice_id" uuid NOT NULL,
  "gateway" text NOT NULL,
  "gateway_reference" text NOT NULL,
  "event_id" text NOT NULL,
  "kind" text NOT NULL CHECK (kind IN ('mismatch', 'failed', 'cancelled')),
  -- For a mismatch: which field, what the invoice says, what the gateway said.
  "field" text,
  "expected" text,
  "actual" text,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "platform_payment_failures_pk" PRIMARY KEY ("shop_id", "id"),
  CONSTRAINT "platform_payment_failures_invoice_fk" FOREIGN KEY ("shop_id", "invoice_id") REFERENCES "platform_invoices" ("shop_id", "id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "platform_payment_failures_event_key" ON "platform_payment_failures" ("shop_id", "gateway", "event_id");--> statement-breakpoint
CREATE INDEX "platform_payment_failures_created_idx" ON "platform_payment_failures" ("created_at");
