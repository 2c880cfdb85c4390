-- Generates the benchmark database: a small web shop whose data looks like production data to
-- pg_dump and to zstd. Run by bench/backup.sh in a fresh, empty database:
--
--   psql -v ON_ERROR_STOP=1 -v scale=1 -v seed=0.42 -v gen_version=shop-v1 -f generate.sql DB
--
-- Why not pgbench: pgbench_accounts is a blank-padded char(84) filler that compresses ~50x, so
-- any compressor looks free and the pipeline's real cost (zstd on text-like data, age on what
-- is left) never shows. Here text is built from a Zipf-skewed vocabulary of real and made-up
-- words, so it compresses roughly like English (zstd -3: about 3x), mixed with numerics,
-- timestamps, UUIDs, hex tokens and jsonb documents.
--
-- Everything is set-based (generate_series + joins), no PL/pgSQL loops, so scale 1 (~1.3 GB on
-- disk) generates in a few minutes on 2 cores. random() is seeded with setseed(), and no plan
-- here can go parallel (random() is parallel-restricted), so the same seed and scale give the
-- same data.
--
-- Row counts at scale 1 (multiplied by :scale):
--   customers 300k, products 20k, orders 1.3M, order_items ~3.9M, events 1.1M.

\set ON_ERROR_STOP on
SET synchronous_commit = off;          -- a throwaway database: no need to wait for WAL flushes
SET maintenance_work_mem = '256MB';    -- faster index builds
SET client_min_messages = warning;

SELECT setseed(:seed) \gset

-- Row counts. :scale may be fractional (0.01 for a quick syntax check of this file).
SELECT round(300000 * :scale)::bigint AS n_customers, round(20000 * :scale)::bigint AS n_products,
       round(1300000 * :scale)::bigint AS n_orders, round(1100000 * :scale)::bigint AS n_events \gset

-- ---------------------------------------------------------------------------------------------
-- Vocabulary: ~150 frequent English words first (they get most of the draws), then ~6000
-- pseudo-words made of 2-3 syllables. Drawing index 1 + floor(N * random()^4) gives a
-- Zipf-like skew: few words are very common, most are rare, as in real prose.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE vocab (id int PRIMARY KEY, w text NOT NULL);

INSERT INTO vocab
SELECT ord, w
FROM unnest(string_to_array(
  'the of and to a in is it you that he was for on are with as I his they be at one have this '
  'from or had by not word but what some we can out other were all there when up use your how '
  'said an each she which do their time if will way about many then them write would like so '
  'these her long make thing see him two has look more day could go come did number sound no '
  'most people my over know water than call first who may down side been now find any new work '
  'part take get place made live where after back little only round man year came show every '
  'good me give our under name very through just form sentence great think say help low line '
  'differ turn cause much mean before move right boy old too same tell does set three want air '
  'well also play small end put home read hand port large spell add even land here must big '
  'high such follow act why ask men change went light kind off need house picture try us again '
  'animal point mother world near build self earth father order delivery package quality price '
  'fast arrived broken perfect recommend size colour box would again customer service refund',
  ' ')) WITH ORDINALITY AS t(w, ord);

INSERT INTO vocab
SELECT 1000 + i,
       syl[1 + i % 48] || syl[1 + (i / 48) % 48]
       || CASE WHEN i % 3 = 0 THEN syl[1 + (i / 2304) % 48] ELSE '' END
FROM generate_series(0, 5999) i,
     (SELECT string_to_array('ka lo mi ne ru sa ti vo ber con dis en ex for gar hol in lan mor '
        'pre qua res sto tra un ver wis zen al ic ous ment tion able ing er ly ful ness ish ant '
        'ist ize ate ure ive ory ard ble', ' ') AS syl) s;

-- Renumber densely so a single random index can address the whole list (frequent words first).
CREATE TEMP TABLE word AS
SELECT row_number() OVER (ORDER BY id)::int AS id, w FROM vocab;
ALTER TABLE word ADD PRIMARY KEY (id);
SELECT count(*) AS n_words FROM word \gset

-- 200k sentences of 4-20 words. Row text is then assembled from whole sentences, which is
-- cheaper than drawing words per row and still gives zstd realistic repetition distances.
CREATE TEMP TABLE sentence (id int PRIMARY KEY, s text NOT NULL);
INSERT INTO sentence
SELECT sid,
       upper(left(string_agg(w.w, ' ' ORDER BY pos), 1))
       || substr(string_agg(w.w, ' ' ORDER BY pos), 2)
       || (ARRAY['.', '.', '.', '!', '?', '.'])[1 + sid % 6]
FROM (SELECT sid, pos, 1 + floor(:n_words * power(random(), 4))::int AS wid
      FROM generate_series(1, 200000) sid,
           LATERAL generate_series(1, 4 + (sid::bigint * 2654435761 % 17)::int) pos) x
JOIN word w ON w.id = x.wid
GROUP BY sid;
SELECT count(*) AS n_sentences FROM sentence \gset

-- Names and places: small lists, drawn with skew like real customer bases.
CREATE TEMP TABLE first_name AS
SELECT ord::int AS id, n FROM unnest(string_to_array(
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard '
  'Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty '
  'Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua '
  'Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald '
  'Stephanie Jason Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy '
  'Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott '
  'Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra '
  'Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler '
  'Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Zoe Mateo Aiko Lukas '
  'Sofia Amir Chen Priya Kwame Ingrid Olga Pierre Fatima Hiroshi Giulia Sven Ana',
  ' ')) WITH ORDINALITY AS t(n, ord);
CREATE TEMP TABLE last_name AS
SELECT ord::int AS id, n FROM unnest(string_to_array(
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez '
  'Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris '
  'Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill '
  'Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips '
  'Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers '
  'Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson '
  'Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo '
  'Sanders Patel Myers Long Ross Foster Jimenez Mueller Schmidt Schneider Fischer Weber Rossi '
  'Bianchi Dubois Laurent Tanaka Suzuki Sato Novak Kowalski Larsen Johansson Okafor Mensah '
  'Oliveira Santos Silva Costa Haddad Cohen Singh Kumar Wang Zhang Liu Ivanova Petrov',
  ' ')) WITH ORDINALITY AS t(n, ord);
CREATE TEMP TABLE place AS
SELECT ord::int AS id, split_part(p, ':', 1) AS city, split_part(p, ':', 2) AS country
FROM unnest(string_to_array(
  'Springfield:US Portland:US Austin:US Denver:US Chicago:US Boston:US Seattle:US Atlanta:US '
  'Phoenix:US Columbus:US Madison:US Raleigh:US Toronto:CA Montreal:CA Vancouver:CA Calgary:CA '
  'London:GB Manchester:GB Leeds:GB Glasgow:GB Bristol:GB Dublin:IE Cork:IE Paris:FR Lyon:FR '
  'Marseille:FR Lille:FR Berlin:DE Hamburg:DE Munich:DE Cologne:DE Leipzig:DE Vienna:AT Graz:AT '
  'Zurich:CH Geneva:CH Milan:IT Rome:IT Turin:IT Madrid:ES Barcelona:ES Valencia:ES Lisbon:PT '
  'Porto:PT Amsterdam:NL Utrecht:NL Brussels:BE Antwerp:BE Copenhagen:DK Stockholm:SE Oslo:NO '
  'Helsinki:FI Warsaw:PL Krakow:PL Prague:CZ Tokyo:JP Osaka:JP Sydney:AU Melbourne:AU Auckland:NZ',
  ' ')) WITH ORDINALITY AS t(p, ord);
CREATE TEMP TABLE street AS
SELECT ord::int AS id, s FROM unnest(string_to_array(
  'Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Church High Station Mill Bridge '
  'Victoria Queen King Market School Garden River Forest Meadow Sunset Highland Spring Willow '
  'Cherry Walnut Chestnut Birch Harbor Valley Ridge Lincoln Jefferson Franklin Madison Jackson',
  ' ')) WITH ORDINALITY AS t(s, ord);
CREATE TEMP TABLE user_agent AS
SELECT ord::int AS id, ua FROM unnest(ARRAY[
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36',
  'ShopApp/4.12.1 (iOS 17.4; iPhone15,2)',
  'ShopApp/4.11.0 (Android 14; Pixel 7)',
  'curl/7.88.1'
]) WITH ORDINALITY AS t(ua, ord);

SELECT (SELECT count(*) FROM first_name) AS n_first, (SELECT count(*) FROM last_name) AS n_last,
       (SELECT count(*) FROM place) AS n_place, (SELECT count(*) FROM street) AS n_street,
       (SELECT count(*) FROM user_agent) AS n_ua \gset

-- ---------------------------------------------------------------------------------------------
-- Schema
-- ---------------------------------------------------------------------------------------------
CREATE TABLE customers (
    id              bigint PRIMARY KEY,
    first_name      text NOT NULL,
    last_name       text NOT NULL,
    email           text NOT NULL,
    phone           text,
    street_address  text NOT NULL,
    city            text NOT NULL,
    postcode        text NOT NULL,
    country         char(2) NOT NULL,
    created_at      timestamptz NOT NULL,
    last_login_at   timestamptz,
    loyalty_points  integer NOT NULL,
    credit_limit    numeric(10,2) NOT NULL,
    bio             text,
    preferences     jsonb NOT NULL
);

CREATE TABLE products (
    id           integer PRIMARY KEY,
    sku          text NOT NULL UNIQUE,
    name         text NOT NULL,
    category     text NOT NULL,
    price        numeric(10,2) NOT NULL,
    stock        integer NOT NULL,
    description  text NOT NULL,
    attributes   jsonb NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE TABLE orders (
    id               bigint PRIMARY KEY,
    customer_id      bigint NOT NULL,
    status           text NOT NULL,
    placed_at        timestamptz NOT NULL,
    shipped_at       timestamptz,
    delivered_at     timestamptz,
    currency         char(3) NOT NULL,
    subtotal         numeric(12,2) NOT NULL,
    tax              numeric(12,2) NOT NULL,
    shipping_cost    numeric(8,2) NOT NULL,
    total            numeric(12,2) NOT NULL,
    payment_method   text NOT NULL,
    shipping_address text NOT NULL,
    coupon_code      text,
    notes            text
);

CREATE TABLE order_items (
    order_id      bigint NOT NULL,
    line_no       smallint NOT NULL,
    product_id    integer NOT NULL,
    quantity      integer NOT NULL,
    unit_price    numeric(10,2) NOT NULL,
    discount_pct  numeric(5,2) NOT NULL,
    gift_message  text,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE events (
    id           bigint PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    customer_id  bigint,
    session_id   uuid NOT NULL,
    kind         text NOT NULL,
    url          text NOT NULL,
    user_agent   text NOT NULL,
    ip           inet NOT NULL,
    payload      jsonb NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Data. Each INSERT draws its random numbers in a sub-select, then joins the lookup tables on
-- them (hash joins: fast), instead of a correlated sub-query per row.
-- ---------------------------------------------------------------------------------------------
\echo customers
INSERT INTO customers
SELECT r.g,
       f.n, l.n,
       lower(f.n) || CASE WHEN r.g % 3 = 0 THEN '.' ELSE '' END || lower(l.n) || (r.g % 1000)
         || (ARRAY['@example.com', '@mail.example.org', '@inbox.example.net', '@corp.example.com'])[1 + r.g % 4],
       CASE WHEN r.r1 < 0.85 THEN '+1-555-' || lpad((r.g * 7919 % 10000000)::text, 7, '0') END,
       (1 + floor(r.r2 * 980))::int || ' ' || st.s
         || (ARRAY[' Street', ' Avenue', ' Road', ' Lane', ' Drive', ' Way', ' Court'])[1 + r.g % 7]
         || CASE WHEN r.r1 < 0.2 THEN ', Apt ' || (1 + r.g % 40) ELSE '' END,
       p.city,
       lpad((r.g * 104729 % 99999)::text, 5, '0'),
       p.country,
       timestamptz '2016-01-01 00:00:00+00' + r.r3 * interval '8 years',
       CASE WHEN r.r1 < 0.9 THEN timestamptz '2024-01-01 00:00:00+00' + r.r2 * interval '1 year' END,
       floor(power(r.r2, 3) * 20000)::int,
       round((500 + r.r3 * 9500)::numeric, -2),
       CASE WHEN r.r1 < 0.6 THEN s1.s || CASE WHEN r.r2 < 0.5 THEN ' ' || s2.s ELSE '' END END,
       jsonb_build_object(
         'newsletter', r.r1 < 0.4,
         'language', (ARRAY['en', 'en', 'en', 'de', 'fr', 'es', 'it', 'ja'])[1 + r.g % 8],
         'theme', CASE WHEN r.r2 < 0.3 THEN 'dark' ELSE 'light' END,
         'marketing', jsonb_build_object('sms', r.r3 < 0.1, 'email', r.r3 < 0.5),
         'favourite_categories', to_jsonb(string_to_array((ARRAY['books,garden', 'kitchen,toys', 'outdoor,sports',
                                'electronics', 'clothing,outdoor,books'])[1 + r.g % 5], ',')))
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3,
             1 + floor(:n_first * power(random(), 1.5))::int AS fi,
             1 + floor(:n_last * power(random(), 1.5))::int AS li,
             1 + floor(:n_place * power(random(), 1.3))::int AS pi,
             1 + floor(:n_street * random())::int AS si,
             1 + floor(:n_sentences * random())::int AS s1i,
             1 + floor(:n_sentences * random())::int AS s2i
      FROM generate_series(1::bigint, :n_customers) g) r
JOIN first_name f ON f.id = r.fi
JOIN last_name l ON l.id = r.li
JOIN place p ON p.id = r.pi
JOIN street st ON st.id = r.si
JOIN sentence s1 ON s1.id = r.s1i
JOIN sentence s2 ON s2.id = r.s2i;

\echo products
INSERT INTO products
SELECT r.g,
       upper(substr(md5('sku' || r.g), 1, 4)) || '-' || lpad(r.g::text, 6, '0'),
       initcap(w1.w || ' ' || w2.w) || ' ' || (ARRAY['Mug', 'Lamp', 'Chair', 'Jacket', 'Kettle',
         'Backpack', 'Novel', 'Headphones', 'Planter', 'Blender', 'Tent', 'Puzzle'])[1 + r.g % 12],
       (ARRAY['kitchen', 'home', 'furniture', 'clothing', 'kitchen', 'outdoor', 'books',
         'electronics', 'garden', 'kitchen', 'outdoor', 'toys'])[1 + r.g % 12],
       round((2 + power(r.r1, 2) * 600)::numeric, 2),
       floor(r.r2 * 500)::int,
       s1.s || ' ' || s2.s || ' ' || s3.s || CASE WHEN r.r3 < 0.5 THEN ' ' || s4.s ELSE '' END,
       jsonb_build_object(
         'colour', (ARRAY['black', 'white', 'red', 'navy', 'olive', 'grey', 'sand'])[1 + r.g % 7],
         'weight_g', 50 + floor(r.r2 * 5000)::int,
         'dimensions_cm', jsonb_build_object('w', round((5 + r.r1 * 80)::numeric, 1),
                                             'h', round((5 + r.r2 * 80)::numeric, 1),
                                             'd', round((1 + r.r3 * 40)::numeric, 1)),
         'materials', to_jsonb(string_to_array((ARRAY['cotton', 'steel,wood', 'plastic', 'ceramic',
                                      'polyester,nylon'])[1 + r.g % 5], ',')),
         'ratings', jsonb_build_object('avg', round((1 + r.r3 * 4)::numeric, 1), 'count', floor(r.r1 * 2000)::int)),
       timestamptz '2015-06-01 00:00:00+00' + r.r3 * interval '9 years'
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3,
             1 + floor(:n_words * power(random(), 2))::int AS w1i,
             1 + floor(:n_words * power(random(), 2))::int AS w2i,
             1 + floor(:n_sentences * random())::int AS s1i,
             1 + floor(:n_sentences * random())::int AS s2i,
             1 + floor(:n_sentences * random())::int AS s3i,
             1 + floor(:n_sentences * random())::int AS s4i
      FROM generate_series(1::bigint, :n_products) g) r
JOIN word w1 ON w1.id = r.w1i
JOIN word w2 ON w2.id = r.w2i
JOIN sentence s1 ON s1.id = r.s1i
JOIN sentence s2 ON s2.id = r.s2i
JOIN sentence s3 ON s3.id = r.s3i
JOIN sentence s4 ON s4.id = r.s4i;

\echo orders
-- placed_at grows with the id (orders arrive over time), plus jitter; later timestamps follow.
INSERT INTO orders
SELECT r.g,
       1 + floor(:n_customers * power(r.r1, 1.4))::bigint,
       r.status,
       r.placed,
       CASE WHEN r.status IN ('shipped', 'delivered', 'returned') THEN r.placed + r.r2 * interval '3 days' END,
       CASE WHEN r.status IN ('delivered', 'returned') THEN r.placed + interval '2 days' + r.r3 * interval '6 days' END,
       (ARRAY['USD', 'USD', 'EUR', 'GBP', 'EUR', 'CAD', 'JPY'])[1 + r.g % 7],
       r.sub,
       round(r.sub * 0.19, 2),
       (ARRAY[0, 4.99, 4.99, 9.99, 0, 14.5])[1 + r.g % 6]::numeric(8,2),
       round(r.sub * 1.19, 2) + (ARRAY[0, 4.99, 4.99, 9.99, 0, 14.5])[1 + r.g % 6],
       (ARRAY['card', 'card', 'card', 'paypal', 'invoice', 'gift_card', 'apple_pay'])[1 + (r.g * 31) % 7],
       (1 + floor(r.r2 * 980))::int || ' ' || st.s || ' Street, ' || lpad((r.g * 104729 % 99999)::text, 5, '0')
         || ' ' || p.city || ', ' || p.country,
       CASE WHEN r.r3 < 0.1 THEN upper(substr(md5(r.g::text), 1, 8)) END,
       CASE WHEN r.r4 < 0.25 THEN s1.s END
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
             timestamptz '2019-01-01 00:00:00+00'
               + (g::float8 / :n_orders) * interval '6 years' + random() * interval '6 hours' AS placed,
             (ARRAY['delivered', 'delivered', 'delivered', 'delivered', 'shipped', 'paid', 'pending',
                    'cancelled', 'returned', 'delivered'])[1 + floor(random() * 10)::int] AS status,
             round((5 + power(random(), 2) * 900)::numeric, 2) AS sub,
             1 + floor(:n_place * power(random(), 1.3))::int AS pi,
             1 + floor(:n_street * random())::int AS si,
             1 + floor(:n_sentences * random())::int AS s1i
      FROM generate_series(1::bigint, :n_orders) g) r
JOIN place p ON p.id = r.pi
JOIN street st ON st.id = r.si
JOIN sentence s1 ON s1.id = r.s1i;

\echo order_items
-- 1-5 lines per order (3 on average), chosen from the order id so the LATERAL re-runs per order.
INSERT INTO order_items
SELECT r.o, r.ln, r.pid, r.qty,
       round((2 + power(r.r1, 2) * 600)::numeric, 2),
       (ARRAY[0, 0, 0, 0, 5, 10, 15, 25])[1 + floor(r.r2 * 8)::int]::numeric(5,2),
       CASE WHEN r.r3 < 0.03 THEN s1.s END
FROM (SELECT o, ln, random() AS r1, random() AS r2, random() AS r3,
             1 + floor(:n_products * power(random(), 2))::int AS pid,
             1 + floor(power(random(), 3) * 6)::int AS qty,
             1 + floor(:n_sentences * random())::int AS s1i
      FROM generate_series(1::bigint, :n_orders) o,
           LATERAL generate_series(1, 1 + (o::bigint * 2654435761 % 5)::int) ln) r
JOIN sentence s1 ON s1.id = r.s1i;

\echo events
-- Click-stream: the jsonb payload's shape depends on the kind, as it would in an event log.
INSERT INTO events
SELECT r.g,
       timestamptz '2023-01-01 00:00:00+00' + (r.g::float8 / :n_events) * interval '2 years'
         + r.r1 * interval '1 hour',
       CASE WHEN r.r2 < 0.7 THEN 1 + floor(:n_customers * power(r.r3, 1.4))::bigint END,
       md5('session' || (r.g / 7))::uuid,
       r.kind,
       CASE r.kind
         WHEN 'page_view'   THEN '/products/' || r.pid || '?ref=' || (ARRAY['home', 'search', 'email', 'ad', 'related'])[1 + r.g % 5]
         WHEN 'search'      THEN '/search?q=' || replace(w1.w || ' ' || w2.w, ' ', '+')
         WHEN 'add_to_cart' THEN '/cart/add/' || r.pid
         WHEN 'checkout'    THEN '/checkout/' || substr(md5(r.g::text), 1, 12)
         ELSE '/products/' || r.pid || '/reviews'
       END,
       ua.ua,
       ('10.' || (r.g % 256) || '.' || ((r.g / 256) % 256) || '.' || (1 + (r.g * 7) % 254))::inet,
       CASE r.kind
         WHEN 'page_view' THEN jsonb_build_object('product_id', r.pid, 'duration_ms', floor(r.r1 * 60000)::int,
                                'scroll_depth', round(r.r2::numeric, 2), 'referrer', 'https://www.example.com/' || w1.w)
         WHEN 'search' THEN jsonb_build_object('query', w1.w || ' ' || w2.w, 'results', floor(r.r1 * 300)::int,
                                'filters', jsonb_build_object('category', (ARRAY['kitchen', 'books', 'outdoor', 'toys'])[1 + r.g % 4],
                                                              'max_price', 10 * (1 + r.g % 50)))
         WHEN 'add_to_cart' THEN jsonb_build_object('product_id', r.pid, 'quantity', 1 + r.g % 3,
                                'price', round((2 + r.r1 * 600)::numeric, 2), 'cart_size', 1 + r.g % 9)
         WHEN 'checkout' THEN jsonb_build_object('order_ref', substr(md5(r.g::text), 1, 12),
                                'amount', round((5 + r.r1 * 900)::numeric, 2), 'items', 1 + r.g % 5,
                                'payment', jsonb_build_object('method', 'card', 'three_ds', r.r2 < 0.8,
                                                              'last4', lpad((r.g % 10000)::text, 4, '0')))
         ELSE jsonb_build_object('product_id', r.pid, 'rating', 1 + floor(power(r.r1, 0.5) * 5)::int,
                                'title', initcap(w1.w || ' ' || w2.w),
                                'body', s1.s || ' ' || s2.s || ' ' || s3.s, 'verified_purchase', r.r2 < 0.7)
       END
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3,
             (ARRAY['page_view', 'page_view', 'page_view', 'page_view', 'search', 'search',
                    'add_to_cart', 'checkout', 'review', 'review'])[1 + floor(random() * 10)::int] AS kind,
             1 + floor(:n_products * power(random(), 2))::int AS pid,
             1 + floor(:n_words * power(random(), 2))::int AS w1i,
             1 + floor(:n_words * power(random(), 2))::int AS w2i,
             1 + floor(:n_ua * power(random(), 1.5))::int AS uai,
             1 + floor(:n_sentences * random())::int AS s1i,
             1 + floor(:n_sentences * random())::int AS s2i,
             1 + floor(:n_sentences * random())::int AS s3i
      FROM generate_series(1::bigint, :n_events) g) r
JOIN word w1 ON w1.id = r.w1i
JOIN word w2 ON w2.id = r.w2i
JOIN user_agent ua ON ua.id = r.uai
JOIN sentence s1 ON s1.id = r.s1i
JOIN sentence s2 ON s2.id = r.s2i
JOIN sentence s3 ON s3.id = r.s3i;

-- ---------------------------------------------------------------------------------------------
-- Secondary indexes and foreign keys, as a real shop would have (not dumped as data, but they
-- count in the database size and pg_dump must emit and order them).
-- ---------------------------------------------------------------------------------------------
\echo indexes
CREATE INDEX customers_email_idx ON customers (lower(email));
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);
CREATE INDEX events_payload_gin ON events USING gin (payload jsonb_path_ops) WHERE kind = 'review';
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE order_items ADD CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id);
CREATE VIEW daily_revenue AS
    SELECT date_trunc('day', placed_at) AS day, currency, sum(total) AS revenue, count(*) AS orders
    FROM orders WHERE status <> 'cancelled' GROUP BY 1, 2;

-- Freeze and analyze now: otherwise the first pg_dump after generation pays for setting hint
-- bits (and dirties every page), which would penalise whichever contender happens to run first.
\echo vacuum
VACUUM (FREEZE, ANALYZE);

-- The marker goes in last: a database without it is an interrupted generation, and
-- bench/backup.sh regenerates instead of measuring a partial data set.
CREATE TABLE bench_meta (
    generator_version text NOT NULL,
    scale             numeric NOT NULL,
    seed              double precision NOT NULL,
    generated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO bench_meta (generator_version, scale, seed) VALUES (:'gen_version', :scale, :seed);
