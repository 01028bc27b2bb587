//! `elplan survey`: how the plans of many districts vary; the statewide
//! report a rule-base maintainer reads after a rule change.

use std::path::PathBuf;

use clap::Args;

use elplan::session::{Session, Sources};
use elplan::survey::SurveyOptions;
use elplan::{Diagnostics, District};

use super::args::ReportFormat;
use super::Status;

#[derive(Debug, Args)]
pub struct SurveyArgs {
    /// District files, or directories of them
    #[arg(required = true, value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// How many of the most alike pairs of plans to list
    #[arg(long, default_value_t = 10, value_name = "N")]
    alike: usize,
    /// Date the plans and their drafts (YYYY-MM-DD), as `elplan plan
    /// --date` does: its month is month 1 of every plan
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<elplan::date::Date>,
    /// The district (its id) whose Markdown draft the others are compared
    /// with, sentence by sentence (default: the largest enrollment)
    #[arg(long, value_name = "ID")]
    reference: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

pub fn run(sources: &Sources, args: &SurveyArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let files = super::batch::district_inputs(&args.inputs)?;
    let mut districts = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for path in files {
        match District::load(&path) {
            Ok(district) => districts.push((path, district)),
            Err(e) => problems.extend(e.0),
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems).into());
    }
    let options = SurveyOptions {
        alike: args.alike,
        date: args.date,
        reference: args.reference.clone(),
    };
    let survey =
        elplan::survey::survey(&session, &districts, &options).map_err(Diagnostics::from)?;
    super::output::print_report(args.format, &survey, || survey.to_text())?;
    Ok(Status::Success)
}
