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

/// The layouts a day-month-year text could be written in, by the order of day and month.
fn layouts(value: &str) -> Vec<String> {
    let value = value.trim();
    let (date, time) = value.split_once([' ', 'T']).unwrap_or((value, ""));
    let Some(separator) = date.chars().find(|c| matches!(c, '/' | '-' | '.')) else {
        return Vec::new();
    };
    let parts: Vec<&str> = date.split(separator).collect();
    let numbers: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if parts.len() != 3 || numbers.len() != 3 || parts[0].len() > 2 || parts[1].len() > 2 {
        return Vec::new();
    }
    let year = match parts[2].len() {
        2 => "%y",
        4 => "%Y",
        _ => return Vec::new(),
    };
    let time = time.trim();
    let clock = match (time.matches(':').count(), time.to_uppercase()) {
        (_, t) if t.is_empty() => "",
        (1, t) if t.ends_with("AM") || t.ends_with("PM") => " %I:%M %p",
        (2, t) if t.ends_with("AM") || t.ends_with("PM") => " %I:%M:%S %p",
        (1, _) => " %H:%M",
        (2, _) => " %H:%M:%S",
        _ => return Vec::new(),
    };
    let (first, second) = (numbers[0], numbers[1]);
    let mut found = Vec::new();
    for (order, fits) in [
        (
            "%d{s}%m",
            (1..=31).contains(&first) && (1..=12).contains(&second),
        ),
        (
            "%m{s}%d",
            (1..=12).contains(&first) && (1..=31).contains(&second),
        ),
    ] {
        if fits {
            let layout = format!(
                "{}{separator}{year}{clock}",
                order.replace("{s}", &separator.to_string())
            );
            found.push(layout);
        }
    }
    found
}

/// Why times of one export stayed unread, and what to write in the mapping file: a format
/// that reads two-digit years as years 0–99, or the layout the values are in. Day and month
/// order is never guessed: when the values fit both, the export is called ambiguous.
pub fn unread_hint(values: &[&str], format: Option<&str>, section: &str) -> Option<String> {
    if let Some(format) = format {
        let read_as = values.iter().find_map(|v| {
            let v = v.trim();
            NaiveDateTime::parse_from_str(v, format)
                .map(|t| t.date())
                .or_else(|_| NaiveDate::parse_from_str(v, format))
                .ok()
                .filter(|d| !plausible(*d))
        });
        if let Some(date) = read_as {
            use chrono::Datelike;
            let suggestion = if format.contains("%Y") {
                format!(
                    "; two-digit years are %y: date_format = {:?}",
                    format.replace("%Y", "%y")
                )
            } else {
                String::new()
            };
            return Some(format!(
                "the mapping's date_format {format:?} reads the year as {:04}, outside 1970–{}{suggestion}",
                date.year(),
                Utc::now().year() + 20
            ));
        }
    }
    let mut common: Option<Vec<String>> = None;
    for value in values {
        let found = layouts(value);
        if found.is_empty() {
            return None;
        }
        common = Some(match common {
            None => found,
            Some(before) => before.into_iter().filter(|l| found.contains(l)).collect(),
        });
    }
    match common?.as_slice() {
        [layout] => Some(format!(
            "the times look like {layout:?}: add date_format = {layout:?} to [{section}] in the mapping file"
        )),
        [day_first, month_first] => Some(format!(
            "the times read as day first ({day_first:?}) or month first ({month_first:?}) and the export does not say which: name the one it uses with date_format in [{section}] of the mapping file"
        )),
        _ => None,
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
    fn unread_times_suggest_the_layout_or_call_it_ambiguous() {
        assert_eq!(
            unread_hint(&["06-04-2023 20:26", "13-04-2023 09:00"], None, "zendesk").unwrap(),
            "the times look like \"%d-%m-%Y %H:%M\": add date_format = \"%d-%m-%Y %H:%M\" to [zendesk] in the mapping file"
        );
        assert_eq!(
            unread_hint(&["06-04-2023 20:26"], None, "zendesk").unwrap(),
            "the times read as day first (\"%d-%m-%Y %H:%M\") or month first (\"%m-%d-%Y %H:%M\") and the export does not say which: name the one it uses with date_format in [zendesk] of the mapping file"
        );
        assert_eq!(
            unread_hint(&["11/30/2026 02:03:04 PM"], None, "surveymonkey").unwrap(),
            "the times look like \"%m/%d/%Y %I:%M:%S %p\": add date_format = \"%m/%d/%Y %I:%M:%S %p\" to [surveymonkey] in the mapping file"
        );
        assert_eq!(unread_hint(&["soon"], None, "zendesk"), None);
        use chrono::Datelike;
        assert_eq!(
            unread_hint(&["02/03/24"], Some("%m/%d/%Y"), "salesforce").unwrap(),
            format!(
                "the mapping's date_format \"%m/%d/%Y\" reads the year as 0024, outside 1970–{}; two-digit years are %y: date_format = \"%m/%d/%y\"",
                Utc::now().year() + 20
            )
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
