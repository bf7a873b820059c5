-- example: data=none error=check_violation
-- List-partitioned orders as often sketched: two of the shop's four regions.
CREATE TABLE orders (
    id UUID,
    region VARCHAR(10),
    total DECIMAL(10,2)
) PARTITION BY LIST (region);
CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('US');
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('EU');
INSERT INTO orders (id, region, total) VALUES (md5('o1')::uuid, 'APAC', 10.00);
