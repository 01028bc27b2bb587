//! How plans vary over many districts: the statewide report a rule-base
//! maintainer reads after changing a rule (`elplan survey`).
//!
//! It plans every district and reports how many distinct sets of scheduled
//! strategies there are, which findings fire and how often, the mean share
//! of the rule base's findings left pending, and the districts whose plans
//! are most alike (the same findings and strategies, measured by the
//! Jaccard index over both). For a consultant it also reports how much of
//! each Markdown draft stands word for word in a reference district's
//! draft ([`Sameness`]), when the plans are adopted and evaluated, and how
//! many change ideas they schedule.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, ErrorKind};
use crate::district::District;
use crate::plan::Plan;
use crate::render::{Format, RenderOptions};
use crate::rulebase::rules::StrategyKind;
use crate::session::Session;

/// The strategy that adopts the plan.
const ADOPTION: &str = "plan_adoption";
/// The strategy that evaluates the plan each year.
const EVALUATION: &str = "annual_evaluation";
/// More change ideas than this in one plan is more than a district can
/// carry (the default rule base's `max_change_ideas`).
const MANY_CHANGE_IDEAS: usize = 8;
/// Fewer words than this is not a sentence for [`sentences`].
const MIN_WORDS: usize = 4;

/// What to survey beyond the districts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyOptions {
    /// How many of the most alike pairs of plans to keep.
    pub alike: usize,
    /// The plans' date, `YYYY-MM-DD`, as `elplan plan --date` takes it:
    /// its month is month 1 of every plan, and the drafts carry it. Left
    /// out (or not a date), the plans are undated.
    pub date: Option<Date>,
    /// The id of the district whose draft the others are compared with;
    /// left out, the district with the largest enrollment (the first id
    /// among equals).
    pub reference: Option<String>,
}

/// What a survey of many plans found.
#[derive(Debug, Clone, Serialize)]
pub struct Survey {
    /// Districts planned.
    pub districts: usize,
    /// Distinct sets of scheduled strategies.
    pub strategy_sets: usize,
    /// The largest group of districts whose plans schedule the same
    /// strategies.
    pub largest_same_set: usize,
    /// Each finding of the rule base with the districts it fires in, most
    /// first; findings that fire nowhere are listed with 0.
    pub findings: Vec<FindingCount>,
    /// Findings that fire in at least one district.
    pub findings_firing: usize,
    /// The rule base's findings.
    pub findings_total: usize,
    /// The mean share of the rule base's findings left pending.
    pub mean_pending_share: f64,
    /// The sources whose data would settle the pending findings, most first.
    pub pending_by_source: Vec<SourceCount>,
    /// The most alike pairs of plans, most alike first.
    pub most_alike: Vec<Alike>,
    /// The date the plans were dated with (`--date`); `null` when undated.
    pub date: Option<Date>,
    /// The calendar month (1 = January) of every plan's month 1.
    pub first_month: u32,
    /// How much of each draft stands word for word in the reference
    /// district's draft; `null` when no district was planned.
    pub sameness: Option<Sameness>,
    /// When the plans are adopted (`plan_adoption`).
    pub adoption: Adoption,
    /// When the plans are first evaluated (`annual_evaluation`).
    pub evaluation: Evaluation,
    /// How many change ideas the plans schedule.
    pub change_ideas: ChangeIdeas,
}

/// How much of each plan's Markdown draft stands word for word in the
/// reference district's draft: for each plan, the share of its sentences
/// (as [`sentences`] finds them, each time it occurs) that are also
/// sentences of the reference's draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sameness {
    /// The reference district's id.
    pub reference: String,
    /// How the reference was chosen.
    pub reference_by: ReferenceBy,
    /// The distinct sentences of the reference's draft.
    pub reference_sentences: usize,
    /// The plans compared with it: all but the reference.
    pub compared: usize,
    /// The median share (nearest rank: the lower of the two middle plans
    /// when their number is even), 0 to 1; `null` when no plan was compared.
    pub median: Option<f64>,
    /// The 90th percentile (nearest rank): one plan in ten shares this
    /// much or more; `null` when no plan was compared.
    pub p90: Option<f64>,
}

/// How the reference district was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceBy {
    /// Named with `--reference`.
    Given,
    /// The largest enrollment among the districts surveyed.
    LargestEnrollment,
}

/// The least, median (nearest rank) and greatest of some counts or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// The least.
    pub min: u32,
    /// The median, nearest rank: the lower middle value of an even number.
    pub median: u32,
    /// The greatest.
    pub max: u32,
}

/// When the plans are adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adoption {
    /// Plans that schedule `plan_adoption`.
    pub scheduled: usize,
    /// Of those, the plans adopted later than the rule base's calendar
    /// asks: the first `adoption_month` (June) at least
    /// `months_to_adoption` months after month 1 (month 11 of a plan
    /// starting in August).
    pub after_first_june: usize,
    /// The plan month (1-based) adoption starts in; `null` when no plan
    /// schedules it.
    pub months: Option<Spread>,
}

/// When the plans are first evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Plans that schedule `annual_evaluation`.
    pub scheduled: usize,
    /// The plan month (1-based) the evaluation starts in; `null` when no
    /// plan schedules it.
    pub months: Option<Spread>,
}

/// How many change ideas the plans schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeIdeas {
    /// Scheduled strategies of kind `change` per plan; `null` when no
    /// district was planned.
    pub per_plan: Option<Spread>,
    /// Plans that schedule more than eight.
    pub more_than_eight: usize,
}

/// How often a finding fires.
#[derive(Debug, Clone, Serialize)]
pub struct FindingCount {
    /// The finding's id.
    pub id: String,
    /// Districts it fires in.
    pub fired: usize,
    /// Districts where it is pending.
    pub pending: usize,
}

/// How the survey counts a field no data source names.
const NO_SOURCE: &str = "no source named";

/// The findings left pending for lack of one source's data.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCount {
    /// Where the data is found, as `data_sources.ron` names it (`the team
    /// itself`, `CA School Dashboard, …`); fields it does not name are
    /// counted under "no source named".
    pub source: String,
    /// Pending findings, summed over the districts, that wait on a field
    /// from this source.
    pub pending: usize,
    /// Distinct findings among them.
    pub findings: usize,
}

/// Two districts whose plans are alike.
#[derive(Debug, Clone, Serialize)]
pub struct Alike {
    /// The first district's id.
    pub a: String,
    /// The second district's id.
    pub b: String,
    /// The Jaccard index of their fired findings and scheduled strategies
    /// (1 is the same plan).
    pub similarity: f64,
}

/// What a survey keeps of one plan.
struct Profile {
    id: String,
    strategies: Vec<String>,
    /// Fired findings and scheduled strategies, as sorted ids.
    items: Vec<String>,
    fired: Vec<String>,
    pending: Vec<String>,
    /// Each pending finding with the sources of the data it waits on.
    pending_sources: Vec<(String, Vec<String>)>,
    /// The share of its draft's sentences in the reference's draft.
    sameness: f64,
    first_month: u32,
    /// The plan month adoption starts in, if scheduled.
    adoption: Option<u32>,
    /// The plan month the annual evaluation starts in, if scheduled.
    evaluation: Option<u32>,
    /// Scheduled change ideas.
    change_ideas: usize,
}

impl Profile {
    fn of(plan: &Plan<'_>, sameness: f64, sources: &HashMap<&str, &str>) -> Profile {
        let scheduled = || plan.stages.iter().flat_map(|s| &s.strategies);
        let mut strategies: Vec<String> = scheduled().map(|s| s.id.to_string()).collect();
        strategies.sort();
        let fired: Vec<String> = plan.findings.iter().map(|f| f.id.to_string()).collect();
        let pending = plan
            .pending
            .iter()
            .filter(|p| p.kind == crate::plan::PendingKind::Finding)
            .map(|p| p.id.to_string())
            .collect();
        let pending_sources = plan
            .pending
            .iter()
            .filter(|p| p.kind == crate::plan::PendingKind::Finding)
            .map(|p| {
                let mut named: Vec<String> = p
                    .missing
                    .iter()
                    .map(|field| sources.get(field).copied().unwrap_or(NO_SOURCE).to_string())
                    .collect();
                named.sort();
                named.dedup();
                (p.id.to_string(), named)
            })
            .collect();
        let mut items: Vec<String> = fired
            .iter()
            .map(|f| format!("finding:{f}"))
            .chain(strategies.iter().map(|s| format!("strategy:{s}")))
            .collect();
        items.sort();
        let start_of = |id: &str| scheduled().find(|s| s.id == id).map(|s| s.start_month);
        Profile {
            id: plan.district.id.clone(),
            strategies,
            items,
            fired,
            pending,
            pending_sources,
            sameness,
            first_month: plan.first_month,
            adoption: start_of(ADOPTION),
            evaluation: start_of(EVALUATION),
            change_ideas: scheduled()
                .filter(|s| s.kind == StrategyKind::Change)
                .count(),
        }
    }
}

/// Plans every district and surveys the plans; the first district that
/// cannot be planned or drafted stops it, and so does a `reference` that
/// is not among the districts.
pub fn survey(
    session: &Session,
    districts: &[(PathBuf, District)],
    options: &SurveyOptions,
) -> Result<Survey, Diagnostic> {
    let start = options.date.map(Date::year_month);
    let render = RenderOptions {
        date: options.date,
        ..RenderOptions::default()
    };
    let draft = |(path, district): &(PathBuf, District)| {
        let plan = session.plan_dated(district, path, start)?;
        let text = session.render(Format::Md, &plan, district, &render)?;
        Ok::<_, Diagnostic>((plan, text))
    };
    let reference = reference(districts, options.reference.as_deref())?;
    let reference_sentences: HashSet<String> = match reference {
        Some((index, _)) => sentences(&draft(&districts[index])?.1)
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let sources: HashMap<&str, &str> = session
        .rules()
        .data_sources
        .iter()
        .map(|d| (d.field.as_str(), d.source.as_str()))
        .collect();
    let profiles: Vec<Profile> = districts
        .par_iter()
        .map(|entry| {
            let (plan, text) = draft(entry)?;
            Ok(Profile::of(
                &plan,
                share(&sentences(&text), &reference_sentences),
                &sources,
            ))
        })
        .collect::<Result<_, Diagnostic>>()?;
    let findings_total = session.rules().findings.len();
    let mut sets: BTreeMap<&[String], usize> = BTreeMap::new();
    for p in &profiles {
        *sets.entry(&p.strategies).or_default() += 1;
    }
    let mut findings: Vec<FindingCount> = session
        .rules()
        .findings
        .iter()
        .map(|f| {
            let id = &f.rule.id;
            FindingCount {
                id: id.clone(),
                fired: profiles.iter().filter(|p| p.fired.contains(id)).count(),
                pending: profiles.iter().filter(|p| p.pending.contains(id)).count(),
            }
        })
        .collect();
    findings.sort_by(|a, b| b.fired.cmp(&a.fired).then_with(|| a.id.cmp(&b.id)));
    let pending: f64 = profiles
        .iter()
        .map(|p| p.pending.len() as f64 / findings_total.max(1) as f64)
        .sum();
    let first_month = profiles.first().map_or_else(
        || start.map_or(session.rules().calendar.year_starts, |(_, m)| m),
        |p| p.first_month,
    );
    let sameness = reference.map(|(index, by)| {
        sameness(
            &profiles,
            index,
            by,
            &districts[index].1.id,
            &reference_sentences,
        )
    });
    let pending_by_source = pending_by_source(&profiles);
    Ok(Survey {
        districts: profiles.len(),
        pending_by_source,
        strategy_sets: sets.len(),
        largest_same_set: sets.values().copied().max().unwrap_or(0),
        findings_firing: findings.iter().filter(|f| f.fired > 0).count(),
        findings_total,
        findings,
        mean_pending_share: pending / profiles.len().max(1) as f64,
        most_alike: most_alike(&profiles, options.alike),
        date: options.date,
        first_month,
        sameness,
        adoption: adoption(&profiles, &session.rules().calendar),
        evaluation: evaluation(&profiles),
        change_ideas: change_ideas(&profiles),
    })
}

/// How often each data source is what a pending finding waits on, and for
/// how many distinct findings, most waited on first.
fn pending_by_source(profiles: &[Profile]) -> Vec<SourceCount> {
    let mut by_source: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for p in profiles {
        for (finding, named) in &p.pending_sources {
            for source in named {
                let entry = by_source.entry(source).or_default();
                entry.0 += 1;
                entry.1.insert(finding);
            }
        }
    }
    let mut counts: Vec<SourceCount> = by_source
        .into_iter()
        .map(|(source, (pending, findings))| SourceCount {
            source: source.to_string(),
            pending,
            findings: findings.len(),
        })
        .collect();
    counts.sort_by(|a, b| {
        b.pending
            .cmp(&a.pending)
            .then_with(|| a.source.cmp(&b.source))
    });
    counts
}

/// The reference district's index and how it was chosen: the one named,
/// or the largest enrollment (the first id among equals); `None` when
/// there are no districts.
fn reference(
    districts: &[(PathBuf, District)],
    named: Option<&str>,
) -> Result<Option<(usize, ReferenceBy)>, Diagnostic> {
    let Some(id) = named else {
        let largest = (0..districts.len()).max_by(|&a, &b| {
            let (a, b) = (&districts[a].1, &districts[b].1);
            a.enrollment
                .cmp(&b.enrollment)
                .then_with(|| b.id.cmp(&a.id))
        });
        return Ok(largest.map(|index| (index, ReferenceBy::LargestEnrollment)));
    };
    match districts.iter().position(|(_, d)| d.id == id) {
        Some(index) => Ok(Some((index, ReferenceBy::Given))),
        None => Err(Diagnostic::of(
            ErrorKind::Argument,
            Path::new("--reference"),
            format!("`{id}` is not the id of a district surveyed"),
        )
        .with_optional_hint(crate::diagnostic::did_you_mean(
            id,
            districts.iter().map(|(_, d)| d.id.as_str()),
        ))),
    }
}

/// The median and 90th percentile of the plans' sameness, the reference
/// (the plan at `index`) left out.
fn sameness(
    profiles: &[Profile],
    index: usize,
    by: ReferenceBy,
    id: &str,
    sentences: &HashSet<String>,
) -> Sameness {
    let mut shares: Vec<f64> = profiles
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != index)
        .map(|(_, p)| p.sameness)
        .collect();
    shares.sort_by(f64::total_cmp);
    Sameness {
        reference: id.to_string(),
        reference_by: by,
        reference_sentences: sentences.len(),
        compared: shares.len(),
        median: nearest_rank(&shares, 0.5),
        p90: nearest_rank(&shares, 0.9),
    }
}

fn adoption(profiles: &[Profile], calendar: &crate::rulebase::rules::Calendar) -> Adoption {
    let months: Vec<u32> = profiles.iter().filter_map(|p| p.adoption).collect();
    Adoption {
        scheduled: months.len(),
        after_first_june: profiles
            .iter()
            .filter(|p| {
                let due = crate::timing::adoption_in(calendar, p.first_month);
                p.adoption.zip(due).is_some_and(|(m, due)| m > due)
            })
            .count(),
        months: spread(months),
    }
}

fn evaluation(profiles: &[Profile]) -> Evaluation {
    let months: Vec<u32> = profiles.iter().filter_map(|p| p.evaluation).collect();
    Evaluation {
        scheduled: months.len(),
        months: spread(months),
    }
}

fn change_ideas(profiles: &[Profile]) -> ChangeIdeas {
    ChangeIdeas {
        per_plan: spread(
            profiles
                .iter()
                .map(|p| u32::try_from(p.change_ideas).unwrap_or(u32::MAX))
                .collect(),
        ),
        more_than_eight: profiles
            .iter()
            .filter(|p| p.change_ideas > MANY_CHANGE_IDEAS)
            .count(),
    }
}

/// The least, median and greatest of `values`; `None` when empty.
fn spread(mut values: Vec<u32>) -> Option<Spread> {
    values.sort_unstable();
    Some(Spread {
        min: *values.first()?,
        median: nearest_rank(&values, 0.5)?,
        max: *values.last()?,
    })
}

/// The `p` quantile (0 to 1) of sorted `values` by nearest rank: the
/// smallest value with at least `p` of the values at or below it.
fn nearest_rank<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}
/// The `keep` most alike pairs, by Jaccard index, then by ids.
fn most_alike(profiles: &[Profile], keep: usize) -> Vec<Alike> {
    let jaccard = |a: &[String], b: &[String]| {
        let (mut i, mut j, mut both) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let either = a.len() + b.len() - both;
        if either == 0 {
            1.0
        } else {
            both as f64 / either as f64
        }
    };
    // Ids sorted, so ties fall in a fixed order.
    let mut order: Vec<usize> = (0..profiles.len()).collect();
    order.sort_by(|&a, &b| profiles[a].id.cmp(&profiles[b].id));
    let mut pairs: Vec<(f64, usize, usize)> = (0..order.len())
        .into_par_iter()
        .flat_map_iter(|i| (i + 1..order.len()).map(move |j| (i, j)))
        .map(|(i, j)| {
            let (a, b) = (&profiles[order[i]], &profiles[order[j]]);
            (jaccard(&a.items, &b.items), i, j)
        })
        .collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    pairs
        .into_iter()
        .take(keep)
        .map(|(similarity, i, j)| Alike {
            a: profiles[order[i]].id.clone(),
            b: profiles[order[j]].id.clone(),
            similarity,
        })
        .collect()
}

/// The sentences of a Markdown draft, in order, each with its whitespace
/// normalised: the text up to a `.`, `!` or `?` followed by a space or the
/// end of its paragraph (closing brackets, quotes and emphasis after the
/// mark belong to the sentence), of at least four words. Paragraphs end at
/// blank lines, list items and table rows; a table cell is a paragraph of
/// its own. Headings, table rules, code blocks (the Mermaid diagrams) and
/// text without a closing mark (a heading, a table's label cell) are not
/// sentences; list and quote markers are dropped.
pub fn sentences(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut paragraph = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let line = line.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            split_paragraph(&mut paragraph, &mut out);
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if line.is_empty() || line.starts_with('#') || is_table_rule(line) {
            split_paragraph(&mut paragraph, &mut out);
        } else if line.starts_with('|') {
            split_paragraph(&mut paragraph, &mut out);
            for cell in line.split('|') {
                paragraph.push_str(cell);
                split_paragraph(&mut paragraph, &mut out);
            }
        } else {
            let text = line.trim_start_matches('>').trim_start();
            let item = list_item(text);
            if item.is_some() {
                split_paragraph(&mut paragraph, &mut out);
            }
            paragraph.push(' ');
            paragraph.push_str(item.unwrap_or(text));
        }
    }
    split_paragraph(&mut paragraph, &mut out);
    out
}

/// A table's rule line, such as `|---|:--:|`.
fn is_table_rule(line: &str) -> bool {
    line.contains('-') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// The text of a list item (`- `, `* `, `+ `, `1. `, `1) `), without its
/// marker; `None` for a line that is not one.
fn list_item(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest);
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &line[digits..];
    (digits > 0)
        .then(|| rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")))
        .flatten()
}

/// Moves the sentences of `paragraph` into `out` and empties it.
fn split_paragraph(paragraph: &mut String, out: &mut Vec<String>) {
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    let mut sentence: Vec<&str> = Vec::new();
    for word in words {
        sentence.push(word);
        let closed = word.trim_end_matches([')', ']', '"', '\'', '’', '”', '*', '_']);
        if closed.ends_with(['.', '!', '?']) {
            if sentence.len() >= MIN_WORDS {
                out.push(sentence.join(" "));
            }
            sentence.clear();
        }
    }
    paragraph.clear();
}

/// The share of `sentences` (each time it occurs) that are in `reference`,
/// 0 to 1; 0 for no sentences.
pub fn share(sentences: &[String], reference: &HashSet<String>) -> f64 {
    if sentences.is_empty() {
        return 0.0;
    }
    let shared = sentences.iter().filter(|s| reference.contains(*s)).count();
    shared as f64 / sentences.len() as f64
}

/// A plan month as the survey's text names it: `month 11 (Jun 2027)`
/// for a plan dated in August 2026, `month 11 (Jun)` undated.
fn month_name(year: Option<i32>, first_month: u32, month: u32) -> String {
    match crate::timing::month_labels(year, first_month, month).pop() {
        Some(label) => match label.year {
            Some(year) => format!("month {month} ({} {year})", label.short),
            None => format!("month {month} ({})", label.short),
        },
        None => format!("month {month}"),
    }
}
impl Survey {
    /// The survey for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let pct = |x: f64| format!("{:.1} %", x * 100.0);
        let _ = writeln!(out, "districts planned: {}", self.districts);
        let _ = writeln!(
            out,
            "distinct sets of scheduled strategies: {} (the largest group sharing one: {} districts)",
            self.strategy_sets, self.largest_same_set
        );
        let _ = writeln!(
            out,
            "findings that fire somewhere: {} of {}",
            self.findings_firing, self.findings_total
        );
        let _ = writeln!(
            out,
            "mean share of findings left pending: {}",
            pct(self.mean_pending_share)
        );
        self.write_consultant_measures(&mut out);
        let _ = writeln!(out, "\nfindings (fired / pending, in districts):");
        for f in &self.findings {
            let _ = writeln!(out, "  {:>5} / {:>5}  {}", f.fired, f.pending, f.id);
        }
        let _ = writeln!(
            out,
            "\npending findings by the source of the data that would settle them (finding-districts / findings):"
        );
        for s in &self.pending_by_source {
            let _ = writeln!(out, "  {:>6} / {:>3}  {}", s.pending, s.findings, s.source);
        }
        let _ = writeln!(
            out,
            "\nmost alike plans (Jaccard index of findings and strategies):"
        );
        for a in &self.most_alike {
            let _ = writeln!(out, "  {:.3}  {}  {}", a.similarity, a.a, a.b);
        }
        out
    }

    /// Sameness, adoption, evaluation and change ideas, as sentences.
    fn write_consultant_measures(&self, out: &mut String) {
        let pct = |x: f64| format!("{:.1} %", x * 100.0);
        let year = self.date.map(Date::year);
        let month = |m: u32| month_name(year, self.first_month, m);
        let months = |m: Spread| {
            if m.min == m.max {
                format!("in {}", month(m.min))
            } else {
                format!(
                    "from {} to {} (median {})",
                    month(m.min),
                    month(m.max),
                    month(m.median)
                )
            }
        };
        let first = crate::timing::month_labels(year, self.first_month, 1)
            .pop()
            .map(|m| {
                m.year
                    .map_or(m.name.to_string(), |y| format!("{} {y}", m.name))
            })
            .unwrap_or_default();
        let _ = writeln!(out);
        match &self.date {
            Some(date) => writeln!(out, "The plans are dated {date}: month 1 is {first}."),
            None => writeln!(out, "The plans are undated: month 1 is {first}."),
        }
        .ok();
        if let Some(s) = &self.sameness {
            let why = match s.reference_by {
                ReferenceBy::Given => "as asked",
                ReferenceBy::LargestEnrollment => "the largest enrollment",
            };
            let _ = write!(
                out,
                "Sameness: against the Markdown draft of {} ({why}; {} distinct sentences), ",
                s.reference, s.reference_sentences
            );
            let _ = match (s.median, s.p90) {
                (Some(median), Some(p90)) => writeln!(
                    out,
                    "the median plan has {} of its sentences word for word in it, and one plan in ten {} or more ({} plans compared).",
                    pct(median),
                    pct(p90),
                    s.compared
                ),
                _ => writeln!(out, "no other plan was compared."),
            };
        }
        let a = &self.adoption;
        let _ = write!(
            out,
            "The plan's adoption is scheduled in {} of {} plans",
            a.scheduled, self.districts
        );
        if let Some(m) = a.months {
            let _ = write!(
                out,
                ", {}; {} adopt after the first school year's June",
                months(m),
                a.after_first_june
            );
        }
        let _ = writeln!(out, ".");
        let e = &self.evaluation;
        let _ = write!(
            out,
            "The annual evaluation is scheduled in {} of {} plans",
            e.scheduled, self.districts
        );
        if let Some(m) = e.months {
            let _ = write!(out, ", starting {}", months(m));
        }
        let _ = writeln!(out, ".");
        if let Some(c) = self.change_ideas.per_plan {
            let count = if c.min == c.max {
                format!("{} in every plan", c.min)
            } else {
                format!("{} to {} (median {})", c.min, c.max, c.median)
            };
            let _ = writeln!(
                out,
                "Change ideas scheduled per plan: {count}; {} plans schedule more than eight.",
                self.change_ideas.more_than_eight
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> HashSet<String> {
        sentences(text).into_iter().collect()
    }

    #[test]
    fn headings_table_rules_and_code_are_not_sentences() {
        let text = "# Systemic Improvement Plan for English Learner Success\n\
                    \n\
                    ## Why does the district need this plan?\n\
                    \n\
                    | Requirement | Basis | Status |\n\
                    |---|:--:|---|\n\
                    | A Home Language Survey is given at first enrollment | EC 52164.1 | Confirm |\n\
                    | The team checks the file and records it. | x | y |\n\
                    \n\
                    ```mermaid\n\
                    aim[\"Every English learner makes steady progress in English.\"]\n\
                    ```\n";
        assert_eq!(
            sentences(text),
            ["The team checks the file and records it."]
        );
    }

    #[test]
    fn sentences_split_at_a_closing_mark_followed_by_a_space() {
        let text = "This draft was made by elplan from the district's own data.   Every\n\
                    strategy says why it is here! Is it the starting point for the team?\n\
                    Too short. The rate is 6.9 % in the state (2021). No closing mark here";
        assert_eq!(
            sentences(text),
            [
                "This draft was made by elplan from the district's own data.",
                "Every strategy says why it is here!",
                "Is it the starting point for the team?",
                "The rate is 6.9 % in the state (2021).",
            ]
        );
    }

    #[test]
    fn list_and_quote_markers_are_dropped_and_items_end_paragraphs() {
        let text = "The data point to one finding among many\n\
                    1. **Too little outcome history** (medium). The file has no years of history.\n\
                    - Which outcome data do we have but have not assembled by year?\n\
                    * Which years are comparable, and which were disrupted?\n\
                    > Present the draft plan to the DELAC and record their advice.";
        assert_eq!(
            sentences(text),
            [
                "**Too little outcome history** (medium).",
                "The file has no years of history.",
                "Which outcome data do we have but have not assembled by year?",
                "Which years are comparable, and which were disrupted?",
                "Present the draft plan to the DELAC and record their advice.",
            ]
        );
    }

    #[test]
    fn a_plan_shares_all_of_itself_and_part_of_another() {
        let plan = "Every strategy says why it is here. The team adopts it in June.\n\n\
                    The team adopts it in June. Mendota Unified has four schools today.";
        let own = sentences(plan);
        assert_eq!(own.len(), 4);
        assert_eq!(share(&own, &set(plan)), 1.0);
        let other = "Every strategy says why it is here. Selma Unified has nine schools today.";
        // Of its four sentences, only the first is the other's.
        assert_eq!(share(&own, &set(other)), 0.25);
        assert_eq!(share(&sentences(other), &set(plan)), 0.5);
        assert_eq!(share(&[], &set(plan)), 0.0);
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 0.5), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3], 0.5), Some(2));
        assert_eq!(nearest_rank(&(1..=10).collect::<Vec<u32>>(), 0.9), Some(9));
        assert_eq!(nearest_rank::<u32>(&[], 0.5), None);
        assert_eq!(
            spread(vec![9, 3, 5]),
            Some(Spread {
                min: 3,
                median: 5,
                max: 9
            })
        );
        assert_eq!(spread(vec![]), None);
    }
}
