-- example: engine=mariadb
-- --8<-- [start:reset]
DROP USER IF EXISTS alice@'127.0.0.1', bob@'127.0.0.1';
-- --8<-- [end:reset]
-- --8<-- [start:view]
CREATE TABLE notes (
    id int AUTO_INCREMENT PRIMARY KEY,
    owner varchar(80) NOT NULL,
    body text NOT NULL
);
-- The view runs with its definer's rights; the filter names the account that logged in.
-- USER() is the client's login; inside a DEFINER view CURRENT_USER() is the definer.
CREATE SQL SECURITY DEFINER VIEW my_notes AS
SELECT id, owner, body FROM notes
WHERE owner = SUBSTRING_INDEX(USER(), '@', 1)
WITH CHECK OPTION;
-- The trap, kept for comparison: this one filters on the definer.
CREATE SQL SECURITY DEFINER VIEW my_notes_wrong AS
SELECT id, owner, body FROM notes
WHERE owner = SUBSTRING_INDEX(CURRENT_USER(), '@', 1);
CREATE USER alice@'127.0.0.1' ACCOUNT LOCK;
CREATE USER bob@'127.0.0.1' ACCOUNT LOCK;
-- The accounts get the views, never the table.
GRANT SELECT, INSERT, UPDATE, DELETE ON my_notes TO alice@'127.0.0.1', bob@'127.0.0.1';
GRANT SELECT ON my_notes_wrong TO alice@'127.0.0.1', bob@'127.0.0.1';
INSERT INTO notes (owner, body) VALUES ('alice', 'alice: first'), ('bob', 'bob: first'),
    ('bob', 'bob: second');
-- --8<-- [end:view]
