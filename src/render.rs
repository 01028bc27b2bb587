//! Rendering a plan through minijinja templates, and as JSON.
//!
//! One [`Renderer`] holds one environment with the templates parsed once
//! (embedded by default, or every `*.j2` file of `--templates DIR`). The
//! templates receive `plan` (the plan JSON structure), `district` (the
//! district file's fields), `state` (reference values by id, each with
//! value, title, unit, year and source), `areas` (by id, with title and
//! description) and `titles` (finding and strategy titles by id). What a draft says is in the
//! templates; this module only feeds them.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{context, Environment, UndefinedBehavior};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::district::District;
use crate::plan::Plan;
use crate::rulebase::RuleBase;

static DEFAULT_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Template file suffix: `plan.md.j2` is the template `plan.md`.
const SUFFIX: &str = ".j2";

/// Largest template file elplan reads.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

/// The output formats `elplan plan` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Json,
}

impl Format {
    fn template(self) -> Option<&'static str> {
        match self {
            Format::Md => Some("plan.md"),
            Format::Json => None,
        }
    }
}

pub struct Renderer {
    env: Environment<'static>,
    /// Where the templates came from, for diagnostics.
    origin: PathBuf,
}

impl Renderer {
    /// The default templates, compiled into the binary.
    pub fn embedded() -> Result<Renderer, Diagnostics> {
        let origin = PathBuf::from("<embedded templates>");
        let files = DEFAULT_TEMPLATES
            .files()
            .map(|f| {
                let name = f.path().to_string_lossy().into_owned();
                (
                    origin.join(&name),
                    name,
                    f.contents_utf8().unwrap_or("").to_string(),
                )
            })
            .collect();
        Renderer::from_files(origin, files)
    }

    /// Every `*.j2` file in `dir` (`--templates DIR`), replacing the defaults.
    pub fn load(dir: &Path) -> Result<Renderer, Diagnostics> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Diagnostic::new(dir, format!("cannot read the template directory: {e}"))
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(SUFFIX))
            .collect();
        paths.sort();
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match crate::source::read_text(&path, MAX_TEMPLATE_BYTES) {
                Ok(text) => files.push((path, name, text)),
                Err(d) => problems.push(d),
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        Renderer::from_files(dir.to_path_buf(), files)
    }

    fn from_files(
        origin: PathBuf,
        files: Vec<(PathBuf, String, String)>,
    ) -> Result<Renderer, Diagnostics> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| Diagnostic::new(&origin, e.to_string()))?;
        env.set_syntax(syntax);
        crate::helpers::register(&mut env);
        let mut problems = Vec::new();
        for (path, file_name, text) in files {
            let Some(name) = file_name.strip_suffix(SUFFIX) else {
                continue;
            };
            if let Err(e) = env.add_template_owned(name.to_string(), text.clone()) {
                problems.push(template_diagnostic(&path, Some(&text), &e));
            }
        }
        for format in [Format::Md] {
            if let Some(name) = format.template() {
                if env.get_template(name).is_err() && problems.is_empty() {
                    problems.push(
                        Diagnostic::new(&origin, format!("no template `{name}{SUFFIX}`"))
                            .with_hint("a template directory needs plan.md.j2"),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(Renderer { env, origin })
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Renders `plan` in `format`.
    pub fn render(
        &self,
        format: Format,
        plan: &Plan<'_>,
        district: &District,
        rules: &RuleBase,
    ) -> Result<String, Diagnostic> {
        let Some(name) = format.template() else {
            return Ok(plan.to_json());
        };
        let template = self.env.get_template(name).map_err(|e| {
            template_diagnostic(&self.origin.join(format!("{name}{SUFFIX}")), None, &e)
        })?;
        template
            .render(context! { plan => Serde(plan), district => Serde(district), ..rules.template_values.clone() })
            .map_err(|e| template_diagnostic(&self.origin.join(format!("{name}{SUFFIX}")), None, &e))
    }
}

fn template_diagnostic(path: &Path, source: Option<&str>, error: &minijinja::Error) -> Diagnostic {
    let detail = error.detail().map_or_else(
        || error.kind().to_string(),
        |d| format!("{} ({d})", error.kind()),
    );
    let name = error.name().unwrap_or("template");
    let diagnostic = Diagnostic::new(path, format!("template `{name}`: {detail}"));
    match (error.line(), source) {
        (Some(line), Some(source)) => diagnostic.at(source, line, 1),
        (Some(line), None) => {
            let mut d = diagnostic;
            d.position = Some((line, 1));
            d
        }
        _ => diagnostic,
    }
}
