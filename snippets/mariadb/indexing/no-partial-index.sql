-- example: engine=mariadb error=1064
CREATE TABLE orders (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    status     VARCHAR(16) NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX orders_pending_created_at_idx ON orders (created_at) WHERE status = 'pending';
