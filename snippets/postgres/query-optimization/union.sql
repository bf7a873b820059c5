-- example: data=sample
-- A mailing list: account holders and guest buyers. Guests have no account, and their
-- addresses are at example.net, so the two lists cannot overlap.
EXPLAIN (COSTS OFF)
SELECT email FROM users
UNION
SELECT email FROM customers WHERE user_id IS NULL;
EXPLAIN (COSTS OFF)
SELECT email FROM users
UNION ALL
SELECT email FROM customers WHERE user_id IS NULL;
SELECT (SELECT count(*) FROM (SELECT email FROM users
                              UNION
                              SELECT email FROM customers WHERE user_id IS NULL) AS u) AS "union",
       (SELECT count(*) FROM (SELECT email FROM users
                              UNION ALL
                              SELECT email FROM customers WHERE user_id IS NULL) AS a) AS union_all;
