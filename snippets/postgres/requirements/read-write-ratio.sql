-- example: data=sample
-- Rows read against rows written, per table, since the statistics were last reset. Run it
-- on the production primary (and add each replica's reads) after a representative week.
-- Index reads are counted on the indexes (idx_tup_read): the table's idx_tup_fetch leaves out
-- the rows of index-only scans, which never visit the table.
SELECT t.relname AS table_name,
       t.seq_tup_read + coalesce(i.idx_tup_read, 0) AS rows_read,
       t.n_tup_ins + t.n_tup_upd + t.n_tup_del AS rows_written,
       round((t.seq_tup_read + coalesce(i.idx_tup_read, 0))::numeric
             / nullif(t.n_tup_ins + t.n_tup_upd + t.n_tup_del, 0), 1) AS read_write_ratio
FROM pg_stat_user_tables AS t
LEFT JOIN (SELECT relid, sum(idx_tup_read) AS idx_tup_read
           FROM pg_stat_user_indexes
           GROUP BY relid) AS i USING (relid)
ORDER BY table_name;
