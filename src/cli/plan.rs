//! `elplan plan`: one district's draft, printed or written.

use std::path::{Path, PathBuf};

use clap::Args;

use elplan::date::Date;
use elplan::render::RenderOptions;
use elplan::session::{Session, Sources};
use elplan::{Diagnostic, Diagnostics, District, ErrorKind};

use super::args::{ChangeArgs, FormatArg};
use super::Status;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// District file (RON), or `-` for standard input
    #[arg(value_name = "DISTRICT|-")]
    district: PathBuf,
    /// Output format: a Markdown draft, a self-contained HTML report, a PDF
    /// printed from it (needs Chromium), a Word document, the plan as JSON,
    /// or the workplan sheet as CSV
    #[arg(long, value_enum, default_value = "md")]
    format: FormatArg,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    changes: ChangeArgs,
    /// Date the draft and start its calendar (YYYY-MM-DD); left out, the
    /// draft carries no date, so the same input gives the same output
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<Date>,
    /// Who the draft is prepared for, on a PDF's or Word document's cover
    /// (default: the district)
    #[arg(long, value_name = "TEXT")]
    prepared_for: Option<String>,
    /// Who prepared the draft, on a PDF's or Word document's cover
    #[arg(long, value_name = "TEXT")]
    prepared_by: Option<String>,
    /// A Word document whose styles (fonts, colours, headings) a `--format
    /// docx` draft takes, as pandoc's --reference-doc
    #[arg(long, value_name = "FILE")]
    reference_docx: Option<PathBuf>,
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
    let format: elplan::render::Format = args.format.into();
    if format.is_binary()
        && args.output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Diagnostics::from(
            Diagnostic::of(
                ErrorKind::Argument,
                &args.district,
                format!(
                    "a {} is not text for a terminal",
                    format.extension().to_uppercase()
                ),
            )
            .with_hint(format!(
                "write it to a file: -o plan.{}",
                format.extension()
            )),
        )
        .into());
    }
    if format == elplan::render::Format::Pdf {
        super::signals::stop_printing_on_signals();
    }
    let session = Session::load(sources)?;
    let district = load_district(&args.district)?;
    let (district, _) = args.changes.resolve().apply(&district)?;
    let options = RenderOptions {
        date: args.date,
        prepared_for: args.prepared_for.clone(),
        prepared_by: args.prepared_by.clone(),
        reference_docx: args.reference_docx.clone(),
    };
    let plan = session
        .plan_dated(&district, &args.district, args.date.map(Date::year_month))
        .map_err(Diagnostics::from)?;
    super::output::warn(&plan, &args.district);
    let document = session
        .document(format, &plan, &district, &args.district, &options)
        .map_err(Diagnostics::from)?;
    super::output::emit_bytes(args.output.as_deref(), &document)?;
    // The process ends next: freeing the plan and the session (rule base,
    // templates) one allocation at a time would only cost time.
    std::mem::forget(plan);
    std::mem::forget(session);
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
    .map_err(|e| {
        Diagnostic::of(
            ErrorKind::Io,
            shown,
            format!("cannot read standard input: {e}"),
        )
    })?;
    if bytes.len() > limit {
        return Err(Diagnostic::of(
            ErrorKind::Limit,
            shown,
            format!("input is over {limit} bytes, too large for a district file"),
        )
        .into());
    }
    let text = elplan::source::text_from_bytes(shown, bytes)?;
    District::parse(shown, &text)
}
