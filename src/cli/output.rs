//! Where command output goes: a file written atomically, or standard
//! output, where a closed pipe is not an error.

use std::io::Write;
use std::path::Path;

use elplan::Diagnostics;

use super::args::ReportFormat;

/// Writes `text` to `output` atomically, or to standard output.
pub fn emit(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            Ok(elplan::output::write_atomic(path, text.as_bytes()).map_err(Diagnostics::from)?)
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
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
