//! The one CSV writer: RFC 4180, and every cell a spreadsheet would run as a formula
//! neutralised, in exports and in the rejects and unmatched files alike (they are opened in
//! spreadsheets too).

use std::io::{self, Write};

/// Writes one record, quoting fields that hold a delimiter, quote, CR or LF. Lines end in CRLF,
/// as RFC 4180 asks and Excel expects.
fn write_row<'a>(
    out: &mut impl Write,
    fields: impl IntoIterator<Item = &'a str>,
) -> io::Result<()> {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_field(out, field)?;
    }
    out.write_all(b"\r\n")
}

/// Like `write_row`, but a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
/// so that Excel and Google Sheets show it as text instead of evaluating it. Plain numbers
/// (such as `-5` or `+3.2`) are left alone.
pub fn write_safe_row<'a>(
    out: &mut impl Write,
    fields: impl IntoIterator<Item = &'a str>,
) -> io::Result<()> {
    let safe: Vec<String> = fields.into_iter().map(neutralise).collect();
    write_row(out, safe.iter().map(String::as_str))
}

pub fn neutralise(field: &str) -> String {
    let risky = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && field.parse::<f64>().is_err() {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}

fn write_field(out: &mut impl Write, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\r', '\n']) {
        out.write_all(b"\"")?;
        out.write_all(field.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(field.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[&str]) -> String {
        let mut out = Vec::new();
        write_row(&mut out, fields.iter().copied()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(
            row(&["a", "b,c", "say \"hi\"", "two\nlines", "株式会社さくら"]),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",株式会社さくら\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+cmd"), "'+cmd");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("-5"), "-5");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise("plain"), "plain");
    }
}
