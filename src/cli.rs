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
use crate::district::{self, District};
use crate::overrides::{self, Override};
use crate::render::{Format, RenderOptions, Renderer};
use crate::rulebase::RuleBase;

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
    /// Override a district field before planning, e.g. `students.el_share=0.45`
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
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
            report(&error);
            EXIT_FAILURE
        }
    }
}

fn report(error: &anyhow::Error) {
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
            &mut std::io::Read::take(std::io::stdin().lock(), district::MAX_FILE_BYTES as u64 + 1),
            &mut bytes,
        )
        .map_err(|e| Diagnostic::new(shown, format!("cannot read standard input: {e}")))?;
        if bytes.len() > district::MAX_FILE_BYTES {
            return Err(Diagnostic::new(
                shown,
                format!(
                    "input is over {} bytes, too large for a district file",
                    district::MAX_FILE_BYTES
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
    let district = overrides::apply(&district, &args.overrides)?;
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
