-- example: data=none
-- What an availability target allows in downtime.
SELECT label AS availability,
       make_interval(secs => round((1 - target) * 365.25 * 86400)) AS down_per_year,
       make_interval(secs => round((1 - target) * 30 * 86400)) AS down_per_30_days
FROM (VALUES ('99 %', 0.99), ('99.9 %', 0.999), ('99.95 %', 0.9995), ('99.99 %', 0.9999))
     AS t (label, target)
ORDER BY target;
