//! Rendering a plan through minijinja templates, and as JSON.
//!
//! One [`Renderer`] holds one environment with the templates parsed once
//! (embedded by default, or every `*.j2` file of `--templates DIR`). What a
//! draft says is in the templates; this module only feeds them (the
//! variables are listed in README.md) and, for HTML, the figures' geometry
//! (the `figures` module lays it out, the `figures.svg` template draws it).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{context, Environment, UndefinedBehavior, Value};

use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::district::District;
use crate::figures::Figures;
use crate::limits::{
    MAX_OUTPUT_BYTES, MAX_SENTENCE_BYTES, MAX_TEMPLATE_BYTES, TEMPLATE_FUEL, TEMPLATE_RECURSION,
};
use crate::plan::Plan;
use crate::rulebase::RuleBase;
use crate::timing::{month_labels, MonthLabel};

static DEFAULT_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Template file suffix: `plan.md.j2` is the template `plan.md`.
const SUFFIX: &str = ".j2";

/// The output formats `elplan plan` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Markdown draft.
    Md,
    /// The self-contained HTML report.
    Html,
    /// The plan as JSON.
    Json,
    /// The workplan sheet: one row per scheduled strategy.
    Csv,
    /// The HTML report laid out for paper and printed to PDF by Chromium
    /// ([`crate::pdf`]); [`Renderer::render`] gives the page to print.
    Pdf,
    /// A Word document ([`crate::docx`]); [`Renderer::render`] gives its
    /// body, `word/document.xml`.
    Docx,
}

impl Format {
    fn template(self) -> Option<&'static str> {
        match self {
            Format::Md => Some("plan.md"),
            Format::Html | Format::Pdf => Some("plan.html"),
            Format::Docx => Some("plan.docx.xml"),
            Format::Json | Format::Csv => None,
        }
    }

    /// The file extension of a document in this format (`md`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    /// Whether documents in this format are bytes rather than text.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Pdf | Format::Docx)
    }
}

/// The template that words the plan's aim, for the driver diagram.
const AIM_TEMPLATE: &str = "aim.txt";

/// What a rendering needs beyond the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// The draft's date, whose month is month 1 of the plan (through
    /// [`crate::Session::draft`]); left out, the draft carries no date and
    /// its months are numbered from the school year's start. Templates
    /// receive it as `YYYY-MM-DD`.
    pub date: Option<crate::date::Date>,
    /// Who the draft is prepared for, on a printed draft's cover (the
    /// district's name when left out).
    pub prepared_for: Option<String>,
    /// Who prepared it, on a printed draft's cover.
    pub prepared_by: Option<String>,
    /// A Word document whose styles a `.docx` draft takes (`--reference-docx`).
    pub reference_docx: Option<PathBuf>,
}

/// The months of `plan`, labelled as documents show them: by calendar
/// month and year when the plan is dated, by number otherwise.
/// The figures of `plan` (timeline, driver diagram) laid out as the HTML
/// report draws them, and its months, for a page that shows them (the
/// studio's plan panel).
pub(crate) fn figures_of(plan: &Plan<'_>) -> (Value, Value) {
    let months = months(plan);
    (
        Value::from(Serde(Figures::new(plan, &months))),
        Value::from(Serde(months)),
    )
}

fn months(plan: &Plan<'_>) -> Vec<MonthLabel> {
    let year = plan
        .start
        .as_deref()
        .and_then(|s| s.get(..4))
        .and_then(|y| y.parse().ok());
    month_labels(year, plan.first_month, plan.horizon_months)
}

/// The template environment: every template parsed at most once (a
/// directory's all at once, the embedded ones when first needed), ready to
/// render any number of plans.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
    /// Where the templates came from, for diagnostics.
    origin: PathBuf,
}

/// The template environment every renderer starts from: the syntax, the
/// limits, the escaping and the helpers, no template yet.
fn environment(origin: &Path) -> Result<Environment<'static>, Diagnostic> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.set_recursion_limit(TEMPLATE_RECURSION);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| Diagnostic::of(ErrorKind::Template, origin, e.to_string()))?;
    env.set_syntax(syntax);
    // SVG is XML: the figure templates escape as HTML does.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".svg") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::default_auto_escape_callback(name)
        }
    });
    crate::helpers::register(&mut env);
    Ok(env)
}

impl Renderer {
    /// The default templates, compiled into the binary.
    ///
    /// They are parsed when a draft first needs them (a Markdown draft
    /// never parses the Word and PDF templates): they are part of the
    /// build, and the tests check every one of them as
    /// [`Renderer::from_files`] checks a directory's.
    pub fn embedded() -> Result<Renderer, Diagnostics> {
        let origin = PathBuf::from("<embedded templates>");
        let mut env = environment(&origin)?;
        env.set_loader(|name| {
            Ok(DEFAULT_TEMPLATES
                .get_file(format!("{name}{SUFFIX}"))
                .and_then(|f| f.contents_utf8())
                .map(str::to_owned))
        });
        Ok(Renderer { env, origin })
    }

    /// The default templates as [`Renderer::from_files`] takes them.
    pub fn embedded_files(origin: &Path) -> Vec<(PathBuf, String, String)> {
        DEFAULT_TEMPLATES
            .files()
            .map(|f| {
                let name = f.path().to_string_lossy().into_owned();
                (
                    origin.join(&name),
                    name,
                    f.contents_utf8().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    /// Every `*.j2` file in `dir` (`--templates DIR`), replacing the defaults.
    pub fn load(dir: &Path) -> Result<Renderer, Diagnostics> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Diagnostic::of(
                ErrorKind::Io,
                dir,
                format!("cannot read the template directory: {e}"),
            )
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

    /// Templates given as text: each with the path diagnostics show, its
    /// file name (`plan.md.j2`) and its text. `origin` names them all.
    pub fn from_files(
        origin: PathBuf,
        files: Vec<(PathBuf, String, String)>,
    ) -> Result<Renderer, Diagnostics> {
        let mut env = environment(&origin)?;
        let mut problems = Vec::new();
        for (path, file_name, text) in files {
            let Some(name) = file_name.strip_suffix(SUFFIX) else {
                continue;
            };
            if let Err((line, e)) = crate::condition::check_template(&text) {
                let detail = e.detail().unwrap_or_default();
                problems.push(
                    Diagnostic::of(
                        ErrorKind::Template,
                        &path,
                        format!("template `{name}`: {detail}"),
                    )
                    .at(&text, line, 1),
                );
                continue;
            }
            if let Err(e) = env.add_template_owned(name.to_string(), text.clone()) {
                problems.push(template_diagnostic(&path, Some(&text), &e));
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
        options: &RenderOptions,
    ) -> Result<String, Diagnostic> {
        self.render_with(format, plan, district, rules, options, context! {})
    }

    /// The page to print for `--format pdf` once a first print has shown
    /// on which page each heading stands (`headings`, in order): the
    /// template's `pages` gives each heading's title its page (its first
    /// place, if the title is used twice).
    pub fn render_paged(
        &self,
        plan: &Plan<'_>,
        district: &District,
        rules: &RuleBase,
        options: &RenderOptions,
        headings: &[(String, usize)],
    ) -> Result<String, Diagnostic> {
        let mut pages = std::collections::BTreeMap::new();
        for (title, page) in headings {
            pages.entry(title.as_str()).or_insert(*page);
        }
        let extra = context! { pages => pages };
        self.render_with(Format::Pdf, plan, district, rules, options, extra)
    }

    /// A Word document of `plan` ([`crate::docx`]): the figures rendered
    /// to pictures, the body, styles and footer from their templates (or
    /// the styles of `options.reference_docx`), packed.
    pub fn docx(
        &self,
        plan: &Plan<'_>,
        district: &District,
        rules: &RuleBase,
        options: &RenderOptions,
    ) -> Result<Vec<u8>, Diagnostic> {
        let figures = Figures::new(plan, &months(plan));
        // The timeline is a table where its months fit a page, a picture
        // only where they do not.
        let timeline_table = crate::docx::timeline_columns(plan.horizon_months);
        let timeline_pictures = if timeline_table.is_some() {
            &[][..]
        } else {
            &figures.timeline_pages[..]
        };
        // The figures' macros from figures.svg, called for each page of each
        // figure (see Figures::driver_diagram_pages): one picture a page.
        let shown = self.origin.join(format!("figures.svg{SUFFIX}"));
        let fail = |e: minijinja::Error| template_diagnostic(&shown, None, &e);
        let template = self.env.get_template("figures.svg").map_err(fail)?;
        let mut captured = template.render_captured(Value::UNDEFINED).map_err(fail)?;
        let plan_value = Value::from(Serde(plan));
        let calls = figures
            .driver_diagram_pages
            .iter()
            .map(|page| (0, "driver_diagram", vec![Value::from(Serde(page))]))
            .chain(timeline_pictures.iter().map(|page| {
                (
                    1,
                    "timeline",
                    vec![Value::from(Serde(page)), plan_value.clone()],
                )
            }));
        // The ELPI chart under the year-by-year table, where the templates
        // draw one (a template directory of an earlier version may not).
        let series = rules
            .template_values
            .get_attr("state_series")
            .and_then(|s| s.get_attr("elpi_status"))
            .unwrap_or_default();
        let chart = (2, "elpi_chart", vec![Value::from(Serde(district)), series]);
        let calls = calls.chain(std::iter::once(chart));
        let svgs: Vec<(usize, String)> = captured
            .with_state_mut(|state| {
                let mut out = Vec::new();
                for (which, name, args) in calls {
                    // Only the chart is optional: a directory's figures
                    // template without the other macros is an error.
                    if which != 2 || state.lookup(name).is_some() {
                        out.push((which, state.call_macro(name, &args)?));
                    }
                }
                Ok::<_, minijinja::Error>(out)
            })
            .map_err(fail)?;
        let mut pictures = Vec::new();
        let mut pages = [Vec::new(), Vec::new(), Vec::new()];
        for (which, svg) in svgs.into_iter().filter(|(_, svg)| !svg.trim().is_empty()) {
            let rid = format!("rIdFigure{}", pictures.len() + 1);
            let fit = if which == 2 {
                crate::docx::Fit::Natural
            } else {
                crate::docx::Fit::Page
            };
            let picture = crate::docx::picture(&svg, &rid, fit).map_err(|e| {
                Diagnostic::of(
                    ErrorKind::Template,
                    &self.origin,
                    format!("cannot draw a figure for the Word document: {e}"),
                )
            })?;
            pages[which].push(Value::from(Serde(&picture)));
            pictures.push(picture);
        }
        let [driver_pages, timeline_pages, elpi_chart] = pages;
        let sizes = context! {
            pictures => context! {
                driver_diagram => driver_pages,
                timeline => timeline_pages,
                elpi_chart => elpi_chart,
            },
            timeline_table => timeline_table.map(Serde),
        };
        let body = self.render_with(Format::Docx, plan, district, rules, options, sizes)?;
        let styles = match &options.reference_docx {
            Some(path) => crate::docx::reference_styles(path)?,
            None => self.render_named("docx-styles.xml", "--format docx", Value::UNDEFINED)?,
        };
        let footer = self.render_named("docx-footer.xml", "--format docx", Value::UNDEFINED)?;
        let core = self.render_named(
            "docx-core.xml",
            "--format docx",
            context! { plan => Serde(plan) },
        )?;
        let parts = crate::docx::Parts {
            document: &body,
            styles: &styles,
            footer: &footer,
            core: &core,
        };
        crate::docx::pack(&parts, &pictures).map_err(|e| {
            Diagnostic::of(
                ErrorKind::Template,
                &self.origin,
                format!("cannot pack the Word document: {e}"),
            )
        })
    }

    fn render_with(
        &self,
        format: Format,
        plan: &Plan<'_>,
        district: &District,
        rules: &RuleBase,
        options: &RenderOptions,
        // What one format adds: Word's pictures, the printed pages.
        extra: Value,
    ) -> Result<String, Diagnostic> {
        let Some(name) = format.template() else {
            return Ok(match format {
                Format::Csv => crate::workplan::csv(plan, &months(plan)),
                _ => plan.to_json(),
            });
        };
        let shown = |name: &str| self.origin.join(format!("{name}{SUFFIX}"));
        let template = self.env.get_template(name).map_err(|_| {
            Diagnostic::of(
                ErrorKind::Template,
                &self.origin,
                format!("no template `{name}{SUFFIX}`"),
            )
            .with_hint(format!(
                "a template directory for --format {} needs {name}{SUFFIX}",
                format_name(format)
            ))
        })?;
        let months = months(plan);
        let plan_value = Value::from(Serde(plan));
        let scheduled = scheduled(&plan_value);
        let figures = if matches!(format, Format::Html | Format::Pdf | Format::Docx) {
            Value::from(Serde(Figures::new(plan, &months)))
        } else {
            Value::UNDEFINED
        };
        let context = context! {
            plan => plan_value,
            scheduled,
            district => Serde(district),
            date => options.date.map(|d| d.to_string()),
            months => Serde(&months),
            // The aim, worded by its own text template, is a plain string:
            // each format escapes it its own way.
            aim => plan.driver_diagram.aim.as_str(),
            figures,
            // A page laid out for paper: cover, contents, page numbers.
            print => format == Format::Pdf,
            prepared_for => options.prepared_for.as_deref(),
            prepared_by => options.prepared_by.as_deref(),
            ..rules.template_values.clone()
        };
        let context = minijinja::value::merge_maps([context, extra]);
        render_capped(&template, context, MAX_OUTPUT_BYTES)
            .map_err(|e| template_diagnostic(&shown(name), None, &e))
    }
}

/// Renders a one-sentence template (evidence, the aim), which its fuel
/// keeps small, and refuses one longer than [`MAX_SENTENCE_BYTES`].
pub(crate) fn render_sentence(
    template: &minijinja::Template<'_, '_>,
    context: Value,
) -> Result<String, minijinja::Error> {
    let text = template.render(context)?;
    if text.len() > MAX_SENTENCE_BYTES {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::WriteFailure,
            format!("the output passed the limit of {MAX_SENTENCE_BYTES} bytes for one sentence"),
        ));
    }
    Ok(text)
}

/// Renders `template` into a string of at most `limit` bytes: past it the
/// rendering stops with a write error ([`template_diagnostic`] names the
/// limit), so a template that prints without end cannot fill memory.
pub(crate) fn render_capped(
    template: &minijinja::Template<'_, '_>,
    context: Value,
    limit: usize,
) -> Result<String, minijinja::Error> {
    struct Capped {
        out: Vec<u8>,
        limit: usize,
    }
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.out.len() + buf.len() > self.limit {
                return Err(std::io::Error::other(format!(
                    "the output passed the limit of {} bytes",
                    self.limit
                )));
            }
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut capped = Capped {
        out: Vec::new(),
        limit,
    };
    template.render_captured_to(context, &mut capped)?;
    // minijinja writes whole strings, so the bytes are UTF-8.
    String::from_utf8(capped.out)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

impl Renderer {
    /// The plan's aim, one sentence, from the `aim.txt` template, which
    /// reads the district (as a template value), the draft goals, the
    /// fired findings' severities and the plan's first month (`start`,
    /// `YYYY-MM`, none when undated), or the district's name without one.
    pub(crate) fn aim(
        &self,
        district: Value,
        plan: &Plan<'_>,
        rules: &RuleBase,
    ) -> Result<String, Diagnostic> {
        let goals = &plan.goals;
        let Ok(template) = self.env.get_template(AIM_TEMPLATE) else {
            return Ok(district
                .get_attr("name")
                .ok()
                .and_then(|n| n.as_str().map(str::to_string))
                .unwrap_or_default());
        };
        let derived = Value::from(plan.derived.clone());
        // The fired findings' severities by id: 1 low, 2 medium, 3 high.
        let findings: std::collections::BTreeMap<String, u8> = plan
            .findings
            .iter()
            .map(|f| (f.id.to_string(), f.severity as u8 + 1))
            .collect();
        let start = plan.start.as_deref();
        let context = context! { district, goals => Serde(goals), derived, findings, start, ..rules.template_values.clone() };
        Ok(render_sentence(&template, context)
            .map_err(|e| {
                let shown = self.origin.join(format!("{AIM_TEMPLATE}{SUFFIX}"));
                template_diagnostic(&shown, None, &e)
            })?
            .trim()
            .to_string())
    }
}

/// Every scheduled strategy of a plan value, stage by stage: the same
/// values as in `plan.stages`, not copies.
fn scheduled(plan: &Value) -> Value {
    let mut all = Vec::new();
    if let Ok(stages) = plan.get_attr("stages").and_then(|s| s.try_iter()) {
        for stage in stages {
            if let Ok(strategies) = stage.get_attr("strategies").and_then(|s| s.try_iter()) {
                all.extend(strategies);
            }
        }
    }
    Value::from(all)
}

impl Renderer {
    /// A plan's data request as a form for a person to fill in (`elplan
    /// ask`), from the `ask.txt` template.
    /// The rule base gives the titles of what each field would settle.
    pub fn render_request(
        &self,
        rules: &crate::rulebase::RuleBase,
        plan: &Plan<'_>,
        file: &Path,
    ) -> Result<String, Diagnostic> {
        let file = file.display().to_string();
        self.render_named(
            "ask.txt",
            "elplan ask",
            context! { plan => Serde(plan), file, ..rules.template_values.clone() },
        )
    }

    /// An explanation for people (`elplan explain`), from the `explain.txt`
    /// template.
    pub fn render_explanation(
        &self,
        rules: &crate::rulebase::RuleBase,
        explanation: &impl serde::Serialize,
    ) -> Result<String, Diagnostic> {
        self.render_named(
            "explain.txt",
            "elplan explain",
            context! { explanation => Serde(explanation), ..rules.template_values.clone() },
        )
    }

    /// A starter district file (`elplan new`), from the `district.ron` template.
    pub fn render_starter(&self, id: &str, name: &str) -> Result<String, Diagnostic> {
        self.render_named("district.ron", "elplan new", context! { id, name })
    }

    /// Renders the template `name` (without its suffix) that `command` needs.
    pub(crate) fn render_named(
        &self,
        name: &str,
        command: &str,
        context: Value,
    ) -> Result<String, Diagnostic> {
        let shown = self.origin.join(format!("{name}{SUFFIX}"));
        let template = self.env.get_template(name).map_err(|_| {
            Diagnostic::of(
                ErrorKind::Template,
                &self.origin,
                format!("no template `{name}{SUFFIX}`"),
            )
            .with_hint(format!(
                "a template directory for {command} needs {name}{SUFFIX}"
            ))
        })?;
        render_capped(&template, context, MAX_OUTPUT_BYTES)
            .map_err(|e| template_diagnostic(&shown, None, &e))
    }
}

fn format_name(format: Format) -> &'static str {
    format.extension()
}

fn template_diagnostic(path: &Path, source: Option<&str>, error: &minijinja::Error) -> Diagnostic {
    let detail = error.detail().map_or_else(
        || error.kind().to_string(),
        |d| format!("{} ({d})", error.kind()),
    );
    // A write fails only where the output passed its limit (the writer's
    // own error says which), and a limit is stated in the template's words.
    let detail = match (error.kind(), std::error::Error::source(error)) {
        (minijinja::ErrorKind::WriteFailure, Some(cause)) => cause.to_string(),
        _ => detail,
    };
    let name = error.name().unwrap_or_else(|| {
        path.file_name()
            .and_then(|n| n.to_str())
            .map_or("template", |n| n.trim_end_matches(SUFFIX))
    });
    let mut diagnostic = Diagnostic::of(
        ErrorKind::Template,
        path,
        format!("template `{name}`: {detail}"),
    );
    if error.kind() == minijinja::ErrorKind::OutOfFuel {
        diagnostic = diagnostic.with_hint(format!(
            "a template may run at most {TEMPLATE_FUEL} instructions: look for a loop that never ends or grows too fast"
        ));
    } else if error.kind() == minijinja::ErrorKind::WriteFailure {
        diagnostic = diagnostic.with_hint(
            "a template's output has a size limit far beyond any plan: look for a loop that prints too much or a string repeated too often",
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded templates are parsed lazily, so nothing at start-up
    /// would say that one is broken: they must pass every check a
    /// template directory's files pass.
    #[test]
    fn embedded_templates_pass_the_directory_checks() {
        let origin = PathBuf::from("<embedded templates>");
        let files = Renderer::embedded_files(&origin);
        assert!(files.len() > 10, "the templates are embedded");
        let checked = Renderer::from_files(origin, files);
        assert!(checked.is_ok(), "{:?}", checked.err());
    }

    /// A lazily loaded template is found under the same name as an eagerly
    /// added one, and an unknown one is an error, not an empty draft.
    #[test]
    fn embedded_templates_load_by_name() {
        let renderer = Renderer::embedded().expect("environment");
        assert!(renderer.env.get_template("plan.md").is_ok());
        assert!(renderer.env.get_template("plan.nothing").is_err());
    }
}
