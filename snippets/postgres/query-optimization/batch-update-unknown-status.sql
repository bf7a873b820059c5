-- example: data=sample error=check_violation
-- A batch update as often written. 'processed' is not an order status in this schema.
UPDATE orders SET status = 'processed' WHERE id = ANY('{1,2,3}'::bigint[]);
