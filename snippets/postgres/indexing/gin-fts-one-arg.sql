-- example: data=sample error=invalid_object_definition
-- to_tsvector(text) depends on the default_text_search_config setting, so it is not
-- IMMUTABLE and cannot be indexed at all.
CREATE INDEX products_description_fts_idx ON products USING gin (to_tsvector(description));
