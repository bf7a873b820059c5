-- example: data=sample
-- A per-product counter bumped on every page view. fillfactor 80 leaves room on each
-- page for new row versions, which a HOT update needs.
CREATE TABLE product_stats (
    product_id     bigint PRIMARY KEY REFERENCES products (id),
    views          bigint NOT NULL DEFAULT 0,
    last_viewed_at timestamptz
) WITH (fillfactor = 80);
INSERT INTO product_stats (product_id) SELECT id FROM products;

-- 1. No index on the updated columns: every update is HOT.
UPDATE product_stats SET views = views + 1, last_viewed_at = now() WHERE product_id % 10 = 0;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'product_stats';

-- 2. Index last_viewed_at, and the same kind of update is no longer HOT.
CREATE INDEX product_stats_last_viewed_at_idx ON product_stats (last_viewed_at);
UPDATE product_stats SET views = views + 1, last_viewed_at = now() WHERE product_id % 10 = 1;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'product_stats';

-- 3. An update that leaves every indexed column unchanged is HOT again.
UPDATE product_stats SET views = views + 1 WHERE product_id % 10 = 2;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'product_stats';
