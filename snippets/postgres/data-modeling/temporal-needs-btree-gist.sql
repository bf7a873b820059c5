-- example: data=none error=undefined_object
-- Without btree_gist, GiST has no operator class for = on a plain scalar type,
-- bigint or uuid alike.
DROP EXTENSION btree_gist;
CREATE TABLE price_history (
    entity_id  uuid        NOT NULL,
    valid_from timestamptz NOT NULL,
    valid_to   timestamptz,
    EXCLUDE USING gist (entity_id WITH =, tstzrange(valid_from, valid_to) WITH &&)
);
