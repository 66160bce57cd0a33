-- Parsing rules of the data contract, shared by every stage query. The full stage's macros
-- (contract_*) get trimmed text (NULL when empty), the typed read's (typed_*) the file's text
-- or Parquet value as it is; each returns NULL when the value breaks the rule.

-- Year-first dates with slashes (2026/11/03, common in Japanese exports) are unambiguous:
-- read them as 2026-11-03. Day-first and month-first dates are not, and stay errors.
CREATE OR REPLACE TEMP MACRO year_first(v) AS
    CASE WHEN substr(v, 5, 1) = '/' AND substr(v, 8, 1) = '/'
         THEN replace(substr(v, 1, 10), '/', '-') || substr(v, 11) ELSE v END;

-- Dates are exactly YYYY-MM-DD (or YYYY/MM/DD).
CREATE OR REPLACE TEMP MACRO contract_date(v) AS
    CASE WHEN regexp_full_match(year_first(v), '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(year_first(v) AS DATE) END;

-- A timestamp's date starts with a digit, has its `sep`s after a four-character year and a
-- two-character month, ends in a digit, and is ten characters, alone or followed by `T` or a
-- space; the cast that follows checks the other digits. DuckDB's cast alone also reads
-- one-digit months and days (`2026-11-1T 15:00:00` is the first), five-digit years, a year of
-- `-202` (203 BC) or ` 026` (AD 26), and `2026-11-10 (BC)`. The first digit is tested by
-- comparing bytes (`v >= '0' AND v < ':'`), as is `strlen`: counting characters costs
-- millions of usage rows seconds of CPU.
CREATE OR REPLACE TEMP MACRO date_shape(v, sep) AS
    v >= '0' AND v < ':' AND substr(v, 5, 1) = sep AND substr(v, 8, 1) = sep
    AND substr(v, 10, 1) BETWEEN '0' AND '9'
    AND (strlen(v) = 10 OR substr(v, 11, 1) IN ('T', ' ')) AND NOT contains(v, '(');

-- An ISO timestamp's text as UTC: DuckDB's cast to TIMESTAMPTZ applies an offset (and refuses
-- a zone it does not know), where its cast to TIMESTAMP ignores both. The one cast every
-- timestamp rule below ends in.
CREATE OR REPLACE TEMP MACRO utc_timestamp(v) AS
    TRY_CAST(TRY_CAST(v AS TIMESTAMPTZ) AS TIMESTAMP);

-- A UTC offset after the time must be a real one: hours up to 14, minutes below 60. DuckDB
-- itself reads +25:00 and +05:60, moving the time silently. An offset follows the date, so
-- only text with a `+`, a third `-` after an ISO date's two, or a `-` after a year-first date's
-- slashes pays for the regular expression. These tests compare bytes: `length` and `right`,
-- which count characters, cost the typed read of L's 51.6 million usage rows ~8 s of CPU.
CREATE OR REPLACE TEMP MACRO real_offset(v) AS
    NOT (contains(v, '+') OR v LIKE '%-%-%-%' OR (contains(v, '/') AND contains(v, '-')))
    OR regexp_full_match(substr(v, 11), '[^+-]*[+-](0\d|1[0-4])(:?[0-5]\d)?');

-- The typed read's cheap form of contract_timestamp, for millions of usage rows. A Parquet
-- column that is already a timestamp or a date is taken as it is (without a zone it is UTC,
-- as text is), not written out as text and parsed back; any other type is read as its text.
-- DuckDB folds `typeof` when it plans the query, so each column pays for one branch. Text
-- ending in `Z` (UTC, as warehouses write it, `2026-11-20T14:03:00.000Z`) skips the offset
-- test: DuckDB reads no offset before a `Z` (`+25:00Z` is NULL, and so goes to the full
-- stage), and the test cost L's usage ~1.4 s of CPU. Text not shaped as an ISO date (DuckDB
-- reads 2026-1-10 and 02026-11-10, and year-first slashes) goes to the full stage too.
CREATE OR REPLACE TEMP MACRO typed_timestamp(v) AS
    CASE WHEN typeof(v) IN ('TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'DATE')
         THEN TRY_CAST(v AS TIMESTAMP)
         ELSE coalesce(plain_utc_timestamp(v::VARCHAR),
                       CASE WHEN date_shape(v::VARCHAR, '-')
                                 AND (suffix(v::VARCHAR, 'Z') OR real_offset(v::VARCHAR))
                            THEN utc_timestamp(v::VARCHAR) END) END;

-- Timestamps are ISO 8601: a date, then optionally `T` or a space and a time, then optionally
-- `Z` or an offset. Without a zone they are UTC. The contract's two plain shapes,
-- `2026-11-20T14:03:00Z` and `2026-11-20 14:03:00`, which nearly every row is in, are read by
-- plain_utc_timestamp, a function of the loader's (src/db/load/plain_timestamp.rs): in SQL
-- their shape test and cast cost L's usage ~1.8 s. It reads them as the rest of this rule
-- does, and leaves to it what it does not read (`24:00:00`). The cheap shape check keeps
-- `2026/11/03` and `3-11-2026` out without running a regular expression over millions of
-- usage rows.
CREATE OR REPLACE TEMP MACRO contract_timestamp(v) AS
    coalesce(plain_utc_timestamp(v),
             CASE WHEN date_shape(v, '-') AND real_offset(v) THEN utc_timestamp(v)
                  WHEN date_shape(v, '/') AND real_offset(v) THEN utc_timestamp(year_first(v)) END);

-- Decimals are digits with an optional point and digits: a cast alone would read `1e6` as a
-- million and `0x10` as sixteen.
CREATE OR REPLACE TEMP MACRO contract_decimal(v) AS
    CASE WHEN regexp_full_match(v, '[+-]?[0-9]+(\.[0-9]+)?') THEN TRY_CAST(v AS DECIMAL(18, 2)) END;

-- Whole numbers are digits, optionally signed: a cast alone would round 9.5 to 10 and read
-- 1e3 as 1000, silently changing a survey score or a seat count.
CREATE OR REPLACE TEMP MACRO contract_whole(v) AS
    CASE WHEN regexp_full_match(v, '[+-]?[0-9]{1,9}') THEN TRY_CAST(v AS INTEGER) END;

-- The typed read's cheap form of contract_whole, for millions of usage rows: text that is a
-- whole number written as DuckDB writes it back ("12", "-3"), of at most nine digits as
-- contract_whole allows. Anything else ("2.5", "1e3", "0x10", "+5", "007") is not typed (NULL),
-- so the file goes through the full stage, which reads "+5" and "007" and reports the rest
-- with file:line:column. One digit, as most of a day's counts are, is two byte comparisons;
-- longer text is compared with the number's own, one cast and one comparison per row, where
-- looking for each unwanted character cost L's usage ~4 s of CPU. The limit of nine is on
-- bytes: a longer negative number goes to the full stage, whose rules report it.
-- A Parquet integer column is taken as it is; a float column is read as its text, so 2.5 is
-- not whole.
CREATE OR REPLACE TEMP MACRO typed_whole(v) AS
    CASE WHEN typeof(v) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
                            'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT')
              AND abs(TRY_CAST(v AS BIGINT)) < 1000000000
         THEN TRY_CAST(v AS INTEGER)
         WHEN strlen(v::VARCHAR) = 1 AND v::VARCHAR >= '0' AND v::VARCHAR <= '9'
         THEN TRY_CAST(v::VARCHAR AS INTEGER)
         WHEN strlen(v::VARCHAR) <= 9 AND TRY_CAST(v::VARCHAR AS INTEGER)::VARCHAR = v::VARCHAR
         THEN TRY_CAST(v::VARCHAR AS INTEGER) END;

CREATE OR REPLACE TEMP MACRO contract_problem(col, rule, val) AS
    {'column': col, 'rule': rule, 'value': coalesce(val, '')};

-- Booleans are true/false, yes/no or 1/0, in any case; anything else breaks the rule.
CREATE OR REPLACE TEMP MACRO contract_boolean(v) AS
    CASE WHEN lower(v) IN ('true', 'yes', '1') THEN true
         WHEN lower(v) IN ('false', 'no', '0') THEN false END;
