//! Writing output files whole or not at all, to the file the user means.
//!
//! Every regular file elplan writes goes to a temporary file in the target's
//! directory and is renamed over the target only once it is complete, so a
//! failed run never leaves a half-written or truncated file behind. A
//! symlink's target is replaced, not the link; a device or FIFO
//! (`/dev/null`) is written directly; a new file gets the mode the umask
//! gives and an existing one keeps its own.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, ErrorKind};

/// The file a path means: a symlink's final target (which may not exist
/// yet), or the path itself.
fn target(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    // A loop of links resolves no further than 40 steps, as the kernel.
    for _ in 0..40 {
        match std::fs::read_link(&at) {
            Ok(next) => {
                at = match at.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                }
            }
            Err(_) => break,
        }
    }
    at
}

/// Writes `contents` to `path` whole or not at all: to a temporary file in
/// the same directory, then renamed into place.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::of(ErrorKind::Io, path, format!("cannot write the file: {e}"))
    };
    let target = target(path);
    let existing = std::fs::metadata(&target).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(Diagnostic::of(
                ErrorKind::Io,
                path,
                "is a directory, not a file",
            ));
        }
        if !meta.is_file() {
            // A device or FIFO: there is nothing to replace, only to write to.
            let mut device = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(fail)?;
            return device
                .write_all(contents)
                .and_then(|()| device.flush())
                .map_err(fail);
        }
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file = temporary(dir, contents).map_err(fail)?;
    if let Some(meta) = existing {
        // An existing file keeps its mode.
        std::fs::set_permissions(file.path(), meta.permissions()).map_err(fail)?;
    }
    file.as_file().sync_all().map_err(fail)?;
    file.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A temporary file in `dir` holding `contents`, with the mode a new file
/// gets (0666 less the umask).
fn temporary(dir: &Path, contents: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".elplan-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(contents)?;
    Ok(file)
}

/// Writes `contents` to a new file at `path`, whole or not at all; an
/// existing file there is never replaced ("already exists").
pub fn write_new(path: &Path, contents: &[u8]) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::of(ErrorKind::Io, path, format!("cannot write the file: {e}"))
    };
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Diagnostic::of(
            ErrorKind::Conflict,
            path,
            "already exists; choose another name",
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file = temporary(dir, contents).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    // Linked into place only if nothing took the name meanwhile.
    file.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::of(
                ErrorKind::Conflict,
                path,
                "already exists; choose another name",
            )
        } else {
            fail(e.error)
        }
    })?;
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

    #[cfg(unix)]
    #[test]
    fn a_symlink_keeps_pointing_at_its_target_which_gets_the_contents() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink("real.md", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn modes_follow_the_umask_for_new_files_and_stay_for_existing_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("shared.md");
        std::fs::write(&existing, "old").unwrap();
        std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&existing, b"new").unwrap();
        let mode = std::fs::metadata(&existing).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // A new file: the mode any program's new file gets under this umask.
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "").unwrap();
        let fresh = dir.path().join("new.md");
        write_atomic(&fresh, b"new").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), mode(&reference));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_and_stays_a_device() {
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    }
}
