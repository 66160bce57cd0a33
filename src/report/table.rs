//! Tables: plain text for the terminal, aligned by display width so that Japanese text (two
//! columns per character) lines up, and GitHub-flavoured Markdown for reports.

use unicode_width::UnicodeWidthStr;

use crate::text::printable;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

pub struct TextTable {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl TextTable {
    pub fn new(headers: &[(&str, Align)]) -> TextTable {
        TextTable {
            headers: headers
                .iter()
                .map(|(h, a)| (printable(h).into_owned(), *a))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// A row; cells come from the data, so control characters are stripped here, once, for
    /// both the terminal and Markdown.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.iter().map(|c| printable(c).into_owned()).collect());
    }

    pub fn render(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r.get(i).map_or(0, |c| c.width()))
                    .chain([self.headers[i].0.width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let header: Vec<String> = self.headers.iter().map(|(h, _)| h.clone()).collect();
        for cells in std::iter::once(&header).chain(&self.rows) {
            let line: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, cell)| pad(cell, widths[i], self.headers[i].1))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

impl TextTable {
    /// The table in Markdown: cells escaped (a `|` or a line break would end the cell), numbers
    /// right-aligned by the column's `Align`.
    pub fn markdown(&self) -> String {
        let mut out = String::from("|");
        for (title, _) in &self.headers {
            out.push_str(&if title.is_empty() {
                " |".to_owned()
            } else {
                format!(" {} |", md_cell(title))
            });
        }
        out.push_str("\n|");
        for (_, align) in &self.headers {
            out.push_str(match align {
                Align::Left => "---|",
                Align::Right => "---:|",
            });
        }
        out.push('\n');
        for row in &self.rows {
            out.push('|');
            for cell in row {
                out.push_str(&format!(" {} |", md_cell(cell)));
            }
            out.push('\n');
        }
        out
    }
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Pads `text` to `width` display columns.
pub fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    match align {
        Align::Left => format!("{text}{fill}"),
        Align::Right => format!("{fill}{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_keep_columns_aligned() {
        let mut table = TextTable::new(&[("name", Align::Left), ("arr", Align::Right)]);
        table.row(vec!["株式会社さくら".into(), "1".into()]);
        table.row(vec!["Acme".into(), "200".into()]);
        let text = table.render();
        let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
        assert_eq!(widths, [19, 19, 19], "{text}");
    }

    #[test]
    fn markdown_escapes_cells_and_aligns_numbers_right() {
        let mut table = TextTable::new(&[("account", Align::Left), ("ARR", Align::Right)]);
        table.row(vec!["A | B\nKK".into(), "1,200".into()]);
        assert_eq!(
            table.markdown(),
            "| account | ARR |\n|---|---:|\n| A \\| B KK | 1,200 |\n"
        );
    }
}
