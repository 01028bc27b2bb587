//! A PDF print's browser and its work folder, and stopping them. The
//! browser runs in a process group of its own, so that it and every process
//! it starts stop together; the folder (the page, the PDF, a browser
//! profile) is removed once no process of the group can write in it any
//! more. Each job is registered from the moment its folder exists until
//! the folder is gone, so that a program stopping on a signal, where no
//! clean-up of its own runs, ends them all with [`stop_all`].

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A job as [`stop_all`] sees it.
struct Entry {
    id: u64,
    /// The browser's process group, once started.
    group: Option<u32>,
    dir: PathBuf,
}

/// Every job whose folder exists.
static JOBS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// Set by [`stop_all`]: no job starts after it.
static STOPPING: AtomicBool = AtomicBool::new(false);

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn jobs() -> MutexGuard<'static, Vec<Entry>> {
    JOBS.lock().unwrap_or_else(|e| e.into_inner())
}

fn stopping_now() -> std::io::Error {
    std::io::Error::other("elplan is stopping")
}

/// Stops every print running now (its browser's whole process group) and
/// removes its work folder; prints asked for afterwards fail. For a program
/// stopping on a signal. Call it from a thread, not a signal handler.
pub fn stop_all() {
    let taken = {
        let mut jobs = jobs();
        STOPPING.store(true, Ordering::SeqCst);
        std::mem::take(&mut *jobs)
    };
    for group in taken.iter().filter_map(|e| e.group) {
        kill_group(group);
    }
    for entry in &taken {
        if let Some(group) = entry.group {
            wait_for_group(group);
        }
        remove(&entry.dir);
    }
}

/// Whether [`stop_all`] has been called: the program is stopping, and a
/// print that failed now failed for that.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// A print's work folder and, once started, its browser.
pub(crate) struct Job {
    id: u64,
    work: PathBuf,
    child: Option<Child>,
}

impl Job {
    /// A new work folder in the temporary directory, registered.
    pub(crate) fn new() -> std::io::Result<Job> {
        let mut jobs = jobs();
        if stopping() {
            return Err(stopping_now());
        }
        let work = tempfile::Builder::new()
            .prefix(".elplan-print-")
            .tempdir()?
            .keep();
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        jobs.push(Entry {
            id,
            group: None,
            dir: work.clone(),
        });
        Ok(Job {
            id,
            work,
            child: None,
        })
    }

    /// The work folder.
    pub(crate) fn path(&self) -> &Path {
        &self.work
    }

    /// Starts the browser, `command`, as the leader of a process group of
    /// its own.
    pub(crate) fn start(&mut self, mut command: Command) -> std::io::Result<()> {
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut jobs = jobs();
        let entry = jobs
            .iter_mut()
            .find(|e| e.id == self.id)
            .ok_or_else(stopping_now)?;
        let child = command.spawn()?;
        entry.group = Some(child.id());
        self.child = Some(child);
        Ok(())
    }

    /// The browser's exit status, once it has ended.
    pub(crate) fn try_wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        match &mut self.child {
            Some(child) => child.try_wait(),
            None => Err(std::io::Error::other("the browser was not started")),
        }
    }
}

impl Drop for Job {
    /// The browser and its group stopped, the folder removed, and only
    /// then the job forgotten.
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            kill_group(child.id());
            let _ = child.wait();
            wait_for_group(child.id());
        }
        remove(&self.work);
        jobs().retain(|e| e.id != self.id);
    }
}

/// Removes `dir`, trying again while a process that was just stopped may
/// still be closing files in it.
fn remove(dir: &Path) {
    for _ in 0..40 {
        if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Kills the process group `group`.
fn kill_group(group: u32) {
    #[cfg(unix)]
    if let Some(group) = leader(group) {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
}

/// Waits, at most two seconds, until no process of `group` runs: a killed
/// process may still finish writing a file.
fn wait_for_group(group: u32) {
    for _ in 0..200 {
        if !group_runs(group) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a process of `group` runs (a zombie, dead but not yet reaped,
/// does not: its new parent may never reap it).
#[cfg(target_os = "linux")]
fn group_runs(group: u32) -> bool {
    let group = group.to_string();
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return false;
    };
    processes.flatten().any(|process| {
        // `pid (name) state ppid pgrp …`; the name may hold anything.
        std::fs::read_to_string(process.path().join("stat")).is_ok_and(|stat| {
            stat.rsplit_once(") ").is_some_and(|(_, rest)| {
                let mut fields = rest.split(' ');
                let state = fields.next();
                let pgrp = fields.nth(1);
                !matches!(state, Some("Z" | "X")) && pgrp == Some(group.as_str())
            })
        })
    })
}

/// Whether a process of `group` exists.
#[cfg(all(unix, not(target_os = "linux")))]
fn group_runs(group: u32) -> bool {
    leader(group).is_some_and(|group| rustix::process::test_kill_process_group(group).is_ok())
}

/// The process id of a group's leader, as the system takes it.
#[cfg(unix)]
fn leader(group: u32) -> Option<rustix::process::Pid> {
    rustix::process::Pid::from_raw(i32::try_from(group).ok()?)
}

#[cfg(not(unix))]
fn group_runs(_group: u32) -> bool {
    false
}
