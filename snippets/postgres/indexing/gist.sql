-- example: data=sample
-- The five stores nearest to Times Square, without an index: compute every distance, sort.
EXPLAIN (COSTS OFF)
SELECT id, name FROM stores
ORDER BY location <-> ST_SetSRID(ST_MakePoint(-73.9855, 40.7580), 4326)
LIMIT 5;
CREATE INDEX stores_location_idx ON stores USING gist (location);
ANALYZE stores;
-- With the GiST index the scan returns stores in distance order and stops after five.
EXPLAIN (COSTS OFF)
SELECT id, name FROM stores
ORDER BY location <-> ST_SetSRID(ST_MakePoint(-73.9855, 40.7580), 4326)
LIMIT 5;
-- <-> on geometry(Point, 4326) measures in degrees. Good for ranking; for metres,
-- compute the distance on geography for the rows you keep.
SELECT id, name,
       round((location <-> ST_SetSRID(ST_MakePoint(-73.9855, 40.7580), 4326))::numeric, 4)
           AS degrees,
       round(ST_Distance(location::geography,
                         ST_SetSRID(ST_MakePoint(-73.9855, 40.7580), 4326)::geography))
           AS metres
FROM stores
ORDER BY location <-> ST_SetSRID(ST_MakePoint(-73.9855, 40.7580), 4326)
LIMIT 5;
