//! Calendar and output: days of the sample as dates, and the CSV files it streams to.

use super::*;

pub(super) struct Calendar {
    pub(super) as_of: NaiveDate,
    pub(super) dates: Vec<String>,
    pub(super) weekday: Vec<u8>,
}

impl Calendar {
    pub(super) fn new(as_of: NaiveDate) -> Self {
        let mut dates = Vec::with_capacity(TODAY as usize + 1);
        let mut weekday = Vec::with_capacity(TODAY as usize + 1);
        for d in 0..=TODAY {
            let date = as_of - TimeDelta::days(i64::from(TODAY - d));
            dates.push(date.format("%Y-%m-%d").to_string());
            weekday.push(date.weekday().num_days_from_monday() as u8);
        }
        Calendar {
            as_of,
            dates,
            weekday,
        }
    }

    pub(super) fn date(&self, d: Day) -> NaiveDate {
        self.as_of - TimeDelta::days(i64::from(TODAY - d))
    }

    pub(super) fn day_of(&self, date: NaiveDate) -> Day {
        TODAY - (self.as_of - date).num_days() as Day
    }

    pub(super) fn is_weekend(&self, d: Day) -> bool {
        self.weekday[d as usize] >= 5
    }

    /// Moves a weekend day back to the Friday before (CSMs do not work weekends).
    pub(super) fn workday(&self, d: Day) -> Day {
        d - (i32::from(self.weekday[d as usize]) - 4).max(0)
    }
}

pub(super) enum Sink {
    Plain(File),
    Gzip(GzEncoder<File>),
}

/// A CSV file built in a large in-memory chunk that is handed to the file (or
/// compressor) in one call, so rows cost a few `memcpy`s each.
pub(super) struct CsvOut {
    pub(super) path: PathBuf,
    pub(super) sink: Sink,
    pub(super) buf: Vec<u8>,
    pub(super) rows: u64,
}

pub(super) const CHUNK: usize = 1 << 18;

impl CsvOut {
    pub(super) fn create(dir: &Path, table: &contract::Table, gzip: bool) -> io::Result<Self> {
        let stem = table.name;
        let header = table.header();
        let (file_name, level) = if gzip {
            // Level 1 compresses 5x faster than the default for ~1.5x the size,
            // which matters for the 50M-row benchmark set.
            (format!("{stem}.csv.gz"), Some(Compression::fast()))
        } else {
            (format!("{stem}.csv"), None)
        };
        let path = dir.join(file_name);
        let file = File::create(&path)?;
        let sink = match level {
            Some(level) => Sink::Gzip(GzEncoder::new(file, level)),
            None => Sink::Plain(file),
        };
        let mut buf = Vec::with_capacity(CHUNK + 4096);
        buf.extend_from_slice(header.as_bytes());
        buf.push(b'\n');
        Ok(CsvOut {
            path,
            sink,
            buf,
            rows: 0,
        })
    }

    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub(super) fn comma(&mut self) {
        self.buf.push(b',');
    }

    /// A free-text field, quoted per RFC 4180 only when it needs to be.
    pub(super) fn text(&mut self, s: &str) {
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            self.buf.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.raw(s.as_bytes());
        }
    }

    pub(super) fn uint(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
    }

    pub(super) fn two_digits(&mut self, n: u32) {
        self.buf.push(b'0' + (n / 10) as u8);
        self.buf.push(b'0' + (n % 10) as u8);
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub(super) fn timestamp(&mut self, cal: &Calendar, at: Moment, second: u32) {
        let day = at.div_euclid(MINUTES_PER_DAY) as usize;
        let minute = at.rem_euclid(MINUTES_PER_DAY) as u32;
        self.buf.extend_from_slice(cal.dates[day].as_bytes());
        self.buf.push(b'T');
        self.two_digits(minute / 60);
        self.buf.push(b':');
        self.two_digits(minute % 60);
        self.buf.push(b':');
        self.two_digits(second);
        self.buf.push(b'Z');
    }

    pub(super) fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.rows += 1;
        if self.buf.len() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    pub(super) fn drain(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Plain(f) => f.write_all(&self.buf)?,
            Sink::Gzip(g) => g.write_all(&self.buf)?,
        }
        self.buf.clear();
        Ok(())
    }

    pub(super) fn finish(mut self) -> io::Result<(PathBuf, u64)> {
        self.drain()?;
        match self.sink {
            Sink::Plain(mut f) => f.flush()?,
            Sink::Gzip(g) => g.finish()?.flush()?,
        }
        Ok((self.path, self.rows))
    }
}
