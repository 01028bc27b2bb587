//! `elplan impact`: what a changed rule base does to the plans of many
//! districts, against the rule base before the change.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use elplan::session::{Session, Sources};
use elplan::Diagnostics;

use super::Status;

#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// District files, or folders of them
    #[arg(required = true, value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// The rule folder before the change (default: the built-in rule base);
    /// --rules gives the one after it
    #[arg(long, value_name = "DIR")]
    against: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: ImpactFormat,
    /// Write the report to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// What the report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImpactFormat {
    /// For people
    Text,
    /// For programs (elplan.impact/1)
    Json,
    /// A self-contained HTML page
    Html,
}

pub fn run(sources: &Sources, args: &ImpactArgs) -> anyhow::Result<Status> {
    // The command line refuses `impact` without --rules (see cli::main).
    let after = Session::load(sources)?;
    let before = Session::load(&Sources {
        rules: args.against.clone(),
        templates: sources.templates.clone(),
    })?;
    let files = super::batch::district_inputs(&args.inputs)?;
    if let Some(output) = &args.output {
        let mut dirs: Vec<&std::path::Path> = args.inputs.iter().map(PathBuf::as_path).collect();
        dirs.extend(sources.rules.as_deref());
        dirs.extend(args.against.as_deref());
        let files: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
        super::output::refuse_overwriting_inputs(output, &files, &dirs)?;
    }
    let impact = elplan::impact::impact(&before, &after, &files);
    let text = match args.format {
        ImpactFormat::Text => impact.to_text(),
        ImpactFormat::Json => {
            let mut json = serde_json::to_string_pretty(&impact)?;
            json.push('\n');
            json
        }
        ImpactFormat::Html => impact
            .to_html(after.renderer())
            .map_err(Diagnostics::from)?,
    };
    super::output::emit(args.output.as_deref(), &text)?;
    let problems: Vec<String> = impact
        .failed
        .iter()
        .map(|f| format!("{}\n", f.error))
        .collect();
    let summary = format!(
        "planned {} of {} districts under both rule bases; {} plans change",
        impact.districts,
        files.len(),
        impact.plans_changed
    );
    Ok(super::output::report_problems(&problems, &summary))
}
