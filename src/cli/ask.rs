//! `elplan ask`: the data a district's plan waits on, as a form for a
//! person to fill in, the field that decides the most first.

use std::path::PathBuf;

use clap::Args;

use elplan::session::{Session, Sources};

use super::args::{ChangeArgs, ReportFormat};
use super::Status;

#[derive(Debug, Args)]
pub struct AskArgs {
    /// District file (RON)
    district: PathBuf,
    /// Text (a form to fill in) or JSON (the plan's `data_request`)
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    #[command(flatten)]
    changes: ChangeArgs,
}

pub fn run(sources: &Sources, args: &AskArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let district = super::plan::load_district(&args.district)?;
    let (district, _) = args.changes.resolve().apply(&district)?;
    let plan = session.plan(&district, &args.district)?;
    let form = match args.format {
        ReportFormat::Text => Some(session.renderer().render_request(
            session.rules(),
            &plan,
            &args.district,
        )?),
        ReportFormat::Json => None,
    };
    super::output::print_report(args.format, &plan.data_request, || form.unwrap_or_default())?;
    Ok(Status::Success)
}
