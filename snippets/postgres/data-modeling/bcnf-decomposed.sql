-- example: data=none
-- BCNF: manager -> product_line gets a table where manager is the key.
CREATE TABLE managers (
    manager      text PRIMARY KEY,
    product_line text NOT NULL
);
CREATE TABLE customer_managers (
    customer_id integer,
    manager     text REFERENCES managers (manager),
    PRIMARY KEY (customer_id, manager)
);
INSERT INTO managers VALUES ('Mia', 'Outdoor'), ('Liam', 'Books');
INSERT INTO customer_managers VALUES (1, 'Mia'), (2, 'Mia'), (2, 'Liam');
INSERT INTO managers VALUES ('Noah', 'Electronics');
SELECT manager, product_line FROM managers ORDER BY manager;
