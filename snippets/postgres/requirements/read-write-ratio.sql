-- example: data=sample
-- Rows read against rows written, per table, since the statistics were last reset. Run it
-- on the production primary (and add each replica's reads) after a representative week.
SELECT relname AS table_name,
       coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS rows_read,
       n_tup_ins + n_tup_upd + n_tup_del AS rows_written,
       round((coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::numeric
             / nullif(n_tup_ins + n_tup_upd + n_tup_del, 0), 1) AS read_write_ratio
FROM pg_stat_user_tables
ORDER BY table_name;
