//! `elplan batch`: plan many districts at once, on every core.
//!
//! Every district is planned with one compiled rule base and one template
//! environment; each plan is written atomically, and `summary.csv` lists
//! every district (id, name, findings, strategies per stage, deferred,
//! pending, status). A district that fails does not stop the others.
//! Output does not depend on the number of threads: districts are listed
//! in the order of their files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::district::District;
use crate::render::{Format, RenderOptions};
use crate::rulebase::RuleBase;
use crate::session::Session;
use crate::workplan::cell;

/// The district files among `inputs`: files as given, directories searched
/// for `.ron` files; sorted, so the order never depends on the file system.
/// Each file and directory is visited once, however many links lead to it
/// (a link back up the tree is not followed); links to what was already
/// found are returned as skipped.
pub fn district_files(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostics> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut visit = |path: &Path, skipped: &mut Vec<PathBuf>| -> bool {
        let new = std::fs::canonicalize(path).is_ok_and(|real| seen.insert(real));
        if !new {
            skipped.push(path.to_path_buf());
        }
        new
    };
    for input in inputs {
        if !input.is_dir() {
            // A file that cannot be found is planned anyway, to be reported.
            if !input.exists() || visit(input, &mut skipped) {
                files.push(input.clone());
            }
            continue;
        }
        if !visit(input, &mut skipped) {
            continue;
        }
        let mut stack = vec![input.clone()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| {
                Diagnostic::of(
                    ErrorKind::Io,
                    &dir,
                    format!("cannot read the directory: {e}"),
                )
            })?;
            let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            entries.sort();
            for path in entries {
                let wanted = path.is_dir() || path.extension().is_some_and(|e| e == "ron");
                if !wanted || !visit(&path, &mut skipped) {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    skipped.sort();
    Ok((files, skipped))
}

/// A progress bar over `districts` on standard error, when it is a
/// terminal (a pipe or a file gets no bar).
pub(crate) fn progress_bar(districts: usize) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(districts as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} districts, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// What `summary.csv` says of a planned district.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// Findings that fired.
    pub findings: usize,
    /// Strategies scheduled in each stage.
    pub stages: Vec<usize>,
    /// Strategies deferred.
    pub deferred: usize,
    /// Findings and strategies pending data.
    pub pending: usize,
}

/// One district's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The district file.
    pub file: PathBuf,
    /// The district's id, or the file's stem when it did not load.
    pub id: String,
    /// The district's name, when it loaded.
    pub name: String,
    /// What its plan holds, when it was planned.
    pub counts: Option<Counts>,
    /// Why it was not planned.
    pub error: Option<Diagnostics>,
    /// The team decisions its plan cannot use.
    pub warnings: Vec<Diagnostic>,
}

/// A district planned and rendered, or why not.
type Planned = Result<(District, Vec<u8>, Counts, Vec<Diagnostic>), Diagnostics>;

/// Plans every file and writes `<id>.<ext>` into `out_dir`, then
/// `summary.csv`. Returns each district's outcome, in file order.
pub fn run(
    session: &Session,
    files: &[PathBuf],
    out_dir: &Path,
    format: Format,
) -> Result<Vec<Outcome>, Diagnostics> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        Diagnostic::of(
            ErrorKind::Io,
            out_dir,
            format!("cannot create the output directory: {e}"),
        )
    })?;
    let ext = format.extension();
    let progress = progress_bar(files.len());
    let planned: Vec<(PathBuf, Planned)> = files
        .par_iter()
        .map(|file| {
            let result = (|| {
                let district = District::load(file)?;
                let plan = session.plan(&district, file)?;
                let text =
                    session.document(format, &plan, &district, file, &RenderOptions::default())?;
                let counts = Counts {
                    findings: plan.findings.len(),
                    stages: plan.stages.iter().map(|s| s.strategies.len()).collect(),
                    deferred: plan.deferred.len(),
                    pending: plan.pending.len(),
                };
                let warnings = plan.warnings.iter().map(|w| w.diagnostic(file)).collect();
                Ok((district, text, counts, warnings))
            })();
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            (file.clone(), result)
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    // Ids are claimed in file order, so a duplicate is always the later file.
    // A workplan named `summary` would be the summary sheet: that id is taken.
    let mut seen = std::collections::HashSet::new();
    if format == Format::Csv {
        seen.insert("summary".to_string());
    }
    let mut outcomes = Vec::with_capacity(planned.len());
    let mut writes = Vec::new();
    for (file, result) in planned {
        outcomes.push(match result {
            Ok((district, text, counts, warnings)) => {
                if seen.insert(district.id.clone()) {
                    writes.push((out_dir.join(format!("{}.{ext}", district.id)), text));
                    Outcome {
                        file,
                        id: district.id,
                        name: district.name,
                        counts: Some(counts),
                        error: None,
                        warnings,
                    }
                } else {
                    let error = Some(Diagnostics::from(Diagnostic::of(
                        ErrorKind::Conflict,
                        &file,
                        format!(
                            "duplicate id `{}`: another district file already has it",
                            district.id
                        ),
                    )));
                    Outcome {
                        file,
                        id: district.id,
                        name: district.name,
                        counts: None,
                        error,
                        warnings,
                    }
                }
            }
            Err(error) => Outcome {
                id: String::new(),
                name: String::new(),
                file,
                counts: None,
                error: Some(error),
                warnings: Vec::new(),
            },
        });
    }
    let written: Vec<Result<(), Diagnostic>> = writes
        .par_iter()
        .map(|(path, bytes)| crate::output::write_atomic(path, bytes))
        .collect();
    if let Some(Err(d)) = written.into_iter().find(Result::is_err) {
        return Err(d.into());
    }
    crate::output::write_atomic(
        &out_dir.join("summary.csv"),
        summary(session.rules(), &outcomes).as_bytes(),
    )
    .map_err(Diagnostics::from)?;
    Ok(outcomes)
}

/// `summary.csv`: one row per district file, in file order.
fn summary(rules: &RuleBase, outcomes: &[Outcome]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "id".to_string(),
        "name".to_string(),
        "file".to_string(),
        "findings".to_string(),
    ];
    header.extend(rules.stages.iter().map(|s| s.id.clone()));
    header.extend(["deferred", "pending", "status"].map(String::from));
    let _ = writer.write_record(&header);
    for o in outcomes {
        let file = o.file.display().to_string();
        let mut row = vec![cell(&o.id), cell(&o.name), cell(&file)];
        match &o.counts {
            Some(counts) => {
                row.push(counts.findings.to_string());
                row.extend(counts.stages.iter().map(ToString::to_string));
                row.extend([
                    counts.deferred.to_string(),
                    counts.pending.to_string(),
                    "ok".to_string(),
                ]);
            }
            None => {
                row.extend(std::iter::repeat_n(String::new(), rules.stages.len() + 3));
                let first = o
                    .error
                    .as_ref()
                    .and_then(|e| e.0.first())
                    .map_or("", |d| d.message.lines().next().unwrap_or(""));
                row.push(cell(&format!("error: {first}")));
            }
        }
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_would_be_a_formula_is_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Mendota Unified"), "Mendota Unified");
    }
}
