//! `elplan plan`: one district's draft, printed or written.

use std::path::{Path, PathBuf};

use clap::Args;

use elplan::render::RenderOptions;
use elplan::session::{Session, Sources};
use elplan::{Diagnostic, Diagnostics, District};

use super::args::{ChangeArgs, FormatArg};
use super::Status;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// District file (RON), or `-` for standard input
    #[arg(value_name = "DISTRICT|-")]
    district: PathBuf,
    /// Output format: a Markdown draft, a self-contained HTML report, or the plan as JSON
    #[arg(long, value_enum, default_value = "md")]
    format: FormatArg,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    changes: ChangeArgs,
    /// Date the draft and start its calendar (YYYY-MM-DD); left out, the
    /// draft carries no date, so the same input gives the same output
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    date: Option<String>,
}

fn parse_date_arg(text: &str) -> Result<String, String> {
    elplan::render::parse_date(text)
        .map(|_| text.to_string())
        .ok_or_else(|| format!("`{text}` is not a date like 2026-09-01"))
}

pub fn run(sources: &Sources, args: &PlanArgs) -> anyhow::Result<Status> {
    if let Some(output) = &args.output {
        let mut files = vec![args.district.as_path()];
        files.extend(args.changes.scenario.as_deref());
        let dirs: Vec<&Path> = [&sources.rules, &sources.templates]
            .into_iter()
            .flatten()
            .map(PathBuf::as_path)
            .collect();
        super::output::refuse_overwriting_inputs(output, &files, &dirs)?;
    }
    let session = Session::load(sources)?;
    let district = load_district(&args.district)?;
    let (district, _) = args.changes.resolve().apply(&district)?;
    let options = RenderOptions {
        date: args.date.clone(),
    };
    let text = session
        .draft(&district, &args.district, args.format.into(), &options)
        .map_err(Diagnostics::from)?;
    super::output::emit(args.output.as_deref(), &text)?;
    Ok(Status::Success)
}

/// Reads a district file, or standard input for `-`.
pub fn load_district(path: &Path) -> Result<District, Diagnostics> {
    if path != Path::new("-") {
        return District::load(path);
    }
    let shown = Path::new("<stdin>");
    let limit = elplan::limits::MAX_DISTRICT_BYTES;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), limit as u64 + 1),
        &mut bytes,
    )
    .map_err(|e| Diagnostic::new(shown, format!("cannot read standard input: {e}")))?;
    if bytes.len() > limit {
        return Err(Diagnostic::new(
            shown,
            format!("input is over {limit} bytes, too large for a district file"),
        )
        .into());
    }
    let text = elplan::source::text_from_bytes(shown, bytes)?;
    District::parse(shown, &text)
}
