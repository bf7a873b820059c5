# example: fixtures=mongo_db
"""Embedded and referenced documents in MongoDB (pymongo)."""

from datetime import UTC, datetime

db = mongo_db

# --8<-- [start:embedded]
# Embedded: the order carries its lines and a copy of the customer as they were at checkout.
# One read returns everything an invoice needs. Money is in integer cents, not floats.
db.orders.insert_one(
    {
        "_id": "order_123",
        "customer": {"id": "cust_456", "name": "John Doe", "email": "john@example.com"},
        "items": [
            {"product_id": "prod_1", "quantity": 2, "price_cents": 2999},
            {"product_id": "prod_2", "quantity": 1, "price_cents": 4999},
        ],
        "total_cents": 10997,
        "created_at": datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
    }
)
# --8<-- [end:embedded]

# --8<-- [start:referenced]
# Referenced: the customer is a document of its own, with its own lifecycle; orders point to it.
db.customers.insert_one({"_id": "cust_456", "name": "John Doe", "email": "john@example.com"})
db.order_refs.insert_one({"_id": "order_124", "customer_id": "cust_456", "total_cents": 4999})
db.order_refs.create_index("customer_id")  # "all orders of a customer" without a collection scan

# The join happens at read time: $lookup (or a second query).
order = next(
    db.order_refs.aggregate(
        [
            {"$match": {"_id": "order_124"}},
            {"$lookup": {"from": "customers", "localField": "customer_id",
                         "foreignField": "_id", "as": "customer"}},
            {"$unwind": "$customer"},
        ]
    )
)
assert order["customer"]["email"] == "john@example.com"
# --8<-- [end:referenced]

# --8<-- [start:update]
# The customer changes their e-mail address: the referenced order sees it, the embedded copy
# keeps what was true at checkout — right for an invoice, wrong for anything that must follow.
db.customers.update_one({"_id": "cust_456"}, {"$set": {"email": "jd@example.org"}})
assert db.orders.find_one({"_id": "order_123"})["customer"]["email"] == "john@example.com"
assert db.customers.find_one({"_id": "cust_456"})["email"] == "jd@example.org"

# Embedded lines cannot disagree with their order's total unless the writer lets them:
order = db.orders.find_one({"_id": "order_123"})
assert sum(i["quantity"] * i["price_cents"] for i in order["items"]) == order["total_cents"]
# --8<-- [end:update]
