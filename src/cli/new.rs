//! `elplan new`: a starter district file with every section explained.

use std::path::{Path, PathBuf};

use clap::Args;

use elplan::session::Sources;
use elplan::{Diagnostic, Diagnostics, ErrorKind};

use super::Status;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The district's id: lowercase letters, digits and `-`
    id: String,
    /// Write the file to FILE (atomically; never over an existing file) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(sources: &Sources, args: &NewArgs) -> anyhow::Result<Status> {
    let shown = Path::new("<id>");
    let valid = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    if args.id.is_empty() || !args.id.bytes().all(valid) {
        return Err(Diagnostics::from(
            Diagnostic::of(ErrorKind::Argument, shown, format!("`{}` is not a valid id", args.id)).with_hint(
                match elplan::import::slug(&args.id) {
                    // Nothing in it makes an id: show what one looks like.
                    slug if slug.is_empty() => "use lowercase letters, digits and `-`, such as the district's name: `fresno-unified`".to_string(),
                    slug => format!("use lowercase letters, digits and `-`, e.g. `{slug}`"),
                },
            ),
        )
        .into());
    }
    if let Some(path) = &args.output {
        if path.exists() {
            return Err(Diagnostics::from(Diagnostic::of(
                ErrorKind::Conflict,
                path,
                "the file exists; elplan new does not overwrite it",
            ))
            .into());
        }
    }
    let renderer = elplan::session::load_renderer(sources)?;
    let text = renderer
        .render_starter(&args.id, &title_case(&args.id))
        .map_err(Diagnostics::from)?;
    super::output::emit(args.output.as_deref(), &text)?;
    Ok(Status::Success)
}

/// `san-juan-unified` → `San Juan Unified`.
fn title_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}
