//! The little CSV reading Rust does itself: the header row (to match column names and pick the
//! delimiter) and, only when something is wrong, the line numbers and text of offending records.
//! DuckDB parses the data.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The delimiters real exports use, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub delimiter: u8,
    pub names: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub enum HeaderError {
    Empty,
    NotUtf8 { column: usize },
    TooLong,
    Io(String),
}

pub fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let file = File::open(path)?;
    let is_gzip = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    Ok(if is_gzip {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    })
}

/// Reads the first record of the file.
pub fn read_header(path: &Path) -> Result<Header, HeaderError> {
    let mut reader = open(path).map_err(|e| HeaderError::Io(e.to_string()))?;
    let mut records = Records::new(&mut reader);
    let raw = match records.next_record() {
        Ok(Some(raw)) => raw,
        Ok(None) => return Err(HeaderError::Empty),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(HeaderError::TooLong);
        }
        Err(e) => return Err(HeaderError::Io(e.to_string())),
    };
    let raw = raw
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(&raw)
        .to_vec();
    let text = String::from_utf8(raw).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        HeaderError::NotUtf8 {
            column: String::from_utf8_lossy(valid).chars().count() + 1,
        }
    })?;
    let text = text.trim_end_matches(['\r', '\n']);
    if text.trim().is_empty() {
        return Err(HeaderError::Empty);
    }
    let delimiter = detect_delimiter(text);
    Ok(Header {
        delimiter,
        names: split_record(text, delimiter),
    })
}

/// The delimiter that occurs most often outside quotes in the header line.
fn detect_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = DELIMITERS.iter().position(|d| *d == byte) {
            counts[i] += 1;
        }
    }
    let best =
        (0..DELIMITERS.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    DELIMITERS[best]
}

/// Splits one record into its fields, removing RFC 4180 quotes.
pub fn split_record(record: &str, delimiter: u8) -> Vec<String> {
    let delimiter = delimiter as char;
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// A quote-aware reader of raw records that tracks the physical line and byte offset each
/// record starts on.
struct Records<'a> {
    reader: &'a mut dyn BufRead,
    line: u64,
    offset: u64,
}

impl<'a> Records<'a> {
    fn new(reader: &'a mut dyn BufRead) -> Self {
        Records {
            reader,
            line: 1,
            offset: 0,
        }
    }

    /// The next raw record (with its line ending), or None at the end of the file.
    fn next_record(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut record = Vec::new();
        let mut quotes = 0usize;
        loop {
            let before = record.len();
            // Bounded like DuckDB's rows, so a file with no newline cannot fill the memory.
            let read = (&mut *self.reader)
                .take(MAX_RECORD_BYTES + 1 - before as u64)
                .read_until(b'\n', &mut record)?;
            self.offset += read as u64;
            if record.len() as u64 > MAX_RECORD_BYTES {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    TOO_LONG.to_owned(),
                ));
            }
            if read == 0 {
                return Ok((!record.is_empty()).then_some(record));
            }
            if record.last() == Some(&b'\n') {
                self.line += 1;
            }
            quotes += record[before..].iter().filter(|b| **b == b'"').count();
            // An odd number of quotes so far means the newline sits inside a quoted field.
            if quotes % 2 == 0 {
                return Ok(Some(record));
            }
        }
    }
}

/// The longest record: Rust reads no longer header (or record, on the error path), and DuckDB's
/// reader is given the same limit for rows (its default, 2 MB, is too small for long comments).
pub const MAX_RECORD_BYTES: u64 = 32 * 1024 * 1024;

/// The message when a record passes `MAX_RECORD_BYTES`.
pub const TOO_LONG: &str = "a row is longer than 32 MB (rule: rows up to that size)";

fn record_text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .trim_end_matches(['\r', '\n'])
        .to_owned()
}

/// For data records (0-based, counted after the header), the line each starts on and its text.
/// Records starting on a line of `skipped_lines` (rows the reader set aside) are not counted.
/// Used only on the error path, so a rescan of the file is fine.
pub fn locate_records(
    path: &Path,
    wanted: &[u64],
    skipped_lines: &[u64],
) -> std::io::Result<Vec<(u64, String)>> {
    let mut wanted: Vec<u64> = wanted.to_vec();
    wanted.sort_unstable();
    let mut reader = open(path)?;
    let mut records = Records::new(&mut reader);
    let mut found = Vec::with_capacity(wanted.len());
    records.next_record()?; // the header
    let mut index = 0u64;
    let mut next = wanted.iter().peekable();
    while let Some(&&target) = next.peek() {
        let line = records.line;
        let Some(raw) = records.next_record()? else {
            break;
        };
        if skipped_lines.contains(&line) {
            continue;
        }
        if index == target {
            found.push((line, record_text(&raw)));
            next.next();
        }
        index += 1;
    }
    Ok(found)
}

/// For byte offsets into the file (where DuckDB's reader says a row it set aside starts), the
/// physical line of the record holding each and its text. Used only on the error path.
pub fn records_at_offsets(path: &Path, offsets: &[u64]) -> std::io::Result<Vec<(u64, String)>> {
    let mut reader = open(path)?;
    let mut records = Records::new(&mut reader);
    let mut found = Vec::with_capacity(offsets.len());
    let mut sorted: Vec<(usize, u64)> = offsets.iter().copied().enumerate().collect();
    sorted.sort_unstable_by_key(|(_, offset)| *offset);
    let mut next = sorted.iter().peekable();
    while next.peek().is_some() {
        let line = records.line;
        let Some(raw) = records.next_record()? else {
            break;
        };
        while let Some(&&(i, offset)) = next.peek() {
            if offset >= records.offset {
                break;
            }
            found.push((i, (line, record_text(&raw))));
            next.next();
        }
    }
    found.sort_unstable_by_key(|(i, _)| *i);
    Ok(found.into_iter().map(|(_, f)| f).collect())
}

/// Whether a closing quote is followed by something other than the delimiter or the end of
/// the record: `"bad "quote" inside"`.
fn has_stray_quote(record: &str, delimiter: u8) -> bool {
    let bytes = record.as_bytes();
    let (mut quoted, mut at_field_start) = (false, true);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if quoted && byte == b'"' {
            if bytes.get(i + 1) == Some(&b'"') {
                i += 1;
            } else {
                quoted = false;
                let next = bytes.get(i + 1).copied();
                if !matches!(next, None | Some(b'\r' | b'\n')) && next != Some(delimiter) {
                    return true;
                }
            }
        } else if !quoted && byte == b'"' && at_field_start {
            quoted = true;
        }
        at_field_start = !quoted && byte == delimiter;
        i += 1;
    }
    false
}

fn ending(raw: &[u8]) -> Option<&'static str> {
    match raw {
        [.., b'\r', b'\n'] => Some("CRLF"),
        [.., b'\n'] => Some("LF"),
        _ => None,
    }
}

/// The first line whose record ends differently from the records before it, with both
/// endings. Used only on the error path.
pub fn first_line_ending_change(
    path: &Path,
) -> std::io::Result<Option<(u64, &'static str, &'static str)>> {
    let mut reader = open(path)?;
    let mut records = Records::new(&mut reader);
    let mut first = None;
    loop {
        let line = records.line;
        let Some(raw) = records.next_record()? else {
            return Ok(None);
        };
        match (first, ending(&raw)) {
            (_, None) => {}
            (None, now) => first = now,
            (Some(before), Some(now)) if before != now => {
                // The line the record ends on, where the other ending is.
                let inner = raw.iter().filter(|b| **b == b'\n').count() as u64;
                return Ok(Some((line + inner - 1, before, now)));
            }
            _ => {}
        }
    }
}

/// A copy of `bytes` whose records all end in LF, when some end in CRLF and others in LF
/// (a file edited on two systems); None when they agree. Line breaks inside quoted values
/// are kept as they are.
pub fn unify_line_endings(bytes: &[u8]) -> Option<Vec<u8>> {
    // Without a CR there is no CRLF: one fast scan instead of a byte-by-byte walk.
    if !bytes.contains(&b'\r') {
        return None;
    }
    let (mut crlf, mut lf, mut quoted) = (false, false, false);
    for (i, byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if i > 0 && bytes[i - 1] == b'\r' {
                    crlf = true;
                } else {
                    lf = true;
                }
            }
            _ => {}
        }
    }
    if !(crlf && lf) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    quoted = false;
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'\r' if !quoted && bytes.get(i + 1) == Some(&b'\n') => continue,
            _ => {}
        }
        out.push(byte);
    }
    Some(out)
}

/// The CSV record of `text` that starts on `line` (1-based), up to where its quotes close.
pub fn record_at_line(text: &str, line: u64) -> Option<String> {
    let mut record = String::new();
    let mut quotes = 0;
    for part in text
        .split_inclusive('\n')
        .skip(usize::try_from(line).ok()?.checked_sub(1)?)
    {
        record.push_str(part);
        quotes += part.matches('"').count();
        if quotes % 2 == 0 {
            break;
        }
    }
    (!record.is_empty()).then(|| record.trim_end_matches(['\r', '\n']).to_owned())
}

/// What is wrong with the shape of a CSV file, found by rescanning it on the error path.
#[derive(Debug, PartialEq)]
pub enum Misshapen {
    /// A record with another number of fields than the header's.
    Fields { line: u64, found: usize },
    /// A quote opened on `line` is never closed.
    Unclosed { line: u64 },
    /// A quoted value on `line` holds a quote that is not doubled.
    StrayQuote { line: u64 },
}

/// The first record (after the header) whose shape is wrong, by physical line.
pub fn first_misshapen(
    path: &Path,
    delimiter: u8,
    columns: usize,
) -> std::io::Result<Option<Misshapen>> {
    let mut reader = open(path)?;
    let mut records = Records::new(&mut reader);
    records.next_record()?; // the header
    loop {
        let line = records.line;
        let Some(raw) = records.next_record()? else {
            return Ok(None);
        };
        if raw.iter().filter(|b| **b == b'"').count() % 2 == 1 {
            return Ok(Some(Misshapen::Unclosed { line }));
        }
        let text = record_text(&raw);
        if has_stray_quote(&text, delimiter) {
            return Ok(Some(Misshapen::StrayQuote { line }));
        }
        let found = split_record(&text, delimiter).len();
        if found != columns && !text.is_empty() {
            return Ok(Some(Misshapen::Fields { line, found }));
        }
    }
}

/// Reads a whole small file to check it is not empty, for files DuckDB reads directly.
pub fn is_empty(path: &Path) -> std::io::Result<bool> {
    let mut buf = [0u8; 1];
    Ok(File::open(path)?.read(&mut buf)? == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn header_strips_bom_and_crlf_and_unquotes() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "a.csv",
            "\u{feff}account_id,\"Na,me\",arr\r\nA,B,1\r\n".as_bytes(),
        );
        let header = read_header(&path).unwrap();
        assert_eq!(header.delimiter, b',');
        assert_eq!(header.names, ["account_id", "Na,me", "arr"]);
    }

    #[test]
    fn delimiter_is_detected_from_the_header() {
        assert_eq!(detect_delimiter("a;b;c"), b';');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("\"a;b\",c"), b',');
        assert_eq!(detect_delimiter("single"), b',');
    }

    #[test]
    fn empty_and_non_utf8_headers_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_header(&write(&dir, "e.csv", b"")),
            Err(HeaderError::Empty)
        );
        assert_eq!(
            read_header(&write(&dir, "n.csv", b"\r\n")),
            Err(HeaderError::Empty)
        );
        let latin1 = write(&dir, "l.csv", b"account_id,na\xefme\n");
        assert_eq!(
            read_header(&latin1),
            Err(HeaderError::NotUtf8 { column: 14 })
        );
    }

    #[test]
    fn the_record_at_a_line_spans_its_quoted_line_breaks() {
        let text = "a,b\r\n1,\"x\ny\"\r\n2,z\n";
        assert_eq!(record_at_line(text, 2).as_deref(), Some("1,\"x\ny\""));
        assert_eq!(record_at_line(text, 4).as_deref(), Some("2,z"));
        assert_eq!(record_at_line(text, 9), None);
    }

    #[test]
    fn a_quote_that_is_not_doubled_is_found() {
        assert!(has_stray_quote("8,\"bad \"quote\" inside\"", b','));
        assert!(!has_stray_quote("8,\"good \"\"quote\"\" inside\",x", b','));
        assert!(!has_stray_quote("8,\"a;b\";\"c\"", b';'));
        assert!(!has_stray_quote("8,5\" screen", b','));
    }

    #[test]
    fn mixed_line_endings_are_unified_outside_quotes_only() {
        assert_eq!(unify_line_endings(b"a,b\r\n1,2\r\n"), None);
        assert_eq!(unify_line_endings(b"a,b\n1,\"x\r\ny\"\n"), None);
        assert_eq!(
            unify_line_endings(b"a,b\r\n1,\"x\r\ny\"\n2,3\r\n").as_deref(),
            Some(&b"a,b\n1,\"x\r\ny\"\n2,3\n"[..])
        );
    }

    #[test]
    fn the_chunked_utf8_check_carries_a_character_split_between_reads() {
        let dir = tempfile::tempdir().unwrap();
        // 予 (three bytes) straddles the first megabyte's end.
        let mut text = vec![b'a'; (1 << 20) - 1];
        text.extend_from_slice("予定\n".as_bytes());
        assert!(plain_utf8(&write(&dir, "split.csv", &text)).unwrap());
        let cut = &text[..text.len() - 5];
        assert!(!plain_utf8(&write(&dir, "cut.csv", cut)).unwrap());
        let mut crlf = text.clone();
        crlf.extend_from_slice(b"b\r\n");
        assert!(!plain_utf8(&write(&dir, "crlf.csv", &crlf)).unwrap());
        let mut sjis = text.clone();
        sjis.extend_from_slice(&[0x97, 0x5c, b'\n']);
        assert!(!plain_utf8(&write(&dir, "sjis.csv", &sjis)).unwrap());
    }

    #[test]
    fn utf16_is_recognised_by_its_mark_or_its_zero_bytes() {
        let le: Vec<u8> = "account_id,name"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "account_id,name"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_in(&le), Some(encoding_rs::UTF_16LE));
        assert_eq!(utf16_in(&be), Some(encoding_rs::UTF_16BE));
        assert_eq!(utf16_in(b"\xff\xfeQ"), Some(encoding_rs::UTF_16LE));
        assert_eq!(utf16_in(b"account_id,name"), None);
        assert_eq!(utf16_in("株式会社,さくら".as_bytes()), None);
    }

    #[test]
    fn records_spanning_lines_are_located_by_their_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = "a,b\n1,\"two\nlines\"\n2,x\n3,\"\"\"q\"\"\"\n4,y\n";
        let path = write(&dir, "m.csv", text.as_bytes());
        let found = locate_records(&path, &[3, 1, 0], &[]).unwrap();
        assert_eq!(
            found,
            [
                (2, "1,\"two\nlines\"".to_owned()),
                (4, "2,x".to_owned()),
                (6, "4,y".to_owned())
            ]
        );
        let after_skip = locate_records(&path, &[1], &[4]).unwrap();
        assert_eq!(after_skip, [(5, "3,\"\"\"q\"\"\"".to_owned())]);
    }
}

/// The text encodings `--encoding` accepts besides UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TextEncoding {
    /// UTF-8; other encodings are detected when the file is not UTF-8 (Shift_JIS is tried)
    #[default]
    Auto,
    #[value(name = "utf-8")]
    Utf8,
    /// Japanese Excel's "CSV (comma delimited)"
    #[value(name = "shift_jis")]
    ShiftJis,
    /// Western Excel's "CSV (comma delimited)" (a superset of Latin-1)
    #[value(name = "windows-1252")]
    Windows1252,
    /// Excel's "Unicode Text" and some survey tools; detected by itself, with or without a BOM
    #[value(name = "utf-16")]
    Utf16,
}

/// What reading a CSV file as text found.
pub enum Decoded {
    /// Already UTF-8: DuckDB reads the file itself.
    Utf8,
    /// Converted to UTF-8 in a temporary file (kept alive by the `TempDir`).
    Transcoded(tempfile::TempDir, std::path::PathBuf),
    /// Not UTF-8 and not the detected encoding: the first bad byte's line and column.
    Invalid { line: u64, column: usize },
}

/// Files up to this size are checked for UTF-8 before DuckDB reads them; larger (or gzipped)
/// files rely on DuckDB's own check, which names the line.
const CHECK_LIMIT: u64 = 256 * 1024 * 1024;

pub fn ensure_utf8(path: &Path, encoding: TextEncoding) -> std::io::Result<Decoded> {
    let utf16 = match encoding {
        TextEncoding::Auto | TextEncoding::Utf16 => utf16_in(&peek(path)?),
        _ => None,
    };
    let size = std::fs::metadata(path)?.len();
    let small =
        !path.to_string_lossy().to_ascii_lowercase().ends_with(".gz") && size <= CHECK_LIMIT;
    let other = utf16.is_some() || !matches!(encoding, TextEncoding::Auto | TextEncoding::Utf8);
    if !other && (encoding == TextEncoding::Utf8 || !small || plain_utf8(path)?) {
        return Ok(Decoded::Utf8);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    open(path)?.read_to_end(&mut bytes)?;
    match decode(&bytes, encoding) {
        Ok(std::borrow::Cow::Borrowed(_)) => match unify_line_endings(&bytes) {
            Some(unified) => transcoded(&unified),
            None => Ok(Decoded::Utf8),
        },
        Ok(text) => {
            let text = text.as_bytes();
            transcoded(&unify_line_endings(text).unwrap_or_else(|| text.to_vec()))
        }
        Err((line, column)) => Ok(Decoded::Invalid { line, column }),
    }
}

/// Whether the file is UTF-8 without a CR, as nearly every file is: read a megabyte at a time
/// rather than whole (at L, reading the small tables whole cost the load ~0.3 s). Anything
/// else goes on to `decode` and `unify_line_endings`, which hold the whole file.
fn plain_utf8(path: &Path) -> std::io::Result<bool> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    // The first bytes of a character split across two reads, moved to the front of `buf`.
    let mut carried = 0;
    loop {
        let read = file.read(&mut buf[carried..])?;
        if read == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + read;
        if buf[..filled].contains(&b'\r') {
            return Ok(false);
        }
        carried = match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() => {
                buf.copy_within(e.valid_up_to()..filled, 0);
                filled - e.valid_up_to()
            }
            Err(_) => return Ok(false),
        };
    }
}

/// The text of `bytes`: UTF-8 as it is (borrowed), or decoded from the encoding named, or
/// found: UTF-16 by its BOM or zero bytes, Shift_JIS when the text then shows kana. Otherwise
/// the line and column of the first byte that is not UTF-8. The one decoder of `load` and
/// `import`.
pub fn decode(
    bytes: &[u8],
    encoding: TextEncoding,
) -> Result<std::borrow::Cow<'_, str>, (u64, usize)> {
    let named = match encoding {
        TextEncoding::ShiftJis => Some(encoding_rs::SHIFT_JIS),
        TextEncoding::Windows1252 => Some(encoding_rs::WINDOWS_1252),
        TextEncoding::Utf16 => Some(utf16_in(bytes).unwrap_or(encoding_rs::UTF_16LE)),
        TextEncoding::Auto => utf16_in(bytes),
        TextEncoding::Utf8 => None,
    };
    let (from, bad_at) = match (named, std::str::from_utf8(bytes)) {
        (None, Ok(text)) => return Ok(std::borrow::Cow::Borrowed(text)),
        (None, Err(e)) if encoding == TextEncoding::Utf8 => (None, e.valid_up_to()),
        (None, Err(e)) => (Some(encoding_rs::SHIFT_JIS), e.valid_up_to()),
        (Some(named), _) => (Some(named), 0),
    };
    let decoded = from.map(|from| {
        if from == encoding_rs::SHIFT_JIS || from == encoding_rs::WINDOWS_1252 {
            from.decode_without_bom_handling(bytes)
        } else {
            from.decode_with_bom_removal(bytes)
        }
    });
    // Detection is a guess: bytes of other encodings often decode as Shift_JIS kanji by chance,
    // so a guess must also show kana, which Japanese text nearly always has.
    let has_kana = |t: &str| {
        t.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{ff61}'..='\u{ff9f}'))
    };
    match decoded {
        Some((text, false)) if named.is_some() || has_kana(&text) => {
            Ok(std::borrow::Cow::Owned(text.into_owned()))
        }
        _ => {
            let before = String::from_utf8_lossy(&bytes[..bad_at]);
            let (line, column) = crate::text::line_column(&before, before.len());
            Err((line as u64, column))
        }
    }
}

fn transcoded(utf8: &[u8]) -> std::io::Result<Decoded> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("transcoded.csv");
    std::fs::write(&path, utf8)?;
    Ok(Decoded::Transcoded(dir, path))
}

/// The file's first bytes, enough to recognise UTF-16.
fn peek(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    open(path)?.take(512).read_to_end(&mut head)?;
    Ok(head)
}

/// UTF-16 by its byte-order mark, or without one by the zero bytes ASCII characters (the
/// header's column names) leave on one side of nearly every pair of the first 512 bytes.
fn utf16_in(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(512)];
    match head {
        [0xff, 0xfe, ..] => return Some(encoding_rs::UTF_16LE),
        [0xfe, 0xff, ..] => return Some(encoding_rs::UTF_16BE),
        _ => {}
    }
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let zeros = |side: usize| head.chunks_exact(2).filter(|p| p[side] == 0).count();
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let few = |n: usize| n * 10 <= pairs;
    match (zeros(0), zeros(1)) {
        (even, odd) if few(even) && mostly(odd) => Some(encoding_rs::UTF_16LE),
        (even, odd) if mostly(even) && few(odd) => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}
