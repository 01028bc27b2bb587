//! `elplan explain`: why a finding fired or not, why a strategy is in the
//! plan or not.

use std::path::PathBuf;

use clap::Args;

use elplan::session::{Session, Sources};
use elplan::Diagnostics;

use super::args::{ChangeArgs, ReportFormat};
use super::Status;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// District file (RON)
    district: PathBuf,
    /// A finding or strategy id
    id: String,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    #[command(flatten)]
    changes: ChangeArgs,
}

pub fn run(sources: &Sources, args: &ExplainArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let district = super::plan::load_district(&args.district)?;
    let (district, _) = args.changes.resolve().apply(&district)?;
    let explanation = elplan::explain::explain(&session, &district, &args.district, &args.id)
        .map_err(Diagnostics::from)?;
    super::output::print_report(args.format, &explanation, || explanation.to_text())?;
    Ok(Status::Success)
}
