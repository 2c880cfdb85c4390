-- Generates the MariaDB benchmark database: the web shop of generate.sql (PostgreSQL), in
-- MariaDB's types, so that `bench/backup.sh --engine mariadb` and `bench/drill.sh --engine
-- mariadb` measure a dump that looks like production data to mariadb-dump and to zstd. Run by
-- bench/lib/common.sh in a fresh, empty database, after a header that sets the parameters:
--
--   SET @scale = 1, @seed = '0.42', @gen_version = 'shop-my-v1';
--
-- Text comes from the same kind of Zipf-skewed vocabulary as generate.sql (so zstd -3 sees
-- English-like text), mixed with decimals, datetimes, JSON documents and binary columns
-- (BINARY(16) session ids, VARBINARY(16) addresses, a BLOB thumbnail per product: dumped as hex
-- with --hex-blob). The schema has indexes, foreign keys, a view, two triggers and a stored
-- function, so that mariadb-dump --routines --triggers has them to write and a restore must
-- replay them.
--
-- Everything is set-based (the SEQUENCE engine's seq_1_to_N tables and joins, no loops). The
-- "random" numbers are CRC32 of the row number, a per-use tag and the seed: deterministic, so the
-- same seed and scale give the same data, and unlike RAND() they let the optimizer look the
-- vocabulary up by primary key.
--
-- Row counts at scale 1 (multiplied by @scale, which may be fractional), as in generate.sql:
--   customers 300k, products 20k, orders 1.3M, order_items ~3.9M, events 1.1M.

SET SESSION unique_checks = 0;
SET SESSION foreign_key_checks = 0;
SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';
SET SESSION group_concat_max_len = 65536;

SET @n_customers = ROUND(300000 * @scale), @n_products = ROUND(20000 * @scale),
    @n_orders = ROUND(1300000 * @scale), @n_events = ROUND(1100000 * @scale);
SET @two32 = 4294967296;

-- ---------------------------------------------------------------------------------------------
-- Vocabulary (dropped at the end): frequent English words first, then pseudo-words of 2-3
-- syllables; index 1 + floor(N * u^4) gives the Zipf-like skew of generate.sql.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE gen_vocab (id int PRIMARY KEY, w varchar(40) NOT NULL) ENGINE = InnoDB;
SET @common = 'the of and to a in is it you that he was for on are with as I his they be at one have this from or had by not word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father order delivery package quality price fast arrived broken perfect recommend size colour box would again customer service refund';
INSERT INTO gen_vocab
SELECT seq, SUBSTRING_INDEX(SUBSTRING_INDEX(@common, ' ', seq), ' ', -1)
FROM seq_1_to_1000
WHERE seq <= 1 + LENGTH(@common) - LENGTH(REPLACE(@common, ' ', ''));

SET @syl = 'ka lo mi ne ru sa ti vo ber con dis en ex for gar hol in lan mor pre qua res sto tra un ver wis zen al ic ous ment tion able ing er ly ful ness ish ant ist ize ate ure ive ory ard ble';
INSERT INTO gen_vocab
SELECT 1000 + seq,
       CONCAT(SUBSTRING_INDEX(SUBSTRING_INDEX(@syl, ' ', 1 + seq % 48), ' ', -1),
              SUBSTRING_INDEX(SUBSTRING_INDEX(@syl, ' ', 1 + (seq DIV 48) % 48), ' ', -1),
              IF(seq % 3 = 0, SUBSTRING_INDEX(SUBSTRING_INDEX(@syl, ' ', 1 + (seq DIV 2304) % 48), ' ', -1), ''))
FROM seq_0_to_5999;

-- Dense ids, frequent words first, so one index addresses the whole list.
CREATE TABLE gen_word (id int PRIMARY KEY, w varchar(40) NOT NULL) ENGINE = InnoDB;
INSERT INTO gen_word SELECT ROW_NUMBER() OVER (ORDER BY id), w FROM gen_vocab;
SELECT COUNT(*) INTO @n_words FROM gen_word;

-- 60k sentences of 4-20 words; row text is assembled from whole sentences.
CREATE TABLE gen_sentence (id int PRIMARY KEY, s text NOT NULL) ENGINE = InnoDB;
INSERT INTO gen_sentence
SELECT x.sid,
       CONCAT(UPPER(LEFT(GROUP_CONCAT(w.w ORDER BY x.pos SEPARATOR ' '), 1)),
              SUBSTRING(GROUP_CONCAT(w.w ORDER BY x.pos SEPARATOR ' '), 2),
              ELT(1 + x.sid % 6, '.', '.', '.', '!', '?', '.'))
FROM (SELECT s.seq AS sid, p.seq AS pos,
             1 + FLOOR(@n_words * POW(CRC32(CONCAT(@seed, ':w:', s.seq, ':', p.seq)) / @two32, 4)) AS wid
      FROM seq_1_to_60000 s JOIN seq_1_to_20 p ON p.seq <= 4 + (s.seq * 2654435761) % 17) x
JOIN gen_word w ON w.id = x.wid
GROUP BY x.sid;
SET @n_sent = 60000;

CREATE TABLE gen_place (id int PRIMARY KEY, city varchar(40) NOT NULL, country char(2) NOT NULL) ENGINE = InnoDB;
INSERT INTO gen_place
SELECT seq, CONCAT(UPPER(LEFT(w.w, 1)), SUBSTRING(w.w, 2), ELT(1 + seq % 5, 'ton', 'burg', 'ville', ' City', 'field')),
       ELT(1 + (seq * 7) % 9, 'US', 'US', 'US', 'DE', 'GB', 'FR', 'CA', 'ES', 'JP')
FROM seq_1_to_2000 JOIN gen_word w ON w.id = 1 + (seq * 37) % @n_words;

CREATE TABLE gen_first (id int PRIMARY KEY, n varchar(20) NOT NULL) ENGINE = InnoDB;
SET @first = 'James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Paul Sandra Steven Ashley Andrew Kimberly Joshua Emily Kenneth Donna Kevin Michelle Brian Carol George Amanda Timothy Melissa Ronald Deborah Jason Stephanie Edward Rebecca Jeffrey Sharon Ryan Laura Jacob Cynthia Gary Kathleen Nicholas Amy Eric Angela Jonathan Shirley Stephen Anna Larry Brenda Justin Pamela Scott Emma Brandon Nicole Benjamin Helen Samuel Samantha Gregory Katherine Alexander Christine Frank Debra Patrick Rachel Raymond Carolyn Jack Janet Dennis Catherine Jerry Maria Tyler Heather Aaron Diane';
INSERT INTO gen_first
SELECT seq, SUBSTRING_INDEX(SUBSTRING_INDEX(@first, ' ', seq), ' ', -1) FROM seq_1_to_100;
CREATE TABLE gen_last (id int PRIMARY KEY, n varchar(40) NOT NULL) ENGINE = InnoDB;
INSERT INTO gen_last
SELECT seq, CONCAT(UPPER(LEFT(w.w, 1)), SUBSTRING(w.w, 2), ELT(1 + seq % 6, 'son', 'er', 'man', 's', 'ley', ''))
FROM seq_1_to_3000 JOIN gen_word w ON w.id = 150 + seq;

CREATE TABLE gen_ua (id int PRIMARY KEY, ua varchar(200) NOT NULL) ENGINE = InnoDB;
INSERT INTO gen_ua
SELECT seq, CONCAT('Mozilla/5.0 (', ELT(1 + seq % 5, 'Windows NT 10.0; Win64; x64', 'Macintosh; Intel Mac OS X 10_15_7',
                   'X11; Linux x86_64', 'iPhone; CPU iPhone OS 17_1 like Mac OS X', 'Linux; Android 14; Pixel 8'),
                   ') AppleWebKit/537.36 (KHTML, like Gecko) ', ELT(1 + (seq DIV 5) % 3, 'Chrome/', 'Version/', 'Firefox/'),
                   100 + seq % 30, '.0.', seq * 17 % 6000, '.', seq % 200, ' Safari/537.36')
FROM seq_1_to_400;

-- ---------------------------------------------------------------------------------------------
-- The shop.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE customers (
    id              bigint PRIMARY KEY,
    first_name      varchar(40) NOT NULL,
    last_name       varchar(60) NOT NULL,
    email           varchar(120) NOT NULL,
    phone           varchar(20),
    street_address  varchar(200) NOT NULL,
    city            varchar(60) NOT NULL,
    postcode        varchar(10) NOT NULL,
    country         char(2) NOT NULL,
    created_at      datetime NOT NULL,
    last_login_at   datetime,
    loyalty_points  int NOT NULL,
    credit_limit    decimal(10,2) NOT NULL,
    password_hash   binary(32) NOT NULL,
    bio             text,
    preferences     json NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE products (
    id           int PRIMARY KEY,
    sku          varchar(20) NOT NULL UNIQUE,
    name         varchar(120) NOT NULL,
    category     varchar(20) NOT NULL,
    price        decimal(10,2) NOT NULL,
    stock        int NOT NULL,
    description  text NOT NULL,
    attributes   json NOT NULL,
    thumbnail    blob NOT NULL,
    created_at   datetime NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE orders (
    id               bigint PRIMARY KEY,
    customer_id      bigint NOT NULL,
    status           varchar(12) NOT NULL,
    placed_at        datetime NOT NULL,
    shipped_at       datetime,
    delivered_at     datetime,
    currency         char(3) NOT NULL,
    subtotal         decimal(12,2) NOT NULL,
    tax              decimal(12,2) NOT NULL,
    shipping_cost    decimal(8,2) NOT NULL,
    total            decimal(12,2) NOT NULL,
    payment_method   varchar(12) NOT NULL,
    shipping_address varchar(250) NOT NULL,
    coupon_code      varchar(8),
    notes            text
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE order_items (
    order_id      bigint NOT NULL,
    line_no       smallint NOT NULL,
    product_id    int NOT NULL,
    quantity      int NOT NULL,
    unit_price    decimal(10,2) NOT NULL,
    discount_pct  decimal(5,2) NOT NULL,
    gift_message  text,
    PRIMARY KEY (order_id, line_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE events (
    id           bigint PRIMARY KEY,
    occurred_at  datetime(6) NOT NULL,
    customer_id  bigint,
    session_id   binary(16) NOT NULL,
    kind         varchar(12) NOT NULL,
    url          varchar(250) NOT NULL,
    user_agent   varchar(200) NOT NULL,
    ip           varbinary(16) NOT NULL,
    payload      json NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- ---------------------------------------------------------------------------------------------
-- Data. u(tag) = CRC32(seed:tag:row) / 2^32 is this file's uniform [0, 1) number.
-- ---------------------------------------------------------------------------------------------
INSERT INTO customers
SELECT r.g, f.n, l.n,
       CONCAT(LOWER(f.n), IF(r.g % 3 = 0, '.', ''), LOWER(l.n), r.g % 1000,
              ELT(1 + r.g % 4, '@example.com', '@mail.example.org', '@inbox.example.net', '@corp.example.com')),
       IF(r.r1 < 0.85, CONCAT('+1-555-', LPAD(r.g * 7919 % 10000000, 7, '0')), NULL),
       CONCAT(1 + FLOOR(r.r2 * 980), ' ', s1.w,
              ELT(1 + r.g % 7, ' Street', ' Avenue', ' Road', ' Lane', ' Drive', ' Way', ' Court'),
              IF(r.r1 < 0.2, CONCAT(', Apt ', 1 + r.g % 40), '')),
       p.city, LPAD(r.g * 104729 % 99999, 5, '0'), p.country,
       TIMESTAMP '2016-01-01 00:00:00' + INTERVAL FLOOR(r.r3 * 252288000) SECOND,
       IF(r.r1 < 0.9, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL FLOOR(r.r2 * 31536000) SECOND, NULL),
       FLOOR(POW(r.r2, 3) * 20000),
       ROUND(500 + r.r3 * 9500, -2),
       UNHEX(SHA2(CONCAT(@seed, ':pw:', r.g), 256)),
       IF(r.r1 < 0.6, CONCAT(t1.s, IF(r.r2 < 0.5, CONCAT(' ', t2.s), '')), NULL),
       JSON_OBJECT('newsletter', r.r1 < 0.4,
                   'language', ELT(1 + r.g % 8, 'en', 'en', 'en', 'de', 'fr', 'es', 'it', 'ja'),
                   'theme', IF(r.r2 < 0.3, 'dark', 'light'),
                   'marketing', JSON_OBJECT('sms', r.r3 < 0.1, 'email', r.r3 < 0.5),
                   'favourite_categories', JSON_ARRAY(ELT(1 + r.g % 5, 'books', 'kitchen', 'outdoor', 'electronics', 'clothing'),
                                                      ELT(1 + r.g % 3, 'garden', 'toys', 'sports')))
FROM (SELECT seq AS g,
             CRC32(CONCAT(@seed, ':c1:', seq)) / @two32 AS r1,
             CRC32(CONCAT(@seed, ':c2:', seq)) / @two32 AS r2,
             CRC32(CONCAT(@seed, ':c3:', seq)) / @two32 AS r3
      FROM seq_1_to_100000000 WHERE seq <= @n_customers) r
JOIN gen_first f ON f.id = 1 + FLOOR(100 * POW(CRC32(CONCAT(@seed, ':cf:', r.g)) / @two32, 1.5))
JOIN gen_last l ON l.id = 1 + FLOOR(3000 * POW(CRC32(CONCAT(@seed, ':cl:', r.g)) / @two32, 1.5))
JOIN gen_place p ON p.id = 1 + FLOOR(2000 * POW(CRC32(CONCAT(@seed, ':cp:', r.g)) / @two32, 1.3))
JOIN gen_word s1 ON s1.id = 1 + FLOOR(@n_words * CRC32(CONCAT(@seed, ':cs:', r.g)) / @two32)
JOIN gen_sentence t1 ON t1.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':ct1:', r.g)) / @two32)
JOIN gen_sentence t2 ON t2.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':ct2:', r.g)) / @two32);

INSERT INTO products
SELECT r.g,
       CONCAT(UPPER(LEFT(MD5(CONCAT('sku', r.g)), 4)), '-', LPAD(r.g, 6, '0')),
       CONCAT(UPPER(LEFT(w1.w, 1)), SUBSTRING(w1.w, 2), ' ', w2.w, ' ',
              ELT(1 + r.g % 12, 'Mug', 'Lamp', 'Chair', 'Jacket', 'Kettle', 'Backpack', 'Novel', 'Headphones',
                  'Planter', 'Blender', 'Tent', 'Puzzle')),
       ELT(1 + r.g % 12, 'kitchen', 'home', 'furniture', 'clothing', 'kitchen', 'outdoor', 'books', 'electronics',
           'garden', 'kitchen', 'outdoor', 'toys'),
       ROUND(2 + POW(r.r1, 2) * 600, 2),
       FLOOR(r.r2 * 500),
       CONCAT(t1.s, ' ', t2.s, ' ', t3.s),
       JSON_OBJECT('colour', ELT(1 + r.g % 7, 'black', 'white', 'red', 'navy', 'olive', 'grey', 'sand'),
                   'weight_g', 50 + FLOOR(r.r2 * 5000),
                   'dimensions_cm', JSON_OBJECT('w', ROUND(5 + r.r1 * 80, 1), 'h', ROUND(5 + r.r2 * 80, 1),
                                                'd', ROUND(1 + r.r3 * 40, 1)),
                   'ratings', JSON_OBJECT('avg', ROUND(1 + r.r3 * 4, 1), 'count', FLOOR(r.r1 * 2000))),
       -- a small "image": a few hashes, partly repeated (like a palette-compressed thumbnail)
       CONCAT(UNHEX('89504E470D0A1A0A'), UNHEX(SHA2(CONCAT(@seed, ':t1:', r.g), 512)),
              REPEAT(UNHEX(SHA2(CONCAT(@seed, ':t2:', r.g % 97), 256)), 1 + r.g % 6),
              UNHEX(SHA2(CONCAT(@seed, ':t3:', r.g), 512))),
       TIMESTAMP '2015-06-01 00:00:00' + INTERVAL FLOOR(r.r3 * 283824000) SECOND
FROM (SELECT seq AS g,
             CRC32(CONCAT(@seed, ':p1:', seq)) / @two32 AS r1,
             CRC32(CONCAT(@seed, ':p2:', seq)) / @two32 AS r2,
             CRC32(CONCAT(@seed, ':p3:', seq)) / @two32 AS r3
      FROM seq_1_to_100000000 WHERE seq <= @n_products) r
JOIN gen_word w1 ON w1.id = 1 + FLOOR(@n_words * POW(CRC32(CONCAT(@seed, ':pw1:', r.g)) / @two32, 2))
JOIN gen_word w2 ON w2.id = 1 + FLOOR(@n_words * POW(CRC32(CONCAT(@seed, ':pw2:', r.g)) / @two32, 2))
JOIN gen_sentence t1 ON t1.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':pt1:', r.g)) / @two32)
JOIN gen_sentence t2 ON t2.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':pt2:', r.g)) / @two32)
JOIN gen_sentence t3 ON t3.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':pt3:', r.g)) / @two32);

-- placed_at grows with the id (orders arrive over time), plus jitter; later timestamps follow.
INSERT INTO orders
SELECT r.g,
       1 + FLOOR(@n_customers * POW(r.r1, 1.4)),
       r.status, r.placed,
       IF(r.status IN ('shipped', 'delivered', 'returned'), r.placed + INTERVAL FLOOR(r.r2 * 259200) SECOND, NULL),
       IF(r.status IN ('delivered', 'returned'), r.placed + INTERVAL 2 DAY + INTERVAL FLOOR(r.r3 * 518400) SECOND, NULL),
       ELT(1 + r.g % 7, 'USD', 'USD', 'EUR', 'GBP', 'EUR', 'CAD', 'JPY'),
       r.sub, ROUND(r.sub * 0.19, 2), r.ship, r.sub + ROUND(r.sub * 0.19, 2) + r.ship,
       ELT(1 + (r.g * 31) % 7, 'card', 'card', 'card', 'paypal', 'invoice', 'gift_card', 'apple_pay'),
       CONCAT(1 + FLOOR(r.r2 * 980), ' ', st.w, ' Street, ', LPAD(r.g * 104729 % 99999, 5, '0'), ' ', p.city, ', ', p.country),
       IF(r.r3 < 0.1, UPPER(LEFT(MD5(r.g), 8)), NULL),
       IF(r.r4 < 0.25, t1.s, NULL)
FROM (SELECT seq AS g,
             CRC32(CONCAT(@seed, ':o1:', seq)) / @two32 AS r1,
             CRC32(CONCAT(@seed, ':o2:', seq)) / @two32 AS r2,
             CRC32(CONCAT(@seed, ':o3:', seq)) / @two32 AS r3,
             CRC32(CONCAT(@seed, ':o4:', seq)) / @two32 AS r4,
             TIMESTAMP '2019-01-01 00:00:00' + INTERVAL FLOOR(seq / @n_orders * 189388800
               + CRC32(CONCAT(@seed, ':oj:', seq)) / @two32 * 21600) SECOND AS placed,
             ELT(1 + FLOOR(CRC32(CONCAT(@seed, ':os:', seq)) / @two32 * 10), 'delivered', 'delivered', 'delivered',
                 'delivered', 'shipped', 'paid', 'pending', 'cancelled', 'returned', 'delivered') AS status,
             CAST(ROUND(5 + POW(CRC32(CONCAT(@seed, ':ov:', seq)) / @two32, 2) * 900, 2) AS decimal(12,2)) AS sub,
             CAST(ELT(1 + seq % 6, 0, 4.99, 4.99, 9.99, 0, 14.5) AS decimal(8,2)) AS ship
      FROM seq_1_to_100000000 WHERE seq <= @n_orders) r
JOIN gen_place p ON p.id = 1 + FLOOR(2000 * POW(CRC32(CONCAT(@seed, ':op:', r.g)) / @two32, 1.3))
JOIN gen_word st ON st.id = 1 + FLOOR(@n_words * CRC32(CONCAT(@seed, ':ost:', r.g)) / @two32)
JOIN gen_sentence t1 ON t1.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':ot1:', r.g)) / @two32);

-- 1-5 lines per order (3 on average), chosen from the order id.
INSERT INTO order_items
SELECT r.o, r.ln,
       1 + FLOOR(@n_products * POW(CRC32(CONCAT(@seed, ':ip:', r.o, ':', r.ln)) / @two32, 2)),
       1 + FLOOR(POW(CRC32(CONCAT(@seed, ':iq:', r.o, ':', r.ln)) / @two32, 3) * 6),
       ROUND(2 + POW(CRC32(CONCAT(@seed, ':iu:', r.o, ':', r.ln)) / @two32, 2) * 600, 2),
       ELT(1 + FLOOR(CRC32(CONCAT(@seed, ':id:', r.o, ':', r.ln)) / @two32 * 8), 0, 0, 0, 0, 5, 10, 15, 25),
       IF(CRC32(CONCAT(@seed, ':ig:', r.o, ':', r.ln)) / @two32 < 0.03, t1.s, NULL)
FROM (SELECT o.seq AS o, l.seq AS ln
      FROM seq_1_to_100000000 o JOIN seq_1_to_5 l ON l.seq <= 1 + (o.seq * 2654435761) % 5
      WHERE o.seq <= @n_orders) r
JOIN gen_sentence t1 ON t1.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':it:', r.o, ':', r.ln)) / @two32);

-- Click-stream: the JSON payload's shape depends on the kind, as it would in an event log.
INSERT INTO events
SELECT r.g,
       TIMESTAMP '2023-01-01 00:00:00' + INTERVAL FLOOR((r.g / @n_events * 63072000 + r.r1 * 3600) * 1000000) MICROSECOND,
       IF(r.r2 < 0.7, 1 + FLOOR(@n_customers * POW(r.r3, 1.4)), NULL),
       UNHEX(MD5(CONCAT('session', r.g DIV 7))),
       r.kind,
       CASE r.kind
         WHEN 'page_view'   THEN CONCAT('/products/', r.pid, '?ref=', ELT(1 + r.g % 5, 'home', 'search', 'email', 'ad', 'related'))
         WHEN 'search'      THEN CONCAT('/search?q=', w1.w, '+', w2.w)
         WHEN 'add_to_cart' THEN CONCAT('/cart/add/', r.pid)
         WHEN 'checkout'    THEN CONCAT('/checkout/', LEFT(MD5(r.g), 12))
         ELSE CONCAT('/products/', r.pid, '/reviews')
       END,
       ua.ua,
       INET6_ATON(CONCAT('10.', r.g % 256, '.', (r.g DIV 256) % 256, '.', 1 + (r.g * 7) % 254)),
       CASE r.kind
         WHEN 'page_view' THEN JSON_OBJECT('product_id', r.pid, 'duration_ms', FLOOR(r.r1 * 60000),
                                'scroll_depth', ROUND(r.r2, 2), 'referrer', CONCAT('https://www.example.com/', w1.w))
         WHEN 'search' THEN JSON_OBJECT('query', CONCAT(w1.w, ' ', w2.w), 'results', FLOOR(r.r1 * 300),
                                'filters', JSON_OBJECT('category', ELT(1 + r.g % 4, 'kitchen', 'books', 'outdoor', 'toys'),
                                                       'max_price', 10 * (1 + r.g % 50)))
         WHEN 'add_to_cart' THEN JSON_OBJECT('product_id', r.pid, 'quantity', 1 + r.g % 3,
                                'price', ROUND(2 + r.r1 * 600, 2), 'cart_size', 1 + r.g % 9)
         WHEN 'checkout' THEN JSON_OBJECT('order_ref', LEFT(MD5(r.g), 12), 'amount', ROUND(5 + r.r1 * 900, 2),
                                'items', 1 + r.g % 5,
                                'payment', JSON_OBJECT('method', 'card', 'three_ds', r.r2 < 0.8, 'last4', LPAD(r.g % 10000, 4, '0')))
         ELSE JSON_OBJECT('product_id', r.pid, 'rating', 1 + FLOOR(POW(r.r1, 0.5) * 5),
                          'title', CONCAT(UPPER(LEFT(w1.w, 1)), SUBSTRING(w1.w, 2), ' ', w2.w),
                          'body', CONCAT(t1.s, ' ', t2.s, ' ', t3.s), 'verified_purchase', r.r2 < 0.7)
       END
FROM (SELECT seq AS g,
             CRC32(CONCAT(@seed, ':e1:', seq)) / @two32 AS r1,
             CRC32(CONCAT(@seed, ':e2:', seq)) / @two32 AS r2,
             CRC32(CONCAT(@seed, ':e3:', seq)) / @two32 AS r3,
             ELT(1 + FLOOR(CRC32(CONCAT(@seed, ':ek:', seq)) / @two32 * 10), 'page_view', 'page_view', 'page_view',
                 'page_view', 'search', 'search', 'add_to_cart', 'checkout', 'review', 'review') AS kind,
             1 + FLOOR(@n_products * POW(CRC32(CONCAT(@seed, ':ep:', seq)) / @two32, 2)) AS pid
      FROM seq_1_to_100000000 WHERE seq <= @n_events) r
JOIN gen_word w1 ON w1.id = 1 + FLOOR(@n_words * POW(CRC32(CONCAT(@seed, ':ew1:', r.g)) / @two32, 2))
JOIN gen_word w2 ON w2.id = 1 + FLOOR(@n_words * POW(CRC32(CONCAT(@seed, ':ew2:', r.g)) / @two32, 2))
JOIN gen_ua ua ON ua.id = 1 + FLOOR(400 * POW(CRC32(CONCAT(@seed, ':eu:', r.g)) / @two32, 1.5))
JOIN gen_sentence t1 ON t1.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':et1:', r.g)) / @two32)
JOIN gen_sentence t2 ON t2.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':et2:', r.g)) / @two32)
JOIN gen_sentence t3 ON t3.id = 1 + FLOOR(@n_sent * CRC32(CONCAT(@seed, ':et3:', r.g)) / @two32);

DROP TABLE gen_vocab, gen_word, gen_sentence, gen_place, gen_first, gen_last, gen_ua;

-- ---------------------------------------------------------------------------------------------
-- Secondary indexes, foreign keys, a view, triggers and a function, as a real shop would have:
-- mariadb-dump writes them, and a restore must rebuild and replay them.
-- ---------------------------------------------------------------------------------------------
CREATE INDEX customers_email_idx ON customers (email);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
CREATE INDEX order_items_product_idx ON order_items (product_id);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);
CREATE INDEX events_session_idx ON events (session_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE order_items ADD CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id);

CREATE VIEW daily_revenue AS
    SELECT DATE(placed_at) AS day, currency, SUM(total) AS revenue, COUNT(*) AS orders
    FROM orders WHERE status <> 'cancelled' GROUP BY DATE(placed_at), currency;

-- The dump writes triggers after each table's data, so a restore does not fire them.
CREATE TRIGGER orders_total_check BEFORE INSERT ON orders FOR EACH ROW
    SET NEW.total = IF(NEW.total = NEW.subtotal + NEW.tax + NEW.shipping_cost, NEW.total, NULL);
CREATE TRIGGER order_items_stock BEFORE INSERT ON order_items FOR EACH ROW
    UPDATE products SET stock = GREATEST(stock - NEW.quantity, 0) WHERE id = NEW.product_id;

CREATE FUNCTION order_total(o bigint) RETURNS decimal(12,2) READS SQL DATA
    RETURN (SELECT total FROM orders WHERE id = o);

ANALYZE TABLE customers, products, orders, order_items, events;

-- The marker goes in last: a database without it is an interrupted generation, and the bench
-- regenerates instead of measuring a partial data set.
CREATE TABLE bench_meta (
    generator_version varchar(40) NOT NULL,
    scale             decimal(10,4) NOT NULL,
    seed              varchar(20) NOT NULL,
    generated_at      timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE = InnoDB;
INSERT INTO bench_meta (generator_version, scale, seed) VALUES (@gen_version, @scale, @seed);
