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
    /// A finding or strategy, by id or by title (`leadership_continuity`, or
    /// "Protect the plan from leadership turnover")
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
    let text = match args.format {
        ReportFormat::Text => session
            .renderer()
            .render_explanation(session.rules(), &explanation)
            .map_err(Diagnostics::from)?,
        ReportFormat::Json => String::new(),
    };
    super::output::print_report(args.format, &explanation, || text)?;
    Ok(Status::Success)
}
