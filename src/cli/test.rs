//! `elplan test`: expectation files run against a rule base, as a test
//! runner runs tests.

use std::path::{Path, PathBuf};

use clap::Args;

use elplan::expectations::ExpectationFile;
use elplan::rule_test::Options;
use elplan::session::{Session, Sources};
use elplan::Diagnostics;

use super::args::ReportFormat;
use super::Status;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// An expectation file, or a folder searched for `*.expect.ron`; a rule
    /// folder (one with findings.ron) is also the rule base tested, unless
    /// --rules says otherwise
    #[arg(value_name = "FILE|DIR", default_value = ".")]
    path: PathBuf,
    /// Write every expected-plan snapshot that is missing or differs,
    /// instead of failing
    #[arg(long)]
    update: bool,
    /// Report which findings, strategies and condition branches the tested
    /// districts exercise, and which never fire
    #[arg(long)]
    coverage: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

/// Whether `path` is a rule folder.
fn is_rule_folder(path: &Path) -> bool {
    path.join("findings.ron").is_file() && path.join("stages.ron").is_file()
}

pub fn run(sources: &Sources, args: &TestArgs) -> anyhow::Result<Status> {
    let mut sources = sources.clone();
    if sources.rules.is_none() && is_rule_folder(&args.path) {
        sources.rules = Some(args.path.clone());
    }
    let session = Session::load(&sources)?;
    let paths = elplan::expectations::find(&args.path)?;
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    for path in &paths {
        match ExpectationFile::load(path, session.rules()) {
            Ok(file) => files.push(file),
            Err(d) => problems.extend(d.0),
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems).into());
    }
    let options = Options {
        update: args.update,
        coverage: args.coverage,
    };
    let report = elplan::rule_test::run(&session, &files, options)?;
    super::output::print_report(args.format, &report, || report.to_text())?;
    Ok(if report.failed > 0 {
        Status::Failure
    } else {
        Status::Success
    })
}
