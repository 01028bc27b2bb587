//! What makes a district file valid: every range and consistency problem,
//! each with its field path.

use std::path::Path;

use super::*;
use crate::diagnostic::Diagnostic;

impl District {
    /// Every range and consistency problem, each with its field path.
    pub fn validate(&self) -> Vec<Problem> {
        let mut v = Validator::default();
        if self.id.is_empty()
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            v.fail(
                "id",
                format!(
                    "`{}` is not a valid id: use lowercase letters, digits and `-`",
                    self.id
                ),
            );
        }
        if self.name.trim().is_empty() {
            v.fail("name", "must not be empty");
        }
        if let Some(g) = self.grades {
            v.range_i("grades.low", g.low.into(), -1, 12);
            v.range_i("grades.high", g.high.into(), -1, 12);
            if g.low > g.high {
                v.fail(
                    "grades",
                    format!("low grade {} is above high grade {}", g.low, g.high),
                );
            }
        }
        if let Some(cds) = &self.cds_code {
            if cds.len() != 14 || !cds.bytes().all(|b| b.is_ascii_digit()) {
                v.fail("cds_code", format!("`{cds}` is not a 14-digit CDS code"));
            }
        }
        if let Some(year) = &self.schools_year {
            v.school_year("schools_year", year);
        }
        if let Some(year) = &self.data_year {
            v.school_year("data_year", year);
        }
        if self.enrollment == 0 {
            v.fail("enrollment", "must be greater than 0");
        }
        if self.schools == Some(0) {
            v.fail("schools", "must be greater than 0");
        }
        if let (Some(with), Some(schools)) = (self.schools_with_21_els, self.schools) {
            if with > schools {
                v.fail(
                    "schools_with_21_els",
                    format!(
                        "{with} schools with 21 or more English learners, of {schools} schools"
                    ),
                );
            }
        }
        self.validate_students(&mut v);
        self.validate_history(&mut v);
        self.validate_programs(&mut v);
        self.validate_staffing(&mut v);
        self.validate_decisions(&mut v);
        let r = &self.resources;
        if let Some(h) = r.horizon_years {
            v.range_i("resources.horizon_years", h.into(), 1, 3);
        }
        if r.max_initiatives_per_stage == Some(0) {
            v.fail(
                "resources.max_initiatives_per_stage",
                "must be at least 1 (leave it out for no cap)",
            );
        }
        if let Some(target) = self.goals.expand_dual_language_to {
            if target == 0 {
                v.fail(
                    "goals.expand_dual_language_to",
                    "must be at least 1 school (leave it out for no such goal)",
                );
            }
            if let Some(schools) = self.schools {
                if target > schools {
                    v.fail(
                        "goals.expand_dual_language_to",
                        format!("{target} dual-language schools is more than the district's {schools} schools"),
                    );
                }
            }
        }
        v.problems
    }

    fn validate_students(&self, v: &mut Validator) {
        let s = &self.students;
        v.share("students.el_share", Some(s.el_share));
        v.share("students.ever_el_share", s.ever_el_share);
        v.share("students.frpm_share", s.frpm_share);
        v.share("students.ltel_share_of_els", s.ltel_share_of_els);
        v.share("students.ewd_share_of_els", s.ewd_share_of_els);
        v.share("students.sife_share_of_els", s.sife_share_of_els);
        v.share("students.at_risk_share_of_els", s.at_risk_share_of_els);
        v.share("students.newcomer_share_of_els", s.newcomer_share_of_els);
        if let Some(ever) = s.ever_el_share {
            if ever < s.el_share {
                v.fail(
                    "students.ever_el_share",
                    format!(
                        "{ever} is below students.el_share {}: ever-ELs include current ELs",
                        s.el_share
                    ),
                );
            }
        }
        if let (Some(ltel), Some(g)) = (s.ltel_share_of_els, self.grades) {
            if ltel > 0.0 && g.high < 6 {
                v.fail(
                    "students.ltel_share_of_els",
                    format!(
                        "long-term ELs are in grades 6-12, but the district serves grades up to {}",
                        g.high
                    ),
                );
            }
        }
        let mut total = 0.0;
        for (i, lang) in s.languages.iter().enumerate() {
            if lang.name.trim().is_empty() {
                v.fail(format!("students.languages[{i}].name"), "must not be empty");
            }
            v.share(
                format!("students.languages[{i}].share_of_els"),
                lang.share_of_els,
            );
            total += lang.share_of_els.unwrap_or(0.0);
        }
        if total > 1.0 + 1e-6 {
            v.fail(
                "students.languages",
                format!("shares of ELs add up to {total:.3}, more than 1"),
            );
        }
    }

    fn validate_history(&self, v: &mut Validator) {
        let mut previous: Option<(usize, u32)> = None;
        for (i, entry) in self.history.iter().enumerate() {
            let at = |field: &str| format!("history[{i}].{field}");
            if let Some(start) = v.school_year(&at("year"), &entry.year) {
                if let Some((j, before)) = previous {
                    if start <= before {
                        v.fail(
                            at("year"),
                            format!("{} does not come after history[{j}]; list years oldest first, each once", entry.year),
                        );
                    }
                }
                previous = Some((i, start));
            }
            v.share(at("reclassification_rate"), entry.reclassification_rate);
            if entry.els_prior == Some(0) {
                v.fail(
                    at("els_prior"),
                    "0 English learners the fall before cannot be a rate's base; leave it out when unknown".to_string(),
                );
            }
            v.share(at("elpi_status"), entry.elpi_status);
            v.share(at("el_chronic_absence"), entry.el_chronic_absence);
            v.share(at("el_graduation_rate"), entry.el_graduation_rate);
            v.range_f(&at("el_ela_dfs"), entry.el_ela_dfs, -400.0, 400.0);
            v.range_f(&at("el_math_dfs"), entry.el_math_dfs, -400.0, 400.0);
        }
        let mut previous: Option<i32> = None;
        for (i, entry) in self.accountability.assistance_history.iter().enumerate() {
            let at = |field: &str| format!("accountability.assistance_history[{i}].{field}");
            match entry.year.parse::<i32>() {
                Ok(year) if (2000..=2100).contains(&year) => {
                    if previous.is_some_and(|p| year <= p) {
                        v.fail(at("year"), format!("{year} does not come after the year before it; list Dashboard years oldest first, each once"));
                    }
                    previous = Some(year);
                }
                _ => v.fail(
                    at("year"),
                    format!("`{}` is not a Dashboard year such as \"2023\"", entry.year),
                ),
            }
            for (field, areas) in [
                ("el_priorities", &entry.el_priorities),
                ("ltel_priorities", &entry.ltel_priorities),
            ] {
                for area in areas.iter().flatten() {
                    if !matches!(area, 4 | 5 | 6 | 8) {
                        v.fail(
                            at(field),
                            format!("{area} is not an LCFF priority area that assistance counts (4, 5, 6 or 8)"),
                        );
                    }
                }
            }
        }
    }

    fn validate_programs(&self, v: &mut Validator) {
        if let (Some(dl), Some(schools)) = (self.programs.dual_language_schools, self.schools) {
            if dl > schools {
                v.fail(
                    "programs.dual_language_schools",
                    format!("{dl} is more than the district's {schools} schools"),
                );
            }
        }
        if let Some(protocol) = &self.programs.observation_protocol {
            if protocol.trim().is_empty() {
                v.fail(
                    "programs.observation_protocol",
                    "name the protocol, or leave the field out",
                );
            }
        }
    }

    fn validate_decisions(&self, v: &mut Validator) {
        let months = u32::from(self.horizon_years()) * 12;
        for (id, d) in &self.decisions.strategies {
            let at = |field: &str| format!("decisions.strategies.{id}.{field}");
            if d.keep == Some(false) && d.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                v.fail(
                    at("reason"),
                    "a strategy set aside (keep: false) needs the team's reason",
                );
            }
            for (field, month) in [("start_month", d.start_month), ("end_month", d.end_month)] {
                if let Some(m) = month {
                    if m == 0 || m > months {
                        v.fail(
                            at(field),
                            format!(
                                "{m} is not a month of the plan: months run from 1 to {months}"
                            ),
                        );
                    }
                }
            }
            match (d.start_month, d.end_month) {
                (None, Some(_)) => v.fail(at("end_month"), "an end month needs a start_month"),
                (Some(start), Some(end)) if end < start => {
                    v.fail(
                        at("end_month"),
                        format!("month {end} is before the start month {start}"),
                    );
                }
                _ => {}
            }
        }
    }

    fn validate_staffing(&self, v: &mut Validator) {
        let s = &self.staffing;
        if let (Some(bilingual), Some(teachers)) = (s.bilingual_authorized_teachers, s.teachers) {
            if bilingual > teachers {
                v.fail(
                    "staffing.bilingual_authorized_teachers",
                    format!("{bilingual} is more than the {teachers} teachers"),
                );
            }
        }
    }
}

/// A validation problem: a field path and what is wrong with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The field path (`students.ever_el_share`).
    pub path: String,
    /// What is wrong with its value.
    pub message: String,
}

impl Problem {
    /// The problem as a diagnostic placed at the field in `source`: a
    /// problem in `decisions` is the team's, any other the district's.
    pub fn into_diagnostic(self, file: &Path, source: &str) -> Diagnostic {
        let in_decisions = self.path.split(['.', '[']).next() == Some("decisions");
        let kind = if in_decisions {
            ErrorKind::Decisions
        } else {
            ErrorKind::District
        };
        let diagnostic = Diagnostic::of(kind, file, format!("{}: {}", self.path, self.message));
        match locate_field(source, &self.path) {
            Some(offset) => diagnostic.at_offset(source, offset),
            None => diagnostic,
        }
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn share(&mut self, path: impl AsRef<str>, value: Option<f64>) {
        self.range_f(path.as_ref(), value, 0.0, 1.0);
    }

    fn range_f(&mut self, path: &str, value: Option<f64>, low: f64, high: f64) {
        if let Some(x) = value {
            if !(low..=high).contains(&x) {
                let extra = if (2.0..=100.0).contains(&x) && high == 1.0 {
                    " (shares are fractions: write 0.45 for 45 %)"
                } else {
                    ""
                };
                self.fail(path, format!("{x} is out of range {low}..={high}{extra}"));
            }
        }
    }

    fn range_i(&mut self, path: &str, value: i64, low: i64, high: i64) {
        if !(low..=high).contains(&value) {
            self.fail(path, format!("{value} is out of range {low}..={high}"));
        }
    }

    /// Checks a "2014-15" school year and returns its first calendar year.
    fn school_year(&mut self, path: &str, year: &str) -> Option<u32> {
        let parsed = parse_school_year(year);
        if parsed.is_none() {
            self.fail(
                path,
                format!("`{year}` is not a school year like \"2018-19\""),
            );
        }
        parsed
    }
}

/// "2018-19" → 2018; anything else → None.
pub fn parse_school_year(year: &str) -> Option<u32> {
    let (first, second) = year.split_once('-')?;
    if first.len() != 4 || second.len() != 2 {
        return None;
    }
    let start: u32 = first.parse().ok()?;
    let end: u32 = second.parse().ok()?;
    ((start + 1) % 100 == end && (1900..=2200).contains(&start)).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_years_must_be_consecutive() {
        assert_eq!(parse_school_year("2018-19"), Some(2018));
        assert_eq!(parse_school_year("1999-00"), Some(1999));
        assert_eq!(parse_school_year("2018-20"), None);
        assert_eq!(parse_school_year("18-19"), None);
    }
}
