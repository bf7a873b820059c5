-- example: engine=postgres data=none after=postgres/migrations/setup.sql
-- The linter's fixtures start from the migrations chapter's accounts and payments, plus these:
-- an int-keyed table, a partitioned table with a table waiting to be attached, a domain in use,
-- a varchar column and an index that can be dropped. 10,000 rows each.
CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL);
INSERT INTO counters SELECT i, i % 7 FROM generate_series(1, 10000) AS i;
CREATE TABLE events (id bigint NOT NULL, body text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (1) TO (10001);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (10001) TO (20001);
CREATE TABLE events_3 (id bigint NOT NULL, body text);
INSERT INTO events SELECT i, 'event ' || i FROM generate_series(1, 20000) AS i;
INSERT INTO events_3 SELECT i, 'event ' || i FROM generate_series(20001, 30000) AS i;
CREATE DOMAIN money_amount AS numeric(10, 2);
CREATE TABLE refunds (id bigint PRIMARY KEY, amount money_amount NOT NULL);
INSERT INTO refunds SELECT i, i % 100 FROM generate_series(1, 10000) AS i;
CREATE TABLE profiles (id bigint PRIMARY KEY, bio varchar(50));
INSERT INTO profiles SELECT i, 'bio ' || i FROM generate_series(1, 10000) AS i;
CREATE INDEX payments_amount_idx ON payments (amount);
VACUUM ANALYZE counters, events, events_3, refunds, profiles, payments;
