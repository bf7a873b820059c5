-- example: data=none error=syntax_error
CREATE TYPE ticket_status AS ENUM ('open', 'in_progress', 'closed');
CREATE TABLE tickets (id int PRIMARY KEY, status ticket_status NOT NULL);
INSERT INTO tickets VALUES (1, 'closed'), (2, 'open'), (3, 'in_progress');
-- An enum sorts in the order its values were declared, not alphabetically.
SELECT id, status FROM tickets ORDER BY status;
-- A value can be added, anywhere in that order, and renamed ...
ALTER TYPE ticket_status ADD VALUE 'waiting' BEFORE 'closed';
ALTER TYPE ticket_status RENAME VALUE 'in_progress' TO 'working';
SELECT enum_range(NULL::ticket_status);
-- ... but not removed: PostgreSQL 15 has no DROP VALUE, 17 and 18 parse it and refuse it.
ALTER TYPE ticket_status DROP VALUE 'waiting';
