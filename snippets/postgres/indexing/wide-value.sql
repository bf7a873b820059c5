-- example: data=sample error=program_limit_exceeded
CREATE TABLE notes (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL
);
CREATE INDEX notes_body_idx ON notes (body);
-- 10,000 repeated characters compress to almost nothing: the entry fits.
INSERT INTO notes (body) VALUES (repeat('a', 10000));
-- 3,200 hex digits from md5() do not compress: the entry is too large.
INSERT INTO notes (body) SELECT string_agg(md5(g::text), '') FROM generate_series(1, 100) AS g;
