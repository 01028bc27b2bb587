//! `elplan check`: a rule base's problems, and its coverage over fixture
//! districts.

use std::path::PathBuf;

use clap::Args;

use elplan::rule_files::RuleFiles;
use elplan::session::Sources;
use elplan::Diagnostics;

use super::args::ReportFormat;
use super::Status;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fixture districts to measure coverage on (repeatable); default: the
    /// bundled fixtures when the default rule base is checked
    #[arg(long = "fixtures", value_name = "DIR")]
    fixtures: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

pub fn run(sources: &Sources, args: &CheckArgs) -> anyhow::Result<Status> {
    let files = match &sources.rules {
        Some(dir) => RuleFiles::from_dir(dir).map_err(Diagnostics)?,
        None => RuleFiles::embedded(),
    };
    let mut fixtures = Vec::new();
    for dir in &args.fixtures {
        fixtures.extend(elplan::check::fixtures_in(dir).map_err(Diagnostics::from)?);
    }
    let fixtures = if !args.fixtures.is_empty() {
        Some(fixtures)
    } else if sources.rules.is_none() {
        Some(elplan::check::bundled_fixtures())
    } else {
        None
    };
    let report = elplan::check::check(files, fixtures.as_ref());
    super::output::print_report(args.format, &report, || report.to_text())?;
    // The diagnostics are the report itself; the exit code says it failed.
    Ok(if report.errors > 0 {
        Status::Failure
    } else {
        Status::Success
    })
}
