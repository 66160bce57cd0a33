//! Text rules used everywhere: the one normaliser for comparing what people type with what
//! the data holds, and positions in text for error messages that name a line and column.

use chrono::{Days, NaiveDate};
use unicode_normalization::UnicodeNormalization;

/// The one text normaliser: NFKC turns full-width `ＡＣＭＥ` into `ACME` and half-width `ｱｸﾒ`
/// into `アクメ`; then lower case and single spaces.
pub fn fold(value: &str) -> String {
    // ASCII is its own NFKC form: lower-casing and joining words is all that is left to do.
    if value.is_ascii() {
        let mut folded = String::with_capacity(value.len());
        for word in value.split_whitespace() {
            if !folded.is_empty() {
                folded.push(' ');
            }
            folded.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        return folded;
    }
    let normal: String = value.nfkc().collect::<String>().to_lowercase();
    normal.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the text holds Japanese (kana, kanji or half-width katakana): HTML marks it so that
/// browsers pick a Japanese font, and Japanese names put the family name first.
pub fn is_japanese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff66}'..='\u{ff9f}')
    })
}

/// The one control-character stripper for text from the data on its way to a terminal or a
/// Markdown file: an account named `Evil\x1b]0;PWNED\x07Corp` must not retitle the window or
/// clear the screen. Tabs and line breaks become spaces; other control characters (C0, DEL, C1)
/// are dropped.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The one reader of dates as people type them, in the console and on the command line:
/// `2026-12-01`, `today`, `tomorrow`, `yesterday`, `+3d`, `3d`, `+2w`, `+1m` (30 days), and
/// `-2d` for a day that has passed (yesterday's call).
pub fn parse_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let text = text.trim().to_lowercase();
    if let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Some(date);
    }
    if text == "today" {
        return Some(today);
    }
    if text == "tomorrow" {
        return today.checked_add_days(Days::new(1));
    }
    if text == "yesterday" {
        return today.checked_sub_days(Days::new(1));
    }
    let (past, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let (number, unit) = body.split_at(body.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = number.parse().ok()?;
    let days = match unit {
        "d" => n,
        "w" => n.checked_mul(7)?,
        "m" => n.checked_mul(30)?,
        _ => return None,
    };
    if past {
        today.checked_sub_days(Days::new(days))
    } else {
        today.checked_add_days(Days::new(days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_a_terminal() {
        let evil = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mCorp\u{9b}1m\tKK";
        assert_eq!(printable(evil), "Evil]0;PWNED[2J[31mCorp1m KK");
        assert!(matches!(
            printable("株式会社さくら"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn dates_as_typed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let d = |s| parse_date(s, today).map(|d| d.to_string());
        assert_eq!(d("2026-12-01").as_deref(), Some("2026-12-01"));
        assert_eq!(d("+3d").as_deref(), Some("2026-11-26"));
        assert_eq!(d("2w").as_deref(), Some("2026-12-07"));
        assert_eq!(d("tomorrow").as_deref(), Some("2026-11-24"));
        assert_eq!(d("yesterday").as_deref(), Some("2026-11-22"));
        assert_eq!(d("-2d").as_deref(), Some("2026-11-21"));
        assert_eq!(d("2026/12/01"), None);
        assert_eq!(d("soon"), None);
        assert_eq!(d("+99999999999999999999d"), None);
    }
}
