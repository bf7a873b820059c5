-- example: data=sample
CREATE TABLE notes (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL
);
-- A hash index stores a 4-byte hash of the value, whatever its width.
CREATE INDEX notes_body_hash_idx ON notes USING hash (body);
INSERT INTO notes (body) SELECT string_agg(md5(g::text), '') FROM generate_series(1, 100) AS g;
SELECT count(*) FROM notes;
