-- example: engine=mariadb
CREATE TABLE customers (
    id   BIGINT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL
);
CREATE TABLE orders (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status      VARCHAR(16) NOT NULL
);
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id);
-- The indexes of orders: the primary key's, and one InnoDB added for the foreign key.
SELECT index_name AS index_name, column_name AS column_name
FROM information_schema.statistics
WHERE table_schema = DATABASE() AND table_name = 'orders'
ORDER BY index_name, seq_in_index;
