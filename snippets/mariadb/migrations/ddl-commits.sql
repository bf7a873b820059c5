-- example: engine=mariadb
CREATE TABLE accounts (
    id   bigint AUTO_INCREMENT PRIMARY KEY,
    name varchar(100) NOT NULL
);
START TRANSACTION;
INSERT INTO accounts (name) VALUES ('written before the ALTER');
ALTER TABLE accounts ADD COLUMN nickname varchar(100), ALGORITHM=INSTANT;
ROLLBACK;
-- The ROLLBACK undid nothing: the ALTER committed the INSERT before it ran, then itself.
SELECT name FROM accounts;
SELECT column_name FROM information_schema.columns
WHERE table_schema = DATABASE() AND table_name = 'accounts' AND column_name = 'nickname';
