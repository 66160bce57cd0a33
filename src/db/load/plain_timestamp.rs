//! The loader's reading of the contract's two plain timestamp shapes, `2026-11-20T14:03:00Z`
//! and `2026-11-20 14:03:00`, as a DuckDB function (`plain_utc_timestamp`, used by both
//! `typed_timestamp` and `contract_timestamp` in checks.sql).
//!
//! Nearly every usage row is in one of these shapes. In SQL the shape test (a `LIKE`), the
//! `CASE` around it and the cast to TIMESTAMPTZ cost L's 51.6 million usage rows ~1.8 s of a
//! 13.4 s read; this function reads them in one pass over each vector's bytes. It reads only
//! text whose every character is where the shape puts it, digits included, and a real date and
//! time; anything else is NULL and left to the SQL rules, so it can decline what DuckDB's cast
//! reads (`24:00:00` is the next day's midnight there) but never read a text differently. The
//! property test `the_typed_reads_rules_accept_nothing_the_full_stage_reads_otherwise` holds
//! it to the general ISO rule (date shape, real offset, DuckDB's cast).

use duckdb::Connection;
use duckdb::core::{DataChunkHandle, LogicalTypeId};
use duckdb::ffi::duckdb_string_t;
use duckdb::types::DuckString;
use duckdb::vscalar::{ScalarFunctionSignature, VScalar};
use duckdb::vtab::arrow::WritableVector;

/// Makes `plain_utc_timestamp(VARCHAR) -> TIMESTAMP` callable on `conn`'s database.
pub(super) fn register(conn: &Connection) -> duckdb::Result<()> {
    conn.register_scalar_function::<PlainUtcTimestamp>("plain_utc_timestamp")
}

/// Microseconds since 1970 (UTC) of `text` in one of the two plain shapes, or None.
fn plain_utc_micros(text: &[u8]) -> Option<i64> {
    let shaped = match text.len() {
        20 => text[10] == b'T' && text[19] == b'Z',
        19 => text[10] == b' ',
        _ => false,
    };
    if !shaped || text[4] != b'-' || text[7] != b'-' || text[13] != b':' || text[16] != b':' {
        return None;
    }
    let digit = |at: usize| {
        let d = text[at].wrapping_sub(b'0');
        (d < 10).then_some(u32::from(d))
    };
    let two = |at: usize| Some(digit(at)? * 10 + digit(at + 1)?);
    let year = two(0)? * 100 + two(2)?;
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, two(5)?, two(8)?)?;
    let time = chrono::NaiveTime::from_hms_opt(two(11)?, two(14)?, two(17)?)?;
    Some(date.and_time(time).and_utc().timestamp_micros())
}

struct PlainUtcTimestamp;

impl VScalar for PlainUtcTimestamp {
    type State = ();

    fn invoke(
        _: &Self::State,
        input: &mut DataChunkHandle,
        output: &mut dyn WritableVector,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let rows = input.len();
        let texts = input.flat_vector(0);
        // SAFETY: the one parameter is VARCHAR (see `signatures`), so the input vector holds
        // `rows` duckdb_string_t values, flattened by DuckDB before the call.
        let values = unsafe { texts.as_slice_with_len::<duckdb_string_t>(rows) };
        let mut result = output.flat_vector();
        let mut unread = Vec::new();
        {
            // SAFETY: the result is TIMESTAMP, whose values are i64 microseconds, with room
            // for the chunk's rows; this is the only writable view of it while it lives.
            let micros = unsafe { result.as_mut_slice_with_len::<i64>(rows) };
            for (row, value) in values.iter().enumerate() {
                let mut value = *value;
                let read = if texts.row_is_null(row as u64) {
                    None
                } else {
                    plain_utc_micros(DuckString::new(&mut value).as_bytes())
                };
                match read {
                    Some(m) => micros[row] = m,
                    None => unread.push(row),
                }
            }
        }
        for row in unread {
            result.set_null(row);
        }
        Ok(())
    }

    fn signatures() -> Vec<ScalarFunctionSignature> {
        vec![ScalarFunctionSignature::exact(
            vec![LogicalTypeId::Varchar.into()],
            LogicalTypeId::Timestamp.into(),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::plain_utc_micros;

    fn read(text: &str) -> Option<String> {
        plain_utc_micros(text.as_bytes()).map(|m| {
            chrono::DateTime::from_timestamp_micros(m)
                .unwrap()
                .naive_utc()
                .to_string()
        })
    }

    #[test]
    fn the_two_plain_shapes_are_read_as_utc() {
        assert_eq!(read("2026-11-20T14:03:00Z").unwrap(), "2026-11-20 14:03:00");
        assert_eq!(read("2026-11-20 14:03:00").unwrap(), "2026-11-20 14:03:00");
        assert_eq!(read("2024-02-29 23:59:59").unwrap(), "2024-02-29 23:59:59");
        assert_eq!(read("1969-12-31T23:59:59Z").unwrap(), "1969-12-31 23:59:59");
    }

    #[test]
    fn anything_else_is_left_to_the_sql_rules() {
        for text in [
            "2026-11-20T14:03:00",
            "2026-11-20 14:03:00Z",
            "2026-11-20T14:03:00.000Z",
            "2026-11-20T14:03:00+09:00",
            "2026-11-1T 14:03:00Z",
            "2026-11-20T15:00: 0Z",
            " 2026-11-20 14:03:00",
            "2026-11-20 14:03:00 ",
            "-202-11-20 14:03:00",
            "２０２６-11-20 14:03:00",
            "2025-02-29 12:00:00",
            "2026-13-01 12:00:00",
            "2026-11-20 24:00:00",
            "2026-11-20 23:59:60",
            "2026/11/20 14:03:00",
            "",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }
}
