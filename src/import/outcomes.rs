//! The EL group's own outcomes from the state's public files: DataQuest
//! reclassification counts (`--reclass`), differentiated assistance by
//! student group (`--assistance`), the Dashboard's lowest-performance flags
//! by student group (`--lowperf`) and the Dashboard's indicator downloads
//! (`--dashboard`). Each reader gathers, by the district's county and
//! district code, facts with their school year and the number of students
//! behind them; [`apply`] writes them into a district file with their
//! sources.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::{delimiter_of, headers, number, read_table, readable, reader, required, share, Notes};
use crate::diagnostic::{Diagnostic, ErrorKind};
use crate::district::{
    Assistance, AssistanceYear, District, Indicator, StudentGroup, YearOutcomes,
};

/// What the outcome files say of one district.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DistrictOutcomes {
    /// Counts and values by school year (`2018-19`).
    pub years: BTreeMap<String, YearFacts>,
    /// Assistance by Dashboard year (`2023`).
    pub assistance: BTreeMap<i32, AssistanceFacts>,
}

/// One school year's facts about the EL group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearFacts {
    /// English learners on census day, and those reclassified, summed over
    /// the district's schools.
    pub reclass: Option<(u32, u32)>,
    /// The indicators the EL group was at the lowest level on, when a file
    /// says (an empty set: none).
    pub lowest: Option<BTreeSet<Indicator>>,
    /// Dashboard indicator values of the EL group: the value as the file
    /// gives it and the students behind it.
    pub indicators: BTreeMap<Indicator, (f64, Option<u32>)>,
}

/// One Dashboard year's assistance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssistanceFacts {
    /// The status that year (`None`: the file marks none).
    pub status: Option<Assistance>,
    /// The priority areas in which the EL and long-term EL groups met the
    /// criteria, when the file reports that year's groups.
    pub el: Option<Vec<u8>>,
    /// The same for the long-term EL group.
    pub ltel: Option<Vec<u8>>,
    /// The other student groups that met the criteria, when the file has
    /// their columns.
    pub others: Option<Vec<StudentGroup>>,
}

/// The assistance files' columns of the other student groups.
const GROUP_COLUMNS: [(&str, StudentGroup); 12] = [
    ("SWDpriorities", StudentGroup::Disabilities),
    ("SEDpriorities", StudentGroup::LowIncome),
    ("HOMpriorities", StudentGroup::Homeless),
    ("FOSpriorities", StudentGroup::Foster),
    ("AApriorities", StudentGroup::AfricanAmerican),
    ("AIpriorities", StudentGroup::AmericanIndian),
    ("ASpriorities", StudentGroup::Asian),
    ("FIpriorities", StudentGroup::Filipino),
    ("HIpriorities", StudentGroup::Hispanic),
    ("PIpriorities", StudentGroup::PacificIslander),
    ("TOMpriorities", StudentGroup::TwoOrMore),
    ("WHpriorities", StudentGroup::White),
];

/// The outcome files' facts by district code, and where each kind came from.
#[derive(Debug, Clone, Default)]
pub struct Outcomes {
    /// Each district's facts, by county and district code.
    pub districts: HashMap<String, DistrictOutcomes>,
    /// The sources read, by kind (`reclass`, `assistance`, `lowperf`,
    /// `dashboard`): each as people name it, with the years read.
    pub sources: BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>,
    /// The school years of the lowest-performance files read: a district
    /// they do not list had no group at the lowest level.
    pub lowperf_years: BTreeSet<String>,
    /// Schools (14-digit codes) whose rows the school-level files leave
    /// out of their district's sums: the charters counted apart from the
    /// district (directly funded ones, and those the LEA file lists in
    /// rows of their own), which its enrollment and English learners leave
    /// out too.
    pub left_out: HashSet<String>,
}

/// A file's facts, and the rows that could not be read (each naming its line).
pub type Read = Vec<Diagnostic>;

fn school_year(dashboard: i32) -> String {
    format!("{}-{:02}", dashboard - 1, dashboard.rem_euclid(100))
}

/// The school year a file's name gives: `…2018-19…` or `filesreclass19`.
fn year_in_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let bytes = name.as_bytes();
    for at in 0..bytes.len().saturating_sub(6) {
        let window = &name[at..at + 7];
        let (start, end) = (window.get(..4)?, window.get(5..)?);
        if window.as_bytes()[4] == b'-'
            && start.bytes().all(|b| b.is_ascii_digit())
            && end.bytes().all(|b| b.is_ascii_digit())
        {
            return Some(window.to_string());
        }
    }
    let digits = name.strip_prefix("filesreclass")?.get(..2)?;
    let spring: i32 = digits.parse().ok()?;
    Some(school_year(2000 + spring))
}

/// The district code of a 14-digit CDS code (left-padded when a
/// spreadsheet stored it as a number).
fn district_of(cds: &str) -> String {
    format!("{cds:0>14}").chars().take(7).collect()
}

impl Outcomes {
    /// Records a source of `kind` and the years read from it.
    fn cite(&mut self, kind: &'static str, name: &str, years: impl IntoIterator<Item = String>) {
        self.sources
            .entry(kind)
            .or_default()
            .entry(name.to_string())
            .or_default()
            .extend(years);
    }

    /// How a note names the sources of `kind`: each with its years.
    fn source(&self, kind: &str) -> String {
        let Some(sources) = self.sources.get(kind) else {
            return String::new();
        };
        let named: Vec<String> = sources
            .iter()
            .map(|(name, years)| {
                let years: Vec<&str> = years.iter().map(String::as_str).collect();
                format!("{name} {}", years.join(", "))
            })
            .collect();
        named.join("; ")
    }

    fn district(&mut self, code: String) -> &mut DistrictOutcomes {
        self.districts.entry(code).or_default()
    }

    /// A DataQuest reclassification file (`filesreclass19.txt`): EL and
    /// reclassified counts by school, summed by district. Its school year
    /// comes from its name.
    pub fn read_reclass(&mut self, path: &Path) -> Result<Read, Diagnostic> {
        let year = year_in_name(path).ok_or_else(|| {
            Diagnostic::of(ErrorKind::Import, path, "cannot tell the school year of this reclassification file from its name")
                .with_hint("name it with its year, as CDE does (`filesreclass19.txt`) or as `reclass_2018-19.txt`")
        })?;
        let text = read_table(path)?;
        let mut rows = reader(&text, delimiter_of(&text));
        let columns = headers(path, &mut rows)?;
        let column = |name: &str| required(&columns, path, "the reclassification file", name);
        let (cds, els, reclass) = (column("CDS")?, column("EL")?, column("Reclass")?);
        let mut sums: HashMap<String, (u32, u32)> = HashMap::new();
        let mut failures = Vec::new();
        for record in rows.records() {
            let Some((line, record)) = readable(record, path, &mut failures) else {
                continue;
            };
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            let count = |i: usize| {
                number(Some(cell(i))).filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n < 1e7)
            };
            let (Some(el), Some(re)) = (count(els), count(reclass)) else {
                if !cell(els).is_empty() || !cell(reclass).is_empty() {
                    failures.push(Diagnostic::of(
                        ErrorKind::Import,
                        path,
                        format!(
                            "line {line}: EL `{}` and Reclass `{}` are not counts of students",
                            cell(els),
                            cell(reclass)
                        ),
                    ));
                }
                continue;
            };
            if self.left_out.contains(cell(cds)) {
                continue;
            }
            let sum = sums.entry(district_of(cell(cds))).or_default();
            sum.0 = sum.0.saturating_add(el as u32);
            sum.1 = sum.1.saturating_add(re as u32);
        }
        for (code, counts) in sums {
            self.district(code)
                .years
                .entry(year.clone())
                .or_default()
                .reclass = Some(counts);
        }
        let source = if self.left_out.is_empty() {
            "CDE DataQuest, EL reclassification (school rows summed)"
        } else {
            "CDE DataQuest, EL reclassification (school rows summed, charters counted apart from the district left out)"
        };
        self.cite("reclass", source, [year]);
        Ok(failures)
    }

    /// A CDE differentiated assistance eligibility file by student group:
    /// each year's status, and the EL and long-term EL groups' priority
    /// areas in its report year.
    pub fn read_assistance(&mut self, path: &Path) -> Result<Read, Diagnostic> {
        let text = read_table(path)?;
        let mut rows = reader(&text, b',');
        let columns = headers(path, &mut rows)?;
        let what = "the assistance file";
        let (code, report, el) = (
            required(&columns, path, what, "CDcode")?,
            required(&columns, path, what, "ReportYear")?,
            required(&columns, path, what, "ELpriorities")?,
        );
        let ltel = columns.get("LTELpriorities").copied();
        let groups: Vec<(usize, StudentGroup)> = GROUP_COLUMNS
            .iter()
            .filter_map(|&(name, group)| Some((*columns.get(name)?, group)))
            .collect();
        let statuses: Vec<(i32, usize)> = columns
            .iter()
            .filter_map(|(name, &i)| {
                Some((name.strip_prefix("AssistanceStatus")?.parse().ok()?, i))
            })
            .collect();
        let mut failures = Vec::new();
        let mut years = BTreeSet::new();
        for record in rows.records() {
            let Some((line, record)) = readable(record, path, &mut failures) else {
                continue;
            };
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            let Some(report_year) = year_of(cell(report), "ReportYear", line, path, &mut failures)
            else {
                continue;
            };
            let areas = |i: usize| -> Result<Vec<u8>, String> {
                priority_areas(cell(i)).ok_or_else(|| {
                    format!(
                        "line {line}: `{}` is not a priority-area code (A to K, or *)",
                        cell(i)
                    )
                })
            };
            let others: Result<Vec<StudentGroup>, String> = groups
                .iter()
                .filter_map(|&(i, group)| match areas(i) {
                    Ok(met) if met.is_empty() => None,
                    Ok(_) => Some(Ok(group)),
                    Err(message) => Some(Err(message)),
                })
                .collect();
            let (el_areas, ltel_areas) = match (areas(el), ltel.map(areas).transpose()) {
                (Ok(e), Ok(l)) => (e, l),
                (Err(message), _) | (_, Err(message)) => {
                    failures.push(Diagnostic::of(ErrorKind::Import, path, message));
                    continue;
                }
            };
            // A bad cell of another group leaves the other groups unknown
            // for the row, not the row lost.
            let others = others
                .map_err(|message| failures.push(Diagnostic::of(ErrorKind::Import, path, message)))
                .ok();
            years.insert(report_year);
            let district = self.district(format!("{:0>7}", cell(code)));
            for &(year, i) in &statuses {
                let status = cell(i).to_ascii_lowercase();
                let status = if status.starts_with("differentiated") {
                    Some(Assistance::Differentiated)
                } else if status.starts_with("intensive") {
                    Some(Assistance::Intensive)
                } else if status.starts_with("general") {
                    Some(Assistance::General)
                } else {
                    continue;
                };
                district.assistance.entry(year).or_default().status = status;
            }
            let facts = district.assistance.entry(report_year).or_default();
            facts.el = Some(el_areas);
            facts.ltel = ltel_areas;
            facts.others = others.filter(|_| !groups.is_empty()).map(|mut others| {
                others.sort();
                others
            });
        }
        self.cite(
            "assistance",
            "CDE, LCFF differentiated assistance eligibility by student group",
            years.iter().map(ToString::to_string),
        );
        Ok(failures)
    }

    /// A CDE "Low Performing LEAs" file by student group: the indicators
    /// flagged `Y` for the EL group, read as the lowest performance level
    /// (red) on that year's Dashboard (CDE publishes no record layout; the
    /// flags agree with the assistance codes of the same year).
    pub fn read_lowperf(&mut self, path: &Path) -> Result<Read, Diagnostic> {
        let text = read_table(path)?;
        let mut rows = reader(&text, b',');
        let columns = headers(path, &mut rows)?;
        let what = "the low-performance file";
        let (year, cds, rtype, group) = (
            required(&columns, path, what, "reportingyear")?,
            required(&columns, path, what, "cds")?,
            required(&columns, path, what, "rtype")?,
            required(&columns, path, what, "studentgroup")?,
        );
        let flags: Vec<(Indicator, usize)> = [
            ("ELA", Indicator::Ela),
            ("Math", Indicator::Math),
            ("Chronic", Indicator::ChronicAbsence),
            ("CCI", Indicator::CollegeCareer),
            ("ELPI", Indicator::Elpi),
            ("Grad", Indicator::Graduation),
            ("Susp", Indicator::Suspension),
        ]
        .into_iter()
        .filter_map(|(name, indicator)| Some((indicator, *columns.get(name)?)))
        .collect();
        let mut failures = Vec::new();
        for record in rows.records() {
            let Some((line, record)) = readable(record, path, &mut failures) else {
                continue;
            };
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            let Some(dashboard) = year_of(cell(year), "reportingyear", line, path, &mut failures)
            else {
                continue;
            };
            let school = school_year(dashboard);
            self.lowperf_years.insert(school.clone());
            // Every district listed had some group flagged: its EL group
            // has none unless its own row says so.
            if cell(rtype) != "D" {
                continue;
            }
            let lowest = self
                .district(district_of(cell(cds)))
                .years
                .entry(school)
                .or_default()
                .lowest
                .get_or_insert_with(BTreeSet::new);
            if cell(group) == "EL" {
                for &(indicator, i) in &flags {
                    if cell(i).eq_ignore_ascii_case("Y") {
                        lowest.insert(indicator);
                    }
                }
            }
        }
        let dashboards: Vec<String> = self
            .lowperf_years
            .iter()
            .filter_map(|y| Some((y.get(..4)?.parse::<i32>().ok()? + 1).to_string()))
            .collect();
        self.cite(
            "lowperf",
            "CDE, Low Performing LEAs by student group (a `Y` read as the lowest level, red), Dashboard",
            dashboards,
        );
        Ok(failures)
    }

    /// A Dashboard indicator download (`eladownload2024.txt`, …): the EL
    /// group's district values with the students behind them, and a red
    /// colour as the lowest level. The indicator comes from the file's
    /// name, as the Dashboard names its downloads.
    pub fn read_dashboard(&mut self, path: &Path) -> Result<Read, Diagnostic> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let indicator = [
            ("ela", Indicator::Ela),
            ("math", Indicator::Math),
            ("elpi", Indicator::Elpi),
            ("chronic", Indicator::ChronicAbsence),
            ("grad", Indicator::Graduation),
            ("susp", Indicator::Suspension),
            ("cci", Indicator::CollegeCareer),
        ]
        .into_iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, i)| i)
        .ok_or_else(|| {
            Diagnostic::of(ErrorKind::Import, path, "cannot tell which Dashboard indicator this file holds from its name")
                .with_hint("keep the Dashboard's own file names: eladownload2024.txt, mathdownload…, elpidownload…, chronicdownload…, graddownload…, suspdownload…, ccidownload…")
        })?;
        let text = read_table(path)?;
        let mut rows = reader(&text, delimiter_of(&text));
        let columns = headers(path, &mut rows)?;
        let what = "the Dashboard file";
        let (cds, rtype, group, status, year) = (
            required(&columns, path, what, "cds")?,
            required(&columns, path, what, "rtype")?,
            required(&columns, path, what, "studentgroup")?,
            required(&columns, path, what, "currstatus")?,
            required(&columns, path, what, "reportingyear")?,
        );
        let (denominator, color) = (
            columns.get("currdenom").copied(),
            columns.get("color").copied(),
        );
        let mut failures = Vec::new();
        let mut years = BTreeSet::new();
        for record in rows.records() {
            let Some((line, record)) = readable(record, path, &mut failures) else {
                continue;
            };
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            if cell(rtype) != "D"
                || !matches!(cell(group), "EL" | "English Learner" | "English Learners")
            {
                continue;
            }
            let Some(dashboard) = year_of(cell(year), "reportingyear", line, path, &mut failures)
            else {
                continue;
            };
            years.insert(dashboard);
            let facts = self
                .district(district_of(cell(cds)))
                .years
                .entry(school_year(dashboard))
                .or_default();
            let students = denominator
                .and_then(|d| number(Some(cell(d))))
                .filter(|n| *n >= 0.0 && *n < 1e7)
                .map(|n| n as u32);
            if let Some(value) = number(Some(cell(status))) {
                let sensible = match indicator {
                    Indicator::Ela | Indicator::Math => (-400.0..=400.0).contains(&value),
                    _ => (0.0..=100.0).contains(&value),
                };
                if sensible {
                    facts.indicators.insert(indicator, (value, students));
                } else {
                    failures.push(Diagnostic::of(
                        ErrorKind::Import,
                        path,
                        format!(
                            "line {line}: currstatus {value} is out of range for this indicator"
                        ),
                    ));
                }
            }
            if color.map(cell) == Some("1") {
                facts
                    .lowest
                    .get_or_insert_with(BTreeSet::new)
                    .insert(indicator);
            }
        }
        self.cite(
            "dashboard",
            &format!(
                "CA School Dashboard, {} download",
                indicator_name(indicator)
            ),
            years.iter().map(ToString::to_string),
        );
        Ok(failures)
    }
}

/// A year cell (`2023`), or `None` with the row named in `failures`.
fn year_of(
    cell: &str,
    column: &str,
    line: u64,
    path: &Path,
    failures: &mut Vec<Diagnostic>,
) -> Option<i32> {
    let year = cell.parse::<i32>().ok();
    if year.is_none() {
        failures.push(Diagnostic::of(
            ErrorKind::Import,
            path,
            format!("line {line}: {column} `{cell}` is not a year"),
        ));
    }
    year
}

/// The priority areas of an assistance code: `A` = 4, 5, 6 … `K` = 4, 5,
/// 6, 8; `*` or blank: none. Digits are read as areas themselves.
fn priority_areas(code: &str) -> Option<Vec<u8>> {
    Some(match code {
        "" | "*" => vec![],
        "A" => vec![4, 5, 6],
        "B" => vec![4, 5],
        "C" => vec![5, 6],
        "D" => vec![4, 6],
        "E" => vec![4, 8],
        "F" => vec![5, 8],
        "G" => vec![6, 8],
        "H" => vec![4, 5, 8],
        "I" => vec![4, 6, 8],
        "J" => vec![5, 6, 8],
        "K" => vec![4, 5, 6, 8],
        digits => {
            let areas: Option<Vec<u8>> = digits
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|d| !d.is_empty())
                .map(|d| d.parse().ok().filter(|n| matches!(n, 4 | 5 | 6 | 8)))
                .collect();
            areas.filter(|a| !a.is_empty())?
        }
    })
}

fn indicator_name(indicator: Indicator) -> &'static str {
    match indicator {
        Indicator::Ela => "ELA",
        Indicator::Math => "mathematics",
        Indicator::Elpi => "ELPI",
        Indicator::ChronicAbsence => "chronic absence",
        Indicator::Graduation => "graduation rate",
        Indicator::Suspension => "suspension rate",
        Indicator::CollegeCareer => "college/career",
    }
}

/// Writes what the outcome files say of district `code` into `district`,
/// each fact with its year and source.
pub(super) fn apply(
    district: &mut District,
    code: &str,
    outcomes: &Outcomes,
    fall: Option<(String, u32, &str)>,
    notes: &mut Notes,
) {
    let empty = DistrictOutcomes::default();
    let facts = outcomes.districts.get(code).unwrap_or(&empty);
    let source = |kind: &str| outcomes.source(kind);
    let mut history: BTreeMap<String, YearOutcomes> = std::mem::take(&mut district.history)
        .into_iter()
        .map(|h| (h.year.clone(), h))
        .collect();
    fn entry<'h>(
        history: &'h mut BTreeMap<String, YearOutcomes>,
        year: &str,
    ) -> &'h mut YearOutcomes {
        history
            .entry(year.to_string())
            .or_insert_with(|| YearOutcomes::empty(year))
    }
    let mut reclass_estimated = false;
    let mut fall_used = None;
    for (year, y) in &facts.years {
        if let Some(counts) = y.reclass {
            let e = entry(&mut history, year);
            match reclass_rate(e, counts, prior_fall(facts, year, fall.as_ref())) {
                Some(Base::Fall(source)) => fall_used = Some((year.clone(), source)),
                Some(Base::SameYear) => reclass_estimated = true,
                Some(Base::Prior) | None => {}
            }
        }
        if let Some(lowest) = &y.lowest {
            let e = entry(&mut history, year);
            let mut all: BTreeSet<Indicator> =
                e.el_lowest.take().unwrap_or_default().into_iter().collect();
            all.extend(lowest);
            e.el_lowest = Some(all.into_iter().collect());
        }
        for (&indicator, &(value, students)) in &y.indicators {
            let e = entry(&mut history, year);
            let rate = share(value, 100.0);
            match indicator {
                Indicator::Ela => (e.el_ela_dfs, e.el_ela_tested) = (Some(value), students),
                Indicator::Math => (e.el_math_dfs, e.el_math_tested) = (Some(value), students),
                Indicator::Elpi => {
                    (e.elpi_status, e.elpi_takers) = (Some(rate), students.or(e.elpi_takers))
                }
                Indicator::ChronicAbsence => {
                    (e.el_chronic_absence, e.el_chronic_enrolled) = (Some(rate), students)
                }
                Indicator::Graduation => {
                    (e.el_graduation_rate, e.el_graduation_cohort) = (Some(rate), students)
                }
                Indicator::Suspension | Indicator::CollegeCareer => {}
            }
        }
    }
    // A district the lowest-performance files do not list had no group at
    // the lowest level those years.
    for year in &outcomes.lowperf_years {
        let e = entry(&mut history, year);
        if e.el_lowest.is_none() {
            e.el_lowest = Some(Vec::new());
        }
    }
    district.history = history.into_values().collect();
    let mut said = Vec::new();
    if facts.years.values().any(|y| y.reclass.is_some()) {
        let base = match (&fall_used, reclass_estimated) {
            (Some((year, fall)), _) => format!(
                ", reclassified ÷ the ELs of the fall before ({fall}, schools summed as the reclassification file's), as CDE divides, for {year}"
            ),
            (None, true) => ", reclassified ÷ the same year's ELs, an approximation (CDE divides by the prior year's)".to_string(),
            (None, false) => String::new(),
        };
        said.push(format!("reclassification: {}{base}", source("reclass")));
    }
    if !outcomes.lowperf_years.is_empty() {
        said.push(format!("lowest levels: {}", source("lowperf")));
    }
    if facts.years.values().any(|y| !y.indicators.is_empty()) {
        said.push(format!("EL indicators: {}", source("dashboard")));
    }
    if !said.is_empty() {
        let before = notes.remove("history");
        let mut all: Vec<String> = before.into_iter().collect();
        all.extend(said);
        notes.insert("history".into(), all.join("; "));
    }
    if !facts.assistance.is_empty() {
        apply_assistance(district, facts, &source("assistance"), notes);
    }
}

/// Each year's assistance status, and the latest as the district's current
/// one, from the assistance-by-group files.
fn apply_assistance(
    district: &mut District,
    facts: &DistrictOutcomes,
    source: &str,
    notes: &mut Notes,
) {
    district.accountability.assistance_history = facts
        .assistance
        .iter()
        .map(|(&year, a)| AssistanceYear {
            year: year.to_string(),
            status: a.status,
            el_priorities: a.el.clone(),
            ltel_priorities: a.ltel.clone(),
            other_groups: a.others.clone(),
        })
        .collect();
    if let Some((year, status)) = facts
        .assistance
        .iter()
        .rev()
        .find_map(|(y, a)| Some((y, a.status?)))
    {
        district.accountability.assistance = Some(status);
        district.accountability.assistance_year = Some(year.to_string());
        notes.insert(
            "accountability.assistance".into(),
            format!("{}: AssistanceStatus{year}", source),
        );
    }
    notes.insert(
        "accountability.assistance_history".into(),
        format!(
            "{}: AssistanceStatus by year; ELpriorities and LTELpriorities in the report years",
            source
        ),
    );
}

/// What a reclassification rate was divided by.
enum Base<'s> {
    /// The prior year's reclassification file's ELs.
    Prior,
    /// The school file of the fall before (its source).
    Fall(&'s str),
    /// The same year's ELs: an approximation.
    SameYear,
}

/// The English learners of the fall before `year`: the prior year's
/// reclassification file's, else the school file's of that fall.
fn prior_fall<'s>(
    facts: &DistrictOutcomes,
    year: &str,
    fall: Option<&(String, u32, &'s str)>,
) -> Option<(u32, Base<'s>)> {
    let before = previous_year(year)?;
    if let Some((els, _)) = facts.years.get(&before).and_then(|p| p.reclass) {
        return Some((els, Base::Prior));
    }
    let (fall_year, n, source) = fall?;
    (*fall_year == before).then_some((*n, Base::Fall(source)))
}

/// The year's counts and rate: CDE divides the reclassified students by
/// the prior fall's ELs, exact when those were read, else by the same
/// year's, an approximation. The base used, if any rate.
fn reclass_rate<'s>(
    e: &mut YearOutcomes,
    (els, reclassified): (u32, u32),
    prior: Option<(u32, Base<'s>)>,
) -> Option<Base<'s>> {
    e.els = Some(els);
    e.reclassified = Some(reclassified);
    match prior {
        Some((prior, base)) if prior > 0 => {
            e.els_prior = Some(prior);
            e.reclassification_rate =
                Some(share(f64::from(reclassified), f64::from(prior)).min(1.0));
            Some(base)
        }
        _ if els > 0 => {
            e.reclassification_rate = Some(share(f64::from(reclassified), f64::from(els)).min(1.0));
            e.reclassification_estimate = Some(true);
            Some(Base::SameYear)
        }
        _ => None,
    }
}

/// `2018-19` → `2017-18`.
fn previous_year(year: &str) -> Option<String> {
    let start: i32 = year.get(..4)?.parse().ok()?;
    Some(school_year(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_names_its_school_year() {
        assert_eq!(
            year_in_name(Path::new("x/reclass_2018-19_school.txt")).as_deref(),
            Some("2018-19")
        );
        assert_eq!(
            year_in_name(Path::new("filesreclass19.txt")).as_deref(),
            Some("2018-19")
        );
        assert_eq!(year_in_name(Path::new("reclass.txt")), None);
    }

    #[test]
    fn assistance_codes_name_priority_areas() {
        assert_eq!(priority_areas("B"), Some(vec![4, 5]));
        assert_eq!(priority_areas("*"), Some(vec![]));
        assert_eq!(priority_areas("K"), Some(vec![4, 5, 6, 8]));
        assert_eq!(priority_areas("4,8"), Some(vec![4, 8]));
        assert_eq!(priority_areas("Z"), None);
        assert_eq!(priority_areas("7"), None);
    }
}
