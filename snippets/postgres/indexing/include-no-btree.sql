-- example: data=none error=undefined_object
-- Readings with the position the sensor reported. point has no B-tree operator class.
CREATE TABLE readings (sensor_id int, taken_at timestamptz, position point);
-- As an INCLUDE column the point rides along, for index-only scans.
CREATE INDEX readings_sensor_taken_at_idx ON readings (sensor_id, taken_at) INCLUDE (position);
-- As a key column it is refused.
CREATE INDEX readings_sensor_taken_at_position_idx ON readings (sensor_id, taken_at, position);
