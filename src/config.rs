//! The user's configuration, the way atuin and bottom keep theirs:
//! `$XDG_CONFIG_HOME/retain/config.toml`, else `~/.config/retain/config.toml`. It names the
//! team folder (`team_dir = "/path"`); `$RETAIN_TEAM_DIR` and `--team DIR` override it.

use std::path::{Path, PathBuf};

use crate::error::{Error, ModelError, Result};

const TEAM_DIR: &str = "team_dir";

/// `$XDG_CONFIG_HOME/retain`, else `~/.config/retain`: the configuration and the playbook.
pub fn config_dir() -> PathBuf {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("retain")
}

pub fn config_path() -> PathBuf {
    config_dir().join("config.toml")
}

/// The file's table, or an empty one when there is no file; a broken file is an error at its
/// line and column.
fn read(path: &Path) -> Result<toml::Table> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(toml::Table::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    text.parse::<toml::Table>().map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        ModelError::at(
            &path.display().to_string(),
            &text,
            at,
            e.message().trim().to_owned(),
        )
        .into()
    })
}

/// The team folder: the flag or environment (`given`), else the configuration file's.
pub fn team_dir(given: Option<&Path>) -> Result<Option<PathBuf>> {
    if let Some(dir) = given {
        return Ok(Some(dir.to_path_buf()));
    }
    let path = config_path();
    match read(&path)?.get(TEAM_DIR) {
        None => Ok(None),
        Some(toml::Value::String(dir)) if !dir.is_empty() => Ok(Some(PathBuf::from(dir))),
        Some(other) => Err(Error::Usage(format!(
            "{}: team_dir must be a folder's path in quotes, not {other}",
            path.display()
        ))),
    }
}

/// Writes `team_dir` into the configuration file, keeping whatever else it holds.
pub fn save_team_dir(dir: &Path) -> Result<PathBuf> {
    let path = config_path();
    let mut table = read(&path)?;
    table.insert(
        TEAM_DIR.to_owned(),
        toml::Value::String(dir.display().to_string()),
    );
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let text = toml::to_string(&table).map_err(|e| Error::Usage(e.to_string()))?;
    crate::file::write_whole(&path, |out| std::io::Write::write_all(out, text.as_bytes()))
        .map_err(|e| Error::io(&path, e))?;
    Ok(path)
}
