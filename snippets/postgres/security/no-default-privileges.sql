-- example: data=none after=postgres/security/roles.sql error=insufficient_privilege
-- A schema whose owner granted SELECT on "all tables", once, with no default privileges.
CREATE SCHEMA archive AUTHORIZATION shop_owner;
SET ROLE shop_owner;
GRANT USAGE ON SCHEMA archive TO shop_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA archive TO shop_reader;
-- "All tables" meant the tables that existed at that moment: none. This one comes later.
CREATE TABLE archive.invoices_2024 (LIKE shop.invoices);
SET ROLE shop_reader;
SELECT count(*) FROM archive.invoices_2024;
