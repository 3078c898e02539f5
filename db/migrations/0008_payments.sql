CREATE TABLE "payment_gateway_accounts" (
	"shop_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"gateway" text NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"credentials_sealed" text,
	"credentials_hint" text,
	"last_tested_at" timestamp with time zone,
	"last_test_result" text,
	"updated_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_gateway_accounts_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
ALTER TABLE "payment_gateway_accounts" ADD CONSTRAINT "payment_gateway_accounts_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_gateway_accounts" ADD CONSTRAINT "payment_gateway_accounts_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_gateway_accounts_gateway_key" ON "payment_gateway_accounts" USING btree ("shop_id","gateway");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_gateway_accounts_active_key" ON "payment_gateway_accounts" USING btree ("shop_id") WHERE "payment_gateway_accounts"."active";