-- example: engine=mariadb error=1846
CREATE TABLE line_items (
    id       bigint AUTO_INCREMENT PRIMARY KEY,
    quantity int NOT NULL
);
INSERT INTO line_items (quantity) VALUES (1), (2), (3);
-- int → bigint changes every row: InnoDB cannot do it in place, and says so instead of copying.
ALTER TABLE line_items MODIFY quantity bigint NOT NULL, ALGORITHM=INPLACE;
