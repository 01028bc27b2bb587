//! `elplan batch`: many districts planned at once, one plan each plus
//! `summary.csv`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use elplan::session::{Session, Sources};
use elplan::{Diagnostic, Diagnostics};

use super::args::FormatArg;
use super::Status;

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// District files, or directories of them
    #[arg(required = true, value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// Where the plans and summary.csv go
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// What to write for each district: one file `<id>.<format>` each
    #[arg(long, value_enum, default_value = "md")]
    format: FormatArg,
}

/// The district files among `inputs` (directories searched), each once;
/// links to what was already found and scenario files are skipped with a
/// word. None is an error.
pub fn district_inputs(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let (files, skipped) = elplan::batch::district_files(inputs)?;
    for path in &skipped {
        eprintln!(
            "skipped {}: it leads to a file or folder already planned (a link)",
            path.display()
        );
    }
    let (files, scenarios) = elplan::scenario::set_apart(files);
    if let Some(said) = skipped_scenarios(&scenarios) {
        eprintln!("{said}");
    }
    if files.is_empty() {
        return Err(Diagnostics::from(Diagnostic::of(
            elplan::ErrorKind::Argument,
            &inputs[0],
            "no district files (.ron) found",
        ))
        .into());
    }
    Ok(files)
}

/// A line saying which scenario files were passed over, if any.
pub fn skipped_scenarios(scenarios: &[PathBuf]) -> Option<String> {
    let names: Vec<String> = scenarios.iter().map(|p| p.display().to_string()).collect();
    match names.len() {
        0 => None,
        1 => Some(format!(
            "skipped 1 scenario file (a what-if, not a district): {}",
            names[0]
        )),
        n => Some(format!(
            "skipped {n} scenario files (what-ifs, not districts): {}",
            elplan::diagnostic::fold(&names, 5)
        )),
    }
}

pub fn run(sources: &Sources, args: &BatchArgs) -> anyhow::Result<Status> {
    if args.format == FormatArg::Pdf {
        super::signals::stop_printing_on_signals();
    }
    let session = Session::load(sources)?;
    let files = district_inputs(&args.inputs)?;
    let outcomes = elplan::batch::run(&session, &files, &args.out_dir, args.format.into())?;
    let warnings: Vec<Diagnostic> = outcomes
        .iter()
        .flat_map(|o| o.warnings.iter().cloned())
        .collect();
    if !warnings.is_empty() {
        let _ = write!(std::io::stderr().lock(), "{}", Diagnostics(warnings));
    }
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| {
            o.error
                .as_ref()
                .map(|e| format!("{}\n", e.to_string().trim_end()))
        })
        .collect();
    let summary = format!(
        "planned {} of {} districts into {}{}",
        outcomes.len() - failed.len(),
        outcomes.len(),
        args.out_dir.display(),
        if failed.is_empty() {
            String::new()
        } else {
            format!("; {} failed (see summary.csv)", failed.len())
        }
    );
    Ok(super::output::report_problems(&failed, &summary))
}
