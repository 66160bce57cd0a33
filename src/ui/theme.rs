//! Colours, or none: with `NO_COLOR` set every style falls back to bold/reverse/plain.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn band(self, band: Option<&str>) -> Style {
        match band {
            Some("green") => self.fg(Color::Green),
            Some("yellow") => self.fg(Color::Yellow),
            Some("red") => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            _ => Style::new(),
        }
    }

    /// The style of a text tab's row.
    pub fn tone(self, tone: crate::app::Tone) -> Style {
        match tone {
            crate::app::Tone::Title => self.title(),
            crate::app::Tone::Header => self.header(),
            crate::app::Tone::Dim => self.dim(),
            crate::app::Tone::Plain => Style::new(),
        }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn success(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn highlight(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
}
