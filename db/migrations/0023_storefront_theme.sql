-- Hand-written (issue 17): a shop's storefront theme — brand colours, logo, favicon, hero banner,
-- announcement bar and footer links — as one validated document (app/domain/storefront/theme.ts
-- is its schema). It lives on the shops row, so the storefront cache's trigger on shops (0020)
-- already tells every web process to forget the shop when the theme changes.
ALTER TABLE "shops" ADD COLUMN IF NOT EXISTS "storefront_theme" jsonb NOT NULL DEFAULT '{}'::jsonb;--> statement-breakpoint
ALTER TABLE "shops" ADD CONSTRAINT "shops_storefront_theme_object" CHECK (jsonb_typeof("storefront_theme") = 'object' AND pg_column_size("storefront_theme") < 16384);
--> statement-breakpoint
-- The dashboard's onboarding checklist (app/domain/shops/onboarding.server.ts): when the merchant hid it.
ALTER TABLE "shops" ADD COLUMN IF NOT EXISTS "onboarding_dismissed_at" timestamptz;
