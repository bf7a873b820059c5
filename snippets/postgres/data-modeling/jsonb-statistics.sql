-- example: data=none
-- 20,000 parcels: 90 % delivered, 0.1 % lost. The status is both a column and a field of doc.
CREATE TABLE parcels (id int PRIMARY KEY, status text NOT NULL, doc jsonb NOT NULL);
INSERT INTO parcels
SELECT n, s, jsonb_build_object('status', s, 'carrier', 'carrier-' || n % 7, 'grams', n % 5000)
FROM generate_series(1, 20000) AS n,
     LATERAL (SELECT CASE WHEN n % 100 < 90 THEN 'delivered'
                          WHEN n % 1000 = 999 THEN 'lost'
                          ELSE 'in_transit' END) AS v (s);
ANALYZE parcels;
-- The planner's estimate of the rows a filter keeps, beside the rows it kept.
CREATE FUNCTION rows_of(filter text, OUT estimated bigint, OUT actual bigint)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM parcels WHERE ' || filter INTO plan;
    estimated := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
    actual := (plan -> 0 -> 'Plan' ->> 'Actual Rows')::numeric;
END;
$$;
SELECT filter, (rows_of(filter)).*
FROM (VALUES ($$status = 'delivered'$$), ($$status = 'lost'$$),
             ($$doc->>'status' = 'delivered'$$), ($$doc->>'status' = 'lost'$$)) AS f (filter);
-- Statistics on the expression (PostgreSQL 14 and later); an index on it would gather them too.
CREATE STATISTICS parcels_doc_status ON (doc->>'status') FROM parcels;
ANALYZE parcels;
SELECT filter, (rows_of(filter)).*
FROM (VALUES ($$doc->>'status' = 'delivered'$$), ($$doc->>'status' = 'lost'$$)) AS f (filter);
