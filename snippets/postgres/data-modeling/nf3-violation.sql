-- example: data=none
-- In 2NF, not in 3NF: the key is order_id; customer_email depends on customer_id,
-- which depends on the key (a transitive dependency).
CREATE TABLE orders_wide (
    order_id       integer PRIMARY KEY,
    customer_id    integer NOT NULL,
    customer_email text    NOT NULL,
    total          numeric(12,2) NOT NULL
);
INSERT INTO orders_wide VALUES
    (1, 7, 'mia@example.com', 120.00),
    (2, 8, 'noah@example.com', 35.50),
    (3, 8, 'noah@example.com', 74.00);
-- Customer 7's only order is cancelled and deleted ...
DELETE FROM orders_wide WHERE order_id = 1;
-- ... and with it the only record of customer 7.
SELECT count(*) AS rows_about_customer_7 FROM orders_wide WHERE customer_id = 7;
