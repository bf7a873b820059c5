-- example: engine=mariadb
-- 1,000 order lines, then two changes that each name how they must run.
CREATE TABLE line_items (
    id       bigint AUTO_INCREMENT PRIMARY KEY,
    order_id bigint NOT NULL,
    quantity int NOT NULL
);
INSERT INTO line_items (order_id, quantity)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
SELECT 1 + i % 300, 1 + i % 5 FROM n;
-- A nullable column: a change to the table's definition, no row is touched.
ALTER TABLE line_items ADD COLUMN note varchar(200), ALGORITHM=INSTANT;
-- An index, built inside InnoDB while reads and writes go on.
ALTER TABLE line_items ADD INDEX line_items_order_idx (order_id), ALGORITHM=INPLACE, LOCK=NONE;
