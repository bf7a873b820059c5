-- example: data=none after=postgres/security/roles.sql error=insufficient_privilege
-- PostgreSQL 15: the database owner owns public; everyone may use it, only the owner create in it.
SELECT nspowner::regrole AS owner, nspacl AS privileges
FROM pg_namespace WHERE nspname = 'public';
SET ROLE shop_app;
CREATE TABLE public.scratch (id int);
