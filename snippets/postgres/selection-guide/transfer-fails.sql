-- example: data=none error=check_violation
-- A transfer of 150 from an account holding 100: the second UPDATE breaks a constraint.
CREATE TABLE accounts (
    id      int PRIMARY KEY,
    balance numeric NOT NULL CHECK (balance >= 0)
);
INSERT INTO accounts VALUES (1, 100), (2, 0);
BEGIN;
UPDATE accounts SET balance = balance + 150 WHERE id = 2;
UPDATE accounts SET balance = balance - 150 WHERE id = 1;
