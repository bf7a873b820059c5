-- example: data=sample
-- UNION removes duplicates within each branch too, not only between them.
SELECT (SELECT count(*) FROM (SELECT customer_id FROM orders WHERE status = 'cancelled'
                              UNION ALL
                              SELECT customer_id FROM orders WHERE status = 'pending') AS a) AS union_all,
       (SELECT count(*) FROM (SELECT customer_id FROM orders WHERE status = 'cancelled'
                              UNION
                              SELECT customer_id FROM orders WHERE status = 'pending') AS u) AS "union";
