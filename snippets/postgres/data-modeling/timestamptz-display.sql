-- example: data=none
-- A timestamptz is an instant. The session's TimeZone decides only how it is shown.
CREATE TABLE launches (product text PRIMARY KEY, live_at timestamptz NOT NULL);
INSERT INTO launches VALUES ('Atlas 2', '2027-04-01 09:00 Europe/Paris');
SET TimeZone = 'UTC';
SELECT product, live_at FROM launches;
SET TimeZone = 'Europe/Paris';
SELECT product, live_at FROM launches;
SET TimeZone = 'America/New_York';
SELECT product, live_at, live_at = '2027-04-01 07:00+00' AS same_instant FROM launches;
