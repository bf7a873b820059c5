-- example: data=none error=feature_not_supported
-- A primary key on id alone, on a table partitioned by created_at.
CREATE TABLE events (
    id bigint PRIMARY KEY,
    created_at timestamptz NOT NULL
) PARTITION BY RANGE (created_at);
