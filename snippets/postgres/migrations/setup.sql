-- example: data=none
-- Two small tables for the lock experiments: 10,000 accounts, 10,000 payments, no foreign key
-- and no index on payments.account_id yet. Every email is set, but the column is nullable.
CREATE TABLE accounts (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL,
    email text
);
CREATE TABLE payments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL,
    amount     numeric(10, 2) NOT NULL
);
INSERT INTO accounts (name, email)
SELECT 'user ' || i, 'user' || i || '@example.com' FROM generate_series(1, 10000) AS i;
INSERT INTO payments (account_id, amount)
SELECT 1 + i % 10000, i % 100 FROM generate_series(1, 10000) AS i;
VACUUM ANALYZE accounts, payments;
