//! `elplan whatif` and `elplan diff`: what changes between two plans.

use std::path::{Path, PathBuf};

use clap::Args;

use elplan::session::{Session, Sources};
use elplan::{Diagnostics, District};

use super::args::{ChangeArgs, ReportFormat};
use super::Status;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["overrides", "scenario"])))]
pub struct WhatifArgs {
    /// District file (RON)
    district: PathBuf,
    #[command(flatten)]
    changes: ChangeArgs,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The district file to compare from (say, last year's)
    district_a: PathBuf,
    /// The district file to compare with
    district_b: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

pub fn whatif(sources: &Sources, args: &WhatifArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let district = super::plan::load_district(&args.district)?;
    let (changed, label) = args.changes.resolve().apply(&district)?;
    let before = session
        .plan(&district, &args.district)
        .map_err(Diagnostics::from)?;
    let after = session
        .plan(&changed, &args.district)
        .map_err(Diagnostics::from)?;
    let diff = elplan::compare::compare(&before, &after, &district.name, &label)
        .with_inputs(elplan::compare::input_changes(&district, &changed));
    super::output::print_report(args.format, &diff, || diff.to_text())?;
    Ok(Status::Success)
}

pub fn diff(sources: &Sources, args: &DiffArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let a = super::plan::load_district(&args.district_a)?;
    let b = super::plan::load_district(&args.district_b)?;
    let before = session
        .plan(&a, &args.district_a)
        .map_err(Diagnostics::from)?;
    let after = session
        .plan(&b, &args.district_b)
        .map_err(Diagnostics::from)?;
    let label = |d: &District, p: &Path| format!("{} ({})", d.name, p.display());
    let diff = elplan::compare::compare(
        &before,
        &after,
        &label(&a, &args.district_a),
        &label(&b, &args.district_b),
    )
    .with_inputs(elplan::compare::input_changes(&a, &b));
    super::output::print_report(args.format, &diff, || diff.to_text())?;
    Ok(Status::Success)
}
