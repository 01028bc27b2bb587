//! The command line: arguments in, a resolved configuration, then work.
//!
//! clap parses what the user typed; [`run`] resolves it (rule base,
//! templates, district, overrides) before any planning starts, and returns
//! the exit code. Diagnostics go to stderr; a broken pipe on stdout is not
//! an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::district::District;
use crate::overrides::{self, Override};
use crate::render::{Format, RenderOptions, Renderer};
use crate::rule_files::RuleFiles;
use crate::rulebase::RuleBase;
use crate::scenario::Scenario;

/// Exit codes: 0 success, 1 bad input or a failed run, 2 bad usage.
pub const EXIT_FAILURE: i32 = 1;

#[derive(Debug, Parser)]
#[command(
    name = "elplan",
    version,
    about = "Drafts a Systemic Improvement Plan for English Learner success from a district's own data",
    after_help = "Exit codes: 0 success, 1 bad input or a failed run, 2 bad usage."
)]
pub struct Cli {
    #[command(flatten)]
    pub sources: Sources,
    #[command(subcommand)]
    pub command: Command,
}

/// Where rules and templates come from; every command takes these.
#[derive(Debug, Args)]
pub struct Sources {
    /// Rule directory replacing the embedded default rule base
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Template directory replacing the embedded default templates
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plan one district and print (or write) the draft
    Plan(PlanArgs),
    /// Why a finding fired or not, why a strategy is in the plan or not
    Explain(ExplainArgs),
    /// What changes in the plan under overrides or a scenario
    Whatif(WhatifArgs),
    /// What changes between the plans of two district files
    Diff(DiffArgs),
    /// Plan at every value of one field and report where the plan changes
    Sweep(SweepArgs),
    /// Check a rule base and report its coverage over fixture districts
    Check(CheckArgs),
    /// Print the rule base's dependency graph
    Graph(GraphArgs),
    /// Plan many districts at once and write one plan each plus summary.csv
    Batch(BatchArgs),
    /// Turn the CDE District Areas table into district files
    Import(ImportArgs),
    /// Print a starter district file to fill in
    New(NewArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The district's id: lowercase letters, digits and `-`
    pub id: String,
    /// Write the file to FILE (atomically; never over an existing file) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// District files, or directories of them
    #[arg(required = true, value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// Where the plans and summary.csv go
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CDE "District Areas" table (CSV)
    pub csv: PathBuf,
    /// Where the district files go
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// A CALPADS unduplicated pupil count school file, to count schools
    #[arg(long, value_name = "CSV")]
    pub schools: Option<PathBuf>,
    /// A Dashboard ELPI download (2019 TSV or 2024 CSV layout), for ELPI history (repeatable)
    #[arg(long, value_name = "FILE")]
    pub elpi: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fixture districts to measure coverage on (repeatable); default: the
    /// bundled fixtures when the default rule base is checked
    #[arg(long = "fixtures", value_name = "DIR")]
    pub fixtures: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
}

/// Text for people, JSON for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// What changes a district before planning: `--set` and `--scenario`.
#[derive(Debug, Args)]
pub struct Changes {
    /// Override a district field before planning, e.g. `students.el_share=0.45` (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
    /// A scenario file (RON: name, description, set) applied before the `--set` overrides
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// District file (RON)
    pub district: PathBuf,
    /// A finding or strategy id
    pub id: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub changes: Changes,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["overrides", "scenario"])))]
pub struct WhatifArgs {
    /// District file (RON)
    pub district: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The district file to compare from (say, last year's)
    pub district_a: PathBuf,
    /// The district file to compare with
    pub district_b: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// District file (RON)
    pub district: PathBuf,
    /// The field and its values, e.g. `students.el_share=0..1:0.01`
    #[arg(long, value_name = "PATH=START..END:STEP")]
    pub vary: crate::sweep::Vary,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub changes: Changes,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// District file (RON), or `-` for standard input
    #[arg(value_name = "DISTRICT|-")]
    pub district: PathBuf,
    /// Output format: a Markdown draft, a self-contained HTML report, or the plan as JSON
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write the output to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub changes: Changes,
    /// Date the draft and start its calendar (YYYY-MM-DD); left out, the
    /// draft carries no date, so the same input gives the same output
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub date: Option<String>,
}

fn parse_date_arg(text: &str) -> Result<String, String> {
    crate::render::parse_date(text)
        .map(|_| text.to_string())
        .ok_or_else(|| format!("`{text}` is not a date like 2026-09-01"))
}

/// Parses the arguments, runs the command, and returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => 0,
        Err(error) => {
            report_error(&error);
            EXIT_FAILURE
        }
    }
}

fn report_error(error: &anyhow::Error) {
    if error.downcast_ref::<Silent>().is_some() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    if let Some(diagnostics) = error.downcast_ref::<Diagnostics>() {
        let _ = write!(stderr, "{diagnostics}");
    } else {
        let _ = writeln!(stderr, "error: {error:#}");
    }
}

pub fn run(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Plan(args) => plan(&cli.sources, args),
        Command::Explain(args) => explain(&cli.sources, args),
        Command::Whatif(args) => whatif(&cli.sources, args),
        Command::Diff(args) => diff(&cli.sources, args),
        Command::Sweep(args) => sweep(&cli.sources, args),
        Command::Check(args) => check(&cli.sources, args),
        Command::Graph(args) => graph(&cli.sources, args),
        Command::Batch(args) => batch(&cli.sources, args),
        Command::Import(args) => import(args),
        Command::New(args) => new(&cli.sources, args),
    }
}

fn new(sources: &Sources, args: &NewArgs) -> anyhow::Result<()> {
    let shown = Path::new("<id>");
    if args.id.is_empty()
        || !args
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Diagnostics::from(
            Diagnostic::new(shown, format!("`{}` is not a valid id", args.id)).with_hint(format!(
                "use lowercase letters, digits and `-`, e.g. `{}`",
                crate::import::slug(&args.id)
            )),
        )
        .into());
    }
    if let Some(path) = &args.output {
        if path.exists() {
            return Err(Diagnostics::from(Diagnostic::new(
                path,
                "the file exists; elplan new does not overwrite it",
            ))
            .into());
        }
    }
    let renderer = load_renderer(sources)?;
    let name = args
        .id
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ");
    let text = renderer
        .render_starter(&args.id, &name)
        .map_err(Diagnostics::from)?;
    emit(args.output.as_deref(), &text)
}

fn batch(sources: &Sources, args: &BatchArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let renderer = load_renderer(sources)?;
    let files = crate::batch::district_files(&args.inputs)?;
    if files.is_empty() {
        return Err(Diagnostics::from(Diagnostic::new(
            &args.inputs[0],
            "no district files (.ron) found",
        ))
        .into());
    }
    let outcomes = crate::batch::run(&rules, &renderer, &files, &args.out_dir, args.format)?;
    let failed: Vec<_> = outcomes.iter().filter(|o| o.error.is_some()).collect();
    let mut stderr = std::io::stderr().lock();
    for o in &failed {
        let _ = writeln!(stderr, "{}", o.error.as_deref().unwrap_or_default());
    }
    let _ = writeln!(
        stderr,
        "planned {} of {} districts into {}{}",
        outcomes.len() - failed.len(),
        outcomes.len(),
        args.out_dir.display(),
        if failed.is_empty() {
            String::new()
        } else {
            format!("; {} failed (see summary.csv)", failed.len())
        }
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(anyhow::Error::new(Silent))
    }
}

fn import(args: &ImportArgs) -> anyhow::Result<()> {
    let schools = match &args.schools {
        Some(path) => Some(crate::import::count_schools(path).map_err(Diagnostics::from)?),
        None => None,
    };
    let mut elpi: std::collections::HashMap<String, std::collections::BTreeMap<String, f64>> =
        Default::default();
    for path in &args.elpi {
        for (code, years) in crate::import::elpi_history(path).map_err(Diagnostics::from)? {
            elpi.entry(code).or_default().extend(years);
        }
    }
    let result =
        crate::import::import(&args.csv, schools.as_ref(), &elpi).map_err(Diagnostics::from)?;
    std::fs::create_dir_all(&args.out_dir).map_err(|e| {
        Diagnostics::from(Diagnostic::new(
            &args.out_dir,
            format!("cannot create the output directory: {e}"),
        ))
    })?;
    for imported in &result.districts {
        let path = crate::import::file_name(&args.out_dir, &imported.district);
        crate::output::write_atomic(&path, crate::import::to_ron(imported, &args.csv).as_bytes())
            .map_err(Diagnostics::from)?;
    }
    let mut stderr = std::io::stderr().lock();
    for failure in &result.failures {
        let _ = write!(stderr, "{failure}");
    }
    let _ = writeln!(
        stderr,
        "imported {} districts into {}{}",
        result.districts.len(),
        args.out_dir.display(),
        if result.failures.is_empty() {
            String::new()
        } else {
            format!("; {} rows could not be imported", result.failures.len())
        }
    );
    if result.failures.is_empty() {
        Ok(())
    } else {
        Err(anyhow::Error::new(Silent))
    }
}

fn check(sources: &Sources, args: &CheckArgs) -> anyhow::Result<()> {
    let files = match &sources.rules {
        Some(dir) => RuleFiles::from_dir(dir).map_err(Diagnostics)?,
        None => RuleFiles::embedded(),
    };
    let mut fixtures = Vec::new();
    for dir in &args.fixtures {
        fixtures.extend(crate::check::fixtures_in(dir).map_err(Diagnostics::from)?);
    }
    let fixtures = if !args.fixtures.is_empty() {
        Some(fixtures)
    } else if sources.rules.is_none() {
        Some(crate::check::bundled_fixtures())
    } else {
        None
    };
    let report = crate::check::check(files, fixtures.as_ref());
    print_report(args.format, &report, || report.to_text())?;
    if report.errors > 0 {
        // The diagnostics are the report itself; the exit code says it failed.
        Err(anyhow::Error::new(Silent))
    } else {
        Ok(())
    }
}

fn graph(sources: &Sources, args: &GraphArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let text = match args.format {
        GraphFormat::Dot => crate::graph_export::dot(&rules),
        GraphFormat::Mermaid => crate::graph_export::mermaid(&rules),
    };
    emit(None, &text)
}

/// A failure whose explanation was already printed.
#[derive(Debug)]
struct Silent;

impl std::fmt::Display for Silent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Silent {}

/// The district after the scenario's and then the `--set` overrides, and a
/// label saying what changed.
fn apply_changes(
    district: &District,
    changes: &Changes,
) -> Result<(District, String), Diagnostics> {
    let mut overrides = Vec::new();
    let mut labels = Vec::new();
    if let Some(path) = &changes.scenario {
        let scenario = Scenario::load(path)?;
        overrides.extend(scenario.overrides());
        labels.push(format!("scenario \"{}\"", scenario.name));
    }
    overrides.extend(changes.overrides.iter().cloned());
    if !changes.overrides.is_empty() {
        let sets: Vec<String> = changes.overrides.iter().map(ToString::to_string).collect();
        labels.push(sets.join(", "));
    }
    let changed = overrides::apply(district, &overrides).map_err(|d| match &changes.scenario {
        Some(path) => Diagnostics(
            d.0.into_iter()
                .map(|mut x| {
                    x.message = format!("{} (scenario {})", x.message, path.display());
                    x
                })
                .collect(),
        ),
        None => d,
    })?;
    Ok((changed, labels.join(" and ")))
}

fn print_report<T: serde::Serialize>(
    format: ReportFormat,
    value: &T,
    text: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let out = match format {
        ReportFormat::Text => text(),
        ReportFormat::Json => {
            let mut json = serde_json::to_string_pretty(value)?;
            json.push('\n');
            json
        }
    };
    emit(None, &out)
}

fn explain(sources: &Sources, args: &ExplainArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let district = load_district(&args.district)?;
    let (district, _) = apply_changes(&district, &args.changes)?;
    let explanation = crate::explain::explain(&rules, &district, &args.district, &args.id)
        .map_err(Diagnostics::from)?;
    print_report(args.format, &explanation, || explanation.to_text())
}

fn whatif(sources: &Sources, args: &WhatifArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let district = load_district(&args.district)?;
    let (changed, label) = apply_changes(&district, &args.changes)?;
    let before =
        crate::engine::plan(&rules, &district, &args.district).map_err(Diagnostics::from)?;
    let after = crate::engine::plan(&rules, &changed, &args.district).map_err(Diagnostics::from)?;
    let diff = crate::compare::compare(&before, &after, &district.name, &label);
    print_report(args.format, &diff, || diff.to_text())
}

fn diff(sources: &Sources, args: &DiffArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let a = load_district(&args.district_a)?;
    let b = load_district(&args.district_b)?;
    let before = crate::engine::plan(&rules, &a, &args.district_a).map_err(Diagnostics::from)?;
    let after = crate::engine::plan(&rules, &b, &args.district_b).map_err(Diagnostics::from)?;
    let label = |d: &District, p: &Path| format!("{} ({})", d.name, p.display());
    let diff = crate::compare::compare(
        &before,
        &after,
        &label(&a, &args.district_a),
        &label(&b, &args.district_b),
    );
    print_report(args.format, &diff, || diff.to_text())
}

fn sweep(sources: &Sources, args: &SweepArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let district = load_district(&args.district)?;
    let (district, _) = apply_changes(&district, &args.changes)?;
    let sweep = crate::sweep::sweep(&rules, &district, &args.district, &args.vary)?;
    print_report(args.format, &sweep, || sweep.to_text())?;
    if sweep.invalid.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "{} of {} values of {} are invalid for this district (listed above)",
            sweep.invalid.len(),
            sweep.values,
            sweep.path
        ))
    }
}

fn load_rules(sources: &Sources) -> Result<RuleBase, Diagnostics> {
    match &sources.rules {
        Some(dir) => RuleBase::load(dir),
        None => RuleBase::embedded(),
    }
}

fn load_renderer(sources: &Sources) -> Result<Renderer, Diagnostics> {
    match &sources.templates {
        Some(dir) => Renderer::load(dir),
        None => Renderer::embedded(),
    }
}

/// Reads a district file, or standard input for `-`.
fn load_district(path: &Path) -> Result<District, Diagnostics> {
    if path == Path::new("-") {
        let shown = Path::new("<stdin>");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::io::stdin().lock(),
                crate::limits::MAX_DISTRICT_BYTES as u64 + 1,
            ),
            &mut bytes,
        )
        .map_err(|e| Diagnostic::new(shown, format!("cannot read standard input: {e}")))?;
        if bytes.len() > crate::limits::MAX_DISTRICT_BYTES {
            return Err(Diagnostic::new(
                shown,
                format!(
                    "input is over {} bytes, too large for a district file",
                    crate::limits::MAX_DISTRICT_BYTES
                ),
            )
            .into());
        }
        let text = crate::source::text_from_bytes(shown, bytes)?;
        District::parse(shown, &text)
    } else {
        District::load(path)
    }
}

fn plan(sources: &Sources, args: &PlanArgs) -> anyhow::Result<()> {
    let rules = load_rules(sources)?;
    let renderer = load_renderer(sources)?;
    let district = load_district(&args.district)?;
    let (district, _) = apply_changes(&district, &args.changes)?;
    let plan = crate::engine::plan(&rules, &district, &args.district).map_err(Diagnostics::from)?;
    let text = renderer
        .render(
            args.format,
            &plan,
            &district,
            &rules,
            &RenderOptions {
                date: args.date.clone(),
            },
        )
        .map_err(Diagnostics::from)?;
    emit(args.output.as_deref(), &text)
}

/// Writes to FILE atomically, or to stdout, where a closed pipe is not an error.
fn emit(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            Ok(crate::output::write_atomic(path, text.as_bytes()).map_err(Diagnostics::from)?)
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}
