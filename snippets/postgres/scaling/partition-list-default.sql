-- example: data=none error=check_violation
CREATE TABLE customers_p (id bigint NOT NULL, region text NOT NULL, PRIMARY KEY (id, region))
    PARTITION BY LIST (region);
CREATE TABLE customers_p_us PARTITION OF customers_p FOR VALUES IN ('US');
CREATE TABLE customers_p_other PARTITION OF customers_p DEFAULT;
INSERT INTO customers_p VALUES (1, 'US'), (2, 'MEA');
-- The default holds an MEA row, so an MEA partition cannot be created next to it.
CREATE TABLE customers_p_mea PARTITION OF customers_p FOR VALUES IN ('MEA');
