-- example: data=sample
-- A materialized view stores the result of its query when it is created or refreshed,
-- and not in between.
CREATE MATERIALIZED VIEW daily_sales AS
SELECT (created_at AT TIME ZONE 'UTC')::date AS day,
       count(*)   AS orders,
       sum(total) AS revenue
FROM orders
WHERE status <> 'cancelled'
GROUP BY 1;
-- REFRESH ... CONCURRENTLY needs a unique index on the view.
CREATE UNIQUE INDEX daily_sales_day_key ON daily_sales (day);
SELECT * FROM daily_sales WHERE day = '2026-10-31';

-- A new order on that day ...
INSERT INTO orders (customer_id, status, total, created_at, updated_at)
VALUES (3, 'paid', 100.00, '2026-10-31 23:30:00+00', '2026-10-31 23:30:00+00');
-- ... is not in the view,
SELECT * FROM daily_sales WHERE day = '2026-10-31';
-- until the view is refreshed.
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;
SELECT * FROM daily_sales WHERE day = '2026-10-31';
