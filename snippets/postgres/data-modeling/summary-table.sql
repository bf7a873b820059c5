-- example: data=sample
-- A summary table: one row per customer, refreshed incrementally from a watermark.
CREATE TABLE customer_order_stats (
    customer_id   bigint PRIMARY KEY REFERENCES customers (id),
    orders        bigint        NOT NULL,
    spent         numeric(14,2) NOT NULL,
    last_order_at timestamptz   NOT NULL
);
CREATE TABLE summary_watermarks (
    summary    text PRIMARY KEY,
    up_to      timestamptz NOT NULL
);
-- The first fill reads every order.
INSERT INTO customer_order_stats
SELECT customer_id, count(*), sum(total), max(created_at) FROM orders GROUP BY customer_id;
INSERT INTO summary_watermarks SELECT 'customer_order_stats', max(updated_at) FROM orders;

-- A new order: the summary is stale until the next refresh.
INSERT INTO orders (customer_id, status, total, created_at, updated_at)
VALUES (3, 'paid', 100.00, '2026-11-01 09:00:00+00', '2026-11-01 09:00:00+00');
SELECT customer_id, orders, spent FROM customer_order_stats WHERE customer_id = 3;

-- The refresh recomputes only the customers with orders changed since the watermark.
INSERT INTO customer_order_stats
SELECT customer_id, count(*), sum(total), max(created_at)
FROM orders
WHERE customer_id IN (SELECT customer_id FROM orders
                      WHERE updated_at > (SELECT up_to FROM summary_watermarks
                                          WHERE summary = 'customer_order_stats'))
GROUP BY customer_id
ON CONFLICT (customer_id) DO UPDATE
SET orders = EXCLUDED.orders, spent = EXCLUDED.spent, last_order_at = EXCLUDED.last_order_at;
UPDATE summary_watermarks SET up_to = (SELECT max(updated_at) FROM orders)
WHERE summary = 'customer_order_stats';
SELECT customer_id, orders, spent FROM customer_order_stats WHERE customer_id = 3;
