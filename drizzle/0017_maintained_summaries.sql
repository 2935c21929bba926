CREATE TABLE "customer_days" (
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"day" date NOT NULL,
	"first_orders" integer NOT NULL,
	"last_orders" integer NOT NULL,
	"previous_orders" integer NOT NULL,
	CONSTRAINT "customer_days_store_id_day_pk" PRIMARY KEY("store_id","day")
);
--> statement-breakpoint
CREATE TABLE "customer_order_summaries" (
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_shopify_id" bigint NOT NULL,
	"orders" integer NOT NULL,
	"first_order_at" timestamp with time zone NOT NULL,
	"last_order_at" timestamp with time zone NOT NULL,
	"previous_order_at" timestamp with time zone,
	"currency" text NOT NULL,
	"net" numeric(20, 4) NOT NULL,
	CONSTRAINT "customer_order_summaries_store_id_customer_shopify_id_pk" PRIMARY KEY("store_id","customer_shopify_id")
);
--> statement-breakpoint
CREATE TABLE "product_sales" (
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"period_start" date NOT NULL,
	"product_shopify_id" bigint NOT NULL,
	"units" integer NOT NULL,
	"orders" integer NOT NULL,
	CONSTRAINT "product_sales_store_id_grain_period_start_product_shopify_id_pk" PRIMARY KEY("store_id","grain","period_start","product_shopify_id")
);
--> statement-breakpoint
CREATE TABLE "sales_days" (
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"day" date NOT NULL,
	"orders" integer NOT NULL,
	"guest_orders" integer NOT NULL,
	"gross" numeric(20, 4) NOT NULL,
	"refunded" numeric(20, 4) NOT NULL,
	CONSTRAINT "sales_days_store_id_currency_day_pk" PRIMARY KEY("store_id","currency","day")
);
--> statement-breakpoint
ALTER TABLE "customer_days" ADD CONSTRAINT "customer_days_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_days" ADD CONSTRAINT "customer_days_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_order_summaries" ADD CONSTRAINT "customer_order_summaries_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_order_summaries" ADD CONSTRAINT "customer_order_summaries_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_sales" ADD CONSTRAINT "product_sales_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_sales" ADD CONSTRAINT "product_sales_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_days" ADD CONSTRAINT "sales_days_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_days" ADD CONSTRAINT "sales_days_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_days_brand_id_day_index" ON "customer_days" USING btree ("brand_id","day");--> statement-breakpoint
CREATE INDEX "customer_order_summaries_brand_id_last_order_at_index" ON "customer_order_summaries" USING btree ("brand_id","last_order_at");--> statement-breakpoint
CREATE INDEX "sales_days_brand_id_day_index" ON "sales_days" USING btree ("brand_id","day");--> statement-breakpoint
-- Maintained summaries (src/server/db/schema/summaries.ts): statement triggers on shop_orders and
-- shop_line_items keep them equal to a recount of the raw rows, in the writer's transaction.
-- The triggers read their statement's transition tables through dynamic SQL (one body per kind
-- of change); every upsert names its rows in key order, so concurrent writers lock them alike.

-- A store's writers of orders take turns (commerce/tombstones.ts, ORDER_WRITERS_LOCK_SQL): the one
-- definition of that lock, for the app's writers and for the triggers below.
CREATE FUNCTION lock_order_writers(p_store uuid) RETURNS void LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(hashtext(p_store::text), 4) $$;
--> statement-breakpoint
-- The zone a store's days are counted in: its own, or UTC while unknown (or not one Postgres knows).
CREATE FUNCTION summary_zone(zone text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF zone IS NULL THEN RETURN 'UTC'; END IF;
  PERFORM now() AT TIME ZONE zone;
  RETURN zone;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN 'UTC';
END $$;
--> statement-breakpoint
-- Product rows by day are kept for recent days only: every period but all time ends today and is at
-- most a year long (its older whole months come from the month rows), so older day rows would never
-- be read — and they were most of what a history sync wrote.
CREATE FUNCTION product_day_horizon() RETURNS date LANGUAGE sql STABLE AS $$ SELECT current_date - 400 $$;
--> statement-breakpoint
-- A customer's orders in one store, recounted (the lateral body shared by the trigger and the rebuild):
-- count, first, last, the one before the last, and net value in the currency of the latest order.
CREATE FUNCTION customer_orders_recount(p_store uuid, p_customer bigint)
RETURNS TABLE (orders int, first_order_at timestamptz, last_order_at timestamptz, previous_order_at timestamptz, currency text, net numeric)
LANGUAGE sql STABLE AS $$
  SELECT count(*)::int, min(v.created_at), max(v.created_at),
    (array_agg(v.created_at ORDER BY v.created_at DESC, v.shopify_id DESC))[2],
    min(v.latest), coalesce(sum(v.net) FILTER (WHERE v.currency = v.latest), 0)
  FROM (
    SELECT o.created_at, o.shopify_id, o.currency, o.total - o.refunded AS net,
      first_value(o.currency) OVER (ORDER BY o.created_at DESC, o.shopify_id DESC) AS latest
    FROM shop_orders o WHERE o.store_id = p_store AND o.customer_shopify_id = p_customer
  ) v
$$;
--> statement-breakpoint
-- Index lookups, never scans: the planner cannot estimate a transition table, and a hash join over
-- every stored order or line per statement made a history sync quadratic.
CREATE FUNCTION summaries_orders_track() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off SET work_mem = '64MB' AS $$
DECLARE
  cols constant text := 'store_id, shopify_id, customer_shopify_id, currency, total, refunded, created_at';
  changed text;
  any_change boolean;
BEGIN
  -- Signed order rows: +1 what the statement wrote, -1 what it replaced or removed. An update
  -- counts only when a summarised column changed; `moved` marks rows whose lines count again
  -- (a new, removed or re-dated order).
  IF TG_OP = 'INSERT' THEN
    changed := format('SELECT 1 AS sign, true AS moved, %s FROM new_orders', cols);
  ELSIF TG_OP = 'DELETE' THEN
    changed := format('SELECT -1 AS sign, true AS moved, %s FROM old_orders', cols);
  ELSE
    changed := 'SELECT s.sign, o.created_at IS DISTINCT FROM n.created_at AS moved, CASE WHEN s.sign = 1 THEN n.store_id ELSE o.store_id END AS store_id,
        o.shopify_id, CASE WHEN s.sign = 1 THEN n.customer_shopify_id ELSE o.customer_shopify_id END AS customer_shopify_id,
        CASE WHEN s.sign = 1 THEN n.currency ELSE o.currency END AS currency, CASE WHEN s.sign = 1 THEN n.total ELSE o.total END AS total,
        CASE WHEN s.sign = 1 THEN n.refunded ELSE o.refunded END AS refunded, CASE WHEN s.sign = 1 THEN n.created_at ELSE o.created_at END AS created_at
      FROM old_orders o JOIN new_orders n ON n.store_id = o.store_id AND n.shopify_id = o.shopify_id
      CROSS JOIN (VALUES (-1), (1)) s(sign)
      WHERE (o.customer_shopify_id, o.currency, o.total, o.refunded, o.created_at) IS DISTINCT FROM (n.customer_shopify_id, n.currency, n.total, n.refunded, n.created_at)';
    EXECUTE format('SELECT EXISTS (%s)', changed) INTO any_change;
    IF NOT any_change THEN RETURN NULL; END IF;
  END IF;
  -- The store's order writers take turns (a writer that follows the rules holds this already).
  EXECUTE format('SELECT lock_order_writers(store_id) FROM (SELECT DISTINCT store_id FROM (%s) c ORDER BY 1) s', changed);
  changed := format('WITH changed AS (%s), zones AS MATERIALIZED (SELECT s.id AS store_id, s.brand_id, summary_zone(s.iana_timezone) AS zone FROM stores s WHERE s.id IN (SELECT store_id FROM changed)) ', changed);

  -- Sales per currency and day.
  EXECUTE changed || $q$
    INSERT INTO sales_days AS t (brand_id, store_id, currency, day, orders, guest_orders, gross, refunded)
    SELECT z.brand_id, c.store_id, c.currency, (c.created_at AT TIME ZONE z.zone)::date, sum(c.sign)::int,
      coalesce(sum(c.sign) FILTER (WHERE c.customer_shopify_id IS NULL), 0)::int, sum(c.sign * c.total), sum(c.sign * c.refunded)
    FROM changed c JOIN zones z ON z.store_id = c.store_id
    GROUP BY 1, 2, 3, 4 ORDER BY 2, 3, 4
    ON CONFLICT (store_id, currency, day) DO UPDATE SET orders = t.orders + excluded.orders, guest_orders = t.guest_orders + excluded.guest_orders,
      gross = t.gross + excluded.gross, refunded = t.refunded + excluded.refunded $q$;

  -- Units and orders per product: the lines of orders that came, went or moved to another day.
  EXECUTE changed || $q$
    , per_order AS (
      SELECT c.sign, c.store_id, z.brand_id, (c.created_at AT TIME ZONE z.zone)::date AS day, coalesce(l.product_shopify_id, 0) AS product, sum(l.quantity) AS units
      FROM changed c JOIN zones z ON z.store_id = c.store_id
      JOIN shop_line_items l ON l.store_id = c.store_id AND l.order_shopify_id = c.shopify_id
      WHERE c.moved
      GROUP BY c.sign, c.store_id, z.brand_id, day, c.shopify_id, product
    )
    INSERT INTO product_sales AS t (brand_id, store_id, grain, period_start, product_shopify_id, units, orders)
    SELECT p.brand_id, p.store_id, g.grain, g.start, p.product, sum(p.sign * p.units)::int, sum(p.sign)::int
    FROM per_order p CROSS JOIN LATERAL (VALUES ('day', p.day), ('month', date_trunc('month', p.day)::date), ('all', date '1970-01-01')) g(grain, start)
    WHERE g.grain <> 'day' OR g.start >= product_day_horizon()
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
    ON CONFLICT (store_id, grain, period_start, product_shopify_id) DO UPDATE SET units = t.units + excluded.units, orders = t.orders + excluded.orders $q$;

  -- Customers: each one's row, from what was there and this statement's orders (new orders merge
  -- in; a removed or changed one, or a first order, is recounted from the customer's orders), and
  -- the days their first, last and previous-to-last orders fall on move by the difference. One
  -- statement, on one snapshot: the store's order writers take turns (ORDER_WRITERS_LOCK_SQL in
  -- commerce/tombstones.ts; taken above in case a writer did not), so nobody changes these rows meanwhile.
  EXECUTE changed || $q$
    , affected AS MATERIALIZED (SELECT DISTINCT c.store_id, z.brand_id, z.zone, c.customer_shopify_id FROM changed c JOIN zones z ON z.store_id = c.store_id WHERE c.customer_shopify_id IS NOT NULL),
    old AS MATERIALIZED (
      SELECT s.store_id, s.brand_id, a.zone, s.customer_shopify_id, s.orders, s.first_order_at, s.last_order_at, s.previous_order_at, s.currency, s.net
      FROM affected a JOIN customer_order_summaries s ON s.store_id = a.store_id AND s.customer_shopify_id = a.customer_shopify_id
    ),
    -- New orders ($1: an INSERT) merge into what is there: a recount reads every order of the
    -- customer, and a chunk of a history sync touches the same frequent buyers again and again.
    added AS (
      SELECT c.store_id, c.customer_shopify_id, count(*)::int AS n, min(c.created_at) AS first_at,
        (array_agg(c.created_at ORDER BY c.created_at DESC))[1:2] AS latest, sum(c.total - c.refunded) AS net,
        min(c.currency) AS currency, max(c.currency) AS other_currency
      FROM changed c WHERE $1 AND c.customer_shopify_id IS NOT NULL GROUP BY 1, 2
    ),
    merged AS MATERIALIZED (
      SELECT o.store_id, o.brand_id, o.zone, o.customer_shopify_id, o.orders + a.n AS orders, least(o.first_order_at, a.first_at) AS first_order_at,
        greatest(o.last_order_at, a.latest[1]) AS last_order_at,
        (SELECT x FROM unnest(ARRAY[o.last_order_at, o.previous_order_at] || a.latest) x WHERE x IS NOT NULL ORDER BY x DESC OFFSET 1 LIMIT 1) AS previous_order_at,
        o.currency, o.net + a.net AS net
      FROM old o JOIN added a ON a.store_id = o.store_id AND a.customer_shopify_id = o.customer_shopify_id
      WHERE a.currency = o.currency AND a.other_currency = o.currency
    ),
    fresh AS MATERIALIZED (
      SELECT * FROM merged
      UNION ALL
      SELECT a.store_id, a.brand_id, a.zone, a.customer_shopify_id, r.* FROM affected a CROSS JOIN LATERAL customer_orders_recount(a.store_id, a.customer_shopify_id) r
      WHERE NOT EXISTS (SELECT 1 FROM merged m WHERE m.store_id = a.store_id AND m.customer_shopify_id = a.customer_shopify_id)
    ),
    ins AS (
      INSERT INTO customer_order_summaries (brand_id, store_id, customer_shopify_id, orders, first_order_at, last_order_at, previous_order_at, currency, net)
      SELECT f.brand_id, f.store_id, f.customer_shopify_id, f.orders, f.first_order_at, f.last_order_at, f.previous_order_at, f.currency, f.net FROM fresh f
      WHERE f.orders > 0 AND NOT EXISTS (SELECT 1 FROM old o WHERE o.store_id = f.store_id AND o.customer_shopify_id = f.customer_shopify_id)
      ORDER BY f.store_id, f.customer_shopify_id
    ),
    upd AS (
      UPDATE customer_order_summaries s SET orders = f.orders, first_order_at = f.first_order_at, last_order_at = f.last_order_at,
        previous_order_at = f.previous_order_at, currency = f.currency, net = f.net
      FROM fresh f JOIN old o ON o.store_id = f.store_id AND o.customer_shopify_id = f.customer_shopify_id
      WHERE s.store_id = f.store_id AND s.customer_shopify_id = f.customer_shopify_id AND f.orders > 0
        AND (o.orders, o.first_order_at, o.last_order_at, o.previous_order_at, o.currency, o.net) IS DISTINCT FROM (f.orders, f.first_order_at, f.last_order_at, f.previous_order_at, f.currency, f.net)
    ),
    del AS (DELETE FROM customer_order_summaries s USING fresh f WHERE s.store_id = f.store_id AND s.customer_shopify_id = f.customer_shopify_id AND f.orders = 0)
    INSERT INTO customer_days AS t (brand_id, store_id, day, first_orders, last_orders, previous_orders)
    SELECT v.brand_id, v.store_id, d.day, sum(v.sign * d.first)::int, sum(v.sign * d.last)::int, sum(v.sign * d.previous)::int
    FROM (SELECT -1 AS sign, brand_id, store_id, zone, first_order_at, last_order_at, previous_order_at FROM old
          UNION ALL SELECT 1, brand_id, store_id, zone, first_order_at, last_order_at, previous_order_at FROM fresh WHERE orders > 0) v
    CROSS JOIN LATERAL (VALUES ((v.first_order_at AT TIME ZONE v.zone)::date, 1, 0, 0), ((v.last_order_at AT TIME ZONE v.zone)::date, 0, 1, 0),
      ((v.previous_order_at AT TIME ZONE v.zone)::date, 0, 0, 1)) d(day, first, last, previous)
    WHERE d.day IS NOT NULL
    GROUP BY 1, 2, 3 HAVING sum(v.sign * d.first) <> 0 OR sum(v.sign * d.last) <> 0 OR sum(v.sign * d.previous) <> 0 ORDER BY 2, 3
    ON CONFLICT (store_id, day) DO UPDATE SET first_orders = t.first_orders + excluded.first_orders, last_orders = t.last_orders + excluded.last_orders,
      previous_orders = t.previous_orders + excluded.previous_orders $q$ USING TG_OP = 'INSERT';
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Lines added to or removed from orders that are stored (the lines of an order that comes or goes
-- count through the order's trigger). An order counts once per product: +1 when its first line of
-- the product comes, -1 when its last one goes.
CREATE FUNCTION summaries_lines_track() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off SET work_mem = '64MB' AS $$
DECLARE
  cols constant text := 'store_id, order_shopify_id, shopify_id, product_shopify_id, quantity';
  changed text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := format('SELECT 1 AS sign, %s FROM new_lines', cols);
  ELSIF TG_OP = 'DELETE' THEN
    changed := format('SELECT -1 AS sign, %s FROM old_lines', cols);
  ELSE
    changed := format('SELECT -1 AS sign, %1$s FROM old_lines UNION ALL SELECT 1, %1$s FROM new_lines', cols);
  END IF;
  -- The store's order writers take turns (a writer that follows the rules holds this already).
  EXECUTE format('SELECT lock_order_writers(store_id) FROM (SELECT DISTINCT store_id FROM (%s) c ORDER BY 1) s', changed);
  EXECUTE format('WITH changed AS (%s), ', changed) || $q$
    per_order AS (
      SELECT c.sign, c.store_id, c.order_shopify_id, coalesce(c.product_shopify_id, 0) AS product, sum(c.quantity) AS units, array_agg(c.shopify_id) AS ids
      FROM changed c GROUP BY 1, 2, 3, 4
    ),
    zones AS MATERIALIZED (SELECT s.id AS store_id, s.brand_id, summary_zone(s.iana_timezone) AS zone FROM stores s WHERE s.id IN (SELECT store_id FROM per_order)),
    -- Once per order: its day, and whether it has lines besides this statement's (only those need a
    -- look per product to know whether the order already counted for it).
    orders_of AS MATERIALIZED (
      SELECT t.store_id, t.order_shopify_id, z.brand_id, (o.created_at AT TIME ZONE z.zone)::date AS day,
        EXISTS (SELECT 1 FROM shop_line_items x WHERE x.store_id = t.store_id AND x.order_shopify_id = t.order_shopify_id AND x.shopify_id <> ALL (t.ids)) AS shared
      FROM (SELECT store_id, order_shopify_id, array_agg(shopify_id) AS ids FROM changed GROUP BY 1, 2) t
      JOIN zones z ON z.store_id = t.store_id
      JOIN shop_orders o ON o.store_id = t.store_id AND o.shopify_id = t.order_shopify_id
    ),
    located AS MATERIALIZED (
      SELECT p.sign, p.store_id, w.brand_id, w.day, p.product, p.units,
        CASE WHEN w.shared AND EXISTS (SELECT 1 FROM shop_line_items x WHERE x.store_id = p.store_id AND x.order_shopify_id = p.order_shopify_id
          AND coalesce(x.product_shopify_id, 0) = p.product AND x.shopify_id <> ALL (p.ids)) THEN 0 ELSE 1 END AS orders
      FROM per_order p JOIN orders_of w ON w.store_id = p.store_id AND w.order_shopify_id = p.order_shopify_id
    )
    INSERT INTO product_sales AS t (brand_id, store_id, grain, period_start, product_shopify_id, units, orders)
    SELECT l.brand_id, l.store_id, g.grain, g.start, l.product, sum(l.sign * l.units)::int, sum(l.sign * l.orders)::int
    FROM located l CROSS JOIN LATERAL (VALUES ('day', l.day), ('month', date_trunc('month', l.day)::date), ('all', date '1970-01-01')) g(grain, start)
    WHERE g.grain <> 'day' OR g.start >= product_day_horizon()
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(l.sign * l.units) <> 0 OR sum(l.sign * l.orders) <> 0 ORDER BY 2, 3, 4, 5
    ON CONFLICT (store_id, grain, period_start, product_shopify_id) DO UPDATE SET units = t.units + excluded.units, orders = t.orders + excluded.orders $q$;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A store's summaries recounted from its raw rows: after a change of its time zone, when the
-- summaries are introduced, and by the test that proves the triggers keep them equal to this.
CREATE FUNCTION rebuild_store_summaries(p_store uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p_zone text;
  p_brand uuid;
BEGIN
  SELECT summary_zone(iana_timezone), brand_id INTO p_zone, p_brand FROM stores WHERE id = p_store;
  DELETE FROM sales_days WHERE store_id = p_store;
  DELETE FROM product_sales WHERE store_id = p_store;
  DELETE FROM customer_days WHERE store_id = p_store;
  DELETE FROM customer_order_summaries WHERE store_id = p_store;
  IF p_brand IS NULL THEN RETURN; END IF;
  INSERT INTO sales_days (brand_id, store_id, currency, day, orders, guest_orders, gross, refunded)
  SELECT p_brand, p_store, currency, (created_at AT TIME ZONE p_zone)::date, count(*), count(*) FILTER (WHERE customer_shopify_id IS NULL), sum(total), sum(refunded)
  FROM shop_orders WHERE store_id = p_store GROUP BY 3, 4;
  INSERT INTO product_sales (brand_id, store_id, grain, period_start, product_shopify_id, units, orders)
  SELECT p_brand, p_store, g.grain, g.start, p.product, sum(p.units), count(*)
  FROM (
    SELECT (o.created_at AT TIME ZONE p_zone)::date AS day, coalesce(l.product_shopify_id, 0) AS product, sum(l.quantity) AS units
    FROM shop_line_items l JOIN shop_orders o ON o.store_id = l.store_id AND o.shopify_id = l.order_shopify_id
    WHERE l.store_id = p_store GROUP BY o.shopify_id, 1, 2
  ) p CROSS JOIN LATERAL (VALUES ('day', p.day), ('month', date_trunc('month', p.day)::date), ('all', date '1970-01-01')) g(grain, start)
  WHERE g.grain <> 'day' OR g.start >= product_day_horizon()
  GROUP BY 3, 4, 5;
  INSERT INTO customer_order_summaries (brand_id, store_id, customer_shopify_id, orders, first_order_at, last_order_at, previous_order_at, currency, net)
  SELECT p_brand, p_store, c.customer_shopify_id, r.* FROM (SELECT DISTINCT customer_shopify_id FROM shop_orders WHERE store_id = p_store AND customer_shopify_id IS NOT NULL) c
  CROSS JOIN LATERAL customer_orders_recount(p_store, c.customer_shopify_id) r;
  INSERT INTO customer_days (brand_id, store_id, day, first_orders, last_orders, previous_orders)
  SELECT p_brand, p_store, d.day, sum(d.first), sum(d.last), sum(d.previous)
  FROM customer_order_summaries s
  CROSS JOIN LATERAL (VALUES ((s.first_order_at AT TIME ZONE p_zone)::date, 1, 0, 0), ((s.last_order_at AT TIME ZONE p_zone)::date, 0, 1, 0),
    ((s.previous_order_at AT TIME ZONE p_zone)::date, 0, 0, 1)) d(day, first, last, previous)
  WHERE s.store_id = p_store AND d.day IS NOT NULL
  GROUP BY 3;
END $$;
--> statement-breakpoint
CREATE FUNCTION summaries_store_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rebuild_store_summaries(NEW.id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER shop_orders_summaries_insert AFTER INSERT ON shop_orders REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION summaries_orders_track();
--> statement-breakpoint
CREATE TRIGGER shop_orders_summaries_update AFTER UPDATE ON shop_orders REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION summaries_orders_track();
--> statement-breakpoint
CREATE TRIGGER shop_orders_summaries_delete AFTER DELETE ON shop_orders REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION summaries_orders_track();
--> statement-breakpoint
CREATE TRIGGER shop_line_items_summaries_insert AFTER INSERT ON shop_line_items REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION summaries_lines_track();
--> statement-breakpoint
CREATE TRIGGER shop_line_items_summaries_update AFTER UPDATE ON shop_line_items REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION summaries_lines_track();
--> statement-breakpoint
CREATE TRIGGER shop_line_items_summaries_delete AFTER DELETE ON shop_line_items REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION summaries_lines_track();
--> statement-breakpoint
CREATE TRIGGER stores_summaries_zone AFTER UPDATE OF iana_timezone ON stores FOR EACH ROW WHEN (OLD.iana_timezone IS DISTINCT FROM NEW.iana_timezone) EXECUTE FUNCTION summaries_store_zone_changed();
--> statement-breakpoint
-- What is there already.
SELECT rebuild_store_summaries(id) FROM stores;
