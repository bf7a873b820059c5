-- example: data=sample error=check_violation
-- The brief's batch update. 'processed' is not an order status in this schema.
UPDATE orders SET status = 'processed' WHERE id = ANY('{1,2,3}'::bigint[]);
