//! Writing output files whole or not at all.
//!
//! Every file elplan writes goes to a temporary file in the target's
//! directory and is renamed over the target only once it is complete, so a
//! failed run never leaves a half-written or truncated file behind.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::Diagnostic;

/// Writes `contents` to `path` whole or not at all: to a temporary file in
/// the same directory, then renamed into place.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| Diagnostic::new(path, format!("cannot write the file: {e}"));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".elplan-")
        .tempfile_in(dir)
        .map_err(fail)?;
    file.write_all(contents).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("plan.md");
        std::fs::write(&target, "old").unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_reported_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing").join("plan.md");
        assert!(write_atomic(&target, b"x").is_err());
        assert!(!target.exists());
    }
}
