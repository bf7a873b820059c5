-- What a hostile owner of a checked database can plant, run as that owner (SET ROLE) by
-- tests/test_check_hostile.py. Every trap reports its call on the channel `playbook_trap`, tries
-- to switch the statement timeout off for the rest of the session; shadowing functions return
-- NULL and shadowing views return no rows — so a check that reached one would both be heard
-- and hide findings.
CREATE FUNCTION public.trap(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('playbook_trap', what);
    PERFORM pg_catalog.set_config('statement_timeout', '0', false);
    RETURN false;
END
$$;

-- Operators for the inexact comparisons and array tests a catalog query is likely to write
-- (real >= integer, smallint[] @> smallint[], …): an exact match in a schema searched first
-- wins over pg_catalog's coercing one. These tell the truth (so that a session that reaches one
-- goes on to reach the next) and only report the call.
DO $$
DECLARE
    pairs text[] := ARRAY[]::text[];
    types text[];
    ops text[];
    group_ text;
    l text;
    r text;
    op text;
    n int := 0;
BEGIN
    FOREACH group_ IN ARRAY ARRAY[
        'real|double precision|smallint|integer|bigint|numeric|oid;=|<>|<|<=|>|>=',
        'smallint[]|int2vector|oid[]|oidvector|text[]|name[];@>|<@|&&|=',
        'text|name|"char";=|<>|~~|!~~'
    ] LOOP
        types := string_to_array(split_part(group_, ';', 1), '|');
        ops := string_to_array(split_part(group_, ';', 2), '|');
        FOREACH l IN ARRAY types LOOP
            FOREACH r IN ARRAY types LOOP
                FOREACH op IN ARRAY ops LOOP
                    n := n + 1;
                    BEGIN  -- a pair pg_catalog cannot compare has no truthful answer: skip it
                        EXECUTE format(
                            'CREATE FUNCTION public.trap_op_%s(%s, %s) RETURNS boolean LANGUAGE sql'
                            ' AS %L', n, l, r,
                            format('SELECT public.trap(%L) OR ($1 OPERATOR(pg_catalog.%s) $2)',
                                   l || ' ' || op || ' ' || r, op));
                        EXECUTE format('CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, '
                                       'FUNCTION = public.trap_op_%s)', op, l, r, n);
                    EXCEPTION WHEN undefined_function OR datatype_mismatch THEN
                        NULL;
                    END;
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;

-- Shadows of the catalog relations and functions the checks name: the test finds the names in
-- the check files and hands them over as the settings playbook_test.relations and .functions.
DO $$
DECLARE
    rel text;
    cols text;
    f record;
    body text;
BEGIN
    FOREACH rel IN ARRAY string_to_array(current_setting('playbook_test.relations'), ',') LOOP
        -- every column a view can hold (pg_attribute's anyarray column it cannot)
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
        FROM pg_catalog.pg_attribute AS a JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
        WHERE a.attrelid = format('pg_catalog.%I', rel)::regclass AND a.attnum > 0
          AND NOT a.attisdropped AND t.typtype <> 'p';
        EXECUTE format('CREATE VIEW public.%I AS SELECT %s FROM pg_catalog.%I WHERE public.trap(%L)',
                       rel, cols, rel, rel);
    END LOOP;
    FOR f IN
        SELECT p.proname, pg_catalog.pg_get_function_arguments(p.oid) AS args,
               pg_catalog.pg_get_function_result(p.oid) AS result, p.proretset
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'pg_catalog'::regnamespace
          AND p.prokind = 'f'
          AND p.proname = ANY (string_to_array(current_setting('playbook_test.functions'), ','))
          AND NOT '"any"'::regtype = ANY (p.proargtypes::oid[])
          AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
          AND p.prorettype <> 'internal'::regtype
    LOOP
        body := CASE WHEN f.proretset THEN 'RETURN;' ELSE 'RETURN NULL;' END;
        EXECUTE format('CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L',
                       f.proname, f.args, f.result,
                       format('BEGIN PERFORM public.trap(%L); %s END', f.proname, body));
    END LOOP;
END
$$;
