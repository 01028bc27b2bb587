//! The team's decisions in the district file (`decisions`): their types,
//! where each one stands in the file, and the ids named twice. What a
//! decision does to the plan is decided in `assemble`; the decisions a plan
//! cannot use are found by `decision_warnings`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::diagnostic::{Diagnostic, ErrorKind, Place};
use crate::ron_positions::{self, Located};
use crate::source::find_key;

/// The team's decisions about the draft, by strategy and finding id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    /// Per strategy id: set aside, owners, months, notes, status.
    #[serde(default)]
    pub strategies: BTreeMap<String, StrategyDecision>,
    /// Per finding id: confirmed or disputed, with a note.
    #[serde(default)]
    pub findings: BTreeMap<String, FindingDecision>,
    /// Where each decision stands in the file it was read from, for the
    /// diagnostics and warnings made about it later.
    #[serde(skip)]
    pub places: Places,
}

impl Decisions {
    /// Whether no decision is recorded.
    pub fn is_empty(&self) -> bool {
        self.strategies.is_empty() && self.findings.is_empty()
    }
}

/// What the team decided about one strategy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyDecision {
    /// `false`: set aside (with a `reason`); the plan lists it and flags
    /// what needed it.
    pub keep: Option<bool>,
    /// Why it is set aside.
    pub reason: Option<String>,
    /// Named owners (people), shown beside the rule base's roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// The plan month it should start in (1 = the plan's first month).
    pub start_month: Option<u32>,
    /// The plan month it should end in, with `start_month`: pinned months.
    pub end_month: Option<u32>,
    /// The team's own notes, shown under the strategy.
    pub notes: Option<String>,
    /// Where the work stands (`planned`, `started`, `done`, …), for the
    /// workplan sheet.
    pub status: Option<String>,
}

/// What the team decided about one finding.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDecision {
    /// Whether the team confirms the finding or disputes it.
    pub verdict: Verdict,
    /// Why.
    pub note: Option<String>,
}

/// A team's verdict on a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The team agrees with it.
    Confirmed,
    /// The team disputes it (the note says why); the plan still shows it.
    Disputed,
}

/// The two maps of `decisions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// `decisions.strategies`.
    Strategies,
    /// `decisions.findings`.
    Findings,
}

impl Section {
    /// Its field name in the file.
    pub fn name(self) -> &'static str {
        match self {
            Section::Strategies => "strategies",
            Section::Findings => "findings",
        }
    }

    /// What an id in it names: a strategy or a finding.
    pub fn what(self) -> &'static str {
        match self {
            Section::Strategies => "strategy",
            Section::Findings => "finding",
        }
    }
}

/// Where each decision's id stands in the district file, kept when the
/// file is read so that a diagnostic or warning made later (against the
/// rule base, or the plan) can point at it.
///
/// Where a decision is written is not part of what the district says: two
/// districts with the same decisions are equal wherever they were written.
#[derive(Debug, Clone, Default)]
pub struct Places(BTreeMap<(Section, String), Place>);

impl PartialEq for Places {
    fn eq(&self, _: &Places) -> bool {
        true
    }
}

impl Places {
    /// The place of the decision about `id` in `section`, if known.
    pub fn get(&self, section: Section, id: &str) -> Option<&Place> {
        self.0.get(&(section, id.to_string()))
    }
}

/// One decision's entry in the file: its id, where its key starts, and
/// its value.
struct Written {
    section: Section,
    id: String,
    key_start: usize,
    value: Located,
}

/// Every decision entry of `source`, in file order; empty where the file
/// has no `decisions`.
fn written(source: &str) -> Vec<Written> {
    let root = ron_positions::locate(source);
    let Some(decisions) = root.field("decisions") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for section in [Section::Strategies, Section::Findings] {
        let Some(map) = decisions.field(section.name()) else {
            continue;
        };
        for (key, value) in map.keys.iter().zip(&map.items) {
            // The id as RON reads the key, escapes and all.
            if let Ok(id) = ron::from_str::<String>(&source[key.start..key.end]) {
                out.push(Written {
                    section,
                    id,
                    key_start: key.start,
                    value: value.clone(),
                });
            }
        }
    }
    out.sort_by_key(|w| w.key_start);
    out
}

/// Where each decision of `source` stands, and a diagnostic for each id
/// named twice in one map (the later entry would silently replace the
/// earlier one and what the team decided there would be lost).
pub fn places(file: &Path, source: &str) -> (Places, Vec<Diagnostic>) {
    let mut places = BTreeMap::new();
    let mut twice = Vec::new();
    for w in written(source) {
        let place = Place::of(source, w.key_start);
        match places.get(&(w.section, w.id.clone())) {
            Some(first) => twice.push(
                Diagnostic::of(
                    ErrorKind::Decisions,
                    file,
                    format!(
                        "decisions.{}: `{}` is named twice (first at {}); the later entry would replace the earlier one",
                        w.section.name(),
                        w.id,
                        Place::shown(first, file),
                    ),
                )
                .at_place(&place)
                .with_hint("keep one entry, with everything the team decided about it"),
            ),
            None => {
                places.insert((w.section, w.id), place);
            }
        }
    }
    (Places(places), twice)
}

/// The offset of the field path below `decisions` (`strategies.ID.FIELD`,
/// `findings.ID`) in `source`: the field within its entry, or the entry.
pub(crate) fn locate(source: &str, path: &str) -> Option<usize> {
    let (section, rest) = path.split_once('.')?;
    let (id, field) = match rest.rsplit_once('.') {
        Some((id, field)) if decision_field(field) => (id, Some(field)),
        _ => (rest, None),
    };
    let w = written(source)
        .into_iter()
        .find(|w| w.section.name() == section && w.id == id)?;
    // The field's key, as other diagnostics point at a key.
    let key = field
        .filter(|field| w.value.field(field).is_some())
        .and_then(|field| find_key(source, w.value.start, field))
        .filter(|&at| at < w.value.end)
        .map(|at| match source[..at].ends_with("r#") {
            true => at - 2,
            false => at,
        });
    Some(key.unwrap_or(w.key_start))
}

/// Whether `name` is a field of a strategy's or a finding's decision.
fn decision_field(name: &str) -> bool {
    matches!(
        name,
        "keep"
            | "reason"
            | "owners"
            | "start_month"
            | "end_month"
            | "notes"
            | "status"
            | "verdict"
            | "note"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"District(
    name: "x", // decisions: not here
    decisions: r#Decisions(
        strategies: {
            "a": (notes: "one, (two)"),
            /* "b": */ r"b": (start_month: 3, r#end_month: 2),
            "a": (keep: false),
        },
        r#findings: { "f\u{6f}": (verdict: Disputed) },
    ),
)"#;

    #[test]
    fn every_entry_is_placed_and_a_repeated_id_found() {
        let (places, twice) = places(Path::new("d.ron"), SOURCE);
        let a = places.get(Section::Strategies, "a").expect("a");
        assert_eq!((a.line, a.column), (5, 13));
        let b = places.get(Section::Strategies, "b").expect("b");
        assert_eq!((b.line, b.column), (6, 24));
        let fo = places.get(Section::Findings, "fo").expect("escaped key");
        assert_eq!(fo.line, 9);
        assert_eq!(twice.len(), 1);
        let shown = twice[0].to_string();
        assert!(
            shown.contains("`a` is named twice (first at d.ron:5:13)"),
            "{shown}"
        );
        assert!(shown.contains("--> d.ron:7:13"), "{shown}");
    }

    #[test]
    fn a_field_of_a_decision_is_located() {
        let at = locate(SOURCE, "strategies.b.end_month").expect("found");
        assert!(SOURCE[at..].starts_with("r#end_month: 2"));
        let at = locate(SOURCE, "findings.fo").expect("found");
        assert!(SOURCE[at..].starts_with("\"f\\u{6f}\""));
        assert_eq!(locate(SOURCE, "strategies.zz.notes"), None);
    }
}
