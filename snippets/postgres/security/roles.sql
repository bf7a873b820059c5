-- example: data=none
-- --8<-- [start:reset]
-- Roles belong to the whole server, not to one database: start without these.
DROP ROLE IF EXISTS shop_owner, shop_app, shop_reader, shop_monitor;
-- --8<-- [end:reset]
-- --8<-- [start:roles]
-- Owns the schema and everything in it; nobody logs in as the owner.
CREATE ROLE shop_owner NOLOGIN;
-- The application: reads and writes rows, changes no structure.
CREATE ROLE shop_app LOGIN;
-- Reports and analysts: read only.
CREATE ROLE shop_reader LOGIN;
-- Monitoring: every session's activity and the statistics, none of the data.
CREATE ROLE shop_monitor LOGIN IN ROLE pg_monitor;

CREATE SCHEMA shop AUTHORIZATION shop_owner;
GRANT USAGE ON SCHEMA shop TO shop_app, shop_reader;

-- Privileges on tables and sequences that shop_owner creates in shop from now on.
ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner IN SCHEMA shop
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO shop_app;
ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner IN SCHEMA shop
    GRANT USAGE ON SEQUENCES TO shop_app;
ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner IN SCHEMA shop
    GRANT SELECT ON TABLES TO shop_reader;
-- --8<-- [end:roles]
-- --8<-- [start:later]
-- A later migration, run as the owner, adds a table: nobody grants anything on it.
SET ROLE shop_owner;
CREATE TABLE shop.invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer text NOT NULL,
    amount numeric(12, 2) NOT NULL
);
SET ROLE shop_app;
INSERT INTO shop.invoices (customer, amount) VALUES ('ada', 120.00);
SET ROLE shop_reader;
SELECT customer, amount FROM shop.invoices;
RESET ROLE;
-- --8<-- [end:later]
