-- example: data=none error=check_violation
-- Hash-partitioned sessions as often sketched: MODULUS 4, but only remainders 0 and 1.
CREATE TABLE sessions (
    id UUID,
    user_id UUID,
    data JSONB
) PARTITION BY HASH (user_id);
CREATE TABLE sessions_0 PARTITION OF sessions FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE sessions_1 PARTITION OF sessions FOR VALUES WITH (MODULUS 4, REMAINDER 1);
-- Eight sessions of eight users: about half of the users hash to remainder 2 or 3.
INSERT INTO sessions (id, user_id, data)
SELECT md5('s' || i)::uuid, md5('u' || i)::uuid, '{}'
FROM generate_series(1, 8) AS i;
