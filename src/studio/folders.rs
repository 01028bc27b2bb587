//! The folders a studio may touch: which file a name from the page means,
//! and writing a file there with no gap between the check and the write.
//!
//! A name is resolved following links, and what it leads to must lie
//! inside a folder the studio was given ([`Folders::resolve`],
//! [`Folders::place`]). The write itself then follows no link at all: from
//! the folder, opened when the studio started, each directory on the way is
//! opened with `O_NOFOLLOW`; the bytes go to a new temporary file in the
//! last one (`O_CREAT | O_EXCL`); and that file is renamed onto the name
//! (which replaces the entry, never writes through it) or, for a file that
//! must be new, linked to it (which fails if anything has taken the name).
//! The kernel checks each step as it is taken, so a link put in the way
//! after the name was resolved makes the write fail instead of lead out:
//! what was checked is what is written. Saves into one file are made one
//! at a time under that file's lock ([`Folders::lock`]).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::StatusCode;

use super::Refusal;

/// The folders given on the command line, each opened once.
pub struct Folders {
    roots: Vec<Root>,
    /// One lock per file being saved into, while anyone holds it.
    locks: Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>,
}

/// A folder given on the command line: its canonical path and, on Unix,
/// the folder itself, held open.
struct Root {
    path: PathBuf,
    #[cfg(unix)]
    dir: std::os::fd::OwnedFd,
}

/// Where a file the studio writes goes: inside which folder, through which
/// directories (made if missing), under which name.
#[derive(Debug)]
pub struct Place {
    root: usize,
    dirs: Vec<OsString>,
    name: OsString,
    /// The file's path, links followed: the key of its lock.
    pub path: PathBuf,
}

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Over the file of that name, if there is one (atomically).
    Replace,
    /// As a new file: refused if the name is taken, even by a link.
    New,
}

impl Folders {
    /// The folders at `roots` (canonical paths), opened; or the one that
    /// does not open, and why.
    pub fn new(roots: Vec<PathBuf>) -> Result<Folders, (PathBuf, std::io::Error)> {
        let roots = roots
            .into_iter()
            .map(|path| {
                #[cfg(unix)]
                let dir = {
                    use rustix::fs::{Mode, OFlags};
                    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                    match rustix::fs::open(&path, flags, Mode::empty()) {
                        Ok(dir) => dir,
                        Err(e) => return Err((path, e.into())),
                    }
                };
                Ok(Root {
                    path,
                    #[cfg(unix)]
                    dir,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Folders {
            roots,
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// The file `shown` names, inside one of the folders; nothing else,
    /// however it is spelt (`..`, an absolute path, a link leading out).
    pub fn resolve(&self, shown: &str) -> Result<PathBuf, Refusal> {
        let relative = Path::new(shown);
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if shown.is_empty() || !plain {
            return Err(Refusal::outside(shown));
        }
        for root in &self.roots {
            let candidate = root.path.join(relative);
            if let Ok(real) = std::fs::canonicalize(&candidate) {
                if real.starts_with(&root.path) && real.is_file() {
                    return Ok(real);
                }
            }
        }
        Err(Refusal::outside(shown))
    }

    /// Where a file written at `path` (shown to the page as `shown`) would
    /// really go, links followed: refused unless that is inside a folder.
    /// An existing name that is a link is written at the link's target.
    pub fn place(&self, path: &Path, shown: &str) -> Result<Place, Refusal> {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let real = if is_link {
            // A link to nothing leads nowhere the studio may write.
            std::fs::canonicalize(path).ok()
        } else {
            resolved(path)
        };
        let real = real.ok_or_else(|| Refusal::leads_out(shown))?;
        for (index, root) in self.roots.iter().enumerate() {
            let Ok(relative) = real.strip_prefix(&root.path) else {
                continue;
            };
            let mut parts: Vec<OsString> = Vec::new();
            for component in relative.components() {
                match component {
                    Component::Normal(part) => parts.push(part.to_os_string()),
                    _ => return Err(Refusal::leads_out(shown)),
                }
            }
            let Some(name) = parts.pop() else {
                return Err(Refusal::leads_out(shown));
            };
            return Ok(Place {
                root: index,
                dirs: parts,
                name,
                path: real,
            });
        }
        Err(Refusal::leads_out(shown))
    }

    /// The lock of the file at `path` (resolved): a save holds it from
    /// reading the file to replacing it.
    pub fn lock(&self, path: &Path) -> Arc<Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        // A lock no one holds any more is forgotten.
        locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        locks.entry(path.to_path_buf()).or_default().clone()
    }

    /// Writes `bytes` at `place`, whole or not at all, as `how` says;
    /// `shown` names it in a refusal.
    pub fn write(
        &self,
        place: &Place,
        bytes: &[u8],
        how: Write,
        shown: &str,
    ) -> Result<(), Refusal> {
        let result = self.write_at(place, bytes, how);
        result.map_err(|e| refusal(&e, shown))
    }

    /// Removes the file at `place`, the name itself and never a link's
    /// target; `shown` names it in a refusal.
    pub fn remove(&self, place: &Place, shown: &str) -> Result<(), Refusal> {
        self.remove_at(place).map_err(|e| refusal(&e, shown))
    }

    #[cfg(unix)]
    fn remove_at(&self, place: &Place) -> std::io::Result<()> {
        let dir = self.open_dirs(place, false)?;
        rustix::fs::unlinkat(&dir, place.name.as_os_str(), rustix::fs::AtFlags::empty())?;
        let _ = rustix::fs::fsync(&dir);
        Ok(())
    }

    #[cfg(not(unix))]
    fn remove_at(&self, place: &Place) -> std::io::Result<()> {
        let root = &self.roots[place.root].path;
        let parent = place.path.parent().unwrap_or(root);
        if !std::fs::canonicalize(parent)?.starts_with(root) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "leads outside the folders",
            ));
        }
        std::fs::remove_file(&place.path)
    }

    /// The directory `place` is in, opened from its folder one step at a
    /// time with no link followed; missing ones made when `make`.
    #[cfg(unix)]
    fn open_dirs(&self, place: &Place, make: bool) -> std::io::Result<std::os::fd::OwnedFd> {
        use rustix::fs::{Mode, OFlags};
        use rustix::io::Errno;
        let root = &self.roots[place.root];
        let walk = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mut dir = rustix::fs::openat(&root.dir, ".", walk, Mode::empty())?;
        for part in &place.dirs {
            let next = match rustix::fs::openat(&dir, part.as_os_str(), walk, Mode::empty()) {
                Err(Errno::NOENT) if make => {
                    match rustix::fs::mkdirat(&dir, part.as_os_str(), Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(e.into()),
                    }
                    rustix::fs::openat(&dir, part.as_os_str(), walk, Mode::empty())?
                }
                other => other?,
            };
            dir = next;
        }
        Ok(dir)
    }

    #[cfg(unix)]
    fn write_at(&self, place: &Place, bytes: &[u8], how: Write) -> std::io::Result<()> {
        use rustix::fs::{AtFlags, Mode};
        use rustix::io::Errno;
        use std::io::Write as _;

        let dir = self.open_dirs(place, true)?;
        let (temporary, fd) = create_temporary(&dir)?;
        let mut cleanup = Unlink {
            dir: &dir,
            name: Some(&temporary),
        };
        let mut file = std::fs::File::from(fd);
        file.write_all(bytes)?;
        if how == Write::Replace {
            // An existing file keeps its mode.
            if let Ok(existing) =
                rustix::fs::statat(&dir, place.name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW)
            {
                if rustix::fs::FileType::from_raw_mode(existing.st_mode).is_file() {
                    rustix::fs::fchmod(&file, Mode::from_raw_mode(existing.st_mode & 0o7777))?;
                }
            }
        }
        file.sync_all()?;
        match how {
            Write::Replace => {
                rustix::fs::renameat(&dir, &temporary, &dir, place.name.as_os_str())?;
                cleanup.name = None;
            }
            Write::New => {
                match rustix::fs::linkat(
                    &dir,
                    &temporary,
                    &dir,
                    place.name.as_os_str(),
                    AtFlags::empty(),
                ) {
                    Ok(()) => {}
                    // A file system without hard links: a rename that
                    // refuses to replace.
                    #[cfg(target_os = "linux")]
                    Err(Errno::PERM | Errno::OPNOTSUPP) => {
                        rustix::fs::renameat_with(
                            &dir,
                            &temporary,
                            &dir,
                            place.name.as_os_str(),
                            rustix::fs::RenameFlags::NOREPLACE,
                        )?;
                        cleanup.name = None;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        // The new name is durable once its directory is.
        let _ = rustix::fs::fsync(&dir);
        Ok(())
    }

    /// Elsewhere than Unix there is no `openat`: the path is checked again
    /// just before the write, which leaves a small gap the Unix way has not.
    #[cfg(not(unix))]
    fn write_at(&self, place: &Place, bytes: &[u8], how: Write) -> std::io::Result<()> {
        let root = &self.roots[place.root].path;
        let parent = place.path.parent().unwrap_or(root);
        std::fs::create_dir_all(parent)?;
        if !std::fs::canonicalize(parent)?.starts_with(root) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "leads outside the folders",
            ));
        }
        let written = match how {
            Write::Replace => crate::output::write_atomic(&place.path, bytes),
            Write::New => crate::output::write_new(&place.path, bytes),
        };
        written.map_err(|d| {
            let kind = if d.kind == crate::diagnostic::ErrorKind::Conflict {
                std::io::ErrorKind::AlreadyExists
            } else {
                std::io::ErrorKind::Other
            };
            std::io::Error::new(kind, d.message)
        })
    }
}

/// `path` with links followed as far as it exists; the missing rest (a
/// folder the write will make, the new file's name) appended.
fn resolved(path: &Path) -> Option<PathBuf> {
    let mut missing: Vec<&std::ffi::OsStr> = Vec::new();
    let mut at = path;
    loop {
        match std::fs::canonicalize(at) {
            Ok(mut real) => {
                real.extend(missing.iter().rev());
                return Some(real);
            }
            Err(_) => {
                missing.push(at.file_name()?);
                at = at.parent()?;
            }
        }
    }
}

/// A refusal in words for a write that failed with `error`.
fn refusal(error: &std::io::Error, shown: &str) -> Refusal {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        // A link (or a file) where a directory was, put there after the check.
        if matches!(
            Errno::from_io_error(error),
            Some(Errno::LOOP | Errno::NOTDIR)
        ) {
            return Refusal::leads_out(shown);
        }
    }
    if error.kind() == std::io::ErrorKind::AlreadyExists {
        return Refusal {
            status: StatusCode::CONFLICT,
            message: format!("`{shown}` already exists; choose another name"),
        };
    }
    Refusal::bad(format!(
        "cannot write `{shown}`: {error}; nothing was written"
    ))
}

/// A new, empty temporary file in `dir`, by a name no one has, with the
/// mode a new file gets (0666 less the umask).
#[cfg(unix)]
fn create_temporary(
    dir: &std::os::fd::OwnedFd,
) -> std::io::Result<(OsString, std::os::fd::OwnedFd)> {
    use rustix::fs::{Mode, OFlags};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut last = None;
    for _ in 0..100 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = OsString::from(format!(
            ".elplan-{}-{}-{nanos:08x}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        match rustix::fs::openat(dir, name.as_os_str(), flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => return Ok((name, fd)),
            Err(rustix::io::Errno::EXIST) => last = Some(rustix::io::Errno::EXIST),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.map_or_else(|| std::io::Error::other("no temporary name"), Into::into))
}

/// Removes a temporary file's name when dropped, unless it was renamed.
#[cfg(unix)]
struct Unlink<'a> {
    dir: &'a std::os::fd::OwnedFd,
    name: Option<&'a OsString>,
}

#[cfg(unix)]
impl Drop for Unlink<'_> {
    fn drop(&mut self) {
        if let Some(name) = self.name {
            let _ = rustix::fs::unlinkat(self.dir, name.as_os_str(), rustix::fs::AtFlags::empty());
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn folders(root: &Path) -> Folders {
        Folders::new(vec![std::fs::canonicalize(root).unwrap()]).unwrap()
    }

    #[test]
    fn a_link_put_in_the_way_after_the_check_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("served");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(served.join("scenarios")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        let folders = folders(&served);
        let target = served.join("scenarios/x.ron");
        let place = folders.place(&target, "scenarios/x.ron").unwrap();
        // Between the check and the write, the folder becomes a link out.
        std::fs::remove_dir(served.join("scenarios")).unwrap();
        std::os::unix::fs::symlink(&outside, served.join("scenarios")).unwrap();
        for how in [Write::New, Write::Replace] {
            let refused = folders
                .write(&place, b"x", how, "scenarios/x.ron")
                .unwrap_err();
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.message);
        }
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    }

    #[test]
    fn a_name_that_is_a_link_is_replaced_at_its_target_inside_and_refused_outside() {
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("served");
        std::fs::create_dir(&served).unwrap();
        std::fs::write(served.join("real.ron"), "old").unwrap();
        std::fs::write(dir.path().join("secret.ron"), "secret").unwrap();
        std::os::unix::fs::symlink("real.ron", served.join("inside.ron")).unwrap();
        std::os::unix::fs::symlink("../secret.ron", served.join("out.ron")).unwrap();
        std::os::unix::fs::symlink("nothing.ron", served.join("dangling.ron")).unwrap();
        let folders = folders(&served);
        let place = folders
            .place(&served.join("inside.ron"), "inside.ron")
            .unwrap();
        folders
            .write(&place, b"new", Write::Replace, "inside.ron")
            .unwrap();
        assert_eq!(std::fs::read(served.join("real.ron")).unwrap(), b"new");
        assert!(std::fs::symlink_metadata(served.join("inside.ron"))
            .unwrap()
            .file_type()
            .is_symlink());
        for name in ["out.ron", "dangling.ron"] {
            let refused = folders.place(&served.join(name), name).unwrap_err();
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        }
        // A new file never takes a name a link has, even a dangling one.
        let place = Place {
            root: 0,
            dirs: Vec::new(),
            name: "dangling.ron".into(),
            path: served.join("dangling.ron"),
        };
        let refused = folders
            .write(&place, b"x", Write::New, "dangling.ron")
            .unwrap_err();
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(!served.join("nothing.ron").exists());
        assert_eq!(
            std::fs::read(dir.path().join("secret.ron")).unwrap(),
            b"secret"
        );
        // No temporary file is left behind.
        let stray: Vec<_> = std::fs::read_dir(&served)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".elplan-"))
            .collect();
        assert!(stray.is_empty());
    }

    #[test]
    fn a_file_keeps_its_mode_when_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("d.ron");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let folders = folders(dir.path());
        let place = folders.place(&file, "d.ron").unwrap();
        folders
            .write(&place, b"new", Write::Replace, "d.ron")
            .unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
