-- example: engine=mariadb
CREATE TABLE orders (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    status     VARCHAR(16) NOT NULL,
    created_at DATETIME NOT NULL,
    -- created_at for pending orders, NULL for all others
    pending_since DATETIME AS (IF(status = 'pending', created_at, NULL)) VIRTUAL,
    KEY orders_pending_since_idx (pending_since)
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
-- The query has to name the virtual column; status = 'pending' alone does not use it.
EXPLAIN SELECT id, pending_since FROM orders
WHERE pending_since IS NOT NULL ORDER BY pending_since LIMIT 20;
EXPLAIN SELECT id, created_at FROM orders
WHERE status = 'pending' ORDER BY created_at LIMIT 20;
