-- example: data=sample
-- The order as one document: its lines, with the product's name and SKU copied in.
ALTER TABLE orders ADD COLUMN document jsonb;
UPDATE orders AS o
SET document = jsonb_build_object(
        'customer_id', o.customer_id,
        'lines', (SELECT jsonb_agg(jsonb_build_object('sku', p.sku, 'name', p.name,
                                                      'quantity', i.quantity,
                                                      'unit_price', i.unit_price)
                                   ORDER BY i.line_no)
                  FROM order_items AS i JOIN products AS p ON p.id = i.product_id
                  WHERE i.order_id = o.id))
WHERE o.id = 20000;
-- One row holds everything the order page needs.
SELECT document -> 'customer_id' AS customer_id,
       jsonb_array_length(document -> 'lines') AS lines,
       document #> '{lines,0}' AS first_line
FROM orders
WHERE id = 20000;
-- The catalogue renames a product; the document keeps the name it was sold under.
UPDATE products SET name = 'Tidewater Classic Sports Watch' WHERE id = 122;
SELECT document #>> '{lines,0,name}' AS name_in_document,
       (SELECT name FROM products WHERE id = 122) AS name_in_catalogue
FROM orders
WHERE id = 20000;
