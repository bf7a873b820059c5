-- example: data=sample
-- The same two columns of orders, indexed three ways. status has 5 values and customer_id
-- about 2,000, so many (status, customer_id) pairs repeat.
CREATE INDEX orders_status_customer_idx ON orders (status, customer_id);
CREATE INDEX orders_status_incl_customer_idx ON orders (status) INCLUDE (customer_id);
-- The first one again, with deduplication turned off: every entry stored in full.
CREATE INDEX orders_status_customer_nodedup_idx ON orders (status, customer_id)
    WITH (deduplicate_items = off);
SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) AS size
FROM pg_stat_user_indexes
WHERE relname = 'orders' AND indexrelname <> 'orders_pkey'
ORDER BY pg_relation_size(indexrelid), indexrelname;
