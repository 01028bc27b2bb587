//! The rule files read into their types, each rule with the line it is
//! written on: the first step of [`crate::rulebase::validate`].
//!
//! The build script reads the embedded rule base with this same code and
//! stores the result ([`Cache`]), so a run with the default rules decodes
//! it rather than parsing RON (`build.rs`, [`crate::rulebase::files`]).
//! This module and the two it uses (`rules`, `crate::ron_keys`) therefore
//! depend on nothing else in the crate.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::conditions::Conditions;
use super::rules::{
    Area, Calendar, Chapter, DataSource, Derived, Finding, GoalRule, Origin, Policy, Reference,
    Requirement, Stage, Strategy,
};
use crate::hash::HashSet;
use crate::ron_keys::RuleLines;

/// A rule file: the path diagnostics show, and its text.
pub type Source<'a> = (&'a Path, &'a str);

/// The rule files to read, in the order of [`crate::rulebase::RuleFiles`].
pub struct Sources<'a> {
    /// stages, areas, reference, derived, findings.
    pub singles: Vec<Source<'a>>,
    pub strategies: Vec<Source<'a>>,
    pub policy: Source<'a>,
    pub calendar: Source<'a>,
    pub checklist: Source<'a>,
    pub goals: Source<'a>,
    pub data_sources: Source<'a>,
    pub chapters: Source<'a>,
}

/// Parses one file's text; a file that does not parse gives `None` (the
/// reader keeps its own account of why).
pub trait Reader {
    fn parse<T: DeserializeOwned>(&mut self, file: Source<'_>) -> Option<T>;
}

/// The rule files as parsed, before any check.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Parsed {
    pub stages: Vec<Stage>,
    pub areas: Vec<Area>,
    pub references: Vec<Reference>,
    pub policy: Option<Policy>,
    pub calendar: Option<Calendar>,
    pub derived: Vec<Derived>,
    pub findings: Vec<Finding>,
    pub strategies: Vec<Strategy>,
    pub requirements: Vec<Requirement>,
    pub goals: Vec<GoalRule>,
    pub data_sources: Vec<DataSource>,
    pub chapters: Vec<Chapter>,
}

/// Reads every file of `sources`; rules carry their [`Origin`].
pub fn read(sources: &Sources<'_>, reader: &mut impl Reader) -> Parsed {
    let mut singles = sources.singles.iter().copied();
    let stages = parse(reader, singles.next()).unwrap_or_default();
    let areas = parse(reader, singles.next()).unwrap_or_default();
    let references = parse(reader, singles.next()).unwrap_or_default();
    let derived_file = singles.next();
    let mut derived: Vec<Derived> = parse(reader, derived_file).unwrap_or_default();
    let findings_file = singles.next();
    let mut findings: Vec<Finding> = parse(reader, findings_file).unwrap_or_default();
    let mut strategies: Vec<Strategy> = Vec::new();
    for &file in &sources.strategies {
        let mut read: Vec<Strategy> = parse(reader, Some(file)).unwrap_or_default();
        place(
            file,
            read.iter_mut().map(|s| (s.id.as_str(), &mut s.origin)),
        );
        strategies.append(&mut read);
    }
    if let Some(file) = derived_file {
        place(
            file,
            derived.iter_mut().map(|d| (d.id.as_str(), &mut d.origin)),
        );
    }
    if let Some(file) = findings_file {
        place(
            file,
            findings.iter_mut().map(|f| (f.id.as_str(), &mut f.origin)),
        );
    }
    let policy = parse(reader, Some(sources.policy));
    let mut requirements: Vec<Requirement> =
        parse(reader, Some(sources.checklist)).unwrap_or_default();
    place(
        sources.checklist,
        requirements
            .iter_mut()
            .map(|r| (r.id.as_str(), &mut r.origin)),
    );
    let goals = parse(reader, Some(sources.goals)).unwrap_or_default();
    let data_sources = parse(reader, Some(sources.data_sources)).unwrap_or_default();
    let mut chapters: Vec<Chapter> = parse(reader, Some(sources.chapters)).unwrap_or_default();
    place(
        sources.chapters,
        chapters.iter_mut().map(|c| (c.id.as_str(), &mut c.origin)),
    );
    let calendar = parse(reader, Some(sources.calendar));
    Parsed {
        stages,
        areas,
        references,
        policy,
        calendar,
        derived,
        findings,
        strategies,
        requirements,
        goals,
        data_sources,
        chapters,
    }
}

/// `file` parsed, when there is one.
fn parse<T: DeserializeOwned>(reader: &mut impl Reader, file: Option<Source<'_>>) -> Option<T> {
    file.and_then(|f| reader.parse(f))
}

/// Sets each rule's origin: `file` and the line of its `id`.
fn place<'r>(file: Source<'_>, rules: impl Iterator<Item = (&'r str, &'r mut Origin)>) {
    let (path, text) = file;
    let mut lines = RuleLines::new(text);
    for (id, origin) in rules {
        *origin = Origin {
            file: path.to_path_buf(),
            line: lines.next(id),
        };
    }
}

/// The embedded rule base as the build script read it: [`Parsed`], whose
/// origins serde passes over (a rule file may not write them), the
/// origins beside it, rule by rule, and what it worked out with minijinja.
#[derive(Debug, Serialize, Deserialize)]
pub struct Cache {
    pub parsed: Parsed,
    pub origins: Vec<Origin>,
    /// The names each finding's evidence template reads (minijinja's
    /// `undeclared_variables(true)`), sorted.
    pub evidence_names: Vec<Vec<String>>,
    /// Every condition cut into leaves.
    pub conditions: Conditions,
}

/// What the build script worked out of the built-in rules beyond parsing
/// them: a rule base that comes with it is trusted (its tests check it
/// whole) and compiled lazily.
#[derive(Debug)]
pub struct Known {
    pub evidence_names: Vec<HashSet<String>>,
    pub conditions: Conditions,
}

impl Parsed {
    /// Every rule's origin, in a fixed order: derived values, findings,
    /// strategies, requirements, chapters.
    fn origins_mut(&mut self) -> impl Iterator<Item = &mut Origin> {
        let derived = self.derived.iter_mut().map(|r| &mut r.origin);
        let findings = self.findings.iter_mut().map(|r| &mut r.origin);
        let strategies = self.strategies.iter_mut().map(|r| &mut r.origin);
        let requirements = self.requirements.iter_mut().map(|r| &mut r.origin);
        let chapters = self.chapters.iter_mut().map(|r| &mut r.origin);
        derived
            .chain(findings)
            .chain(strategies)
            .chain(requirements)
            .chain(chapters)
    }
}

impl Cache {
    /// `parsed` with its origins taken out beside it (for `build.rs`).
    #[allow(dead_code)] // the build script is its caller
    pub fn new(
        mut parsed: Parsed,
        evidence_names: Vec<Vec<String>>,
        conditions: Conditions,
    ) -> Cache {
        let origins = parsed.origins_mut().map(std::mem::take).collect();
        Cache {
            parsed,
            origins,
            evidence_names,
            conditions,
        }
    }

    /// The parsed rules with their origins put back, and what else is
    /// known of them; `None` when the counts disagree (a cache from other
    /// rules).
    pub fn into_parts(self) -> Option<(Parsed, Known)> {
        let Cache {
            mut parsed,
            origins,
            evidence_names,
            conditions,
        } = self;
        if parsed.origins_mut().count() != origins.len()
            || evidence_names.len() != parsed.findings.len()
        {
            return None;
        }
        for (slot, origin) in parsed.origins_mut().zip(origins) {
            *slot = origin;
        }
        let evidence_names = evidence_names
            .into_iter()
            .map(|names| names.into_iter().collect())
            .collect();
        Some((
            parsed,
            Known {
                evidence_names,
                conditions,
            },
        ))
    }
}
