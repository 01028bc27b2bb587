//! `elplan import`: district files from the CDE "District Areas" table.
//!
//! One district file per row: id from the name, kind from `DistrictType`,
//! grades from `GradeLow`/`GradeHigh`, enrollment, EL share recomputed from
//! counts, unduplicated-pupil share as the FRPM share, county, CDS code and
//! data year; school counts from a CUPC school file (`--schools`); ELPI
//! status history from Dashboard ELPI files (`--elpi`, 2019 TSV or 2024 CSV
//! layout). Blank or suppressed values stay unknown, never zero. A row that
//! cannot be imported is reported with its line and the import goes on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::district::{District, Grades, Kind, YearOutcomes};
use crate::limits::MAX_TABLE_BYTES;

/// The District Areas columns an import needs.
const COLUMNS: [&str; 11] = [
    "Year",
    "CDCode",
    "CDSCode",
    "CountyName",
    "DistrictName",
    "DistrictType",
    "GradeLow",
    "GradeHigh",
    "EnrollTotal",
    "ELcount",
    "UPcount",
];

/// An imported district and the row it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The table line it came from.
    pub line: u64,
    /// The district file's contents.
    pub district: District,
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
    let headers = reader
        .headers()
        .map_err(|e| Diagnostic::new(path, format!("cannot read the header row: {e}")))?;
    Ok(headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect())
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

/// Rounds a share to four decimals, enough for people and stable in text.
fn share(part: f64, whole: f64) -> f64 {
    (part / whole * 10_000.0).round() / 10_000.0
}

/// Schools per `CDCode` from a CUPC school file (rows with a school code).
pub fn count_schools(path: &Path) -> Result<HashMap<String, u32>, Diagnostic> {
    let text = read_table(path)?;
    let mut rows = reader(&text, b',');
    let columns = headers(path, &mut rows)?;
    let column = |name: &str| {
        columns.get(name).copied().ok_or_else(|| {
            Diagnostic::new(path, format!("the schools file has no `{name}` column"))
        })
    };
    let (county, district, school) = (
        column("County Code")?,
        column("District Code")?,
        column("School Code")?,
    );
    let mut counts = HashMap::new();
    for record in rows.records().flatten() {
        let code = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        if code(school).trim_start_matches('0').is_empty() {
            continue;
        }
        *counts
            .entry(format!("{:0>2}{:0>5}", code(county), code(district)))
            .or_insert(0) += 1;
    }
    Ok(counts)
}

/// ELPI status per `CDCode` and school year, from a Dashboard ELPI download:
/// the 2019 tab-separated layout or the 2024 layout with current and prior
/// years and student groups.
/// ELPI status by district (county and district code) and school year,
/// from a Dashboard ELPI download, and the rows of that file that could not
/// be read, each named with the file and line.
pub type ElpiHistory = (HashMap<String, BTreeMap<String, f64>>, Vec<Diagnostic>);

/// Reads a Dashboard ELPI download (2019 TSV or 2024 CSV layout).
pub fn elpi_history(path: &Path) -> Result<ElpiHistory, Diagnostic> {
    let text = read_table(path)?;
    let delimiter = if text.lines().next().is_some_and(|l| l.contains('\t')) {
        b'\t'
    } else {
        b','
    };
    let mut rows = reader(&text, delimiter);
    let columns = headers(path, &mut rows)?;
    let column = |name: &str| {
        columns
            .get(name)
            .copied()
            .ok_or_else(|| Diagnostic::new(path, format!("the ELPI file has no `{name}` column")))
    };
    let (cds, rtype, status, year) = (
        column("cds")?,
        column("rtype")?,
        column("currstatus")?,
        column("reportingyear")?,
    );
    let group = columns.get("studentgroup").copied();
    let prior = columns.get("priorstatus").copied();
    let mut out: HashMap<String, BTreeMap<String, f64>> = HashMap::new();
    let mut failures = Vec::new();
    for record in rows.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                failures.push(Diagnostic::new(path, format!("line {line}: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if cell(rtype) != "D" || group.is_some_and(|g| cell(g) != "English Learner") {
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
        let mut percent = |value: f64, column: &str| {
            if (0.0..=100.0).contains(&value) {
                Some(share(value, 100.0))
            } else {
                failures.push(Diagnostic::new(
                    path,
                    format!("line {line}: {column} {value} is not a percentage (0 to 100)"),
                ));
                None
            }
        };
        if let Some(value) = number(Some(cell(status))).and_then(|v| percent(v, "currstatus")) {
            entry.insert(school_year(reporting), value);
        }
        if let Some(value) = prior
            .and_then(|p| number(Some(cell(p))))
            .and_then(|v| percent(v, "priorstatus"))
        {
            entry.insert(school_year(reporting - 1), value);
        }
    }
    Ok((out, failures))
}

/// Imports every row of a District Areas table.
pub fn import(
    path: &Path,
    schools: Option<&HashMap<String, u32>>,
    elpi: &HashMap<String, BTreeMap<String, f64>>,
) -> Result<Import, Diagnostic> {
    let text = read_table(path)?;
    let mut rows = reader(&text, b',');
    let columns = headers(path, &mut rows)?;
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(Diagnostic::new(path, format!("the table lacks the column{} {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", ")))
            .with_hint("elplan imports the CDE District Areas table (DistrictName, DistrictType, EnrollTotal, ELcount, …)"));
    }
    let mut result = Import::default();
    let mut ids = HashSet::new();
    // Built at the first bad row: most tables have none.
    let mut lines: Option<LineIndex<'_>> = None;
    for record in rows.records() {
        let (line, row) = match record {
            Ok(record) => (record.position().map_or(0, |p| p.line()), record),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                result
                    .failures
                    .push(Diagnostic::new(path, format!("line {line}: {e}")));
                continue;
            }
        };
        match district_from_row(&row, &columns, schools, elpi) {
            Ok(mut district) => {
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
                result.districts.push(Imported { line, district });
            }
            Err(message) => result.failures.push(
                Diagnostic::new(path, format!("line {line}: {message}")).at_indexed(
                    lines.get_or_insert_with(|| LineIndex::new(&text)),
                    line as usize,
                    1,
                ),
            ),
        }
    }
    Ok(result)
}

fn district_from_row(
    row: &csv::StringRecord,
    columns: &HashMap<String, usize>,
    schools: Option<&HashMap<String, u32>>,
    elpi: &HashMap<String, BTreeMap<String, f64>>,
) -> Result<District, String> {
    let cell = |name: &str| {
        columns
            .get(name)
            .and_then(|&i| row.get(i))
            .map(str::trim)
            .unwrap_or("")
    };
    let name = cell("DistrictName").to_string();
    if name.is_empty() {
        return Err("no DistrictName".into());
    }
    let kind = match cell("DistrictType") {
        "Elementary" => Kind::Elementary,
        "High" => Kind::High,
        "Unified" => Kind::Unified,
        other => {
            return Err(format!(
                "{name}: DistrictType `{other}` is not Elementary, High or Unified"
            ))
        }
    };
    let enrollment = number(Some(cell("EnrollTotal")))
        .filter(|&e| e >= 1.0)
        .ok_or_else(|| format!("{name}: no enrollment"))?;
    // No district enrolls millions; a value past that is a broken row.
    if enrollment > 10_000_000.0 || enrollment.fract() != 0.0 {
        return Err(format!(
            "{name}: an enrollment of {} is not a count of students",
            cell("EnrollTotal")
        ));
    }
    let els = number(Some(cell("ELcount")))
        .ok_or_else(|| format!("{name}: no EL count (suppressed or blank)"))?;
    if els < 0.0 || els > enrollment || els.fract() != 0.0 {
        return Err(format!(
            "{name}: an EL count of {} does not fit an enrollment of {enrollment}",
            cell("ELcount")
        ));
    }
    let grades = match (grade(cell("GradeLow")), grade(cell("GradeHigh"))) {
        (Some(low), Some(high)) => Some(Grades { low, high }),
        _ => None,
    };
    let code = format!("{:0>7}", cell("CDCode"));
    let cds = cell("CDSCode");
    let year = cell("Year");
    let history = elpi
        .get(&code)
        .map(|years| {
            years
                .iter()
                .map(|(year, &status)| YearOutcomes {
                    year: year.clone(),
                    reclassification_rate: None,
                    elpi_status: Some(status),
                    el_ela_dfs: None,
                    el_math_dfs: None,
                    el_chronic_absence: None,
                    el_graduation_rate: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut district = District::new(
        &slug(&name),
        &name,
        kind,
        enrollment as u32,
        share(els, enrollment),
    );
    district.grades = grades;
    district.county = Some(cell("CountyName").to_string()).filter(|c| !c.is_empty());
    district.cds_code = Some(format!("{cds:0>14}")).filter(|_| !cds.is_empty());
    district.data_year = Some(year.to_string()).filter(|y| !y.is_empty());
    district.schools = schools.and_then(|s| s.get(&code).copied());
    district.students.frpm_share = number(Some(cell("UPcount"))).map(|up| share(up, enrollment));
    district.history = history;
    let problems = district.validate();
    if let Some(p) = problems.first() {
        return Err(format!("{name}: {}: {}", p.path, p.message));
    }
    district.fill_defaults();
    Ok(district)
}

/// A district file for people: a comment saying where it came from, then
/// the fields, `Some` left implicit.
pub fn to_ron(imported: &Imported, source: &Path) -> String {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_string())
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut district = imported.district.clone();
    // Defaults the loader fills in again are left out of the file.
    if district.grades == district.kind.default_grades() {
        district.grades = None;
    }
    if district.resources.horizon_years == Some(crate::district::DEFAULT_HORIZON_YEARS) {
        district.resources.horizon_years = None;
    }
    // Serializing a district cannot fail: it has no maps with non-string keys.
    let body = ron::ser::to_string_pretty(&district, config).unwrap_or_default();
    // Nested sections are bare tuples, as people write them; the file is a `District(…)`.
    let body = match body.find("\n(") {
        Some(at) => format!("{}\nDistrict({}", &body[..at], &body[at + 2..]),
        None => body,
    };
    let file = source.file_name().map_or_else(
        || source.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    format!(
        "// Imported by elplan from {file}, line {}. Fields left out are unknown.\n{body}\n",
        imported.line
    )
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
        let (history, failures) = elpi_history(&path).unwrap();
        assert_eq!(history.len(), 1);
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
        let (history, failures) = elpi_history(&path).unwrap();
        assert_eq!(failures.len(), 1);
        let shown = failures[0].to_string();
        assert!(
            shown.contains("elpi.csv") && shown.contains("line 3"),
            "{shown}"
        );
        assert!(!history["0110002"].contains_key("2023-24"));
        assert_eq!(history["0110002"]["2022-23"], 0.43);
    }
}
