-- example: data=sample
-- Deleting a customer makes PostgreSQL look for orders that still reference it
-- (ON DELETE RESTRICT). The counters show how that lookup reads orders.
INSERT INTO customers (name, email, region) VALUES ('Test Buyer', 'test.buyer@example.net', 'EU');
DELETE FROM customers WHERE email = 'test.buyer@example.net';
SELECT pg_stat_force_next_flush();  -- publish this session's counters now, not at its next flush
SELECT seq_scan, idx_scan FROM pg_stat_user_tables WHERE relname = 'orders';

-- The same delete with an index on the referencing column.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
INSERT INTO customers (name, email, region) VALUES ('Test Buyer', 'test.buyer@example.net', 'EU');
DELETE FROM customers WHERE email = 'test.buyer@example.net';
SELECT pg_stat_force_next_flush();
SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'orders_customer_id_idx';
