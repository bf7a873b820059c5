-- example: data=none error=syntax_error
-- On PostgreSQL 15 an ltree label may hold only letters, digits and underscores: a path built
-- from UUID keys is refused at the first hyphen. PostgreSQL 17 and 18 accept hyphens as well.
SELECT text2ltree('0b5e6f7a-3c1d-4e8f-9a0b-1c2d3e4f5a6b.7d9e2c4b-8f1a-4b3c-9d5e-6f7a8b9c0d1e');
