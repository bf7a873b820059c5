-- Deterministic sample data for the handbook's schema (schema.sql).
-- example: data=none

-- --8<-- [start:hash]
-- sample_hash(i, salt): a pseudo-random integer in [0, 2^31 - 1) for row number i,
-- computed, not drawn. With x = i + 50000017 * salt it is the cubic
--
--     (663608941 * x^3 + 48271 * x) mod (2^31 - 1)      -- 2^31 - 1 is prime
--
-- Every choice the generator makes is sample_hash(i, salt) % k: one of k values. Each
-- attribute has its own salt, so the choices made for one row are unrelated, and a
-- cubic (unlike i * constant) leaves no visible stride in consecutive rows. The
-- arithmetic stays within bigint while x is below 3 * 10^9: with the salts used here,
-- for i below 5 * 10^8. A LANGUAGE sql function of one expression is inlined by the
-- planner, so calling it costs no more than writing the formula out.
CREATE OR REPLACE FUNCTION sample_hash(i bigint, salt integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (  (i + 50000017::bigint * salt) * (i + 50000017::bigint * salt) % 2147483647
        * (i + 50000017::bigint * salt) % 2147483647 * 663608941
        + (i + 50000017::bigint * salt) * 48271
       ) % 2147483647;
-- --8<-- [end:hash]

-- --8<-- [start:signature]
-- generate_sample_data(n) fills the EMPTY sample schema with the history of a shop:
--
--   users      ~ 1.14 * n/10    customers  max(10, n/10)     categories   57 (3 levels)
--   products   max(200, n/100)  orders     n                 order_items  ~ 3 * n
--   sessions   n/4              stores     200               events       2 * n
--
-- The shop opens on 2023-11-01; users, customers and products are created from then
-- on. Orders and events cover the two years 2024-11-01 .. 2026-10-31, sessions the
-- last of them. The same n always gives the same rows, whatever the server, the seed
-- or the plan: every value is computed from row numbers with sample_hash. Ids are
-- assigned explicitly (OVERRIDING SYSTEM VALUE), so foreign keys are computed instead
-- of looked up; at the end the identity sequences are moved past the data. Times are
-- offsets in seconds from fixed UTC instants, and intervals are never given in days
-- (a day is 23 or 25 hours across a DST change in some zones), so the session's
-- TimeZone does not change the result.
--
-- Usage (VACUUM cannot run inside a function, so it is a statement of its own):
--
--     SELECT generate_sample_data(20000);
--     VACUUM ANALYZE;
CREATE OR REPLACE FUNCTION generate_sample_data(n_orders integer) RETURNS void
LANGUAGE plpgsql
SET work_mem = '64MB'  -- sorts and hashes of a few hundred thousand rows stay in memory
SET jit = off          -- compiling these one-pass statements costs more than it saves
AS $fn$
-- --8<-- [end:signature]
DECLARE
    t0            constant timestamptz := '2023-11-01 00:00:00+00';  -- the shop opens
    t_end         constant timestamptz := '2026-11-01 00:00:00+00';  -- the data ends before this
    span_s        constant bigint      := extract(epoch FROM t_end - t0);  -- 1096 days
    -- Offsets from t0, in seconds.
    orders_from   constant bigint := extract(epoch FROM timestamptz '2024-11-01 00:00:00+00' - t0);
    sessions_from constant bigint := extract(epoch FROM timestamptz '2025-11-01 00:00:00+00' - t0);

    n_customers bigint := greatest(n_orders / 10, 10);
    -- Every 8th user never becomes a customer (see customers below).
    n_users     bigint := n_customers + (n_customers - 1) / 7;
    n_products  bigint := greatest(n_orders / 100, 200);
    n_sessions  bigint := greatest(n_orders / 4, 1);
    n_events    bigint := 2 * n_orders::bigint;
    -- Users and products are created at an even pace: user u exists from (u * user_step)
    -- seconds after t0 on, so at offset t the users 1 .. t / user_step exist.
    user_step    bigint := span_s / n_users;
    product_step bigint := span_s / n_products;

    first_names constant text[] := ARRAY[
        'Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Dennis',
        'Brian', 'Edgar', 'Michael', 'Jim', 'Frances', 'Leslie', 'Niklaus', 'Tony', 'Radia',
        'Jeannette', 'Robert', 'Vint', 'Adele', 'Jean', 'Joseph', 'Hedy', 'Katherine',
        'Dorothy', 'Mary', 'John', 'Sophie', 'Lynn'];
    last_names constant text[] := ARRAY[
        'Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson',
        'Ritchie', 'Kernighan', 'Codd', 'Stonebraker', 'Gray', 'Chamberlin', 'Boyce', 'Bayer',
        'Lamport', 'Backus', 'Naur', 'Wirth', 'Hoare', 'Floyd', 'Cerf', 'Goldberg', 'Allen',
        'Sammet', 'Perlman', 'Wing', 'Tarjan', 'Karp', 'Cook', 'Milner', 'Kay', 'Engelbart',
        'Widom', 'Hellerstein', 'Conway'];
    -- Reserved example domains (RFC 2606), spelt the way people type them.
    domains constant text[] := ARRAY[
        'Example.com', 'example.com', 'example.org', 'Mail.Example.org', 'EXAMPLE.COM'];

    sample_tables constant text[] := ARRAY[
        'users', 'customers', 'categories', 'products', 'orders', 'order_items',
        'sessions', 'stores', 'events'];
    tbl        text;
    has_rows   boolean;
    fk         record;
    add_fks    text[];
    ddl        text;
    leaf_ids   bigint[];
    -- With SET dbarch.progress = on, a NOTICE after each table tells a waiting user how
    -- far the load has come (playbook sandbox prints them).
    progress   constant boolean := current_setting('dbarch.progress', true) = 'on';
    step_start timestamptz := clock_timestamp();
BEGIN
    IF n_orders IS NULL OR n_orders < 1 THEN
        RAISE EXCEPTION 'generate_sample_data: n_orders must be at least 1, got %', n_orders;
    END IF;
    FOREACH tbl IN ARRAY sample_tables LOOP
        EXECUTE format('SELECT EXISTS (SELECT FROM %I)', tbl) INTO has_rows;
        IF has_rows THEN
            RAISE EXCEPTION 'generate_sample_data: table % is not empty', tbl;
        END IF;
    END LOOP;

    -- A foreign key is checked once per inserted row, which would take most of the
    -- time here. As the PostgreSQL manual advises for bulk loads, drop the foreign keys,
    -- load, and add them back: ADD CONSTRAINT checks all rows in one join, and fails
    -- if any row breaks the constraint. The definitions are read from the catalog, so
    -- they come back exactly as schema.sql made them.
    SELECT array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                            conrelid::regclass, conname, pg_get_constraintdef(oid))
                     ORDER BY conrelid::regclass::text, conname)
    INTO add_fks
    FROM pg_constraint
    WHERE contype = 'f' AND conrelid::regclass::text = ANY (sample_tables);
    FOR fk IN
        SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
        WHERE contype = 'f' AND conrelid::regclass::text = ANY (sample_tables)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;

    -- --8<-- [start:users]
    -- users: names from two short lists (so names repeat, as real names do); the e-mail
    -- contains the id, which keeps it unique even after lower(), and its case varies.
    INSERT INTO users (id, email, full_name, is_active, created_at) OVERRIDING SYSTEM VALUE
    SELECT u,
           CASE sample_hash(u, 1) % 6
               WHEN 0 THEN lower(first || '.' || last) || u || '@' || lower(domain)
               WHEN 1 THEN left(first, 1) || last || u || '@' || domain  -- ALovelace123@...
               WHEN 2 THEN lower(first || '_' || last) || u || '@' || domain
               WHEN 3 THEN upper(last) || u || '@' || domain             -- LOVELACE123@...
               ELSE first || '.' || last || u || '@' || domain           -- Ada.Lovelace123@...
           END,
           first || ' ' || last,
           sample_hash(u, 2) % 25 <> 0,                          -- 4 % deactivated
           t0 + ((u - 1) * user_step + sample_hash(u, 3) % user_step) * interval '1 second'
    FROM (SELECT u,
                 first_names[1 + sample_hash(u, 4) % cardinality(first_names)] AS first,
                 last_names[1 + sample_hash(u, 5) % cardinality(last_names)] AS last,
                 domains[1 + sample_hash(u, 6) % cardinality(domains)] AS domain
          FROM generate_series(1, n_users) AS u) AS s
    ORDER BY u;
    -- --8<-- [end:users]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'users',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    -- --8<-- [start:customers]
    -- customers: customer c belongs to user c + (c - 1) / 7, so every 8th user never buys
    -- and customers.id differs from users.id (a join on the wrong column gives wrong
    -- answers instead of accidentally right ones). Every 20th customer checked out as a
    -- guest: no user, a lower-case address of its own. The customer record is created
    -- with the user account; a guest's record at the time the skipped user signed up.
    INSERT INTO customers (id, user_id, name, email, region, created_at) OVERRIDING SYSTEM VALUE
    SELECT c.c,
           CASE WHEN c.guest THEN NULL ELSE u.id END,
           CASE WHEN c.guest THEN c.first || ' ' || c.last ELSE u.full_name END,
           CASE WHEN c.guest THEN lower(c.first || '.' || c.last) || c.c || '@example.net'
                ELSE u.email END,
           CASE WHEN c.roll < 40 THEN 'US'       -- 40 %
                WHEN c.roll < 70 THEN 'EU'       -- 30 %
                WHEN c.roll < 90 THEN 'APAC'     -- 20 %
                ELSE 'LATAM' END,                -- 10 %
           u.created_at
    FROM (SELECT c,
                 c % 20 = 0 AS guest,
                 c + (c - 1) / 7 AS user_slot,
                 sample_hash(c, 7) % 100 AS roll,
                 first_names[1 + sample_hash(c, 8) % cardinality(first_names)] AS first,
                 last_names[1 + sample_hash(c, 9) % cardinality(last_names)] AS last
          FROM generate_series(1, n_customers) AS c) AS c
    JOIN users AS u ON u.id = c.user_slot
    ORDER BY c.c;
    -- --8<-- [end:customers]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'customers',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    -- --8<-- [start:categories]
    -- categories: a fixed three-level tree, listed depth first. Products hang off the
    -- 37 leaves only. 'Jackets' and 'Shoes' occur under several parents, which
    -- UNIQUE (parent_id, name) allows.
    INSERT INTO categories (id, parent_id, name) OVERRIDING SYSTEM VALUE
    VALUES ( 1, NULL, 'Electronics'),
           ( 2,    1,   'Computers'),
           ( 3,    2,     'Laptops'),
           ( 4,    2,     'Monitors'),
           ( 5,    2,     'Keyboards'),
           ( 6,    1,   'Audio'),
           ( 7,    6,     'Headphones'),
           ( 8,    6,     'Speakers'),
           ( 9,    1,   'Phones & Accessories'),
           (10,    9,     'Smartphones'),
           (11,    9,     'Chargers'),
           (12,    9,     'Phone Cases'),
           (13, NULL, 'Home & Kitchen'),
           (14,   13,   'Kitchen'),
           (15,   14,     'Cookware'),
           (16,   14,     'Knives'),
           (17,   14,     'Coffee Makers'),
           (18,   13,   'Furniture'),
           (19,   18,     'Desks'),
           (20,   18,     'Chairs'),
           (21,   18,     'Shelves'),
           (22,   13,   'Lighting'),
           (23,   22,     'Desk Lamps'),
           (24,   22,     'Ceiling Lights'),
           (25, NULL, 'Clothing'),
           (26,   25,   'Men'),
           (27,   26,     'Jackets'),
           (28,   26,     'Shirts'),
           (29,   26,     'Shoes'),
           (30,   25,   'Women'),
           (31,   30,     'Jackets'),
           (32,   30,     'Dresses'),
           (33,   30,     'Shoes'),
           (34,   25,   'Kids'),
           (35,   34,     'Jackets'),
           (36,   34,     'T-Shirts'),
           (37, NULL, 'Sports & Outdoors'),
           (38,   37,   'Camping'),
           (39,   38,     'Tents'),
           (40,   38,     'Sleeping Bags'),
           (41,   38,     'Backpacks'),
           (42,   37,   'Cycling'),
           (43,   42,     'Bikes'),
           (44,   42,     'Helmets'),
           (45,   42,     'Bike Lights'),
           (46,   37,   'Running'),
           (47,   46,     'Running Shoes'),
           (48,   46,     'Sports Watches'),
           (49, NULL, 'Books'),
           (50,   49,   'Fiction'),
           (51,   50,     'Mystery'),
           (52,   50,     'Science Fiction'),
           (53,   49,   'Non-Fiction'),
           (54,   53,     'History'),
           (55,   49,   'Technology'),
           (56,   55,     'Databases'),
           (57,   55,     'Programming');
    -- --8<-- [end:categories]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'categories',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    leaf_ids := ARRAY(SELECT c.id FROM categories AS c
                      WHERE NOT EXISTS (SELECT FROM categories AS ch WHERE ch.parent_id = c.id)
                      ORDER BY c.id);

    -- --8<-- [start:products]
    -- products: spread evenly over the leaf categories. Name, description, price range and
    -- attributes depend on the leaf and its kind. Descriptions are plain English for
    -- full-text search. Tags follow from the other columns: 'waterproof' and 'eco' when
    -- the description says so, 'bestseller' for the lowest 5 % of ids (they sell most),
    -- 'new' for the last 60 days, 'premium' and 'budget' for the top and bottom of the
    -- leaf's price range, 'sale' and 'gift' for some. The catalogue grows over time.
    WITH kinds (kind, adjectives, features) AS (VALUES
        ('computer',
         ARRAY['Pro', 'Ultra', 'Compact', 'Slim', 'Studio', 'Office', 'Travel'],
         ARRAY['Connects over USB-C with a single cable.',
               'The aluminium body is light and scratch resistant.',
               'Backlit keys make typing in the dark easy.',
               'Comes with a two-year manufacturer warranty.',
               'Runs quietly, even under heavy load.',
               'Designed to be repaired, with standard screws and replaceable parts.',
               'Ships in recycled packaging.']),
        ('audio',
         ARRAY['Wireless', 'Studio', 'Portable', 'Compact', 'Pro', 'Rugged', 'Travel'],
         ARRAY['Bluetooth 5.3 keeps a stable connection up to ten metres.',
               'The battery lasts up to thirty hours on a single charge.',
               'Active noise cancellation blocks engine and office noise.',
               'Waterproof to IPX7, so it survives a drop in the pool.',
               'Deep, balanced bass without distortion at high volume.',
               'Pairs with two devices at once.',
               'Charges over USB-C.']),
        ('mobile',
         ARRAY['Smart', 'Ultra', 'Rugged', 'Slim', 'Pro', 'Lite', 'Travel'],
         ARRAY['Supports fast charging over USB-C.',
               'Waterproof to IPX8, for swimming and heavy rain.',
               'Works with Android and iOS.',
               'Made from recycled aluminium and plastic.',
               'Comes with a two-year manufacturer warranty.',
               'Survives drops from two metres onto concrete.',
               'Supports wireless charging.']),
        ('kitchen',
         ARRAY['Classic', 'Professional', 'Compact', 'Family', 'Everyday', 'Heritage', 'Modern'],
         ARRAY['Dishwasher safe and easy to clean.',
               'Stainless steel that will not rust or stain.',
               'Backed by a lifetime guarantee.',
               'Heats evenly and quickly.',
               'Made in a factory powered by renewable energy.',
               'A comfortable handle with a secure grip.',
               'Small enough for a narrow kitchen.']),
        ('furniture',
         ARRAY['Modern', 'Adjustable', 'Classic', 'Minimalist', 'Compact', 'Oak', 'Studio'],
         ARRAY['Made of solid oak from sustainably managed forests.',
               'Assembles in under thirty minutes with the included tools.',
               'The ergonomic design supports a healthy posture.',
               'A scratch-resistant finish that is easy to clean.',
               'Carries up to one hundred kilograms.',
               'The frame is recycled steel.',
               'Backed by a ten-year guarantee.']),
        ('lighting',
         ARRAY['Modern', 'Dimmable', 'Compact', 'Minimalist', 'Industrial', 'Classic', 'Smart'],
         ARRAY['Energy-efficient LED with a warm white light.',
               'Dims with the switch you already have.',
               'Colour temperature adjusts from warm to daylight.',
               'The LED is rated for twenty-five thousand hours.',
               'The shade is recycled aluminium.',
               'Flicker-free light for long reading sessions.',
               'Installs in ten minutes.']),
        ('apparel',
         ARRAY['Waterproof', 'Lightweight', 'Insulated', 'Breathable', 'Classic', 'Packable',
               'Everyday'],
         ARRAY['A waterproof shell with taped seams keeps the rain out.',
               'Breathable fabric wicks moisture away during hard effort.',
               'Soft organic cotton stays comfortable all day.',
               'Machine washable at thirty degrees.',
               'Made from recycled polyester.',
               'A relaxed fit leaves room for layering.',
               'Reflective details make you visible at night.']),
        ('shoes',
         ARRAY['Waterproof', 'Cushioned', 'Lightweight', 'Trail', 'Classic', 'Everyday', 'Racing'],
         ARRAY['A waterproof leather upper keeps feet dry on wet streets.',
               'The cushioned sole absorbs impact on long runs.',
               'A grippy rubber outsole holds on muddy trails.',
               'Breathable mesh keeps feet cool in summer.',
               'The removable insole is made from recycled foam.',
               'A wide fit with a roomy toe box.',
               'Reflective heel tabs for running after dark.']),
        ('camping',
         ARRAY['Waterproof', 'Ultralight', 'Expedition', 'Compact', 'All-Season', 'Trail',
               'Family'],
         ARRAY['Waterproof fabric with a hydrostatic head of three thousand millimetres.',
               'Packs down small and weighs under two kilograms.',
               'Built for multi-day trips in the mountains.',
               'Rated for nights down to minus five degrees.',
               'Made from recycled nylon.',
               'Tested on long-distance trails in wind and rain.',
               'Replacement parts are available for ten years.']),
        ('cycling',
         ARRAY['Urban', 'Trail', 'Road', 'Folding', 'Commuter', 'Lightweight', 'Touring'],
         ARRAY['Reflective details improve visibility at night.',
               'Tested to the European safety standard.',
               'Made from recycled aluminium.',
               'Waterproof to IPX6, for riding in heavy rain.',
               'Light enough to carry up the stairs.',
               'Adjusts without tools in seconds.',
               'Replacement parts are available for ten years.']),
        ('book',
         ARRAY['New', 'Revised', 'Illustrated', 'Annotated', 'Expanded', 'Anniversary', 'Pocket'],
         ARRAY['A gripping story with an unexpected ending.',
               'Clear explanations with worked examples.',
               'Includes exercises with solutions.',
               'Written for beginners and experienced readers alike.',
               'Based on years of research in archives and libraries.',
               'Short chapters that are easy to read on a commute.',
               'Includes an index and a list of further reading.'])
    ), leaves (category, noun, kind, price_min, price_max, weight_g, titles) AS (VALUES
        ('Laptops',        'laptop',         'computer',  599, 2499,  1500, NULL::text[]),
        ('Monitors',       'monitor',        'computer',  129,  899,  5000, NULL),
        ('Keyboards',      'keyboard',       'computer',   29,  199,   800, NULL),
        ('Headphones',     'headphones',     'audio',      39,  399,   250, NULL),
        ('Speakers',       'speaker',        'audio',      29,  499,   900, NULL),
        ('Smartphones',    'smartphone',     'mobile',    199, 1299,   190, NULL),
        ('Chargers',       'charger',        'mobile',      9,   79,   120, NULL),
        ('Phone Cases',    'phone case',     'mobile',      9,   59,    40, NULL),
        ('Sports Watches', 'sports watch',   'mobile',     99,  699,    50, NULL),
        ('Cookware',       'saucepan',       'kitchen',    19,  199,  1200, NULL),
        ('Knives',         'kitchen knife',  'kitchen',    15,  249,   200, NULL),
        ('Coffee Makers',  'coffee maker',   'kitchen',    29,  699,  3000, NULL),
        ('Desks',          'desk',           'furniture', 149,  999, 30000, NULL),
        ('Chairs',         'office chair',   'furniture',  89,  899, 15000, NULL),
        ('Shelves',        'bookshelf',      'furniture',  49,  399, 25000, NULL),
        ('Desk Lamps',     'desk lamp',      'lighting',   19,  149,  1500, NULL),
        ('Ceiling Lights', 'ceiling light',  'lighting',   29,  299,  2000, NULL),
        ('Jackets',        'jacket',         'apparel',    49,  399,  NULL, NULL),
        ('Shirts',         'shirt',          'apparel',    19,   99,  NULL, NULL),
        ('Dresses',        'dress',          'apparel',    29,  199,  NULL, NULL),
        ('T-Shirts',       't-shirt',        'apparel',     9,   39,  NULL, NULL),
        ('Shoes',          'shoes',          'shoes',      39,  249,  NULL, NULL),
        ('Running Shoes',  'running shoes',  'shoes',      59,  219,  NULL, NULL),
        ('Tents',          'tent',           'camping',    79,  799,  2500, NULL),
        ('Sleeping Bags',  'sleeping bag',   'camping',    39,  399,  1200, NULL),
        ('Backpacks',      'backpack',       'camping',    29,  299,  1000, NULL),
        ('Bikes',          'bike',           'cycling',   299, 3999, 12000, NULL),
        ('Helmets',        'helmet',         'cycling',    29,  199,   300, NULL),
        ('Bike Lights',    'bike light',     'cycling',     9,   99,   100, NULL),
        ('Mystery',        'mystery novel',  'book',        9,   29,  NULL,
         ARRAY['The Silent Harbor', 'A Death in the Archive', 'The Lighthouse Keeper''s Secret',
               'Murder on the Night Ferry', 'The Vanishing Clockmaker',
               'Cold Case at Fenwick Hall']),
        ('Science Fiction', 'science fiction novel', 'book', 9, 29,  NULL,
         ARRAY['The Last Signal', 'Orbit of Glass', 'The Memory Engine', 'Red Dust Colony',
               'The Quantum Orchard', 'Starlight Protocol']),
        ('History',        'history book',   'book',       12,   49,  NULL,
         ARRAY['A Short History of Maps', 'The Age of Railways', 'Empires of Salt',
               'The Printing Revolution', 'Bridges That Changed the World',
               'A History of Timekeeping']),
        ('Databases',      'database book',  'book',       29,   79,  NULL,
         ARRAY['Practical Query Planning', 'Indexing in Depth', 'Transactions and Isolation',
               'Designing Data Models', 'Replication for Operators', 'Inside the Storage Engine']),
        ('Programming',    'programming book', 'book',     24,   69,  NULL,
         ARRAY['Practical Python', 'Rust from the Ground Up', 'Concurrency in Practice',
               'Testing Legacy Code', 'Algorithms for Working Programmers', 'Writing a Compiler'])
    ), picked AS (
        SELECT p,
               leaf_ids[1 + sample_hash(p, 10) % cardinality(leaf_ids)] AS category_id,
               (ARRAY['Northwind', 'Acme', 'Bluebird', 'Kestrel', 'Larkspur', 'Meridian', 'Oakline',
                      'Pinecrest', 'Quayside', 'Redfern', 'Summit', 'Tidewater', 'Fjord'])
                   [1 + sample_hash(p, 11) % 13] AS brand,
               (ARRAY['black', 'white', 'grey', 'navy', 'red', 'green', 'blue', 'olive', 'sand',
                      'orange', 'yellow'])[1 + sample_hash(p, 12) % 11] AS color,
               sample_hash(p, 13) AS h_adjective,
               sample_hash(p, 14) AS h_feature,
               (p - 1) * product_step + sample_hash(p, 15) % product_step AS t
        FROM generate_series(1, n_products) AS p
    ), described AS (
        SELECT pk.*, l.*,
               k.adjectives[1 + pk.h_adjective % cardinality(k.adjectives)] AS adjective,
               -- two different features of the kind
               k.features[1 + pk.h_feature % cardinality(k.features)] || ' '
                   || k.features[1 + (pk.h_feature % cardinality(k.features)
                                      + 1 + pk.h_feature / 1000 % (cardinality(k.features) - 1))
                                     % cardinality(k.features)] AS features,
               -- x.99 prices, spread over the leaf's range
               round(l.price_min
                     + (l.price_max - l.price_min) * (sample_hash(pk.p, 16) % 1000) / 1000.0)
                   - 0.01 AS price
        FROM picked AS pk
        JOIN categories AS c ON c.id = pk.category_id
        JOIN leaves AS l ON l.category = c.name
        JOIN kinds AS k ON k.kind = l.kind
    ), named AS (
        SELECT d.*,
               CASE WHEN d.kind = 'book'
                    THEN d.titles[1 + sample_hash(d.p, 17) % cardinality(d.titles)]
                    ELSE d.brand || ' ' || d.adjective || ' ' || initcap(d.noun) END AS name,
               CASE WHEN d.kind = 'book'
                    THEN d.adjective || ' edition of this ' || d.noun || ' from '
                         || d.brand || ' Press. ' || d.features
                    ELSE d.adjective || ' ' || d.noun || ' by ' || d.brand || '. ' || d.features
               END AS description
        FROM described AS d
    )
    INSERT INTO products (id, category_id, sku, name, description, price, tags, attributes,
                          created_at)
    OVERRIDING SYSTEM VALUE
    SELECT p,
           category_id,
           -- a prefix from the noun and a number that is unique but not in id order
           upper(left(translate(noun, ' -', ''), 3)) || '-'
               || lpad(((p * 7919) % 1000003)::text, 7, '0'),
           name,
           description,
           price,
           array_remove(ARRAY[
               CASE WHEN description ~* 'waterproof' THEN 'waterproof' END,
               CASE WHEN description ~* 'recycled|organic|sustainabl|renewable' THEN 'eco' END,
               CASE WHEN p <= n_products / 20 THEN 'bestseller' END,
               CASE WHEN t >= span_s - 60 * 86400 THEN 'new' END,
               CASE WHEN sample_hash(p, 18) % 100 < 12 THEN 'sale' END,
               CASE WHEN sample_hash(p, 19) % 100 < 10 THEN 'gift' END,
               CASE WHEN price >= price_min + 0.8 * (price_max - price_min) THEN 'premium'
                    WHEN price < price_min + 0.2 * (price_max - price_min) THEN 'budget' END
           ], NULL),
           jsonb_strip_nulls(jsonb_build_object(
               'brand',          CASE WHEN kind <> 'book' THEN brand END,
               'publisher',      CASE WHEN kind = 'book' THEN brand || ' Press' END,
               'color',          CASE WHEN kind <> 'book' THEN color END,
               'size',           CASE WHEN kind = 'apparel'
                                      THEN (ARRAY['XS', 'S', 'M', 'L', 'XL'])
                                           [1 + sample_hash(p, 20) % 5] END,
               'eu_size',        CASE WHEN kind = 'shoes' THEN 36 + sample_hash(p, 21) % 11 END,
               'warranty_years', CASE WHEN kind IN ('computer', 'audio', 'mobile')
                                      THEN 1 + sample_hash(p, 22) % 3 END,
               -- the leaf's typical weight, give or take a quarter, in tens of grams
               'weight_g',       round(weight_g * (75 + sample_hash(p, 23) % 51) / 1000.0) * 10,
               'pages',          CASE WHEN kind = 'book'
                                      THEN 120 + 8 * (sample_hash(p, 24) % 80) END,
               'format',         CASE WHEN kind = 'book'
                                      THEN (ARRAY['paperback', 'hardcover', 'ebook'])
                                           [1 + sample_hash(p, 25) % 3] END
           )),
           t0 + t * interval '1 second'
    FROM named
    ORDER BY p;
    -- --8<-- [end:products]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'products',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    -- --8<-- [start:orders]
    -- orders and order_items, in one statement so that each order's total is the sum of
    -- its lines. The shop grows: order i of n is placed at the fraction sqrt(1 + 3 i/n) - 1
    -- of the two years, so the last month sees twice as many orders as the first. An
    -- order goes to a customer and to products that exist at its time; the oldest
    -- customers and products (the lowest ids) get the most orders.
    WITH o AS (
        SELECT i, ot.t, m.customer_max, m.product_max,
               -- the first line's product: the product of two uniform picks, scaled back
               -- to 0 .. product_max - 1, falls off from low ids to high ones
               pick.a * pick.b / m.product_max AS product_rank,
               sample_hash(i, 26) % 100 AS status_roll,
               CASE sample_hash(i, 27) % 10          -- 1..5 lines, 3 on average
                   WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 2 WHEN 7 THEN 4 WHEN 8 THEN 4
                   WHEN 9 THEN 5 ELSE 3 END AS n_lines,
               sample_hash(i, 28) AS h
        FROM generate_series(1, n_orders::bigint) AS i,
             LATERAL (SELECT orders_from
                             + floor((span_s - orders_from - 600)
                                     * (sqrt(1 + 3 * (i - 1)::float8 / n_orders) - 1))::bigint
                             + sample_hash(i, 29) % 600       -- up to 10 minutes late
                             AS t) AS ot,
             -- the customers and products that exist at time t (see user_step above)
             LATERAL (SELECT greatest(1, 7 * (ot.t / user_step) / 8) AS customer_max,
                             ot.t / product_step AS product_max) AS m,
             LATERAL (SELECT sample_hash(i, 30) % m.product_max AS a,
                             sample_hash(i, 31) % m.product_max AS b) AS pick
    ), lines AS (
        -- Line j takes the product 7 * (j - 1) ids after the first one, so the lines of
        -- an order never repeat a product (product_max is always above 28).
        SELECT o.i AS order_id, l.j AS line_no,
               1 + (o.product_rank + 7 * (l.j - 1)) % o.product_max AS product_id,
               CASE WHEN q.roll < 60 THEN 1 WHEN q.roll < 85 THEN 2
                    WHEN q.roll < 95 THEN 3 ELSE 4 END AS quantity
        FROM o,
             generate_series(1, o.n_lines) AS l(j),
             -- i * 8 + j: a number of its own for each line
             LATERAL (SELECT sample_hash(o.i * 8 + l.j, 32) % 100 AS roll) AS q
    ), priced AS (
        SELECT ln.*, p.price AS unit_price
        FROM lines AS ln JOIN products AS p ON p.id = ln.product_id
    ), new_orders AS (
        INSERT INTO orders (id, customer_id, status, total, created_at, updated_at)
        OVERRIDING SYSTEM VALUE
        SELECT o.i,
               1 + sample_hash(o.i, 33) % o.customer_max,
               s.status,
               tot.total,
               t0 + o.t * interval '1 second',
               -- the time of the last status change
               least(t_end - interval '1 second',
                     t0 + o.t * interval '1 second' + CASE s.status
                         WHEN 'pending'   THEN interval '0'
                         WHEN 'paid'      THEN interval '1 minute' * (1 + o.h % 120)
                         WHEN 'shipped'   THEN interval '1 hour' * (24 + o.h % 48)
                         WHEN 'delivered' THEN interval '1 hour' * (72 + o.h % 96)
                         ELSE                  interval '1 minute' * (5 + o.h % 2880)
                     END)
        FROM o
        CROSS JOIN LATERAL (SELECT CASE WHEN o.status_roll < 60 THEN 'delivered'  -- 60 %
                                        WHEN o.status_roll < 75 THEN 'shipped'    -- 15 %
                                        WHEN o.status_roll < 85 THEN 'paid'       -- 10 %
                                        WHEN o.status_roll < 95 THEN 'pending'    -- 10 %
                                        ELSE 'cancelled' END AS status) AS s      --  5 %
        JOIN (SELECT order_id, sum(quantity * unit_price) AS total
              FROM priced GROUP BY order_id) AS tot ON tot.order_id = o.i
        ORDER BY o.i
    )
    INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
    SELECT order_id, line_no, product_id, quantity, unit_price
    FROM priced
    ORDER BY order_id, line_no;
    -- --8<-- [end:orders]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'orders and order_items',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    -- --8<-- [start:sessions]
    -- sessions: one year of logins, about n/4 of them; most have long expired by the end
    -- of the data. The token is an md5: 32 hex digits that look random but are not secret.
    INSERT INTO sessions (id, user_id, token, created_at, expires_at) OVERRIDING SYSTEM VALUE
    SELECT k,
           1 + sample_hash(k, 34) % greatest(1, t / user_step),
           md5('dbarch session ' || k),
           t0 + t * interval '1 second',
           t0 + t * interval '1 second' + CASE WHEN roll < 50 THEN interval '2 hours'
                                               WHEN roll < 80 THEN interval '24 hours'
                                               ELSE interval '720 hours' END  -- 30 days
    FROM generate_series(1, n_sessions) AS k,
         LATERAL (SELECT sessions_from + (k - 1) * ((span_s - sessions_from) / n_sessions)
                         + sample_hash(k, 35) % greatest(1, (span_s - sessions_from) / n_sessions)
                         AS t,
                         sample_hash(k, 36) % 100 AS roll) AS st
    ORDER BY k;
    -- --8<-- [end:sessions]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'sessions',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    -- --8<-- [start:stores]
    -- stores: 200 shops in 40 cities, more of them where there are more customers;
    -- each within about 10 km of its city centre.
    INSERT INTO stores (id, name, location) OVERRIDING SYSTEM VALUE
    SELECT row_number() OVER (ORDER BY c.city_no, s.k),
           c.city || ' #' || s.k,
           ST_SetSRID(ST_MakePoint(
               c.lon + (sample_hash(c.city_no * 10 + s.k, 37) % 2001 - 1000) / 10000.0,
               c.lat + (sample_hash(c.city_no * 10 + s.k, 38) % 2001 - 1000) / 10000.0),
               4326)
    FROM (VALUES
        -- US: 8 stores per city
        ( 1, 'New York',       -74.006,  40.713, 8), ( 2, 'Los Angeles',  -118.244,  34.052, 8),
        ( 3, 'Chicago',        -87.630,  41.878, 8), ( 4, 'Houston',       -95.370,  29.760, 8),
        ( 5, 'Seattle',       -122.332,  47.606, 8), ( 6, 'Boston',        -71.059,  42.360, 8),
        ( 7, 'San Francisco', -122.419,  37.775, 8), ( 8, 'Denver',       -104.990,  39.739, 8),
        ( 9, 'Atlanta',        -84.388,  33.749, 8), (10, 'Miami',         -80.192,  25.762, 8),
        -- EU: 6
        (11, 'London',          -0.128,  51.507, 6), (12, 'Paris',           2.352,  48.857, 6),
        (13, 'Berlin',          13.405,  52.520, 6), (14, 'Madrid',         -3.704,  40.417, 6),
        (15, 'Rome',            12.496,  41.903, 6), (16, 'Amsterdam',       4.904,  52.368, 6),
        (17, 'Vienna',          16.374,  48.208, 6), (18, 'Stockholm',      18.069,  59.329, 6),
        (19, 'Warsaw',          21.012,  52.230, 6), (20, 'Lisbon',         -9.139,  38.722, 6),
        -- APAC: 4
        (21, 'Tokyo',          139.692,  35.690, 4), (22, 'Seoul',         126.978,  37.567, 4),
        (23, 'Singapore',      103.820,   1.352, 4), (24, 'Sydney',        151.209, -33.869, 4),
        (25, 'Mumbai',          72.878,  19.076, 4), (26, 'Shanghai',      121.474,  31.230, 4),
        (27, 'Bangkok',        100.502,  13.756, 4), (28, 'Melbourne',     144.963, -37.814, 4),
        (29, 'Auckland',       174.763, -36.848, 4), (30, 'Jakarta',       106.845,  -6.208, 4),
        -- LATAM: 2
        (31, 'São Paulo',      -46.633, -23.551, 2), (32, 'Mexico City',   -99.133,  19.433, 2),
        (33, 'Buenos Aires',   -58.382, -34.604, 2), (34, 'Bogotá',        -74.072,   4.711, 2),
        (35, 'Lima',           -77.043, -12.046, 2), (36, 'Santiago',      -70.669, -33.449, 2),
        (37, 'Rio de Janeiro', -43.173, -22.907, 2), (38, 'Guadalajara',  -103.350,  20.659, 2),
        (39, 'Montevideo',     -56.165, -34.901, 2), (40, 'Quito',         -78.467,  -0.180, 2)
    ) AS c (city_no, city, lon, lat, n_stores),
    generate_series(1, c.n_stores) AS s(k)
    ORDER BY 1;
    -- --8<-- [end:stores]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'stores',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    -- --8<-- [start:events]
    -- events: an append-only log, two per order on average, at the same growing pace as
    -- the orders. Event k's time lies between the pace curve at k and at k + 1, so
    -- created_at never decreases with id: the physical order is the time order, which is
    -- what BRIN needs. Views and searches are often anonymous (user_id NULL); there is
    -- no foreign key, as is usual for a log.
    INSERT INTO events (id, user_id, event_type, payload, created_at) OVERRIDING SYSTEM VALUE
    SELECT k,
           CASE WHEN e.event_type IN ('page_view', 'product_view', 'search')
                     AND sample_hash(k, 39) % 10 < 3 THEN NULL
                ELSE 1 + sample_hash(k, 40) % greatest(1, e.t_s / user_step) END,
           e.event_type,
           CASE e.event_type
               WHEN 'page_view'    THEN jsonb_build_object('device', e.device, 'path',
                   (ARRAY['/', '/deals', '/cart', '/account', '/help', '/stores'])[1 + e.h % 6])
               WHEN 'product_view' THEN jsonb_build_object('device', e.device,
                                                           'product_id', e.product_id)
               WHEN 'search'       THEN jsonb_build_object('device', e.device, 'query',
                   (ARRAY['waterproof jacket', 'tent', 'usb-c charger', 'running shoes',
                          'noise cancelling headphones', 'desk lamp', 'database book',
                          'sleeping bag', 'coffee maker', 'bike helmet'])[1 + e.h % 10])
               WHEN 'add_to_cart'  THEN jsonb_build_object('device', e.device,
                                                           'product_id', e.product_id,
                                                           'quantity', 1 + e.h % 3)
               WHEN 'login'        THEN jsonb_build_object('device', e.device, 'method',
                   (ARRAY['password', 'password', 'google', 'passkey'])[1 + e.h % 4])
               ELSE                     jsonb_build_object('device', e.device,
                                                           'items', 1 + e.h % 5)
           END,
           t0 + e.t_ms * interval '1 millisecond'
    FROM generate_series(1, n_events) AS k,
         -- the pace curve at k and k + 1, in milliseconds after 2024-11-01
         LATERAL (SELECT floor((span_s - orders_from) * 1000.0::float8
                               * (sqrt(1 + 3 * (k - 1)::float8 / n_events) - 1))::bigint AS b0,
                         floor((span_s - orders_from) * 1000.0::float8
                               * (sqrt(1 + 3 * k::float8 / n_events) - 1))::bigint AS b1) AS b,
         LATERAL (SELECT orders_from * 1000 + b.b0
                         + sample_hash(k, 41) % greatest(1, b.b1 - b.b0) AS t_ms) AS tm,
         LATERAL (SELECT tm.t_ms,
                         tm.t_ms / 1000 AS t_s,
                         1 + sample_hash(k, 42) % greatest(1, tm.t_ms / 1000 / product_step)
                             AS product_id,
                         CASE WHEN roll < 45 THEN 'page_view'       -- 45 %
                              WHEN roll < 65 THEN 'product_view'    -- 20 %
                              WHEN roll < 75 THEN 'search'          -- 10 %
                              WHEN roll < 85 THEN 'add_to_cart'     -- 10 %
                              WHEN roll < 95 THEN 'login'           -- 10 %
                              ELSE 'checkout' END AS event_type,    --  5 %
                         CASE WHEN dev < 55 THEN 'mobile'
                              WHEN dev < 92 THEN 'desktop'
                              ELSE 'tablet' END AS device,
                         sample_hash(k, 43) AS h
                  FROM (SELECT sample_hash(k, 44) % 100 AS roll,
                               sample_hash(k, 45) % 100 AS dev) AS r) AS e
    ORDER BY k;
    -- --8<-- [end:events]
    IF progress THEN
        RAISE NOTICE 'loaded % in % s', 'events',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
        step_start := clock_timestamp();
    END IF;

    FOREACH ddl IN ARRAY coalesce(add_fks, '{}') LOOP
        EXECUTE ddl;
    END LOOP;
    IF progress THEN
        RAISE NOTICE 'checked the foreign keys in % s',
            round(extract(epoch FROM clock_timestamp() - step_start)::numeric, 1);
    END IF;

    -- Later INSERTs without an id must continue after the generated rows.
    FOREACH tbl IN ARRAY sample_tables LOOP
        CONTINUE WHEN tbl = 'order_items';  -- the only table without an id
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), '
                       'coalesce(max(id), 0) + 1, false) FROM %I', tbl, tbl);
    END LOOP;
END
$fn$;
