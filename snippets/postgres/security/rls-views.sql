-- example: data=none after=postgres/security/rls.sql
RESET ROLE;
SET ROLE tenant_owner;
-- A plain view reads its tables with the rights of the view's owner...
CREATE VIEW saas.notes_plain AS SELECT tenant_id, body FROM saas.notes;
-- ...a security_invoker view (PostgreSQL 15+) with the rights of whoever queries it.
CREATE VIEW saas.notes_invoker WITH (security_invoker = true) AS
SELECT tenant_id, body FROM saas.notes;
GRANT SELECT, INSERT ON saas.notes_plain, saas.notes_invoker TO tenant_app;
SET ROLE tenant_app;
SET app.tenant_id = '1';
SELECT 'plain' AS view, count(*) AS rows_seen FROM saas.notes_plain
UNION ALL
SELECT 'security_invoker', count(*) FROM saas.notes_invoker;
