# example: fixtures=mongo_db
"""The bucket pattern in MongoDB: readings grouped into documents of at most N per sensor and day."""

from datetime import UTC, datetime, timedelta

db = mongo_db

# --8<-- [start:bucket]
BUCKET_SIZE = 100  # readings per document: bounded, so a document never approaches 16 MB


def record(db, sensor_id, ts, value):
    """Append to the sensor's open bucket for that day, or start a new one.

    The filter matches only a bucket with room left; when none does, the upsert inserts a new
    document (with a new ObjectId) from the filter's equality fields.
    """
    db.readings.update_one(
        {"sensor_id": sensor_id, "day": ts.strftime("%Y-%m-%d"), "count": {"$lt": BUCKET_SIZE}},
        {
            "$push": {"readings": {"ts": ts, "value": value}},
            "$inc": {"count": 1, "sum": value},
            "$min": {"first_ts": ts, "min": value},
            "$max": {"last_ts": ts, "max": value},
        },
        upsert=True,
    )


db.readings.create_index([("sensor_id", 1), ("day", 1), ("first_ts", 1)])
# --8<-- [end:bucket]

# --8<-- [start:use]
start = datetime(2024, 1, 1, tzinfo=UTC)
for minute in range(250):
    record(db, "sensor_1", start + timedelta(minutes=minute), 20.0 + minute % 10)

buckets = list(db.readings.find({"sensor_id": "sensor_1"}).sort("first_ts", 1))
assert [b["count"] for b in buckets] == [100, 100, 50]
assert len({b["_id"] for b in buckets}) == 3  # three documents, three distinct ids

# The average is derived from the stored count and sum, never stored where it could drift.
day = next(
    db.readings.aggregate(
        [
            {"$match": {"sensor_id": "sensor_1", "day": "2024-01-01"}},
            {"$group": {"_id": "$day", "n": {"$sum": "$count"}, "sum": {"$sum": "$sum"}}},
            {"$project": {"n": 1, "avg": {"$divide": ["$sum", "$n"]}}},
        ]
    )
)
assert day["n"] == 250 and day["avg"] == 24.5
# --8<-- [end:use]
