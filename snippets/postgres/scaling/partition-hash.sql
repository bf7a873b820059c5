-- example: data=sample error=invalid_table_definition
-- Sessions spread over four partitions by user: every remainder has its partition.
CREATE TABLE sessions_p (
    id         bigint      NOT NULL,
    user_id    bigint      NOT NULL,
    token      text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (id, user_id)
) PARTITION BY HASH (user_id);
CREATE TABLE sessions_p_0 PARTITION OF sessions_p FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE sessions_p_1 PARTITION OF sessions_p FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE sessions_p_2 PARTITION OF sessions_p FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE sessions_p_3 PARTITION OF sessions_p FOR VALUES WITH (MODULUS 4, REMAINDER 3);
INSERT INTO sessions_p SELECT * FROM sessions;
ANALYZE sessions_p;
SELECT tableoid::regclass AS partition, count(*) AS sessions
FROM sessions_p GROUP BY 1 ORDER BY 1;
-- Equality on the key: one partition. (Ranges cannot be pruned: hashes have no order.)
EXPLAIN (COSTS OFF) SELECT count(*) FROM sessions_p WHERE user_id = 42;
-- Every value already has a partition; PostgreSQL refuses a default one.
CREATE TABLE sessions_p_default PARTITION OF sessions_p DEFAULT;
