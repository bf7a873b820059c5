-- example: data=sample error=active_sql_transaction
BEGIN;
REINDEX INDEX CONCURRENTLY orders_pkey;
