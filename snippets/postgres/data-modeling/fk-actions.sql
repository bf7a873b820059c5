-- example: data=sample
-- Every foreign key of the sample schema and what it does when the parent row is deleted.
SELECT conrelid::regclass AS child_table,
       confrelid::regclass AS parent_table,
       CASE confdeltype
           WHEN 'a' THEN 'NO ACTION'
           WHEN 'r' THEN 'RESTRICT'
           WHEN 'c' THEN 'CASCADE'
           WHEN 'n' THEN 'SET NULL'
           WHEN 'd' THEN 'SET DEFAULT'
       END AS on_delete
FROM pg_constraint
WHERE contype = 'f'
ORDER BY conrelid::regclass::text, conname;
