-- example: data=none
-- A zone's offset for a date comes from rules that change: Moscow stayed on UTC+04 all year
-- from 2011 and went back to UTC+03 in October 2014.
SET TimeZone = 'UTC';
SELECT timestamp '2013-06-01 12:00' AT TIME ZONE 'Europe/Moscow' AS noon_moscow_2013,
       timestamp '2015-06-01 12:00' AT TIME ZONE 'Europe/Moscow' AS noon_moscow_2015;
-- An offset written as a zone name is read the POSIX way, west positive: '+01' is UTC-01.
-- An interval is read the ISO way.
SELECT timestamp '2027-04-01 09:00' AT TIME ZONE '+01' AS zone_name_plus_01,
       timestamp '2027-04-01 09:00' AT TIME ZONE INTERVAL '+01:00' AS interval_plus_01;
-- 02:30 on 28 March 2027 does not exist in Paris (the clocks jump from 02:00 to 03:00):
-- PostgreSQL reads it as 03:30, summer time.
SELECT timestamp '2027-03-28 02:30' AT TIME ZONE 'Europe/Paris' AS in_the_gap;
