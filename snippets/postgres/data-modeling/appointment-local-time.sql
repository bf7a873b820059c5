-- example: data=none
-- A future appointment keeps what was agreed: a wall-clock time and the zone it is in.
CREATE TABLE appointments (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    local_at  timestamp NOT NULL,  -- 09:00, as agreed
    time_zone text      NOT NULL,  -- an IANA name: 'Europe/Paris', not '+01' or 'CET'
    -- the usual alternative: the instant, computed when the appointment was booked
    booked_at_offset timestamptz NOT NULL
);
-- Booked in February, when Paris is at UTC+01: both appointments at 09:00 Paris time.
INSERT INTO appointments (local_at, time_zone, booked_at_offset) VALUES
    ('2027-03-25 09:00', 'Europe/Paris', '2027-03-25 09:00+01'),
    ('2027-04-01 09:00', 'Europe/Paris', '2027-04-01 09:00+01');
SET TimeZone = 'UTC';
-- Paris moves to UTC+02 on 28 March 2027. AT TIME ZONE applies the zone's rule for that date;
-- the stored offset does not, and shows the second appointment at 10:00 in Paris.
SELECT local_at,
       local_at AT TIME ZONE time_zone AS starts_at,
       booked_at_offset AT TIME ZONE 'Europe/Paris' AS offset_version_in_paris
FROM appointments ORDER BY id;
