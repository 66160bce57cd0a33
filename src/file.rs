//! Files written whole or not at all: the content goes to a temporary file beside the target,
//! which takes the target's name only once it is complete. A full disk or an interrupted
//! write leaves no empty or half-written export behind.

use std::io::{BufWriter, Write};
use std::path::Path;

/// Content written and flushed, not yet under its name.
pub struct Written(tempfile::NamedTempFile);

/// Writes the content beside `path` (in its folder).
pub fn write_beside(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<Written> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".retain-")
        .suffix(".part")
        .tempfile_in(dir)?;
    {
        let mut out = BufWriter::new(file.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    file.as_file().sync_all()?;
    Ok(Written(file))
}

impl Written {
    /// Gives the content its name, replacing a file of that name.
    pub fn replace(self, path: &Path) -> std::io::Result<()> {
        self.0.persist(path).map(drop).map_err(|e| e.error)
    }

    /// Gives the content its name only if no file has it; otherwise hands the content back.
    pub fn keep_new(self, path: &Path) -> Result<(), (Written, std::io::Error)> {
        self.0
            .persist_noclobber(path)
            .map(drop)
            .map_err(|e| (Written(e.file), e.error))
    }
}

/// Writes the file whole, replacing one of that name.
pub fn write_whole(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_beside(path, write)?.replace(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let failed = write_whole(&path, |out: &mut dyn Write| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn keep_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "mine").unwrap();
        let written = write_beside(&path, |out| out.write_all(b"new")).unwrap();
        let (written, e) = written.keep_new(&path).err().unwrap();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        written
            .keep_new(&dir.path().join("out-2.csv"))
            .ok()
            .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out-2.csv")).unwrap(),
            "new"
        );
    }
}
