-- example: engine=mariadb
-- InnoDB stores the rows in the primary key's B-tree; a secondary index entry holds its own
-- columns and the primary key, which stands for the row.
CREATE TABLE orders (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    status     VARCHAR(16) NOT NULL,
    created_at DATETIME NOT NULL,
    KEY orders_status_idx (status)
);
-- 5,000 orders, one an hour: ten digits crossed four times count from 1 to 10,000.
CREATE TABLE digits (d INT PRIMARY KEY);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
INSERT INTO orders (status, created_at)
SELECT ELT(1 + seq % 10, 'pending', 'paid', 'shipped', 'delivered', 'delivered',
           'delivered', 'delivered', 'delivered', 'delivered', 'cancelled'),
       '2025-01-01' + INTERVAL seq HOUR
FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS seq
      FROM digits AS a, digits AS b, digits AS c, digits AS e) AS numbers
WHERE seq <= 5000;
ANALYZE TABLE orders;
-- id comes from the index on status alone, already in id order within each status.
EXPLAIN SELECT id FROM orders WHERE status = 'pending' ORDER BY id DESC LIMIT 10;
-- created_at is not in the index: each entry leads back to the row.
EXPLAIN SELECT id, created_at FROM orders WHERE status = 'pending';
