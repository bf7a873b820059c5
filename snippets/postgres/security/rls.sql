-- example: data=none error=insufficient_privilege
-- --8<-- [start:reset]
DROP ROLE IF EXISTS tenant_owner, tenant_app, tenant_auditor;
-- --8<-- [end:reset]
-- --8<-- [start:policy]
CREATE ROLE tenant_owner NOLOGIN;
CREATE ROLE tenant_app LOGIN;
CREATE SCHEMA saas AUTHORIZATION tenant_owner;
GRANT USAGE ON SCHEMA saas TO tenant_app;

SET ROLE tenant_owner;
CREATE TABLE saas.notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id int NOT NULL,
    body text NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON saas.notes TO tenant_app;
ALTER TABLE saas.notes ENABLE ROW LEVEL SECURITY;
-- Rows visible (USING) and rows that may be written (WITH CHECK): the session's tenant only.
-- No tenant set gives NULL (never set) or '' (set once, then reset): no row matches either.
CREATE POLICY tenant_isolation ON saas.notes
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::int)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::int);
INSERT INTO saas.notes (tenant_id, body)
VALUES (1, 'tenant 1: first'), (2, 'tenant 2: first'), (2, 'tenant 2: second');
RESET ROLE;
-- --8<-- [end:policy]
-- --8<-- [start:tenant]
-- The tenant for this session: each statement here is a transaction of its own. An application
-- sets it in each transaction instead, with SET LOCAL (see below).
SET ROLE tenant_app;
SET app.tenant_id = '1';
SELECT tenant_id, body FROM saas.notes;
-- Other tenants' rows are invisible to UPDATE and DELETE too: this changes no row.
UPDATE saas.notes SET body = 'overwritten' WHERE tenant_id = 2;
-- And a row for another tenant is refused.
INSERT INTO saas.notes (tenant_id, body) VALUES (2, 'written by tenant 1');
-- --8<-- [end:tenant]
