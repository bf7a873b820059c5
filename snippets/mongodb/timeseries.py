# example: fixtures=mongo_db
"""A time-series collection (MongoDB 5.0+): one document per reading, bucketed by the server."""

from datetime import UTC, datetime, timedelta

db = mongo_db

# --8<-- [start:create]
# The server stores the readings of one series (the metaField) that are close in time (the
# timeField) together, in buckets it manages; granularity says how far apart readings arrive.
db.create_collection(
    "sensor_readings",
    timeseries={"timeField": "ts", "metaField": "sensor", "granularity": "minutes"},
)
# --8<-- [end:create]

# --8<-- [start:use]
start = datetime(2024, 1, 1, tzinfo=UTC)
db.sensor_readings.insert_many(
    [
        {"ts": start + timedelta(minutes=minute), "sensor": "sensor_1", "value": 20.0 + minute % 10}
        for minute in range(250)
    ]
)

# The application writes and reads one document per reading: no bucket logic of its own.
first_day = {"$gte": start, "$lt": start + timedelta(days=1)}
day = next(
    db.sensor_readings.aggregate(
        [
            {"$match": {"sensor": "sensor_1", "ts": first_day}},
            {"$group": {"_id": None, "n": {"$sum": 1}, "avg": {"$avg": "$value"}}},
        ]
    )
)
assert day["n"] == 250 and day["avg"] == 24.5
# --8<-- [end:use]
