//! `elplan import`: district files from the CDE "District Areas" table and
//! the public files beside it.
//!
//! One district file per row of District Areas: id from the name, kind from
//! `DistrictType`, grades, county, CDS code, data year, locale
//! (`LocaleDistrict`) and state assistance (`AssistStatus`). A CALPADS LEA
//! file (`--lea`) gives the district's own enrollment, FRPM share and EL
//! share, without its directly funded charters; without one, enrollment is
//! `EnrollNonCharter` and the FRPM share is estimated from `SEDcount`. A
//! CALPADS school file (`--schools`) counts schools, directly funded
//! charters left out. Dashboard ELPI files (`--elpi`, 2019 TSV or 2024 CSV
//! layout) give the ELPI status history, the latest ELPI colour and an
//! estimate of the long-term EL share. Every value is written with its
//! source and year beside it. Blank or suppressed values stay unknown,
//! never zero. A row that cannot be imported is reported with its line and
//! the import goes on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

mod outcomes;

pub use outcomes::{DistrictOutcomes, Outcomes};

use crate::diagnostic::{Diagnostic, ErrorKind, LineIndex};
use crate::district::{Assistance, Color, District, Grades, Kind, Locale, YearOutcomes};
use crate::limits::MAX_TABLE_BYTES;
use crate::ron_text::comment_text;

/// The District Areas columns elplan reads, by what each holds: the one
/// place their CDE names are written (the file's record layout).
mod col {
    pub const YEAR: &str = "Year";
    pub const CD_CODE: &str = "CDCode";
    pub const CDS_CODE: &str = "CDSCode";
    pub const COUNTY: &str = "CountyName";
    pub const NAME: &str = "DistrictName";
    pub const KIND: &str = "DistrictType";
    pub const GRADE_LOW: &str = "GradeLow";
    pub const GRADE_HIGH: &str = "GradeHigh";
    /// Optional: the district's grade span by its boundaries. `GradeLow`
    /// and `GradeHigh` take in the charters it authorizes (an elementary
    /// district with a charter high school reads K-12); elplan leaves
    /// charters out of the counts, so where a district has charters it
    /// takes this span instead.
    pub const OWN_GRADE_LOW: &str = "GradeLowCensus";
    pub const OWN_GRADE_HIGH: &str = "GradeHighCensus";
    pub const ENROLLMENT: &str = "EnrollTotal";
    pub const ELS: &str = "ELcount";
    /// Optional: the district without its charters.
    pub const NON_CHARTER_ENROLLMENT: &str = "EnrollNonCharter";
    /// Optional: socioeconomically disadvantaged students.
    pub const SED: &str = "SEDcount";
    /// Optional: the NCES locale.
    pub const LOCALE: &str = "LocaleDistrict";
    /// Optional: the state's support.
    pub const ASSISTANCE: &str = "AssistStatus";
}

/// The District Areas columns an import needs.
const COLUMNS: [&str; 10] = [
    col::YEAR,
    col::CD_CODE,
    col::CDS_CODE,
    col::COUNTY,
    col::NAME,
    col::KIND,
    col::GRADE_LOW,
    col::GRADE_HIGH,
    col::ENROLLMENT,
    col::ELS,
];

/// An imported district and the row it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The table line it came from.
    pub line: u64,
    /// The district file's contents.
    pub district: District,
    /// Where each imported value came from, by field path (`students.el_share`):
    /// written beside the value.
    pub notes: BTreeMap<String, String>,
}

/// The public tables an import reads besides District Areas, each keyed by
/// the district's county and district code (7 digits).
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// Schools per district, from a CALPADS school file.
    pub schools: Option<SchoolCounts>,
    /// What Dashboard ELPI files say of each district.
    pub elpi: HashMap<String, ElpiDistrict>,
    /// Each district's own counts, from a CALPADS LEA file.
    pub lea: Option<LeaCounts>,
    /// The EL group's outcomes: reclassification, assistance, lowest
    /// levels, Dashboard indicators.
    pub outcomes: Outcomes,
}

impl Tables {
    /// The school file's counts; the school-level outcome files read after
    /// it leave its directly funded charters out of their district sums,
    /// as the district's enrollment and English learners do.
    pub fn set_schools(&mut self, schools: SchoolCounts) {
        self.outcomes
            .left_out
            .extend(schools.direct_charters.iter().cloned());
        self.schools = Some(schools);
    }

    /// The school file's English learners of district `code` on its census
    /// day, with the file's year and source: the fall before a
    /// reclassification year, CDE's base for the rate.
    pub fn fall_els(&self, code: &str) -> Option<(String, u32, &str)> {
        let s = self.schools.as_ref()?;
        let els = s.els(code, &self.outcomes.left_out)?;
        Some((s.year.clone()?, els, s.source.as_str()))
    }

    /// The LEA file's counts; the school-level outcome files read after it
    /// leave out the charters it counts apart from their district (rows of
    /// their own), as the district's enrollment and English learners do.
    pub fn set_lea(&mut self, lea: LeaCounts) {
        self.outcomes.left_out.extend(lea.charters.iter().cloned());
        self.lea = Some(lea);
    }
}

/// Schools per district, directly funded charters left out.
#[derive(Debug, Clone, Default)]
pub struct SchoolCounts {
    /// The source as people name it (`CALPADS UPC 2017-18, school file`).
    pub source: String,
    /// Schools by county and district code.
    pub counts: HashMap<String, u32>,
    /// Schools with 21 or more English learners (each of which must hold
    /// an ELAC), by county and district code, where the file has an
    /// `english_learner` column.
    pub with_21_els: HashMap<String, u32>,
    /// The school year the file counts (`2017-18`), when it says.
    pub year: Option<String>,
    /// The school codes (14 digits: county, district, school) of the
    /// directly funded charters, which the school-level outcome files
    /// leave out of a district's sums as its counts do.
    pub direct_charters: HashSet<String>,
    /// English learners by school (14-digit code), by county and district
    /// code, where the file has an `english_learner` column; a district
    /// with a count that cannot be read has none.
    pub els_by_school: HashMap<String, Vec<(String, u32)>>,
}

impl SchoolCounts {
    /// The district's English learners on the file's census day, its
    /// schools summed without those in `left_out` (charters counted apart).
    pub fn els(&self, code: &str, left_out: &HashSet<String>) -> Option<u32> {
        let schools = self.els_by_school.get(code)?;
        Some(
            schools
                .iter()
                .filter(|(school, _)| !left_out.contains(school))
                .fold(0u32, |sum, &(_, n)| sum.saturating_add(n)),
        )
    }
}

/// A district's own counts in a CALPADS unduplicated pupil count LEA file.
#[derive(Debug, Clone, PartialEq)]
pub struct Lea {
    /// Students enrolled.
    pub enrolled: f64,
    /// Students eligible for free or reduced-price meals.
    pub frpm: Option<f64>,
    /// The column `frpm` was read from: `unduplicated_frpm` (CDE's
    /// definition, direct certification counted) or, in a file without
    /// it, `frpm`.
    pub frpm_column: &'static str,
    /// English learners.
    pub english_learners: Option<f64>,
}

/// The district rows of a CALPADS LEA file.
#[derive(Debug, Clone, Default)]
pub struct LeaCounts {
    /// The source as people name it (`CALPADS UPC 2018-19, LEA file`).
    pub source: String,
    /// Counts by county and district code.
    pub districts: HashMap<String, Lea>,
    /// The school codes (14 digits) of the charters the file counts in
    /// rows of their own, apart from their district's row: directly
    /// funded ones, and the locally funded ones some districts report
    /// apart.
    pub charters: HashSet<String>,
}

/// What Dashboard ELPI files say of one district.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ElpiDistrict {
    /// The EL group's ELPI status (a fraction) by school year (`2023-24`).
    pub status: BTreeMap<String, f64>,
    /// The EL group's Dashboard colour and its school year, when it has one.
    pub color: Option<(Color, String)>,
    /// ELPAC takers counted by the indicator (`currdenom`), by school year:
    /// the EL group's and the long-term EL group's.
    pub takers: BTreeMap<String, Takers>,
}

/// ELPAC takers the indicator counts in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Takers {
    /// All English learners.
    pub els: Option<f64>,
    /// Long-term English learners.
    pub long_term: Option<f64>,
}

impl ElpiDistrict {
    /// Adds what another file says; for the same year the later file wins.
    pub fn merge(&mut self, other: ElpiDistrict) {
        self.status.extend(other.status);
        match (&self.color, &other.color) {
            (_, None) => {}
            (Some((_, ours)), Some((_, theirs))) if ours > theirs => {}
            _ => self.color = other.color,
        }
        for (year, takers) in other.takers {
            let entry = self.takers.entry(year).or_default();
            entry.els = takers.els.or(entry.els);
            entry.long_term = takers.long_term.or(entry.long_term);
        }
    }

    /// The long-term EL share of ELs, estimated from the latest year with
    /// both groups' takers: (share, long-term takers, EL takers, year).
    fn long_term_share(&self) -> Option<(f64, f64, f64, &str)> {
        self.takers.iter().rev().find_map(|(year, t)| {
            let (els, long_term) = (t.els?, t.long_term?);
            (els > 0.0 && long_term <= els)
                .then(|| (share(long_term, els), long_term, els, year.as_str()))
        })
    }
}

/// What an import made: district files, and the rows that could not become one.
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// The districts imported, in table order.
    pub districts: Vec<Imported>,
    /// Rows that could not be imported, each naming its line.
    pub failures: Vec<Diagnostic>,
}

/// A table's text: UTF-8 (without a byte-order mark), or Latin-1, in which
/// older state downloads come (every byte is a character, nothing is lost).
pub fn read_table(path: &Path) -> Result<String, Diagnostic> {
    let bytes = crate::source::read_bounded(path, MAX_TABLE_BYTES, "tables")?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text),
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    })
}

/// A tab when the header row has one (the Dashboard's and DataQuest's
/// text downloads), else a comma.
fn delimiter_of(text: &str) -> u8 {
    if text.lines().next().is_some_and(|l| l.contains('\t')) {
        b'\t'
    } else {
        b','
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn headers(
    path: &Path,
    reader: &mut csv::Reader<&[u8]>,
) -> Result<HashMap<String, usize>, Diagnostic> {
    let headers = reader.headers().map_err(|e| {
        Diagnostic::of(
            ErrorKind::Import,
            path,
            format!("cannot read the header row: {e}"),
        )
    })?;
    Ok(headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect())
}

/// The index of a column the file must have; `what` names the file in the
/// diagnostic ("the LEA file").
fn required(
    columns: &HashMap<String, usize>,
    path: &Path,
    what: &str,
    name: &str,
) -> Result<usize, Diagnostic> {
    columns.get(name).copied().ok_or_else(|| {
        Diagnostic::of(
            ErrorKind::Import,
            path,
            format!("{what} has no `{name}` column"),
        )
    })
}

/// A record and its line, or `None` with the broken row added to
/// `failures`, named by its line.
fn readable(
    record: Result<csv::StringRecord, csv::Error>,
    path: &Path,
    failures: &mut Vec<Diagnostic>,
) -> Option<(u64, csv::StringRecord)> {
    match record {
        Ok(record) => Some((record.position().map_or(0, |p| p.line()), record)),
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            failures.push(Diagnostic::of(
                ErrorKind::Import,
                path,
                format!("line {line}: {e}"),
            ));
            None
        }
    }
}

/// A CALPADS file as people name it: `CALPADS UPC 2018-19, LEA file`.
fn calpads_source(year: Option<String>, file: &str) -> String {
    match year {
        Some(year) => format!("CALPADS UPC {year}, {file}"),
        None => format!("CALPADS UPC {file}"),
    }
}

/// A number, or `None` for blank, suppressed (`*`) or unreadable cells;
/// thousands separators are allowed.
fn number(cell: Option<&str>) -> Option<f64> {
    let text = cell?.trim().replace(',', "");
    if text.is_empty() || text.starts_with('*') {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn grade(cell: &str) -> Option<i8> {
    match cell.trim() {
        "KG" | "K" => Some(0),
        "PK" | "TK" => Some(-1),
        other => other.parse::<i8>().ok(),
    }
}

/// `Alameda Unified` → `alameda-unified`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Rounds a share to five decimals: stable in text, and a percentage
/// shown to one decimal is not rounded twice (100 of 7,420 is 1.3 %, where
/// four decimals, 0.0135, would show 1.4 %).
fn share(part: f64, whole: f64) -> f64 {
    (part / whole * 100_000.0).round() / 100_000.0
}

/// `2017-2018` → `2017-18`; anything else as it is.
fn school_year(academic: &str) -> String {
    match academic.split_once('-') {
        Some((start, end)) if start.len() == 4 && end.len() == 4 => {
            format!("{start}-{}", &end[2..])
        }
        _ => academic.to_string(),
    }
}

/// The 7-digit county and district code of a CALPADS row.
fn district_code(county: &str, district: &str) -> String {
    format!("{county:0>2}{district:0>5}")
}

/// Schools per county and district code from a CALPADS unduplicated pupil
/// count school file: rows with a school code, directly funded charters
/// left out (they are their own local educational agencies), and the row
/// of code 0000001, the students the district places in nonpublic,
/// nonsectarian schools, which is not a school of its own.
pub fn count_schools(path: &Path) -> Result<SchoolCounts, Diagnostic> {
    let text = read_table(path)?;
    let mut rows = reader(&text, b',');
    let columns = headers(path, &mut rows)?;
    let column = |name: &str| required(&columns, path, "the schools file", name);
    let (county, district, school) = (
        column("County Code")?,
        column("District Code")?,
        column("School Code")?,
    );
    let funding = columns.get("Charter Funding Type").copied();
    let year = columns.get("Academic Year").copied();
    let els = columns.get("english_learner").copied();
    let mut counts = HashMap::new();
    let mut with_21_els = HashMap::new();
    let mut unknown_els = HashSet::new();
    let mut direct_charters = HashSet::new();
    let mut els_by_school: HashMap<String, Vec<(String, u32)>> = HashMap::new();
    let mut seen_year = None;
    for record in rows.records().flatten() {
        let code = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        if matches!(code(school).trim_start_matches('0'), "" | "1") {
            continue;
        }
        if funding.is_some_and(|f| code(f).eq_ignore_ascii_case("Directly funded")) {
            direct_charters.insert(format!(
                "{}{:0>7}",
                district_code(&code(county), &code(district)),
                code(school)
            ));
            continue;
        }
        if seen_year.is_none() {
            seen_year = year
                .map(|y| school_year(&code(y)))
                .filter(|y| !y.is_empty());
        }
        let key = district_code(&code(county), &code(district));
        // A suppressed or unreadable count leaves the district's count of
        // such schools unknown, not short by one.
        if let Some(i) = els {
            match number(Some(code(i).as_str())).filter(|n| *n >= 0.0 && *n < 1e7) {
                Some(n) => {
                    *with_21_els.entry(key.clone()).or_insert(0) += u32::from(n >= 21.0);
                    let school = format!("{key}{:0>7}", code(school));
                    els_by_school
                        .entry(key.clone())
                        .or_default()
                        .push((school, n.round() as u32));
                }
                None => {
                    unknown_els.insert(key.clone());
                }
            }
        }
        *counts.entry(key).or_insert(0) += 1;
    }
    with_21_els.retain(|key, _| !unknown_els.contains(key));
    els_by_school.retain(|key, _| !unknown_els.contains(key));
    Ok(SchoolCounts {
        source: calpads_source(seen_year.clone(), "school file"),
        counts,
        with_21_els,
        year: seen_year,
        direct_charters,
        els_by_school,
    })
}

/// The district rows (school code all zeros) of a CALPADS unduplicated
/// pupil count LEA file, and the rows that could not be read. Directly
/// funded charters are rows of their own and are not counted in the
/// district's.
pub fn lea_counts(path: &Path) -> Result<(LeaCounts, Vec<Diagnostic>), Diagnostic> {
    let text = read_table(path)?;
    let mut rows = reader(&text, b',');
    let columns = headers(path, &mut rows)?;
    let column = |name: &str| {
        required(&columns, path, "the LEA file", name).map_err(|d| d.with_hint("elplan reads the CALPADS unduplicated pupil count LEA file (County Code, District Code, School Code, total_enrolled, frpm, english_learner)"))
    };
    // CDE's published FRPM eligibility counts students eligible through a
    // meal application and those eligible for free meals by direct
    // certification (CalFresh, CalWORKs) or by foster, migrant or homeless
    // status, each once: the file's `unduplicated_frpm`. Its `frpm` column
    // counts meal-program records (181/182) only, without direct
    // certification. A file without `unduplicated_frpm` falls back on `frpm`.
    let frpm_column = if columns.contains_key("unduplicated_frpm") {
        "unduplicated_frpm"
    } else {
        "frpm"
    };
    let (county, district, school, enrolled, frpm, els) = (
        column("County Code")?,
        column("District Code")?,
        column("School Code")?,
        column("total_enrolled")?,
        column(frpm_column)?,
        column("english_learner")?,
    );
    let year = columns.get("Academic Year").copied();
    let mut out = LeaCounts::default();
    let mut failures = Vec::new();
    let mut seen_year = None;
    for record in rows.records() {
        let Some((line, record)) = readable(record, path, &mut failures) else {
            continue;
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if !cell(school).trim_start_matches('0').is_empty() {
            out.charters.insert(format!(
                "{}{:0>7}",
                district_code(cell(county), cell(district)),
                cell(school)
            ));
            continue;
        }
        let Some(total) = number(Some(cell(enrolled))).filter(|&t| t >= 1.0) else {
            continue;
        };
        let count = |i: usize, what: &str, failures: &mut Vec<Diagnostic>| {
            let value = number(Some(cell(i)))?;
            if value < 0.0 || value > total {
                failures.push(Diagnostic::of(
                    ErrorKind::Import,
                    path,
                    format!("line {line}: {what} {value} does not fit an enrollment of {total}"),
                ));
                return None;
            }
            Some(value)
        };
        let lea = Lea {
            enrolled: total,
            frpm: count(frpm, frpm_column, &mut failures),
            frpm_column,
            english_learners: count(els, "english_learner", &mut failures),
        };
        if seen_year.is_none() {
            seen_year = year.map(|y| school_year(cell(y))).filter(|y| !y.is_empty());
        }
        out.districts
            .insert(district_code(cell(county), cell(district)), lea);
    }
    out.source = calpads_source(seen_year, "LEA file");
    Ok((out, failures))
}

/// What a Dashboard ELPI download says of each district (by county and
/// district code), and the rows of that file that could not be read, each
/// named with the file and line.
pub type ElpiFile = (HashMap<String, ElpiDistrict>, Vec<Diagnostic>);

/// A Dashboard colour as the downloads write it: 1 Red to 5 Blue (0 or
/// blank, no colour, is left to the caller).
fn dashboard_color(cell: &str) -> Option<Color> {
    let colors = [
        Color::Red,
        Color::Orange,
        Color::Yellow,
        Color::Green,
        Color::Blue,
    ];
    let n = cell.parse::<usize>().ok()?;
    colors.get(n.checked_sub(1)?).copied()
}

/// Reads a Dashboard ELPI download (2019 TSV or 2024 CSV layout): the EL
/// group's status (current and prior year), its colour, and the EL and
/// long-term EL groups' takers.
pub fn read_elpi(path: &Path) -> Result<ElpiFile, Diagnostic> {
    let text = read_table(path)?;
    let mut rows = reader(&text, delimiter_of(&text));
    let columns = headers(path, &mut rows)?;
    let column = |name: &str| required(&columns, path, "the ELPI file", name);
    let (cds, rtype, status, year) = (
        column("cds")?,
        column("rtype")?,
        column("currstatus")?,
        column("reportingyear")?,
    );
    let optional = |name: &str| columns.get(name).copied();
    let (group, prior, color, denominator, prior_denominator) = (
        optional("studentgroup"),
        optional("priorstatus"),
        optional("color"),
        optional("currdenom"),
        optional("priordenom"),
    );
    let mut out: HashMap<String, ElpiDistrict> = HashMap::new();
    let mut failures = Vec::new();
    for record in rows.records() {
        let Some((line, record)) = readable(record, path, &mut failures) else {
            continue;
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let long_term = match group.map(cell) {
            None | Some("English Learner") => false,
            Some("Long-Term English Learner") => true,
            Some(_) => continue,
        };
        if cell(rtype) != "D" {
            continue;
        }
        let code = format!("{:0>14}", cell(cds));
        let Ok(reporting) = cell(year).parse::<i32>() else {
            continue;
        };
        // The county and district digits; chars, not bytes: a cell may hold anything.
        let district: String = code.chars().take(7).collect();
        let entry = out.entry(district).or_default();
        let school_year = |end: i32| format!("{}-{:02}", end - 1, end.rem_euclid(100));
        let count = |column: Option<usize>| {
            column
                .and_then(|d| number(Some(cell(d))))
                .filter(|&n| n >= 0.0)
        };
        // The prior year's takers (`priordenom`) are kept only where no
        // file gives that year's own count.
        let (takers, prior_takers) = (count(denominator), count(prior_denominator));
        let mut record_takers = |year: String, n: f64, own: bool| {
            let t = entry.takers.entry(year).or_default();
            let slot = if long_term {
                &mut t.long_term
            } else {
                &mut t.els
            };
            if own || slot.is_none() {
                *slot = Some(n);
            }
        };
        if let Some(n) = takers {
            record_takers(school_year(reporting), n, true);
        }
        if let Some(n) = prior_takers {
            record_takers(school_year(reporting - 1), n, false);
        }
        if long_term {
            continue;
        }
        let mut percent = |value: f64, column: &str| {
            if (0.0..=100.0).contains(&value) {
                Some(share(value, 100.0))
            } else {
                failures.push(Diagnostic::of(
                    ErrorKind::Import,
                    path,
                    format!("line {line}: {column} {value} is not a percentage (0 to 100)"),
                ));
                None
            }
        };
        if let Some(value) = number(Some(cell(status))).and_then(|v| percent(v, "currstatus")) {
            entry.status.insert(school_year(reporting), value);
        }
        if let Some(value) = prior
            .and_then(|p| number(Some(cell(p))))
            .and_then(|v| percent(v, "priorstatus"))
        {
            entry.status.insert(school_year(reporting - 1), value);
        }
        if let Some(c) = color.map(cell).filter(|c| !c.is_empty() && *c != "0") {
            match dashboard_color(c) {
                Some(c) => entry.color = Some((c, school_year(reporting))),
                None => failures.push(Diagnostic::of(
                    ErrorKind::Import,
                    path,
                    format!("line {line}: color `{c}` is not a Dashboard colour (1 Red to 5 Blue, 0 none)"),
                )),
            }
        }
    }
    Ok((out, failures))
}

/// Imports every row of a District Areas table.
pub fn import(path: &Path, tables: &Tables) -> Result<Import, Diagnostic> {
    let text = read_table(path)?;
    let mut rows = reader(&text, b',');
    let columns = headers(path, &mut rows)?;
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(Diagnostic::of(ErrorKind::Import, path, format!("the table lacks the column{} {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", ")))
            .with_hint("elplan imports the CDE District Areas table (DistrictName, DistrictType, EnrollTotal, ELcount, …)"));
    }
    let mut result = Import::default();
    let mut ids = HashSet::new();
    // Built at the first bad row: most tables have none.
    let mut lines: Option<LineIndex<'_>> = None;
    for record in rows.records() {
        let Some((line, row)) = readable(record, path, &mut result.failures) else {
            continue;
        };
        match district_from_row(&row, &columns, tables) {
            Ok((mut district, notes)) => {
                // A repeated name gets its county, then its CDS code, then a
                // number: every row keeps a file of its own.
                let base = district.id.clone();
                let county = district.county.as_deref().map(slug).unwrap_or_default();
                let cds = district.cds_code.clone().unwrap_or_default();
                let candidates = [format!("{base}-{county}"), format!("{base}-{cds}")];
                let mut id = base.clone();
                let mut n = 2;
                while ids.contains(&id) {
                    id = candidates
                        .iter()
                        .find(|c| !c.ends_with('-') && !ids.contains(*c))
                        .cloned()
                        .unwrap_or_else(|| format!("{base}-{n}"));
                    n += 1;
                }
                ids.insert(id.clone());
                district.id = id;
                result.districts.push(Imported {
                    line,
                    district,
                    notes,
                });
            }
            Err(message) => result.failures.push(
                Diagnostic::of(ErrorKind::Import, path, format!("line {line}: {message}"))
                    .at_indexed(
                        lines.get_or_insert_with(|| LineIndex::new(&text)),
                        line as usize,
                        1,
                    ),
            ),
        }
    }
    Ok(result)
}

/// Where each imported value came from, by field path.
type Notes = BTreeMap<String, String>;

fn district_from_row(
    row: &csv::StringRecord,
    columns: &HashMap<String, usize>,
    tables: &Tables,
) -> Result<(District, Notes), String> {
    let cell = |name: &str| {
        columns
            .get(name)
            .and_then(|&i| row.get(i))
            .map(str::trim)
            .unwrap_or("")
    };
    let name = cell(col::NAME).to_string();
    if name.is_empty() {
        return Err("no DistrictName".into());
    }
    let kind = kind_of(&name, cell(col::KIND))?;
    let year = cell(col::YEAR);
    let areas = if year.is_empty() {
        "CDE District Areas".to_string()
    } else {
        format!("CDE District Areas {year}")
    };
    let count = |column: &str| -> Result<Option<f64>, String> {
        match number(Some(cell(column))) {
            // No district enrolls millions; a value past that is a broken row.
            Some(n) if !(0.0..=10_000_000.0).contains(&n) || n.fract() != 0.0 => Err(format!(
                "{name}: {column} {} is not a count of students",
                cell(column)
            )),
            n => Ok(n),
        }
    };
    let total = count(col::ENROLLMENT)?
        .filter(|&e| e >= 1.0)
        .ok_or_else(|| format!("{name}: no enrollment"))?;
    let els =
        count(col::ELS)?.ok_or_else(|| format!("{name}: no EL count (suppressed or blank)"))?;
    if els > total {
        return Err(format!(
            "{name}: an EL count of {} does not fit an enrollment of {total}",
            cell(col::ELS)
        ));
    }
    let code = format!("{:0>7}", cell(col::CD_CODE));
    let mut notes = Notes::new();
    let mut note = |path: &str, text: String| {
        notes.insert(path.to_string(), text);
    };
    // The district's own counts: the LEA file's district row, else District
    // Areas without its charters.
    let lea = tables
        .lea
        .as_ref()
        .and_then(|t| Some((t.districts.get(&code)?, &t.source)));
    let (enrollment, el_share, frpm_share) = match lea {
        Some((lea, source)) => own_counts(lea, source, &areas, (els, total), &mut note),
        None => areas_counts(&count, &areas, (els, total), &mut note)?,
    };
    let span = |columns: [&'static str; 2]| match (grade(cell(columns[0])), grade(cell(columns[1])))
    {
        (Some(low), Some(high)) => Some((Grades { low, high }, columns)),
        _ => None,
    };
    let charters = count(col::NON_CHARTER_ENROLLMENT)?.is_some_and(|own| own < total);
    let grades = charters
        .then(|| span([col::OWN_GRADE_LOW, col::OWN_GRADE_HIGH]))
        .flatten()
        .or_else(|| span([col::GRADE_LOW, col::GRADE_HIGH]));
    let cds = cell(col::CDS_CODE);
    // A name without a letter or digit (`???`) makes no id: the CDS code,
    // unique per district, stands in.
    let id = match slug(&name) {
        id if id.is_empty() => format!("district-{}", slug(cds)),
        id => id,
    };
    let mut district = District::new(&id, &name, kind, enrollment as u32, el_share);
    note("name", format!("{areas}: {}", col::NAME));
    note("kind", format!("{areas}: {}", col::KIND));
    if let Some((_, [low, high])) = grades {
        note("grades", format!("{areas}: {low}, {high}"));
    }
    district.grades = grades.map(|(grades, _)| grades);
    district.county = Some(cell(col::COUNTY).to_string()).filter(|c| !c.is_empty());
    note("county", format!("{areas}: {}", col::COUNTY));
    district.cds_code = Some(format!("{cds:0>14}")).filter(|_| !cds.is_empty());
    note("cds_code", format!("{areas}: {}", col::CDS_CODE));
    district.data_year = Some(year.to_string()).filter(|y| !y.is_empty());
    note("data_year", format!("{areas}: {}", col::YEAR));
    district.students.frpm_share = frpm_share;
    if let Some(schools) = &tables.schools {
        apply_schools(&mut district, schools, &code, &mut note);
    }
    place_and_support(
        &mut district,
        [cell(col::LOCALE), cell(col::ASSISTANCE)],
        &areas,
        &mut note,
    );
    if let Some(elpi) = tables.elpi.get(&code) {
        apply_elpi(&mut district, elpi, &mut note);
    }
    // The outcome files' assistance of later years replaces District Areas'.
    let fall = tables.fall_els(&code);
    outcomes::apply(&mut district, &code, &tables.outcomes, fall, &mut notes);
    let problems = district.validate();
    if let Some(p) = problems.first() {
        return Err(format!("{name}: {}: {}", p.path, p.message));
    }
    district.fill_defaults();
    Ok((district, notes))
}

/// The district's locale and, from District Areas, its assistance, each
/// with its source.
fn place_and_support(
    district: &mut District,
    [locale_cell, assist_cell]: [&str; 2],
    areas: &str,
    note: &mut impl FnMut(&str, String),
) {
    district.locale = locale(locale_cell);
    if district.locale.is_some() {
        note("locale", format!("{areas}: LocaleDistrict {locale_cell}"));
    }
    district.accountability.assistance = assistance(assist_cell);
    if district.accountability.assistance.is_some() {
        // The Dashboard of a school year is released the December after it.
        district.accountability.assistance_year =
            district.data_year.as_deref().and_then(dashboard_year);
        note(
            "accountability.assistance",
            format!("{areas}: AssistStatus"),
        );
    }
}
/// The district's kind as District Areas writes it.
fn kind_of(name: &str, text: &str) -> Result<Kind, String> {
    match text {
        "Elementary" => Ok(Kind::Elementary),
        "High" => Ok(Kind::High),
        "Unified" => Ok(Kind::Unified),
        other => Err(format!(
            "{name}: {} `{other}` is not Elementary, High or Unified",
            col::KIND
        )),
    }
}

/// The district's school count, and its year, from a CALPADS school file.
fn apply_schools(
    district: &mut District,
    schools: &SchoolCounts,
    code: &str,
    note: &mut impl FnMut(&str, String),
) {
    district.schools = schools.counts.get(code).copied();
    district.schools_year = schools.year.clone().filter(|_| district.schools.is_some());
    note(
        "schools",
        format!(
            "{}: schools, directly funded charters left out",
            schools.source
        ),
    );
    district.schools_with_21_els = schools
        .with_21_els
        .get(code)
        .copied()
        .filter(|_| district.schools.is_some());
    note(
        "schools_with_21_els",
        format!(
            "{}: schools whose english_learner is 21 or more",
            schools.source
        ),
    );
}

/// Enrollment, EL share and estimated FRPM share from District Areas
/// alone, when no LEA file gives the district's own counts.
fn areas_counts(
    count: &dyn Fn(&str) -> Result<Option<f64>, String>,
    areas: &str,
    (els, total): (f64, f64),
    note: &mut impl FnMut(&str, String),
) -> Result<(f64, f64, Option<f64>), String> {
    let own = count(col::NON_CHARTER_ENROLLMENT)?.filter(|&n| n >= 1.0 && n <= total);
    match own {
        Some(_) => note(
            "enrollment",
            format!("{areas}: EnrollNonCharter, the district without its charters"),
        ),
        None => note(
            "enrollment",
            format!("{areas}: EnrollTotal, charters included"),
        ),
    }
    note(
        "students.el_share",
        format!("{areas}: ELcount ÷ EnrollTotal, charters included"),
    );
    let sed = count(col::SED)?
        .filter(|&n| n <= total)
        .map(|n| share(n, total));
    if sed.is_some() {
        note("students.frpm_share", format!("estimate: {areas}, SEDcount ÷ EnrollTotal (socioeconomically disadvantaged, close to FRPM); give --lea for FRPM"));
    }
    Ok((own.unwrap_or(total), share(els, total), sed))
}

/// Enrollment, EL share and FRPM share from the district's LEA row;
/// the EL share from District Areas (`els` of `total`) where the row has none.
fn own_counts(
    lea: &Lea,
    source: &str,
    areas: &str,
    (els, total): (f64, f64),
    note: &mut impl FnMut(&str, String),
) -> (f64, f64, Option<f64>) {
    note(
        "enrollment",
        format!("{source}: total_enrolled, the district without its directly funded charters"),
    );
    let el_share = match lea.english_learners {
        Some(n) => {
            note(
                "students.el_share",
                format!("{source}: english_learner ÷ total_enrolled"),
            );
            share(n, lea.enrolled)
        }
        None => {
            note(
                "students.el_share",
                format!("{areas}: ELcount ÷ EnrollTotal, charters included"),
            );
            share(els, total)
        }
    };
    let frpm = lea.frpm.map(|n| share(n, lea.enrolled));
    if frpm.is_some() {
        note(
            "students.frpm_share",
            match lea.frpm_column {
                "unduplicated_frpm" => format!("{source}: unduplicated_frpm ÷ total_enrolled (CDE's FRPM eligibility: meal applications and direct certification, counted once; the `frpm` column leaves direct certification out)"),
                column => format!("{source}: {column} ÷ total_enrolled"),
            },
        );
    }
    (lea.enrolled, el_share, frpm)
}

/// NCES locale codes: 1x City, 2x Suburb, 3x Town, 4x Rural.
fn locale(code: &str) -> Option<Locale> {
    match code.chars().next() {
        Some('1') => Some(Locale::City),
        Some('2') => Some(Locale::Suburb),
        Some('3') => Some(Locale::Town),
        Some('4') => Some(Locale::Rural),
        _ => None,
    }
}

/// `Differentiated Assistance` → `Differentiated`; `No Status` → unknown.
fn assistance(status: &str) -> Option<Assistance> {
    let status = status.to_ascii_lowercase();
    if status.starts_with("general") {
        Some(Assistance::General)
    } else if status.starts_with("differentiated") {
        Some(Assistance::Differentiated)
    } else if status.starts_with("intensive") {
        Some(Assistance::Intensive)
    } else {
        None
    }
}

/// The ELPI files' facts: status history, colour, long-term EL estimate.
fn apply_elpi(district: &mut District, elpi: &ElpiDistrict, note: &mut impl FnMut(&str, String)) {
    district.history = elpi
        .status
        .iter()
        .map(|(year, &status)| YearOutcomes {
            elpi_status: Some(status),
            elpi_takers: elpi.takers.get(year).and_then(|t| t.els).map(|n| n as u32),
            ..YearOutcomes::empty(year)
        })
        .collect();
    if !district.history.is_empty() {
        note(
            "history",
            "ELPI status: CA School Dashboard ELPI files, English learner group".to_string(),
        );
    }
    if let Some((color, year)) = &elpi.color {
        district.accountability.elpi_color = Some(*color);
        district.accountability.elpi_color_year = dashboard_year(year);
        note(
            "accountability.elpi_color",
            format!("CA School Dashboard ELPI {year}: color, English learner group"),
        );
    }
    if let Some((ltel, long_term, all, year)) = elpi.long_term_share() {
        district.students.ltel_share_of_els = Some(ltel);
        district.students.ltel_els_counted = Some(all as u32);
        district.students.ltel_year = Some(match year.parse::<i32>() {
            Ok(spring) => format!("{}-{:02}", spring - 1, spring % 100),
            Err(_) => year.to_string(),
        });
        note("students.ltel_share_of_els", format!("estimate: CA School Dashboard ELPI {year}, long-term ELs among ELPAC takers ({} of {})", thousands(long_term), thousands(all)));
    }
}

/// The Dashboard a school year's data appear on: `2018-19` → `2019`; a
/// year given alone (`2024`) is that Dashboard.
fn dashboard_year(year: &str) -> Option<String> {
    let first = year.get(..4)?.parse::<i32>().ok()?;
    Some(if year.len() > 4 { first + 1 } else { first }.to_string())
}

/// `10027` → `10,027`.
fn thousands(count: f64) -> String {
    let digits = format!("{count:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A district file for people: a comment saying where it came from, then
/// the fields, `Some` left implicit.
pub fn to_ron(imported: &Imported, source: &Path) -> String {
    let body = crate::ron_edit::district_text(&imported.district);
    let file = source.file_name().map_or_else(
        || source.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    format!(
        "// Imported by elplan from {}, line {}. Fields left out are unknown.\n\
         // Beside each value: where it comes from. Estimates say so.\n{}\n",
        comment_text(&file),
        imported.line,
        annotate(&body, &imported.notes)
    )
}

/// The serialized district with each note as a comment at the end of the
/// line of its field. Field paths are followed through the nesting that
/// the serializer writes one level per line.
fn annotate(body: &str, notes: &Notes) -> String {
    let mut out = String::with_capacity(body.len() * 2);
    // The key of each open bracket; `None` for a list item.
    let mut open: Vec<Option<&str>> = Vec::new();
    for line in body.lines() {
        let text = line.trim();
        if text.starts_with(')') || text.starts_with(']') {
            open.pop();
        }
        let key = text
            .split_once(':')
            .map(|(k, _)| k)
            .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !k.is_empty());
        out.push_str(line);
        if let Some(key) = key {
            // The top level is the `District(` line itself.
            let mut path: Vec<&str> = open.iter().skip(1).map(|k| k.unwrap_or("")).collect();
            path.push(key);
            if let Some(note) = notes.get(&path.join(".")) {
                out.push_str("  // ");
                out.push_str(&comment_text(note));
            }
        }
        out.push('\n');
        if text.ends_with('(') || text.ends_with('[') {
            open.push(key);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Where an imported district is written.
pub fn file_name(out_dir: &Path, district: &District) -> PathBuf {
    out_dir.join(format!("{}.ron", district.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_numbers() {
        assert_eq!(slug("Ono Union Elementary"), "ono-union-elementary");
        assert_eq!(
            slug("Cutler-Orosi Joint Unified"),
            "cutler-orosi-joint-unified"
        );
        assert_eq!(slug("La Cañada Unified"), "la-canada-unified");
        assert_eq!(number(Some("\"1,767\"".trim_matches('"'))), Some(1767.0));
        assert_eq!(number(Some("*")), None);
        assert_eq!(number(Some("")), None);
        assert_eq!(grade("KG"), Some(0));
        assert_eq!(grade("08"), Some(8));
    }

    /// A district code of multi-byte characters once made the join slice
    /// inside a character.
    /// CDE's FRPM eligibility counts direct certification: the LEA file's
    /// `unduplicated_frpm`, not its `frpm` (meal-program records only);
    /// a file without the first falls back on the second.
    #[test]
    fn the_frpm_share_counts_direct_certification() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lea.csv");
        std::fs::write(
            &path,
            "Academic Year,County Code,District Code,School Code,total_enrolled,frpm,direct_cert,unduplicated_frpm,english_learner\n\
             2018-2019,01,10001,0000000,1000,600,450,640,200\n",
        )
        .unwrap();
        let (lea, failures) = lea_counts(&path).unwrap();
        assert!(failures.is_empty(), "{failures:?}");
        let row = &lea.districts["0110001"];
        assert_eq!(
            (row.frpm, row.frpm_column),
            (Some(640.0), "unduplicated_frpm")
        );
        std::fs::write(
            &path,
            "County Code,District Code,School Code,total_enrolled,frpm,english_learner\n\
             01,10001,0000000,1000,600,200\n",
        )
        .unwrap();
        let (lea, _) = lea_counts(&path).unwrap();
        let row = &lea.districts["0110001"];
        assert_eq!((row.frpm, row.frpm_column), (Some(600.0), "frpm"));
    }

    /// A charter the LEA file counts in a row of its own is not in its
    /// district's English learners, so the reclassification sums leave
    /// it out too: the rate's English learners are the profile's.
    #[test]
    fn a_charter_counted_apart_is_left_out_of_the_reclassification_sums() {
        let dir = tempfile::tempdir().unwrap();
        let lea_path = dir.path().join("lea.csv");
        std::fs::write(
            &lea_path,
            "County Code,District Code,School Code,total_enrolled,frpm,english_learner\n\
             15,63404,0000000,5220,3562,2387\n\
             15,63404,0120139,511,380,335\n",
        )
        .unwrap();
        let reclass_path = dir.path().join("reclass_2018-19.txt");
        std::fs::write(
            &reclass_path,
            "CDS\tEL\tFEP\tReclass\n\
             15634040120139\t335\t33\t22\n\
             15634040127712\t537\t170\t41\n",
        )
        .unwrap();
        let (lea, failures) = lea_counts(&lea_path).unwrap();
        assert!(failures.is_empty(), "{failures:?}");
        assert!(
            lea.charters.contains("15634040120139"),
            "{:?}",
            lea.charters
        );
        let mut tables = Tables::default();
        tables.set_lea(lea);
        let failures = tables.outcomes.read_reclass(&reclass_path).unwrap();
        assert!(failures.is_empty(), "{failures:?}");
        let year = &tables.outcomes.districts["1563404"].years["2018-19"];
        assert_eq!(year.reclass, Some((537, 41)));
    }

    #[test]
    fn an_elpi_code_of_multibyte_characters_does_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("elpi.csv");
        std::fs::write(
            &path,
            "cds,rtype,studentgroup,currstatus,priorstatus,reportingyear\n\
             \u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9},D,English Learner,41.2,43.0,2024\n",
        )
        .unwrap();
        let (elpi, failures) = read_elpi(&path).unwrap();
        assert_eq!(elpi.len(), 1);
        assert!(failures.is_empty());
    }

    #[test]
    fn an_elpi_value_out_of_range_is_blamed_on_the_elpi_file_and_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("elpi.csv");
        std::fs::write(
            &path,
            "cds,rtype,studentgroup,currstatus,priorstatus,reportingyear\n\
             01100010000000,D,English Learner,41.2,43.0,2024\n\
             01100020000000,D,English Learner,412,43.0,2024\n",
        )
        .unwrap();
        let (elpi, failures) = read_elpi(&path).unwrap();
        assert_eq!(failures.len(), 1);
        let shown = failures[0].to_string();
        assert!(
            shown.contains("elpi.csv") && shown.contains("line 3"),
            "{shown}"
        );
        assert!(!elpi["0110002"].status.contains_key("2023-24"));
        assert_eq!(elpi["0110002"].status["2022-23"], 0.43);
    }
}
