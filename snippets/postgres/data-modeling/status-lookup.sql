-- example: data=none
-- The statuses are rows, with attributes of their own; the tickets point at them.
CREATE TABLE job_statuses (
    status     text PRIMARY KEY,
    sort_order int     NOT NULL UNIQUE,
    is_final   boolean NOT NULL
);
INSERT INTO job_statuses VALUES ('open', 10, false), ('in_progress', 20, false),
                                ('closed', 30, true);
CREATE TABLE jobs (id int PRIMARY KEY, status text NOT NULL REFERENCES job_statuses);
INSERT INTO jobs VALUES (1, 'closed'), (2, 'open'), (3, 'in_progress');
-- A new status is an INSERT, placed where its sort_order says.
INSERT INTO job_statuses VALUES ('waiting', 25, false);
UPDATE jobs SET status = 'waiting' WHERE id = 3;
SELECT j.id, j.status
FROM jobs AS j JOIN job_statuses AS s USING (status)
WHERE NOT s.is_final
ORDER BY s.sort_order;
