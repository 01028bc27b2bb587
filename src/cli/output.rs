//! Where command output goes: a file written atomically, or standard
//! output, where a closed pipe is not an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use elplan::Diagnostics;

use super::args::ReportFormat;

/// Prints on standard error each team decision `plan` cannot use, as a
/// warning at its place in `file`.
pub fn warn(plan: &elplan::Plan<'_>, file: &Path) {
    if !plan.warnings.is_empty() {
        let warnings = plan.warnings.iter().map(|w| w.diagnostic(file)).collect();
        let _ = write!(std::io::stderr().lock(), "{}", Diagnostics(warnings));
    }
}

/// Writes `text` to `output` atomically, or to standard output.
pub fn emit(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    emit_bytes(output, text.as_bytes())
}

/// Writes `bytes` to `output` atomically, or to standard output.
pub fn emit_bytes(output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => Ok(elplan::output::write_atomic(path, bytes).map_err(Diagnostics::from)?),
        None => match write_stdout(bytes) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(anyhow::anyhow!(
                "cannot write to standard output ({e}), so the output is lost: give --output FILE, or leave standard output open"
            )),
            _ => Ok(()),
        },
    }
}

/// Writes to standard output so that every failure is seen: Rust's own
/// standard output treats a closed descriptor (`>&-`) as a sink that
/// swallows everything, so the bytes go through a duplicate of it, which
/// cannot be made from a closed one.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    if stdout_was_closed() {
        return Err(std::io::Error::other("it was closed when elplan started"));
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let stdout = std::io::stdout();
        let _lock = stdout.lock();
        let fd = stdout.as_fd().try_clone_to_owned()?;
        let mut file = std::fs::File::from(fd);
        file.write_all(bytes)?;
        file.flush()
    }
    #[cfg(not(unix))]
    {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()
    }
}

/// Whether standard output was closed when the process started (see
/// `STDOUT_CLOSED` in main.rs): a shell's `> /dev/null` is no error, a
/// closed descriptor is.
#[cfg(target_os = "linux")]
fn stdout_was_closed() -> bool {
    crate::STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(not(target_os = "linux"))]
fn stdout_was_closed() -> bool {
    false
}

/// The canonical form of a path that may not exist yet: its directory's
/// canonical form and its name, through symlinks.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(found) = std::fs::canonicalize(path) {
        return Some(found);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(path.file_name()?))
}

/// Refuses an output file that is one of the command's input files, or
/// lies inside one of its input directories: writing it would destroy
/// what the run read.
pub fn refuse_overwriting_inputs(
    output: &Path,
    files: &[&Path],
    dirs: &[&Path],
) -> Result<(), Diagnostics> {
    let Some(out) = canonical(output) else {
        return Ok(());
    };
    let same = files.iter().any(|f| canonical(f).is_some_and(|f| f == out));
    let inside = dirs
        .iter()
        .any(|d| std::fs::canonicalize(d).is_ok_and(|d| out.starts_with(d)));
    if same || inside {
        return Err(Diagnostics::from(
            elplan::Diagnostic::of(
                elplan::ErrorKind::Conflict,
                output,
                "the output file is an input of this run (the district file, a scenario, or inside the rule or template directory): writing it would destroy it",
            )
            .with_hint("choose another output file with -o"),
        ));
    }
    Ok(())
}

/// Reports a run over many files or rows on standard error: its first 50
/// problems (a run with thousands is not a screenful per problem), a count
/// of the rest, then `summary`; the run failed if there was any problem.
pub fn report_problems(problems: &[String], summary: &str) -> super::Status {
    const SHOWN: usize = 50;
    let mut stderr = std::io::stderr().lock();
    for problem in problems.iter().take(SHOWN) {
        let _ = write!(stderr, "{problem}");
    }
    if problems.len() > SHOWN {
        let _ = writeln!(stderr, "… and {} more like these", problems.len() - SHOWN);
    }
    let _ = writeln!(stderr, "{summary}");
    if problems.is_empty() {
        super::Status::Success
    } else {
        super::Status::Failure
    }
}

/// Prints a report as text for people or as JSON for programs.
pub fn print_report<T: serde::Serialize>(
    format: ReportFormat,
    value: &T,
    text: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let out = match format {
        ReportFormat::Text => text(),
        ReportFormat::Json => {
            let mut json = serde_json::to_string_pretty(value)?;
            json.push('\n');
            json
        }
    };
    emit(None, &out)
}
