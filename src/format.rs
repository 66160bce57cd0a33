//! Numbers as people read them: grouped digits, compact money, metric values, health.

/// Metric values: whole numbers plainly, fractions with two decimals.
/// "a call", "an email": a touch's kind with its article, as the confirmations say it.
pub fn with_article(word: &str) -> String {
    let article = match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    };
    format!("{article} {word}")
}

pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// 1234567.8 → "1,234,568".
pub fn group_digits(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < -0.5 { format!("-{out}") } else { out }
}

/// Compact money for narrow columns: 950, 48.5k, 1.2M.
pub fn money(v: f64) -> String {
    match v.abs() {
        a if a >= 1e6 => format!("{:.1}M", v / 1e6),
        a if a >= 1e3 => format!("{:.1}k", v / 1e3),
        _ => format!("{v:.0}"),
    }
}

/// A countdown as people say it, from today: "today", "tomorrow", "in 12 days",
/// "yesterday", "10 days ago".
pub fn countdown(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        d if d > 1 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    }
}

/// Days from `today` to a `YYYY-MM-DD` date (negative when it has passed).
pub fn days_from(today: chrono::NaiveDate, date: &str) -> Option<i64> {
    let date: chrono::NaiveDate = date.get(..10)?.parse().ok()?;
    Some((date - today).num_days())
}

/// Health as shown to people: "—" when there is none, "?" marks low confidence.
pub fn health(health: Option<i64>, low_confidence: bool) -> String {
    match health {
        None => "—".to_owned(),
        Some(h) if low_confidence => format!("{h}?"),
        Some(h) => h.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touch_kind_takes_its_article() {
        assert_eq!(with_article("email"), "an email");
        assert_eq!(with_article("call"), "a call");
        assert_eq!(with_article("qbr"), "a qbr");
    }

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(group_digits(1_234_567.8), "1,234,568");
        assert_eq!(group_digits(-1500.0), "-1,500");
        assert_eq!(group_digits(999.0), "999");
    }

    #[test]
    fn money_is_compact() {
        assert_eq!(money(950.0), "950");
        assert_eq!(money(48_500.0), "48.5k");
        assert_eq!(money(1_200_000.0), "1.2M");
    }

    #[test]
    fn countdowns_read_as_people_say_them() {
        let said: Vec<String> = [-10, -1, 0, 1, 7].map(countdown).to_vec();
        assert_eq!(
            said,
            ["10 days ago", "yesterday", "today", "tomorrow", "in 7 days"]
        );
        let today = "2026-12-01".parse().unwrap();
        assert_eq!(days_from(today, "2026-11-21"), Some(-10));
        assert_eq!(days_from(today, "2026-12-02 09:00:00"), Some(1));
        assert_eq!(days_from(today, "soon"), None);
    }

    #[test]
    fn health_marks_low_confidence() {
        assert_eq!(health(None, true), "—");
        assert_eq!(health(Some(42), true), "42?");
        assert_eq!(health(Some(42), false), "42");
    }
}
