-- Hand-written (issue 16): what every visitor of a shop sees is computed once per web process and
-- kept until it changes (app/domain/storefront/cache.server.ts). Any change to a row a storefront
-- page is built from — by the admin, a worker, a checkout or another web process — notifies
-- channel netshop_storefront with the shop's id when its transaction commits (PostgreSQL folds
-- repeats of one payload within a transaction into one notification); every web process listens
-- and forgets that shop's entries.
CREATE OR REPLACE FUNCTION netshop_storefront_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('netshop_storefront', (CASE WHEN TG_OP = 'DELETE' THEN OLD.shop_id ELSE NEW.shop_id END)::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION netshop_storefront_shop_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('netshop_storefront', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "shops" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_shop_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "products" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "variants" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "inventory_levels" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "media" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "collections" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "collection_products" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "flash_sales" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER INSERT OR UPDATE OR DELETE ON "flash_sale_variants" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();
--> statement-breakpoint
-- The admin order list's name search (app/domain/orders/order-list.server.ts, nameCandidates):
-- a trigram index led by the shop, so `shop_id = $1 and lower(customer_name) like '%…%'` is an
-- index scan at 100,000 orders instead of reading the shop's every order. btree_gin (trusted,
-- also used by the storefront search) lets the uuid lead a GIN index.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "orders_shop_customer_name_trgm_idx" ON "orders" USING gin ("shop_id", lower("customer_name") gin_trgm_ops);
