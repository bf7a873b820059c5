-- example: data=sample
-- What one order costs on disk today, indexes included (the sample has only its keys yet),
-- and how fast orders grow: the last twelve months against the twelve before.
SELECT pg_size_pretty(pg_total_relation_size('orders')
                      + pg_total_relation_size('order_items')) AS orders_and_lines,
       count(*) AS orders,
       round((pg_total_relation_size('orders') + pg_total_relation_size('order_items'))
             / count(*)::numeric) AS bytes_per_order
FROM orders;
SELECT count(*) FILTER (WHERE created_at >= '2025-11-01 00:00:00+00') AS last_12_months,
       count(*) FILTER (WHERE created_at <  '2025-11-01 00:00:00+00') AS previous_12_months,
       round(100.0 * count(*) FILTER (WHERE created_at >= '2025-11-01 00:00:00+00')
             / count(*) FILTER (WHERE created_at < '2025-11-01 00:00:00+00') - 100) AS growth_percent
FROM orders;
