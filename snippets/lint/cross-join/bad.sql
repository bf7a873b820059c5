-- example: engine=postgres
-- Commas and no condition: every customer paired with every order.
SELECT count(*) FROM customers, orders;
