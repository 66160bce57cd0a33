//! Text rules used everywhere: the one normaliser for comparing what people type with what
//! the data holds, and positions in text for error messages that name a line and column.

use unicode_normalization::UnicodeNormalization;

/// The one text normaliser: NFKC turns full-width `ＡＣＭＥ` into `ACME` and half-width `ｱｸﾒ`
/// into `アクメ`; then lower case and single spaces.
pub fn fold(value: &str) -> String {
    let normal: String = value.nfkc().collect::<String>().to_lowercase();
    normal.split_whitespace().collect::<Vec<_>>().join(" ")
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
