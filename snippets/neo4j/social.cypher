// example: engine=neo4j
// The same network on Neo4j 5. Neo4j has no schema to declare; uniqueness constraints (which
// also index the key) take the place of Kuzu's primary keys.

// --8<-- [start:schema]
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE;
// --8<-- [end:schema]

// --8<-- [start:data]
UNWIND [{id: 1, name: 'Alice'}, {id: 2, name: 'Bob'}, {id: 3, name: 'Carol'},
        {id: 4, name: 'Dave'}, {id: 5, name: 'Erin'}, {id: 6, name: 'Frank'}] AS p
CREATE (:Person {id: p.id, name: p.name});

UNWIND [{id: 10, name: 'Kettle'}, {id: 11, name: 'Teapot'}, {id: 12, name: 'Mug'},
        {id: 13, name: 'Toaster'}, {id: 14, name: 'Grinder'}] AS p
CREATE (:Product {id: p.id, name: p.name});

// Friendship is mutual: stored once, in one direction, and matched in both.
UNWIND [{a: 1, b: 2, since: 2019}, {a: 1, b: 3, since: 2020}, {a: 2, b: 3, since: 2021},
        {a: 2, b: 4, since: 2022}, {a: 3, b: 4, since: 2022}, {a: 3, b: 5, since: 2023},
        {a: 4, b: 6, since: 2024}] AS f
MATCH (a:Person {id: f.a}), (b:Person {id: f.b})
CREATE (a)-[:FRIENDS_WITH {since: f.since}]->(b);

UNWIND [{p: 1, i: 10}, {p: 1, i: 11}, {p: 2, i: 10}, {p: 2, i: 11}, {p: 2, i: 12},
        {p: 3, i: 11}, {p: 3, i: 12}, {p: 3, i: 13}, {p: 4, i: 14}, {p: 5, i: 10},
        {p: 5, i: 13}, {p: 6, i: 11}, {p: 6, i: 12}] AS b
MATCH (u:Person {id: b.p}), (x:Product {id: b.i})
CREATE (u)-[:PURCHASED]->(x);
// --8<-- [end:data]

// --8<-- [start:fof-every-hop]
// The usual first attempt: every node two FRIENDS_WITH hops away, except Alice.
MATCH (alice:Person {name: 'Alice'})-[:FRIENDS_WITH*2]-(fof)
WHERE fof.name <> 'Alice'
RETURN DISTINCT fof.name;
// --8<-- [end:fof-every-hop]

// --8<-- [start:fof]
// People Alice may know: friends of her friends who are neither Alice nor already her friends,
// ranked by the number of friends they have in common with her.
MATCH (me:Person {id: 1})-[:FRIENDS_WITH]-(friend:Person)-[:FRIENDS_WITH]-(fof:Person)
WHERE fof.id <> me.id AND NOT (me)-[:FRIENDS_WITH]-(fof)
RETURN fof.name AS suggestion, count(DISTINCT friend) AS mutual_friends
ORDER BY mutual_friends DESC, suggestion;
// --8<-- [end:fof]

// --8<-- [start:recommend]
// Products bought by people who bought something Alice bought, that Alice has not bought,
// scored by how many such people bought them.
MATCH (me:Person {id: 1})-[:PURCHASED]->(:Product)<-[:PURCHASED]-(other:Person)
WHERE other.id <> me.id
MATCH (other)-[:PURCHASED]->(rec:Product)
WHERE NOT (me)-[:PURCHASED]->(rec)
RETURN rec.name AS product, count(DISTINCT other) AS buyers
ORDER BY buyers DESC, product
LIMIT 10;
// --8<-- [end:recommend]
