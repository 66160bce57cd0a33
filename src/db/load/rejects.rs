//! The rows `--skip-bad-rows` sets aside, written beside the database with where each was and
//! why.

use std::path::{Path, PathBuf};

use super::source::Input;
use super::stage::Staged;
use crate::error::{Error, Result};

pub(super) fn write_rejects_if_any(
    path: &Path,
    sources: &[Input],
    staged: &[Staged],
) -> Result<Option<PathBuf>> {
    if staged.iter().all(|s| s.rejected.is_empty()) {
        return Ok(None);
    }
    write_rejects(path, sources, staged)?;
    Ok(Some(path.to_path_buf()))
}

/// The rows set aside by `--skip-bad-rows`, each with where it was and why.
pub(super) fn write_rejects(path: &Path, sources: &[Input], staged: &[Staged]) -> Result<()> {
    crate::file::write_whole(path, |mut out| {
        crate::csv::write_safe_row(
            &mut out,
            ["table", "file", "line", "column", "rule", "value", "record"],
        )?;
        for (source, staged) in sources.iter().zip(staged) {
            for p in &staged.rejected {
                let line = p.line.to_string();
                let record = p.record.as_deref().unwrap_or_default();
                let row = [
                    source.spec.contract.name,
                    &p.file,
                    &line,
                    &p.column,
                    &p.rule,
                    &p.value,
                    record,
                ];
                crate::csv::write_safe_row(&mut out, row)?;
            }
        }
        Ok(())
    })
    .map_err(|e| Error::io(path, e))
}
