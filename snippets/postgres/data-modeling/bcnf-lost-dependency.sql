-- example: data=none
-- What the BCNF split loses: no key of either table says "one manager per customer and
-- product line" any more.
CREATE TABLE managers (
    manager      text PRIMARY KEY,
    product_line text NOT NULL
);
CREATE TABLE customer_managers (
    customer_id integer,
    manager     text REFERENCES managers (manager),
    PRIMARY KEY (customer_id, manager)
);
INSERT INTO managers VALUES ('Mia', 'Outdoor'), ('Ava', 'Outdoor');
INSERT INTO customer_managers VALUES (1, 'Mia');
-- A second Outdoor manager for customer 1 is accepted.
INSERT INTO customer_managers VALUES (1, 'Ava');
SELECT c.customer_id, m.product_line, count(*) AS managers
FROM customer_managers AS c
JOIN managers AS m USING (manager)
GROUP BY c.customer_id, m.product_line;
