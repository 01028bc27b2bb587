//! The command line: what the user typed (clap), resolved into library
//! calls, and an exit status.
//!
//! Each command lives in its own module with its arguments and a `run`
//! that returns a [`Status`]; a command that has already reported its
//! problems returns [`Status::Failure`], and any other error comes back as
//! an `Err` that [`main`] prints. The library never sees a clap type.
//! Exit codes: 0 success, 1 bad input or a failed run, 2 bad usage (clap).

mod args;
mod ask;
mod batch;
mod check;
mod compare;
mod explain;
mod graph;
mod impact;
mod import;
mod new;
mod output;
mod plan;
mod serve;
mod signals;
mod survey;
mod sweep;
mod test;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use elplan::Diagnostics;

/// How a command ended, when it ended without an error to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit code 0.
    Success,
    /// Exit code 1: the command has already said what went wrong.
    Failure,
}

#[derive(Debug, Parser)]
#[command(
    name = "elplan",
    version,
    about = "Drafts a Systemic Improvement Plan for English Learner success from a district's own data",
    after_help = "Exit codes: 0 success, 1 bad input or a failed run, 2 bad usage."
)]
struct Cli {
    #[command(flatten)]
    sources: args::SourceArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Plan one district and print (or write) the draft
    Plan(plan::PlanArgs),
    /// Why a finding fired or not, why a strategy is in the plan or not
    Explain(explain::ExplainArgs),
    /// The data the plan waits on, as a form to fill in, the field that decides the most first
    Ask(ask::AskArgs),
    /// What changes in the plan under overrides or a scenario
    Whatif(compare::WhatifArgs),
    /// What changes between the plans of two district files
    Diff(compare::DiffArgs),
    /// Plan at every value of one field and report where the plan changes
    Sweep(sweep::SweepArgs),
    /// Check a rule base and report its coverage over fixture districts
    Check(check::CheckArgs),
    /// Print the rule base's dependency graph
    Graph(graph::GraphArgs),
    /// Run expectation files (*.expect.ron) against a rule base: what its plans must decide
    Test(test::TestArgs),
    /// What a changed rule base (--rules NEW) does to the plans of many districts
    Impact(impact::ImpactArgs),
    /// Plan many districts at once and write one plan each plus summary.csv
    Batch(batch::BatchArgs),
    /// How the plans of many districts vary: strategy sets, findings, pending data, alike plans
    Survey(survey::SurveyArgs),
    /// Turn the CDE District Areas table into district files
    Import(import::ImportArgs),
    /// Print a starter district file to fill in
    New(new::NewArgs),
    /// Open the what-if studio: a local page where a district team changes its data and sees the plan change
    Serve(serve::ServeArgs),
}

/// Parses the arguments, runs the command, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let sources = cli.sources.resolve();
    if matches!(cli.command, Command::Impact(_)) && sources.rules.is_none() {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "elplan impact needs the changed rule base: --rules NEW",
            )
            .exit();
    }
    let outcome = match &cli.command {
        Command::Plan(args) => plan::run(&sources, args),
        Command::Explain(args) => explain::run(&sources, args),
        Command::Ask(args) => ask::run(&sources, args),
        Command::Whatif(args) => compare::whatif(&sources, args),
        Command::Diff(args) => compare::diff(&sources, args),
        Command::Sweep(args) => sweep::run(&sources, args),
        Command::Check(args) => check::run(&sources, args),
        Command::Graph(args) => graph::run(&sources, args),
        Command::Test(args) => test::run(&sources, args),
        Command::Impact(args) => impact::run(&sources, args),
        Command::Batch(args) => batch::run(&sources, args),
        Command::Survey(args) => survey::run(&sources, args),
        Command::Import(args) => import::run(args),
        Command::New(args) => new::run(&sources, args),
        Command::Serve(args) => serve::run(&sources, args),
    };
    signals::wait_if_stopping();
    match outcome {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::Failure) => ExitCode::FAILURE,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error: diagnostics as they format themselves, anything else
/// with its chain of causes.
fn report(error: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    if let Some(diagnostics) = error.downcast_ref::<Diagnostics>() {
        let _ = write!(stderr, "{diagnostics}");
    } else {
        let _ = writeln!(stderr, "error: {error:#}");
    }
}
