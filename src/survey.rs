//! How plans vary over many districts: the statewide report a rule-base
//! maintainer reads after changing a rule (`elplan survey`).
//!
//! It plans every district and reports how many distinct sets of scheduled
//! strategies there are, which findings fire and how often, the mean share
//! of the rule base's findings left pending, and the districts whose plans
//! are most alike (the same findings and strategies, measured by the
//! Jaccard index over both).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::district::District;
use crate::plan::Plan;
use crate::session::Session;

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
    /// The most alike pairs of plans, most alike first.
    pub most_alike: Vec<Alike>,
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
}

impl Profile {
    fn of(plan: &Plan<'_>) -> Profile {
        let mut strategies: Vec<String> = plan
            .stages
            .iter()
            .flat_map(|s| &s.strategies)
            .map(|s| s.id.to_string())
            .collect();
        strategies.sort();
        let fired: Vec<String> = plan.findings.iter().map(|f| f.id.to_string()).collect();
        let pending = plan
            .pending
            .iter()
            .filter(|p| p.kind == crate::plan::PendingKind::Finding)
            .map(|p| p.id.to_string())
            .collect();
        let mut items: Vec<String> = fired
            .iter()
            .map(|f| format!("finding:{f}"))
            .chain(strategies.iter().map(|s| format!("strategy:{s}")))
            .collect();
        items.sort();
        Profile {
            id: plan.district.id.clone(),
            strategies,
            items,
            fired,
            pending,
        }
    }
}

/// Plans every district and surveys the plans; the first district that
/// cannot be planned stops it. `alike` is how many most-alike pairs to keep.
pub fn survey(
    session: &Session,
    districts: &[(PathBuf, District)],
    alike: usize,
) -> Result<Survey, Diagnostic> {
    let profiles: Vec<Profile> = districts
        .par_iter()
        .map(|(path, district)| session.plan(district, path).map(|p| Profile::of(&p)))
        .collect::<Result<_, _>>()?;
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
    Ok(Survey {
        districts: profiles.len(),
        strategy_sets: sets.len(),
        largest_same_set: sets.values().copied().max().unwrap_or(0),
        findings_firing: findings.iter().filter(|f| f.fired > 0).count(),
        findings_total,
        findings,
        mean_pending_share: pending / profiles.len().max(1) as f64,
        most_alike: most_alike(&profiles, alike),
    })
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
        let _ = writeln!(out, "\nfindings (fired / pending, in districts):");
        for f in &self.findings {
            let _ = writeln!(out, "  {:>5} / {:>5}  {}", f.fired, f.pending, f.id);
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
}
