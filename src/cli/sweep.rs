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
    /// The field and its values, e.g. `students.el_share=0..1:0.01`
    #[arg(long, value_name = "PATH=START..END:STEP")]
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
    if sweep.invalid.is_empty() {
        Ok(Status::Success)
    } else {
        Err(anyhow::anyhow!(
            "{} of {} values of {} are invalid for this district (listed above)",
            sweep.invalid.len(),
            sweep.values,
            sweep.path
        ))
    }
}
