-- example: data=none error=not_null_violation
-- In 3NF, not in BCNF. Each customer has one account manager per product line, and each
-- manager looks after exactly one product line:
--   (customer_id, product_line) -> manager      manager -> product_line
-- Every column belongs to a candidate key, so 3NF holds; but manager determines
-- product_line without being a key.
CREATE TABLE account_managers_wide (
    customer_id  integer,
    product_line text,
    manager      text NOT NULL,
    PRIMARY KEY (customer_id, product_line)
);
INSERT INTO account_managers_wide VALUES
    (1, 'Outdoor', 'Mia'),
    (2, 'Outdoor', 'Mia'),
    (2, 'Books', 'Liam');
-- Noah joins to look after Electronics. Until he has a customer, the table has no
-- place for that fact.
INSERT INTO account_managers_wide (customer_id, product_line, manager)
VALUES (NULL, 'Electronics', 'Noah');
