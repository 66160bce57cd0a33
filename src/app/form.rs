//! Text entry for actions: fields that take Japanese input, paste, and backspace over wide
//! characters (one keypress removes one character, whatever its width).

use chrono::{Days, NaiveDate};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextInput {
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
}

impl TextInput {
    pub fn with(text: &str) -> TextInput {
        TextInput {
            text: text.to_owned(),
            cursor: text.chars().count(),
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, s: &str) {
        // Pasted line breaks become spaces: every field is one line.
        let clean: String = s
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            let at = self.byte_at(self.cursor - 1);
            self.text.remove(at);
            self.cursor -= 1;
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    /// Display columns before the cursor, to place the terminal cursor.
    pub fn cursor_column(&self) -> usize {
        self.text[..self.byte_at(self.cursor)].width()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(TextInput),
    Choice {
        options: &'static [&'static str],
        index: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: &'static str,
    pub value: FieldValue,
    pub required: bool,
    pub is_date: bool,
}

impl Field {
    pub fn text(label: &'static str, required: bool) -> Field {
        Field {
            label,
            value: FieldValue::Text(TextInput::default()),
            required,
            is_date: false,
        }
    }

    pub fn date(label: &'static str, default: &str) -> Field {
        Field {
            label,
            value: FieldValue::Text(TextInput::with(default)),
            required: true,
            is_date: true,
        }
    }

    pub fn choice(label: &'static str, options: &'static [&'static str]) -> Field {
        Field {
            label,
            value: FieldValue::Choice { options, index: 0 },
            required: true,
            is_date: false,
        }
    }

    pub fn text_value(&self) -> String {
        match &self.value {
            FieldValue::Text(input) => input.text.trim().to_owned(),
            FieldValue::Choice { options, index } => options[*index].to_owned(),
        }
    }
}

/// Reads a date as a CSM types it: `2026-12-01`, `+3d`, `+2w`, `3d`, `tomorrow`.
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
    let body = text.strip_prefix('+').unwrap_or(&text);
    let (number, unit) = body.split_at(body.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = number.parse().ok()?;
    let days = match unit {
        "d" => n,
        "w" => n.checked_mul(7)?,
        "m" => n.checked_mul(30)?,
        _ => return None,
    };
    today.checked_add_days(Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backspace_removes_one_wide_character() {
        let mut input = TextInput::default();
        input.insert("電話しました");
        assert_eq!(input.cursor_column(), 12);
        input.backspace();
        assert_eq!(input.text, "電話しまし");
        input.left();
        input.left();
        input.insert("で");
        assert_eq!(input.text, "電話しでまし");
        assert_eq!(input.cursor_column(), 8);
    }

    #[test]
    fn paste_keeps_one_line() {
        let mut input = TextInput::with("a");
        input.insert("b\r\nc");
        assert_eq!(input.text, "ab  c");
        assert_eq!(input.cursor, 5);
    }

    #[test]
    fn dates_as_typed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let d = |s| parse_date(s, today).map(|d| d.to_string());
        assert_eq!(d("2026-12-01").as_deref(), Some("2026-12-01"));
        assert_eq!(d("+3d").as_deref(), Some("2026-11-26"));
        assert_eq!(d("2w").as_deref(), Some("2026-12-07"));
        assert_eq!(d("tomorrow").as_deref(), Some("2026-11-24"));
        assert_eq!(d("2026/12/01"), None);
        assert_eq!(d("soon"), None);
        assert_eq!(d("+99999999999999999999d"), None);
    }
}
