-- example: data=none after=postgres/security/rls.sql
RESET ROLE;
RESET app.tenant_id;
-- The owner is exempt from its table's policies...
SET ROLE tenant_owner;
SELECT count(*) AS owner_sees FROM saas.notes;
-- ...until the table forces them on the owner too.
ALTER TABLE saas.notes FORCE ROW LEVEL SECURITY;
SELECT count(*) AS owner_sees FROM saas.notes;
RESET ROLE;
-- A role with BYPASSRLS (only a superuser may give it) ignores every policy.
CREATE ROLE tenant_auditor LOGIN BYPASSRLS;
GRANT USAGE ON SCHEMA saas TO tenant_auditor;
GRANT SELECT ON saas.notes TO tenant_auditor;
SET ROLE tenant_auditor;
SELECT count(*) AS auditor_sees FROM saas.notes;
