//! `elplan check`: a rule base's problems, and its coverage over fixture
//! districts.

use std::path::PathBuf;

use clap::Args;

use elplan::rulebase::files::RuleFiles;
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
    let mut scenarios = Vec::new();
    for dir in &args.fixtures {
        let (districts, skipped): (Vec<_>, Vec<_>) = elplan::check::fixtures_in(dir)
            .map_err(Diagnostics::from)?
            .into_iter()
            .partition(|(_, text)| !elplan::scenario::is_scenario_text(text));
        fixtures.extend(districts);
        scenarios.extend(skipped.into_iter().map(|(path, _)| path));
    }
    if let Some(said) = super::batch::skipped_scenarios(&scenarios) {
        eprintln!("{said}");
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
