-- The plans every shop can be on. A shop without a shop_plans row is on Free.
INSERT INTO plans (id, name, product_limit, storage_limit_bytes, price_minor, currency, position) VALUES
  ('free',   'Free',   50,   1073741824,   0,     'MYR', 0),
  ('growth', 'Growth', 2000, 21474836480,  4900,  'MYR', 1),
  ('scale',  'Scale',  NULL, 214748364800, 19900, 'MYR', 2)
ON CONFLICT (id) DO NOTHING;
