-- example: data=sample
-- Customers by region: a partition for each of the four regions, and a default one
-- for a region the business adds before anyone adds its partition.
CREATE TABLE customers_p (
    id         bigint      NOT NULL,
    user_id    bigint,
    name       text        NOT NULL,
    email      text        NOT NULL,
    region     text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, region)
) PARTITION BY LIST (region);
CREATE TABLE customers_p_us    PARTITION OF customers_p FOR VALUES IN ('US');
CREATE TABLE customers_p_eu    PARTITION OF customers_p FOR VALUES IN ('EU');
CREATE TABLE customers_p_apac  PARTITION OF customers_p FOR VALUES IN ('APAC');
CREATE TABLE customers_p_latam PARTITION OF customers_p FOR VALUES IN ('LATAM');
CREATE TABLE customers_p_other PARTITION OF customers_p DEFAULT;
INSERT INTO customers_p SELECT * FROM customers;
INSERT INTO customers_p (id, name, email, region, created_at)
VALUES (100001, 'Amina Haddad', 'amina.haddad@example.net', 'MEA', '2026-10-31 12:00+00');
ANALYZE customers_p;
SELECT tableoid::regclass AS partition, count(*) AS customers
FROM customers_p GROUP BY 1 ORDER BY 1;
-- The partition key compared with a constant: one partition.
EXPLAIN (COSTS OFF) SELECT count(*) FROM customers_p WHERE region = 'EU';
-- The partition key inside a function: no pruning, every partition is read.
EXPLAIN (COSTS OFF) SELECT count(*) FROM customers_p WHERE lower(region) = 'eu';
