//! `elplan sweep`: the plan at every value of one field, and where it
//! changes.

use std::path::PathBuf;

use clap::Args;

use elplan::session::{Session, Sources};

use super::args::{ChangeArgs, ReportFormat};
use super::Status;

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// District file (RON)
    district: PathBuf,
    /// The field and its values: `students.el_share=0..1:0.01`, a list `resources.budget=Low,High`, or a yes/no or named-choice field alone for every value (`programs.newcomer_program`)
    #[arg(long, value_name = "PATH[=VALUES]")]
    vary: elplan::sweep::Vary,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    #[command(flatten)]
    changes: ChangeArgs,
}

pub fn run(sources: &Sources, args: &SweepArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let district = super::plan::load_district(&args.district)?;
    let (district, _) = args.changes.resolve().apply(&district)?;
    let sweep = elplan::sweep::sweep(&session, &district, &args.district, &args.vary)?;
    super::output::print_report(args.format, &sweep, || sweep.to_text())?;
    // Values the district cannot take are listed and skipped; only a sweep
    // with no value left to plan fails.
    if sweep.invalid.len() < sweep.values {
        Ok(Status::Success)
    } else {
        Err(anyhow::anyhow!(
            "none of the {} values of {} is valid for this district (listed above)",
            sweep.values,
            sweep.path
        ))
    }
}
