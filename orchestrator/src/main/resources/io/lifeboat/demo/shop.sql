-- The demo's sample shop: a few thousand rows of customers, products, orders and their items,
-- with text, numerics, timestamps and jsonb, deterministic (setseed) so every demo shows the same.
SELECT setseed(0.42);

CREATE TABLE customers (
    id          bigint PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL UNIQUE,
    country     text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE TABLE products (
    id          bigint PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    title       text NOT NULL,
    price       numeric(10,2) NOT NULL,
    attributes  jsonb NOT NULL
);
CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers(id),
    status      text NOT NULL,
    total       numeric(12,2) NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE TABLE order_items (
    order_id    bigint NOT NULL REFERENCES orders(id),
    line        int NOT NULL,
    product_id  bigint NOT NULL REFERENCES products(id),
    quantity    int NOT NULL,
    PRIMARY KEY (order_id, line)
);

INSERT INTO customers
SELECT g, initcap(md5(g::text)::varchar(8)) || ' ' || initcap(md5((g * 7)::text)::varchar(10)),
       'customer' || g || '@example.com',
       (ARRAY['DE','FR','NL','PL','SE','US','BR','JP'])[1 + (g % 8)],
       now() - (g || ' hours')::interval
FROM generate_series(1, 2000) g;

INSERT INTO products
SELECT g, 'SKU-' || lpad(g::text, 6, '0'), 'Product ' || g || ' ' || md5(g::text)::varchar(12),
       round((1 + random() * 500)::numeric, 2),
       jsonb_build_object('color', (ARRAY['red','green','blue','black'])[1 + (g % 4)],
                          'weight_g', 50 + (g * 37) % 5000, 'tags', jsonb_build_array('demo', 'shop'))
FROM generate_series(1, 500) g;

INSERT INTO orders
SELECT g, 1 + (g * 13) % 2000, (ARRAY['new','paid','shipped','delivered','returned'])[1 + (g % 5)],
       0, now() - ((g % 720) || ' hours')::interval
FROM generate_series(1, 5000) g;

INSERT INTO order_items
SELECT o, l, 1 + (o * 31 + l * 17) % 500, 1 + (o + l) % 4
FROM generate_series(1, 5000) o, generate_series(1, 1 + (o % 4)) l;

UPDATE orders SET total = s.total
FROM (SELECT i.order_id, sum(i.quantity * p.price) AS total
      FROM order_items i JOIN products p ON p.id = i.product_id GROUP BY i.order_id) s
WHERE s.order_id = orders.id;

CREATE VIEW revenue_by_country AS
SELECT c.country, sum(o.total) AS revenue FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.country;
