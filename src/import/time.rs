//! Vendor times into the contract's UTC timestamps: zone-less times are read in the zone the
//! vendor wrote them in, unix times may be seconds or milliseconds.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

const ISO_LAYOUTS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
];

/// A zone by its IANA name, with the rule in the message when it is unknown (for the mapping
/// file and `--time-zone` alike).
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "unknown time zone {name:?} (rule: an IANA zone such as Asia/Tokyo or America/New_York)"
        )
    })
}

/// Milliseconds from this many on (3 March 1973 in ms, year 5138 in seconds).
const MILLIS_FROM: i64 = 100_000_000_000;

fn format_utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A mapping's format read `02/03/24` with `%Y` as the year 24: a year before 1970 or more
/// than 20 years ahead is no date a vendor export holds, so the text stays unread and the
/// contract's rule reports it at the vendor's line and column instead of storing year 0024.
fn plausible(date: NaiveDate) -> bool {
    use chrono::Datelike;
    let this_year = Utc::now().year();
    (1970..=this_year + 20).contains(&date.year())
}

fn in_zone(naive: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    // A time that a DST change makes ambiguous is read as its earlier instant; one that
    // falls into the gap does not exist and stays unread.
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// A unix time in seconds or milliseconds.
pub fn from_unix(value: &str) -> Option<String> {
    let number: f64 = value.trim().parse().ok()?;
    if !number.is_finite() {
        return None;
    }
    let millis = if number.abs() >= MILLIS_FROM as f64 {
        number
    } else {
        number * 1000.0
    };
    // Before 1970 or far ahead is no event time (and past year 9999 no contract timestamp).
    DateTime::from_timestamp_millis(millis.round() as i64)
        .filter(|t| plausible(t.date_naive()))
        .map(format_utc)
}

/// A vendor time as the contract's UTC text. Times with an offset or `Z` keep their instant;
/// times without one are read in `zone`; `format` (from the mapping file) is tried first.
/// Text that is no time comes back unchanged, so that the contract's rule reports it at the
/// vendor's line and column.
pub fn to_utc(value: &str, zone: Tz, format: Option<&str>) -> String {
    let value = value.trim();
    let parsed = format
        .and_then(|f| {
            NaiveDateTime::parse_from_str(value, f)
                .ok()
                .or_else(|| {
                    NaiveDate::parse_from_str(value, f)
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })
                .filter(|naive| plausible(naive.date()))
                .and_then(|naive| in_zone(naive, zone))
        })
        .or_else(|| DateTime::parse_from_rfc3339(value).ok().map(|t| t.to_utc()))
        .or_else(|| {
            // `2026-11-03 14:03:00 +0900`, `2026-11-03T14:03:00.000+0000` (Salesforce).
            [
                "%Y-%m-%d %H:%M:%S%.f %z",
                "%Y-%m-%dT%H:%M:%S%.f%z",
                "%Y-%m-%d %H:%M:%S%.f%z",
            ]
            .iter()
            .find_map(|f| DateTime::parse_from_str(value, f).ok())
            .map(|t| t.to_utc())
        })
        .or_else(|| {
            ISO_LAYOUTS
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
                .or_else(|| {
                    NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })
                .and_then(|naive| in_zone(naive, zone))
        });
    parsed.map_or_else(|| value.to_owned(), format_utc)
}

/// A vendor date (or date-time, whose UTC date is taken) as `YYYY-MM-DD`; unchanged when it
/// is neither, for the contract's rule to report.
pub fn to_date(value: &str, format: Option<&str>) -> String {
    let value = value.trim();
    if let Some(date) = format
        .and_then(|f| NaiveDate::parse_from_str(value, f).ok())
        .filter(|d| plausible(*d))
    {
        return date.to_string();
    }
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return date.to_string();
    }
    let utc = to_utc(value, Tz::UTC, format);
    match NaiveDateTime::parse_from_str(&utc, "%Y-%m-%d %H:%M:%S") {
        Ok(t) => t.date().to_string(),
        Err(_) => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_less_times_are_read_in_the_vendor_zone() {
        let tokyo = Tz::Asia__Tokyo;
        assert_eq!(
            to_utc("2026-11-03 09:30:00", tokyo, None),
            "2026-11-03 00:30:00"
        );
        assert_eq!(
            to_utc("2026/11/03 08:00", tokyo, None),
            "2026-11-02 23:00:00"
        );
        let new_york = Tz::America__New_York;
        // Summer (UTC−4) and winter (UTC−5) time.
        assert_eq!(
            to_utc("2026-07-01 12:00:00", new_york, None),
            "2026-07-01 16:00:00"
        );
        assert_eq!(
            to_utc("2026-12-01 12:00:00", new_york, None),
            "2026-12-01 17:00:00"
        );
    }

    #[test]
    fn times_with_a_zone_keep_their_instant() {
        let tokyo = Tz::Asia__Tokyo;
        assert_eq!(
            to_utc("2026-11-03T14:03:00Z", tokyo, None),
            "2026-11-03 14:03:00"
        );
        assert_eq!(
            to_utc("2026-11-03T14:03:00.000+0000", tokyo, None),
            "2026-11-03 14:03:00"
        );
        assert_eq!(
            to_utc("2026-11-03 23:03:00 +0900", tokyo, None),
            "2026-11-03 14:03:00"
        );
    }

    #[test]
    fn unix_times_in_seconds_or_milliseconds() {
        assert_eq!(from_unix("1793714580").unwrap(), "2026-11-03 14:03:00");
        assert_eq!(from_unix("1793714580000").unwrap(), "2026-11-03 14:03:00");
        assert_eq!(from_unix("1793714580.4").unwrap(), "2026-11-03 14:03:00");
        assert_eq!(from_unix("soon"), None);
        assert_eq!(from_unix("-86400"), None, "before 1970");
        assert_eq!(
            from_unix("253402300800000"),
            None,
            "year 10000 in milliseconds"
        );
    }

    #[test]
    fn a_mapping_format_reads_vendor_layouts() {
        let us = Some("%m/%d/%Y %I:%M:%S %p");
        assert_eq!(
            to_utc("11/03/2026 02:03:00 PM", Tz::UTC, us),
            "2026-11-03 14:03:00"
        );
        assert_eq!(to_date("11/3/2026", Some("%m/%d/%Y")), "2026-11-03");
        assert_eq!(to_date("2026-11-03T14:03:00.000+0000", None), "2026-11-03");
        assert_eq!(
            to_date("3.11.2026", None),
            "3.11.2026",
            "unread text is kept for the rule"
        );
    }

    #[test]
    fn a_two_digit_year_read_with_percent_capital_y_is_not_year_24() {
        let format = Some("%m/%d/%Y");
        assert_eq!(
            to_date("02/03/24", format),
            "02/03/24",
            "left for the rule to report"
        );
        assert_eq!(to_utc("02/03/24", Tz::UTC, format), "02/03/24");
        assert_eq!(to_date("02/03/24", Some("%m/%d/%y")), "2024-02-03");
    }
}
