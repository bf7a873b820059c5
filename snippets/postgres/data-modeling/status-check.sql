-- example: data=none error=check_violation
CREATE TABLE tasks (
    id     int PRIMARY KEY,
    status text NOT NULL
           CONSTRAINT tasks_status_check CHECK (status IN ('open', 'in_progress', 'closed'))
);
INSERT INTO tasks VALUES (1, 'closed'), (2, 'open'), (3, 'in_progress');
-- text sorts alphabetically.
SELECT id, status FROM tasks ORDER BY status;
-- A new list replaces the constraint: NOT VALID checks new rows only, VALIDATE the old ones.
ALTER TABLE tasks
    DROP CONSTRAINT tasks_status_check,
    ADD CONSTRAINT tasks_status_check
        CHECK (status IN ('open', 'in_progress', 'waiting', 'closed')) NOT VALID;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_status_check;
-- Removing a value works the same way, and VALIDATE refuses while a row still has it.
ALTER TABLE tasks
    DROP CONSTRAINT tasks_status_check,
    ADD CONSTRAINT tasks_status_check
        CHECK (status IN ('open', 'waiting', 'closed')) NOT VALID;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_status_check;
