-- example: data=sample error=object_not_in_prerequisite_state
CREATE MATERIALIZED VIEW daily_sales AS
SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS orders, sum(total) AS revenue
FROM orders
WHERE status <> 'cancelled'
GROUP BY 1;
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;
