//! `elplan graph`: the rule base's dependency graph, for people.

use clap::{Args, ValueEnum};

use elplan::session::{load_rules, Sources};

use super::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[arg(long, value_enum, default_value = "dot")]
    format: GraphFormat,
}

pub fn run(sources: &Sources, args: &GraphArgs) -> anyhow::Result<Status> {
    let rules = load_rules(sources)?;
    let text = match args.format {
        GraphFormat::Dot => elplan::graph_export::dot(&rules),
        GraphFormat::Mermaid => elplan::graph_export::mermaid(&rules),
    };
    super::output::emit(None, &text)?;
    Ok(Status::Success)
}
