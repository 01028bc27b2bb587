//! One planning session: the compiled rule base and the template
//! environment, built once, and the one way to plan and render a district.
//!
//! Every command (`plan`, `batch`, `sweep`, `whatif`, `explain`, …) plans
//! through a [`Session`], so loading, overrides, evaluation, scheduling and
//! rendering are joined up here and nowhere else. A session is `Sync`:
//! `batch` and `sweep` share one across threads.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::district::District;
use crate::engine::Evaluation;
use crate::plan::Plan;
use crate::render::{Format, RenderOptions, Renderer};
use crate::rulebase::RuleBase;

/// Where a session's rules and templates come from: a directory each, or
/// the defaults embedded in the binary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// A rule directory replacing the embedded rule base.
    pub rules: Option<PathBuf>,
    /// A template directory replacing the embedded templates.
    pub templates: Option<PathBuf>,
}

/// A plan and the evaluation it was made from: each rule's result, which
/// `explain` reads beside the plan.
#[derive(Debug)]
pub struct Planned<'s> {
    /// The plan, as `plan` makes it.
    pub plan: Plan<'s>,
    /// Every rule's result for the district.
    pub evaluation: Evaluation,
}

/// A compiled rule base and a template environment, ready to plan any
/// number of districts.
#[derive(Debug)]
pub struct Session {
    rules: RuleBase,
    renderer: Renderer,
}

impl Session {
    /// A session from a rule base and a renderer already loaded.
    pub fn new(rules: RuleBase, renderer: Renderer) -> Self {
        Session { rules, renderer }
    }

    /// The embedded rule base and templates.
    pub fn embedded() -> Result<Session, Diagnostics> {
        Session::load(&Sources::default())
    }

    /// Loads and compiles the rules and templates `sources` names.
    pub fn load(sources: &Sources) -> Result<Session, Diagnostics> {
        Ok(Session::new(load_rules(sources)?, load_renderer(sources)?))
    }

    /// Replaces the rule base, keeping the templates (a rule directory
    /// edited and loaded again).
    pub fn set_rules(&mut self, rules: RuleBase) {
        self.rules = rules;
    }

    /// Replaces the templates, keeping the rule base (a template directory
    /// edited and loaded again).
    pub fn set_renderer(&mut self, renderer: Renderer) {
        self.renderer = renderer;
    }

    /// The compiled rule base.
    pub fn rules(&self) -> &RuleBase {
        &self.rules
    }

    /// The template environment.
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// Plans `district`, aim included, undated (month 1 is the month the
    /// school year starts); `file` names it in diagnostics.
    pub fn plan(&self, district: &District, file: &Path) -> Result<Plan<'_>, Diagnostic> {
        self.plan_dated(district, file, None)
    }

    /// Plans `district` with month 1 in `start` (year, month 1-12), or
    /// undated; a month outside 1-12 plans it undated.
    pub fn plan_dated(
        &self,
        district: &District,
        file: &Path,
        start: Option<(i32, u32)>,
    ) -> Result<Plan<'_>, Diagnostic> {
        Ok(self.planned(district, file, start)?.plan)
    }

    /// Plans `district` as [`Session::plan_dated`] does, and keeps the
    /// evaluation the plan was made from.
    pub fn planned(
        &self,
        district: &District,
        file: &Path,
        start: Option<(i32, u32)>,
    ) -> Result<Planned<'_>, Diagnostic> {
        let start = start.filter(|&(_, month)| (1..=12).contains(&month));
        self.check_decisions(district, file)?;
        let evaluation = crate::engine::evaluate(&self.rules, district, file)?;
        let mut plan = crate::assemble::assemble(&self.rules, district, &evaluation, start);
        plan.driver_diagram.aim = self
            .renderer
            .aim(evaluation.district.clone(), &plan, &self.rules)
            .map_err(|d| d.in_layer(ErrorKind::Template))?;
        if !district.decisions.is_empty() {
            plan.warnings = crate::decision_warnings::unused(district, &plan);
        }
        Ok(Planned { plan, evaluation })
    }

    /// Every id in the district's decisions names a strategy or finding of
    /// the rule base; the first that does not is a diagnostic at its entry.
    fn check_decisions(&self, district: &District, file: &Path) -> Result<(), Diagnostic> {
        use crate::decisions::Section;
        let decisions = &district.decisions;
        let strategies = decisions
            .strategies
            .keys()
            .map(|id| (Section::Strategies, id));
        let findings = decisions.findings.keys().map(|id| (Section::Findings, id));
        for (section, id) in strategies.chain(findings) {
            let ids: Vec<&str> = match section {
                Section::Strategies if self.rules.strategy(id).is_none() => self
                    .rules
                    .strategies
                    .iter()
                    .map(|s| s.rule.id.as_str())
                    .collect(),
                Section::Findings if self.rules.finding(id).is_none() => self
                    .rules
                    .findings
                    .iter()
                    .map(|f| f.rule.id.as_str())
                    .collect(),
                _ => continue,
            };
            let diagnostic = Diagnostic::of(
                ErrorKind::Decisions,
                file,
                format!(
                    "decisions.{}: `{id}` is not a {} of the rule base",
                    section.name(),
                    section.what()
                ),
            )
            .with_optional_hint(crate::diagnostic::did_you_mean(id, ids));
            return Err(match decisions.places.get(section, id) {
                Some(place) => diagnostic.at_place(place),
                None => diagnostic,
            });
        }
        Ok(())
    }

    /// Renders a plan of `district` in `format`.
    pub fn render(
        &self,
        format: Format,
        plan: &Plan<'_>,
        district: &District,
        options: &RenderOptions,
    ) -> Result<String, Diagnostic> {
        self.renderer
            .render(format, plan, district, &self.rules, options)
            .map_err(|d| d.in_layer(ErrorKind::Template))
    }

    /// A plan of `district` as a document in `format`: the rendered text,
    /// the Word document ([`crate::docx`]), or for PDF the printed page
    /// ([`crate::pdf`]). `file` names the
    /// district in diagnostics.
    pub fn document(
        &self,
        format: Format,
        plan: &Plan<'_>,
        district: &District,
        file: &Path,
        options: &RenderOptions,
    ) -> Result<Vec<u8>, Diagnostic> {
        match format {
            Format::Docx => self
                .renderer
                .docx(plan, district, &self.rules, options)
                .map_err(|d| d.in_layer(ErrorKind::Template)),
            Format::Pdf => self.printed(plan, district, file, options),
            _ => Ok(self.render(format, plan, district, options)?.into_bytes()),
        }
    }

    /// The PDF of a plan, printed twice by one browser: the first print
    /// shows where each heading fell (its outline, [`crate::pdf_outline`]),
    /// the second carries those pages in its contents. Headings the first
    /// print does not place go without a page number.
    fn printed(
        &self,
        plan: &Plan<'_>,
        district: &District,
        file: &Path,
        options: &RenderOptions,
    ) -> Result<Vec<u8>, Diagnostic> {
        // Started first, the browser gets ready while the page is made.
        let mut browser = crate::pdf::Browser::start(file)?;
        let first = browser.print(&self.render(Format::Pdf, plan, district, options)?)?;
        let pages = crate::pdf_outline::heading_pages(&first);
        if pages.is_empty() {
            return Ok(first);
        }
        let html = self
            .renderer
            .render_paged(plan, district, &self.rules, options, &pages)
            .map_err(|d| d.in_layer(ErrorKind::Template))?;
        let second = browser.print(&html)?;
        browser.close();
        Ok(second)
    }

    /// Plans `district` and makes the draft in `format`; a draft dated
    /// `date` starts its plan in that month and carries the date (in place
    /// of any `options.date`).
    pub fn draft(
        &self,
        district: &District,
        file: &Path,
        format: Format,
        date: Option<Date>,
        options: &RenderOptions,
    ) -> Result<Vec<u8>, Diagnostic> {
        let plan = self.plan_dated(district, file, date.map(Date::year_month))?;
        let options = RenderOptions {
            date,
            ..options.clone()
        };
        self.document(format, &plan, district, file, &options)
    }
}

/// The rule base `sources` names, compiled; what stops it is
/// [`ErrorKind::RuleBase`] unless it is a file that cannot be read.
pub fn load_rules(sources: &Sources) -> Result<RuleBase, Diagnostics> {
    match &sources.rules {
        Some(dir) => RuleBase::load(dir),
        None => RuleBase::embedded(),
    }
    .map_err(|d| d.in_layer(ErrorKind::RuleBase))
}

/// The templates `sources` names, parsed; what stops them is
/// [`ErrorKind::Template`] unless it is a file that cannot be read.
pub fn load_renderer(sources: &Sources) -> Result<Renderer, Diagnostics> {
    match &sources.templates {
        Some(dir) => Renderer::load(dir),
        None => Renderer::embedded(),
    }
    .map_err(|d| d.in_layer(ErrorKind::Template))
}
