-- example: data=none error=unique_violation
-- Keeping both rules: customer_managers repeats product_line, but a composite foreign key
-- pins the copy to the managers table, so it cannot disagree; UNIQUE enforces the rule
-- the split lost.
CREATE TABLE managers (
    manager      text PRIMARY KEY,
    product_line text NOT NULL,
    UNIQUE (manager, product_line)
);
CREATE TABLE customer_managers (
    customer_id  integer,
    manager      text,
    product_line text NOT NULL,
    PRIMARY KEY (customer_id, manager),
    UNIQUE (customer_id, product_line),
    FOREIGN KEY (manager, product_line)
        REFERENCES managers (manager, product_line) ON UPDATE CASCADE
);
INSERT INTO managers VALUES ('Mia', 'Outdoor'), ('Ava', 'Outdoor');
INSERT INTO customer_managers VALUES (1, 'Mia', 'Outdoor');
INSERT INTO customer_managers VALUES (1, 'Ava', 'Outdoor');
