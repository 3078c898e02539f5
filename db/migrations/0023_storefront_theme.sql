-- Hand-written (issue 17): a shop's storefront theme — brand colours, logo, favicon, hero banner,
-- announcement bar and footer links — as one validated document (app/domain/storefront/theme.ts
-- is its schema). It lives on the shops row, so the storefront cache's trigger on shops (0020)
-- already tells every web process to forget the shop when the theme changes.
ALTER TABLE "shops" ADD COLUMN IF NOT EXISTS "storefront_theme" jsonb NOT NULL DEFAULT '{}'::jsonb;--> statement-breakpoint
ALTER TABLE "shops" ADD CONSTRAINT "shops_storefront_theme_object" CHECK (jsonb_typeof("storefront_theme") = 'object' AND pg_column_size("storefront_theme") < 16384);
--> statement-breakpoint
-- The dashboard's onboarding checklist (app/domain/shops/onboarding.server.ts): when the merchant hid it.
ALTER TABLE "shops" ADD COLUMN IF NOT EXISTS "onboarding_dismissed_at" timestamptz;
--> statement-breakpoint
-- Live progress (app/domain/jobs/progress.server.ts, the SSE route admin.progress): a change to a
-- long job's row notifies channel netshop_progress with "<shop id>:<table>:<row id>" at commit;
-- each web process listens once and passes the event to that shop's open streams only.
CREATE OR REPLACE FUNCTION netshop_progress_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.shop_id IS NULL THEN RETURN NULL; END IF; -- a platform-level privacy request: no shop to tell
  PERFORM pg_notify('netshop_progress', NEW.shop_id::text || ':' || TG_TABLE_NAME || ':' || NEW.id::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER progress_changed AFTER INSERT OR UPDATE ON "catalog_transfers" FOR EACH ROW EXECUTE FUNCTION netshop_progress_changed();--> statement-breakpoint
CREATE TRIGGER progress_changed AFTER INSERT OR UPDATE ON "ai_batches" FOR EACH ROW EXECUTE FUNCTION netshop_progress_changed();--> statement-breakpoint
CREATE TRIGGER progress_changed AFTER INSERT OR UPDATE ON "ai_jobs" FOR EACH ROW EXECUTE FUNCTION netshop_progress_changed();--> statement-breakpoint
CREATE TRIGGER progress_changed AFTER INSERT OR UPDATE ON "privacy_requests" FOR EACH ROW EXECUTE FUNCTION netshop_progress_changed();
