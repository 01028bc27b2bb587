//! The first room of the rule-base compiler: the rule files parsed and
//! validated as written.
//!
//! It has every file parsed, each rule with the line it is written on
//! ([`crate::rulebase::read`], or the build script's cache of the
//! built-in rules), and checks what needs no expression: ids (snake_case, unique), areas and stages
//! named by findings and strategies, value ranges (from `policy.ron`) and
//! prerequisite ids. Every problem of this phase is reported at once. It
//! knows nothing of expressions; [`crate::rulebase::compile`] comes next.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, ErrorKind};
use crate::hash::{HashMap, HashSet};
use crate::rulebase::files::RuleFiles;
use crate::rulebase::read::{read, Parsed, Reader, Source};
use crate::rulebase::rules::{
    Area, Calendar, Chapter, DataSource, Derived, Finding, GoalRule, Origin, Policy, Reference,
    Requirement, Stage, Strategy, TextVariant,
};

/// The rule files, parsed and checked, with each strategy's stage and
/// prerequisites resolved to indices.
#[derive(Debug)]
pub(crate) struct Validated {
    pub stages: Vec<Stage>,
    pub areas: Vec<Area>,
    pub references: Vec<Reference>,
    pub policy: Policy,
    pub calendar: Calendar,
    pub derived: Vec<Derived>,
    pub findings: Vec<Finding>,
    pub strategies: Vec<Strategy>,
    pub requirements: Vec<Requirement>,
    pub goals: Vec<GoalRule>,
    pub data_sources: Vec<DataSource>,
    pub chapters: Vec<Chapter>,
    /// Stage index of each strategy.
    pub stage_of: Vec<usize>,
    /// Prerequisites of each strategy, as strategy indices.
    pub requires: Vec<Vec<usize>>,
}

/// Places diagnostics in the rule files: at a rule's line, at one of its
/// keys, or at a text after its line.
pub(crate) struct Locator<'a> {
    sources: HashMap<&'a Path, &'a str>,
}

impl<'a> Locator<'a> {
    pub fn new(files: &'a RuleFiles) -> Self {
        let sources = files
            .singles
            .iter()
            .chain(&files.strategies)
            .chain([
                &files.policy,
                &files.calendar,
                &files.checklist,
                &files.goals,
                &files.data_sources,
            ])
            .map(|(p, s)| (p.as_path(), s.as_str()))
            .collect();
        Locator { sources }
    }

    /// At the rule's line.
    pub fn at(&self, origin: &Origin, message: String) -> Diagnostic {
        self.at_field(origin, None, message)
    }

    /// At the line of the rule's `key`, or at the rule.
    pub fn at_key(&self, origin: &Origin, key: &str, message: String) -> Diagnostic {
        self.at_field(origin, Some(key), message)
    }

    /// At the first `text` after the rule's line (a name, an id), or at the rule.
    pub fn at_text(&self, origin: &Origin, text: &str, message: String) -> Diagnostic {
        match self.sources.get(origin.file.as_path()) {
            Some(source) => match crate::source::find_after_line(source, origin.line, text) {
                Some(offset) => Diagnostic::of(ErrorKind::RuleBase, &origin.file, message)
                    .at_offset(source, offset),
                None => self.at_field(origin, None, message),
            },
            None => Diagnostic::of(ErrorKind::RuleBase, &origin.file, message),
        }
    }

    /// The rule of `file` whose text holds `text` first (its line, 1-based;
    /// 0 when not found): for rules read without their origin.
    pub fn origin_of(&self, file: &Path, text: &str) -> Origin {
        let line = self
            .sources
            .get(file)
            .and_then(|source| Some(source[..source.find(text)?].matches('\n').count() + 1))
            .unwrap_or(0);
        Origin {
            file: file.to_path_buf(),
            line,
        }
    }

    fn at_field(&self, origin: &Origin, key: Option<&str>, message: String) -> Diagnostic {
        let d = Diagnostic::of(ErrorKind::RuleBase, &origin.file, message);
        let Some(source) = self.sources.get(origin.file.as_path()) else {
            return d;
        };
        if origin.line == 0 {
            return d;
        }
        let rule_start: usize = source
            .split_inclusive('\n')
            .take(origin.line - 1)
            .map(str::len)
            .sum();
        match key.and_then(|k| crate::source::find_key(source, rule_start, k)) {
            Some(offset) => d.at_offset(source, offset),
            None => d.at(source, origin.line, 1),
        }
    }
}

/// Parses (or, for the embedded rules, decodes) and checks the rule
/// files; every problem of this phase at once.
pub(crate) fn validate(
    files: &RuleFiles,
    cached: Option<Parsed>,
    locate: &Locator<'_>,
) -> Result<Validated, Diagnostics> {
    let mut problems = Vec::new();
    let trusted = cached.is_some();
    let parsed = match cached {
        Some(parsed) => parsed,
        None => read(&files.sources(), &mut Diagnosing(&mut problems)),
    };
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let (Some(policy), Some(calendar)) = (parsed.policy.clone(), parsed.calendar.clone()) else {
        return Err(Diagnostics(problems));
    };
    // The built-in rules (read from the build script's cache) pass every
    // check: a test holds them to it without the cache.
    if !trusted {
        check_all(&parsed, &policy, &calendar, files, locate, &mut problems);
    }
    let (stage_of, requires) = check_strategies(&parsed, &policy, &calendar, locate, &mut problems);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    Ok(Validated {
        stages: parsed.stages,
        areas: parsed.areas,
        references: parsed.references,
        policy,
        calendar,
        derived: parsed.derived,
        findings: parsed.findings,
        strategies: parsed.strategies,
        requirements: parsed.requirements,
        goals: parsed.goals,
        data_sources: parsed.data_sources,
        chapters: parsed.chapters,
        stage_of,
        requires,
    })
}

/// Every check of a rule base that only reports (the strategies' stages
/// and prerequisites, which the rule base keeps, are worked out by
/// `check_strategies` in any case).
fn check_all(
    parsed: &Parsed,
    policy: &Policy,
    calendar: &Calendar,
    files: &RuleFiles,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    check_calendar(calendar, &files.calendar.0, problems);
    check_goals(&parsed.goals, &files.goals.0, problems);
    check_goal_links(parsed, files, locate, problems);
    check_data_sources(&parsed.data_sources, &files.data_sources, problems);
    check_unique(
        parsed.requirements.iter().map(|r| r.id.as_str()),
        &files.checklist.0,
        "requirement",
        problems,
    );
    let single = |i: usize| {
        files
            .singles
            .get(i)
            .map(|(p, _)| p.clone())
            .unwrap_or_default()
    };
    check_stages(&parsed.stages, &single(0), problems);
    check_unique(
        parsed.areas.iter().map(|a| a.id.as_str()),
        &single(1),
        "area",
        problems,
    );
    // A reference is a series: one value per id and year.
    let reference_keys: Vec<String> = parsed
        .references
        .iter()
        .map(|r| format!("{}` in `{}", r.id, r.year))
        .collect();
    check_unique(
        reference_keys.iter().map(String::as_str),
        &single(2),
        "reference value",
        problems,
    );
    check_unique(
        parsed.derived.iter().map(|d| d.id.as_str()),
        &single(3),
        "derived value",
        problems,
    );
    check_rule_ids(&parsed.findings, &parsed.strategies, locate, problems);
    let area_ids: Vec<&str> = parsed.areas.iter().map(|a| a.id.as_str()).collect();
    for f in &parsed.findings {
        let owner = format!("finding `{}`", f.id);
        check_area(&f.area, &f.origin, &owner, &area_ids, locate, problems);
        check_finding_links(f, parsed, locate, problems);
    }
    let derived: Vec<&str> = parsed.derived.iter().map(|d| d.id.as_str()).collect();
    for s in &parsed.strategies {
        if let Some(id) = &s.applies_if {
            let owner = format!("strategy `{}`", s.id);
            let known = (&derived[..], "a derived value");
            let at = (owner.as_str(), "applies_if");
            problems.extend(unknown_name(locate, &s.origin, at, id, known));
        }
        for (n, m) in s.measures.iter().enumerate() {
            let owner = format!("strategy `{}`: measure {}", s.id, n + 1);
            for (field, id) in [("applies_if", &m.applies_if), ("unless", &m.unless)] {
                if let Some(id) = id {
                    let known = (&derived[..], "a derived value");
                    let at = (owner.as_str(), field);
                    problems.extend(unknown_name(locate, &s.origin, at, id, known));
                }
            }
        }
        check_action_variants(s, &derived, locate, problems);
        for (key, variants) in [
            ("rationale_variants", &s.rationale_variants),
            ("first_test_variants", &s.first_test_variants),
        ] {
            check_text_variants(s, key, variants, &derived, locate, problems);
        }
    }
    check_strategy_names(parsed, policy, files, problems);
    check_chapters(parsed, files, locate, problems);
}

/// `owner`'s `key` names `id`, which must be one of `known` (each a
/// `kind`): where it is not, a diagnostic at the name in the rule's file,
/// with the nearest known name.
fn unknown_name(
    locate: &Locator<'_>,
    origin: &Origin,
    (owner, key): (&str, &str),
    id: &str,
    (known, kind): (&[&str], &str),
) -> Option<Diagnostic> {
    (!known.contains(&id)).then(|| {
        locate
            .at_text(
                origin,
                &format!("\"{id}\""),
                format!("{owner}: {key} names `{id}`, which is not {kind}"),
            )
            .with_optional_hint(did_you_mean(id, known.iter().copied()))
    })
}

/// A finding's `applies_if`, `covered_if` and `lower_if` name derived
/// values, and its `covered_by` other findings.
fn check_finding_links(
    f: &Finding,
    parsed: &Parsed,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let owner = format!("finding `{}`", f.id);
    let derived: Vec<&str> = parsed.derived.iter().map(|d| d.id.as_str()).collect();
    let findings: Vec<&str> = parsed.findings.iter().map(|g| g.id.as_str()).collect();
    let values = [
        ("applies_if", &f.applies_if),
        ("covered_if", &f.covered_if),
        ("lower_if", &f.lower_if),
    ];
    for (key, id) in values {
        if let Some(id) = id.as_deref() {
            let wrong = (&derived[..], "a derived value");
            problems.extend(unknown_name(locate, &f.origin, (&owner, key), id, wrong));
        }
    }
    for id in &f.covered_by {
        if *id == f.id {
            problems.push(locate.at_text(
                &f.origin,
                &format!("\"{id}\""),
                format!("{owner}: covered_by names the finding itself"),
            ));
        }
        let known = (&findings[..], "a finding");
        problems.extend(unknown_name(
            locate,
            &f.origin,
            (&owner, "covered_by"),
            id,
            known,
        ));
    }
}

/// Reads rule files as [`crate::source::parse_ron`] does, keeping each
/// file's problem.
struct Diagnosing<'p>(&'p mut Vec<Diagnostic>);

impl Reader for Diagnosing<'_> {
    fn parse<T: DeserializeOwned>(&mut self, (path, text): Source<'_>) -> Option<T> {
        crate::source::parse_ron(path, text)
            .map_err(|d| self.0.push(d))
            .ok()
    }
}

/// Finding and strategy ids share one namespace: snake_case, each once.
fn check_rule_ids(
    findings: &[Finding],
    strategies: &[Strategy],
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, &Origin> = HashMap::default();
    let rules = findings
        .iter()
        .map(|f| (&f.id, &f.origin))
        .chain(strategies.iter().map(|s| (&s.id, &s.origin)));
    for (id, origin) in rules {
        if !is_snake_case(id) {
            problems.push(locate.at(origin, format!("`{id}` is not a snake_case id")));
        }
        if let Some(first) = seen.insert(id, origin) {
            problems.push(locate.at(
                origin,
                format!(
                    "duplicate id `{id}`: already used at {}:{}",
                    first.file.display(),
                    first.line
                ),
            ));
        }
    }
}

fn check_area(
    area: &str,
    origin: &Origin,
    owner: &str,
    area_ids: &[&str],
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    if !area_ids.contains(&area) {
        problems.push(
            locate
                .at(origin, format!("{owner}: unknown area `{area}`"))
                .with_optional_hint(did_you_mean(area, area_ids.iter().copied())),
        );
    }
}

/// Each strategy's area, stage, ranges and prerequisites; returns the
/// stage index and prerequisite indices of each.
fn check_strategies(
    parsed: &Parsed,
    policy: &Policy,
    calendar: &Calendar,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<usize>, Vec<Vec<usize>>) {
    let strategies = &parsed.strategies;
    let area_ids: Vec<&str> = parsed.areas.iter().map(|a| a.id.as_str()).collect();
    let stage_ids: Vec<&str> = parsed.stages.iter().map(|s| s.id.as_str()).collect();
    let index: HashMap<&str, usize> = strategies
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut stage_of = Vec::with_capacity(strategies.len());
    let mut requires = Vec::with_capacity(strategies.len());
    for s in strategies {
        let owner = format!("strategy `{}`", s.id);
        check_area(&s.area, &s.origin, &owner, &area_ids, locate, problems);
        match stage_ids.iter().position(|&id| id == s.stage) {
            Some(i) => stage_of.push(i),
            None => {
                stage_of.push(0);
                problems.push(
                    locate
                        .at_key(
                            &s.origin,
                            "stage",
                            format!("{owner}: unknown stage `{}`", s.stage),
                        )
                        .with_optional_hint(did_you_mean(&s.stage, stage_ids.iter().copied())),
                );
            }
        }
        let (principle, leverage) = (policy.principle, policy.leverage);
        if !principle.contains(s.principle) {
            problems.push(locate.at_key(
                &s.origin,
                "principle",
                format!(
                    "{owner}: EL Roadmap principle {} is out of range {}..={}",
                    s.principle, principle.min, principle.max
                ),
            ));
        }
        if !leverage.contains(s.leverage) {
            problems.push(locate.at(
                &s.origin,
                format!(
                    "{owner}: leverage {} is out of range {}..={}",
                    s.leverage, leverage.min, leverage.max
                ),
            ));
        }
        check_timing(s, &owner, calendar, locate, problems);
        let mut prerequisites = Vec::new();
        for r in &s.requires {
            match index.get(r.as_str()) {
                Some(&i) => prerequisites.push(i),
                None => problems.push(
                    locate
                        .at_text(
                            &s.origin,
                            &format!("\"{r}\""),
                            format!("{owner} requires `{r}`, which is not a strategy"),
                        )
                        .with_optional_hint(did_you_mean(r, index.keys().copied())),
                ),
            }
        }
        requires.push(prerequisites);
    }
    (stage_of, requires)
}

/// A strategy's duration and calendar tie.
fn check_timing(
    s: &Strategy,
    owner: &str,
    calendar: &Calendar,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    if !(1..=36).contains(&s.duration) {
        problems.push(locate.at_key(
            &s.origin,
            "duration",
            format!(
                "{owner}: duration {} is out of range 1..=36 months",
                s.duration
            ),
        ));
    }
    if let Some(event) = &s.tied_to {
        if !calendar.events.iter().any(|e| &e.id == event) {
            let ids = calendar.events.iter().map(|e| e.id.as_str());
            problems.push(
                locate
                    .at_key(
                        &s.origin,
                        "tied_to",
                        format!(
                            "{owner} is tied to `{event}`, which is not an event of the calendar"
                        ),
                    )
                    .with_optional_hint(did_you_mean(event, ids)),
            );
        }
    }
}

/// Whether `section.field` (or a top-level `field`, section "") is a
/// district field a rule can name; `Err` with a did-you-mean hint if not.
fn district_field(section: &str, field: &str) -> Result<(), Option<String>> {
    let names = crate::district::field_names(section);
    if names.contains(&field) && field != "year" {
        Ok(())
    } else {
        Err(did_you_mean(field, names.iter().copied()))
    }
}

/// Each data source names a district field, once.
fn check_data_sources(
    sources: &[DataSource],
    (file, text): &(std::path::PathBuf, String),
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::default();
    for s in sources {
        // The how-many-th time this field is written: its place in the file.
        let nth = seen.entry(s.field.as_str()).or_default();
        let quoted = format!("\"{}\"", s.field);
        let at = |d: Diagnostic| match text.match_indices(&quoted).nth(*nth) {
            Some((offset, _)) => d.at_offset(text, offset),
            None => d,
        };
        let (section, field) = s.field.split_once('.').unwrap_or(("", &s.field));
        if let Err(hint) = district_field(section, field) {
            problems.push(
                at(Diagnostic::of(
                    ErrorKind::RuleBase,
                    file,
                    format!("data source for `{}`: not a district field", s.field),
                ))
                .with_optional_hint(hint),
            );
        } else if *nth > 0 {
            problems.push(at(Diagnostic::of(
                ErrorKind::RuleBase,
                file,
                format!("data source for `{}` is given twice", s.field),
            )));
        }
        *nth += 1;
    }
}

/// The district fields a goal's `key` reads, as (section, field): its
/// students may come from the first of several history fields
/// (`els_prior|els`).
fn goal_fields<'g>(
    key: &'static str,
    source: Option<&'g crate::rulebase::rules::GoalSource>,
) -> Vec<(&'static str, (&'g str, &'g str))> {
    use crate::rulebase::rules::GoalSource;
    let fields: Vec<(&str, &str)> = match source {
        None => Vec::new(),
        Some(GoalSource::History(fields)) if key == "students_from" => {
            fields.split('|').map(|f| ("history", f.trim())).collect()
        }
        Some(GoalSource::History(field)) => vec![("history", field.as_str())],
        Some(GoalSource::Field(path)) => vec![path.split_once('.').unwrap_or(("", path))],
    };
    fields.into_iter().map(|f| (key, f)).collect()
}

/// Goal ids are unique and each reads a district field that exists.
fn check_goals(goals: &[GoalRule], file: &Path, problems: &mut Vec<Diagnostic>) {
    check_unique(goals.iter().map(|g| g.id.as_str()), file, "goal", problems);
    for g in goals {
        let named = goal_fields("from", Some(&g.from))
            .into_iter()
            .chain(goal_fields("students_from", g.students_from.as_ref()));
        for (key, (section, field)) in named {
            if let Err(hint) = district_field(section, field) {
                problems.push(
                    Diagnostic::of(
                        ErrorKind::RuleBase,
                        file,
                        format!(
                            "goal `{}`, `{key}`, reads `{section}.{field}`, which is not a district field",
                            g.id
                        ),
                    )
                    .with_optional_hint(hint),
                );
            }
        }
    }
}

/// A goal's `served_by` names strategies, its `findings` findings and its
/// `applies_if` a derived value (the default goals standing in for a rule
/// directory's are not held to its strategies).
fn check_goal_links(
    parsed: &Parsed,
    files: &RuleFiles,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let file = &files.goals.0;
    if standing_in(files, file) {
        return;
    }
    let strategies: Vec<&str> = parsed.strategies.iter().map(|s| s.id.as_str()).collect();
    let findings: Vec<&str> = parsed.findings.iter().map(|f| f.id.as_str()).collect();
    let derived: Vec<&str> = parsed.derived.iter().map(|d| d.id.as_str()).collect();
    for g in &parsed.goals {
        let origin = locate.origin_of(file, &format!("id: \"{}\"", g.id));
        let owner = format!("goal `{}`", g.id);
        let named = g
            .served_by
            .iter()
            .map(|id| ("served_by", id.as_str(), (&strategies[..], "a strategy")))
            .chain(
                g.findings
                    .iter()
                    .map(|id| ("findings", id.as_str(), (&findings[..], "a finding"))),
            );
        let applies = g
            .applies_if
            .as_deref()
            .map(|id| ("applies_if", id, (&derived[..], "a derived value")));
        for (key, id, known) in named.chain(applies) {
            problems.extend(unknown_name(locate, &origin, (&owner, key), id, known));
        }
    }
}

/// Each rationale or first-test variant names one derived value or two
/// that exist, and at least one.
fn check_text_variants(
    s: &Strategy,
    key: &str,
    variants: &[TextVariant],
    derived: &[&str],
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    for (n, v) in variants.iter().enumerate() {
        let owner = format!("strategy `{}`: {key} entry {}", s.id, n + 1);
        let condition = (v.applies_if.as_deref(), v.unless.as_deref());
        check_variant_condition(s, (key, &owner), condition, derived, locate, problems);
    }
}

/// Each action variant names an action the strategy has, one derived
/// value or two that exist, and at least one.
fn check_action_variants(
    s: &Strategy,
    derived: &[&str],
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    for v in &s.action_variants {
        let owner = format!(
            "strategy `{}`: an action variant of action {}",
            s.id, v.action
        );
        let count = s.actions.len();
        if !(1..=count).contains(&v.action) {
            let plural = if count == 1 { "" } else { "s" };
            let message = format!("{owner}: the strategy has {count} action{plural}");
            problems.push(locate.at_key(&s.origin, "action_variants", message));
        }
        let condition = (v.applies_if.as_deref(), v.unless.as_deref());
        let at = ("action_variants", owner.as_str());
        check_variant_condition(s, at, condition, derived, locate, problems);
    }
}

/// A variant's condition: at least one of `applies_if` and `unless` (a
/// diagnostic at the strategy's `key` otherwise), each a derived value.
fn check_variant_condition(
    s: &Strategy,
    (key, owner): (&str, &str),
    (applies_if, unless): (Option<&str>, Option<&str>),
    derived: &[&str],
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    if applies_if.is_none() && unless.is_none() {
        let message = format!("{owner}: it has neither applies_if nor unless");
        problems.push(locate.at_key(&s.origin, key, message));
    }
    for (field, id) in [("applies_if", applies_if), ("unless", unless)] {
        if let Some(id) = id {
            let known = (derived, "a derived value");
            problems.extend(unknown_name(locate, &s.origin, (owner, field), id, known));
        }
    }
}

/// Whether `file` is a default file standing in for one a rule directory
/// leaves out.
fn standing_in(files: &RuleFiles, file: &Path) -> bool {
    files.origin != "embedded" && file.starts_with(crate::rulebase::files::EMBEDDED_PREFIX)
}

/// Every id and field a chapter names exists: checklist rows, findings,
/// strategies, and district fields with a question in `data_sources.ron`.
/// The default chapters standing in for a rule directory's name what they
/// find and pass over the rest.
fn check_chapters(
    parsed: &Parsed,
    files: &RuleFiles,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    if standing_in(files, &files.chapters.0) {
        return;
    }
    let requirements: Vec<&str> = parsed.requirements.iter().map(|r| r.id.as_str()).collect();
    let findings: Vec<&str> = parsed.findings.iter().map(|f| f.id.as_str()).collect();
    let strategies: Vec<&str> = parsed.strategies.iter().map(|s| s.id.as_str()).collect();
    let fields: Vec<&str> = parsed
        .data_sources
        .iter()
        .map(|d| d.field.as_str())
        .collect();
    check_unique(
        parsed.chapters.iter().map(|c| c.id.as_str()),
        &parsed
            .chapters
            .first()
            .map(|c| c.origin.file.clone())
            .unwrap_or_default(),
        "chapter",
        problems,
    );
    for c in &parsed.chapters {
        let owner = format!("chapter `{}`", c.id);
        let lists: [(&str, &[String], &[&str]); 3] = [
            ("checklist row", &c.checklist, &requirements),
            ("finding", &c.findings, &findings),
            ("strategy", &c.strategies, &strategies),
        ];
        for (kind, named, known) in lists {
            for id in named {
                if !known.contains(&id.as_str()) {
                    problems.push(
                        locate
                            .at_text(
                                &c.origin,
                                &format!("\"{id}\""),
                                format!("{owner} names `{id}`, which is not a {kind}"),
                            )
                            .with_optional_hint(did_you_mean(id, known.iter().copied())),
                    );
                }
            }
        }
        let applies = c.facts.iter().map(|f| f.applies_if.as_deref());
        let derived: Vec<&str> = parsed.derived.iter().map(|d| d.id.as_str()).collect();
        for id in applies
            .chain(c.requires.iter().map(|l| l.applies_if.as_deref()))
            .flatten()
        {
            let known = (&derived[..], "a derived value");
            problems.extend(unknown_name(
                locate,
                &c.origin,
                (&owner, "applies_if"),
                id,
                known,
            ));
        }
        for fact in &c.facts {
            if !fields.contains(&fact.field.as_str()) {
                problems.push(
                    locate
                        .at_text(
                            &c.origin,
                            &format!("\"{}\"", fact.field),
                            format!(
                                "{owner}: `{}` is not a district field listed in data_sources.ron",
                                fact.field
                            ),
                        )
                        .with_optional_hint(did_you_mean(&fact.field, fields.iter().copied())),
                );
            }
        }
    }
}

/// The strategies `policy.ron` and `checklist.ron` name exist.
fn check_strategy_names(
    parsed: &Parsed,
    policy: &Policy,
    files: &RuleFiles,
    problems: &mut Vec<Diagnostic>,
) {
    let ids: Vec<&str> = parsed.strategies.iter().map(|s| s.id.as_str()).collect();
    let mut check = |file: &Path, owner: String, id: &str| {
        // A default file standing in for one a rule directory leaves out
        // names the default strategies: what is not there is passed over.
        if !ids.contains(&id) && !standing_in(files, file) {
            problems.push(
                Diagnostic::of(
                    ErrorKind::RuleBase,
                    file,
                    format!("{owner} names `{id}`, which is not a strategy"),
                )
                .with_optional_hint(did_you_mean(id, ids.iter().copied())),
            );
        }
    };
    for id in &policy.instructional {
        check(&files.policy.0, "`instructional`".to_string(), id);
    }
    if let Some(id) = &policy.instructional_fallback {
        check(&files.policy.0, "`instructional_fallback`".to_string(), id);
    }
    for id in &policy.studies {
        check(&files.policy.0, "`studies`".to_string(), id);
    }
    for r in &parsed.requirements {
        for id in &r.remedies {
            check(&files.checklist.0, format!("requirement `{}`", r.id), id);
        }
    }
    let derived: Vec<&str> = parsed.derived.iter().map(|d| d.id.as_str()).collect();
    for r in &parsed.requirements {
        if let Some(id) = &r.applies_if {
            if !derived.contains(&id.as_str()) && !standing_in(files, &files.checklist.0) {
                problems.push(
                    Diagnostic::of(ErrorKind::RuleBase,
                        &files.checklist.0,
                        format!(
                            "requirement `{}`: applies_if names `{id}`, which is not a derived value",
                            r.id
                        ),
                    )
                    .with_optional_hint(did_you_mean(id, derived.iter().copied())),
                );
            }
        }
    }
}

/// The calendar's months are months, and its event ids unique.
fn check_calendar(calendar: &Calendar, file: &Path, problems: &mut Vec<Diagnostic>) {
    if !(1..=12).contains(&calendar.year_starts) {
        problems.push(Diagnostic::of(
            ErrorKind::RuleBase,
            file,
            format!("year_starts {} is not a month 1..=12", calendar.year_starts),
        ));
    }
    let months = calendar
        .adoption_month
        .iter()
        .chain(&calendar.no_classroom_starts);
    for &m in months {
        if !(1..=12).contains(&m) {
            problems.push(Diagnostic::of(
                ErrorKind::RuleBase,
                file,
                format!("month {m} is not a month 1..=12"),
            ));
        }
    }
    if calendar.months_to_adoption > 36 {
        problems.push(Diagnostic::of(
            ErrorKind::RuleBase,
            file,
            format!(
                "months_to_adoption {} is more than 36",
                calendar.months_to_adoption
            ),
        ));
    }
    for e in &calendar.events {
        if !(1..=12).contains(&e.month) || e.through.is_some_and(|t| !(1..=12).contains(&t)) {
            problems.push(Diagnostic::of(
                ErrorKind::RuleBase,
                file,
                format!("event `{}`: month {} is not a month 1..=12", e.id, e.month),
            ));
        }
    }
    check_unique(
        calendar.events.iter().map(|e| e.id.as_str()),
        file,
        "calendar event",
        problems,
    );
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    file: &Path,
    kind: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen = HashSet::default();
    for id in ids {
        if !seen.insert(id) {
            problems.push(Diagnostic::of(
                ErrorKind::RuleBase,
                file,
                format!("duplicate {kind} id `{id}`"),
            ));
        }
    }
}

fn check_stages(stages: &[Stage], file: &Path, problems: &mut Vec<Diagnostic>) {
    if stages.is_empty() {
        problems.push(Diagnostic::of(
            ErrorKind::RuleBase,
            file,
            "a rule base needs at least one stage",
        ));
        return;
    }
    check_unique(
        stages.iter().map(|s| s.id.as_str()),
        file,
        "stage",
        problems,
    );
    for s in stages {
        if !(s.share > 0.0 && s.share <= 1.0) {
            problems.push(Diagnostic::of(
                ErrorKind::RuleBase,
                file,
                format!("stage `{}`: share {} is out of range (0, 1]", s.id, s.share),
            ));
        }
    }
    let total: f64 = stages.iter().map(|s| s.share).sum();
    if (total - 1.0).abs() > 1e-6 {
        problems.push(Diagnostic::of(
            ErrorKind::RuleBase,
            file,
            format!("stage shares add up to {total}, not 1"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `build.rs` cached is what parsing the embedded files gives,
    /// origins included: the build script and the binary read alike.
    #[test]
    fn the_cached_rule_base_is_the_parsed_one() {
        let files = RuleFiles::embedded();
        let (cached, _) = files.cached().expect("the build script cached the rules");
        let mut problems = Vec::new();
        let parsed = read(&files.sources(), &mut Diagnosing(&mut problems));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(cached.findings.iter().all(|f| f.origin.line > 0));
        assert_eq!(format!("{cached:?}"), format!("{parsed:?}"));
    }

    /// A changed file is parsed, never answered from the cache.
    #[test]
    fn changed_rules_are_not_taken_from_the_cache() {
        let mut files = RuleFiles::embedded();
        files.singles[4].1.push_str("\n// a maintainer's note\n");
        assert!(files.cached().is_none());
        let mut files = RuleFiles::embedded();
        files.strategies.pop();
        assert!(files.cached().is_none());
        let mut files = RuleFiles::embedded();
        files.chapters.0 = std::path::PathBuf::from("rules/chapters.ron");
        assert!(files.cached().is_none());
    }
}
