-- Hand-written (issue 13): a shop's own domain is served only while its plan includes it
-- (findShopByDomain reads plans.own_domain through shop_plans). Every web process keeps its
-- host -> shop lookup (app/domain/storefront/shop.server.ts) until the storefront cache's channel
-- tells it the shop changed (0020), so a change of the shop's plan — an upgrade, a downgrade at the
-- period's end, a cancellation, a trial falling back to Free, whoever commits it — notifies the same
-- channel with the shop's id, and a change of a plan's features notifies '' (every process forgets
-- every shop). Only the plan id counts: renewals and status changes (a suspended shop keeps its plan
-- and stays browsable) do not touch what the storefront shows, so they notify nothing.
-- shop_plans has no "id" column: its rows use netshop_storefront_changed (NEW.shop_id), not the
-- shops table's function (NEW.id).
CREATE TRIGGER storefront_changed AFTER INSERT OR DELETE ON "shop_plans" FOR EACH ROW EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE TRIGGER storefront_plan_changed AFTER UPDATE OF "plan_id" ON "shop_plans" FOR EACH ROW
  WHEN (OLD.plan_id IS DISTINCT FROM NEW.plan_id) EXECUTE FUNCTION netshop_storefront_changed();--> statement-breakpoint
CREATE OR REPLACE FUNCTION netshop_storefront_plans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('netshop_storefront', '');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER storefront_changed AFTER UPDATE OF "own_domain" ON "plans" FOR EACH ROW
  WHEN (OLD.own_domain IS DISTINCT FROM NEW.own_domain) EXECUTE FUNCTION netshop_storefront_plans_changed();
