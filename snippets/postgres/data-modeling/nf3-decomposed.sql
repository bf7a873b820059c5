-- example: data=none
-- 3NF: facts about the customer live in the customer's table.
CREATE TABLE customers_3nf (
    customer_id integer PRIMARY KEY,
    email       text    NOT NULL
);
CREATE TABLE orders_3nf (
    order_id    integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers_3nf (customer_id),
    total       numeric(12,2) NOT NULL
);
INSERT INTO customers_3nf VALUES (7, 'mia@example.com'), (8, 'noah@example.com');
INSERT INTO orders_3nf VALUES (1, 7, 120.00), (2, 8, 35.50), (3, 8, 74.00);
DELETE FROM orders_3nf WHERE order_id = 1;
SELECT count(*) AS rows_about_customer_7 FROM customers_3nf WHERE customer_id = 7;
