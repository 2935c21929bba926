-- Keeps store_count_deltas current from every writer of shop_orders, shop_customers and
-- shop_products: one row per store and statement (not per row), with the signed number of rows the
-- statement inserted or deleted. For INSERT … ON CONFLICT DO UPDATE the INSERT transition table
-- holds only the rows actually inserted, so upserts count new rows only.
CREATE FUNCTION store_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO store_count_deltas (store_id, entity, delta) SELECT store_id, TG_ARGV[0], count(*) FROM changed_rows GROUP BY store_id;
  ELSE
    INSERT INTO store_count_deltas (store_id, entity, delta) SELECT store_id, TG_ARGV[0], -count(*) FROM changed_rows GROUP BY store_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER shop_orders_count_insert AFTER INSERT ON shop_orders REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION store_counts_track('orders');
--> statement-breakpoint
CREATE TRIGGER shop_orders_count_delete AFTER DELETE ON shop_orders REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION store_counts_track('orders');
--> statement-breakpoint
CREATE TRIGGER shop_customers_count_insert AFTER INSERT ON shop_customers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION store_counts_track('customers');
--> statement-breakpoint
CREATE TRIGGER shop_customers_count_delete AFTER DELETE ON shop_customers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION store_counts_track('customers');
--> statement-breakpoint
CREATE TRIGGER shop_products_count_insert AFTER INSERT ON shop_products REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION store_counts_track('products');
--> statement-breakpoint
CREATE TRIGGER shop_products_count_delete AFTER DELETE ON shop_products REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION store_counts_track('products');
--> statement-breakpoint
-- What is there already.
INSERT INTO store_count_deltas (store_id, entity, delta)
  SELECT store_id, 'orders', count(*) FROM shop_orders GROUP BY store_id
  UNION ALL SELECT store_id, 'customers', count(*) FROM shop_customers GROUP BY store_id
  UNION ALL SELECT store_id, 'products', count(*) FROM shop_products GROUP BY store_id;
