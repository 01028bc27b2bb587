//! Arguments several commands share, and their translation into the
//! library's own types.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use elplan::overrides::Override;
use elplan::render::Format;
use elplan::scenario::Changes;
use elplan::session::Sources;

/// Where rules and templates come from; every command takes these.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Rule directory replacing the embedded default rule base
    #[arg(long, global = true, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Template directory replacing the embedded default templates
    #[arg(long, global = true, value_name = "DIR")]
    templates: Option<PathBuf>,
}

impl SourceArgs {
    pub fn resolve(&self) -> Sources {
        Sources {
            rules: self.rules.clone(),
            templates: self.templates.clone(),
        }
    }
}

/// What changes a district before planning: `--set` and `--scenario`.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Override a district field before planning, e.g. `students.el_share=0.45` (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
    /// A scenario file (RON: name, description, set) applied before the `--set` overrides
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

impl ChangeArgs {
    pub fn resolve(&self) -> Changes {
        Changes {
            scenario: self.scenario.clone(),
            overrides: self.overrides.clone(),
        }
    }
}

/// The formats a draft is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The Markdown draft
    Md,
    /// A self-contained HTML report
    Html,
    /// The plan as JSON
    Json,
    /// The workplan sheet: one row per scheduled strategy
    Csv,
    /// The HTML report printed to PDF by Chromium
    Pdf,
    /// A Word document
    Docx,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Md => Format::Md,
            FormatArg::Html => Format::Html,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Docx => Format::Docx,
        }
    }
}

/// Text for people, JSON for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}
