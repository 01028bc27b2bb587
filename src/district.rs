//! The district file: its types, how it is read, and what makes it valid.
//!
//! A district file is RON with `implicit_some`. Omitted optional fields stay
//! `None` and become *undefined* in the planning context, which is how the
//! engine tells "unknown" from "false". This module checks ranges and
//! consistency; it knows nothing about findings or strategies.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

pub use crate::decisions::{Decisions, FindingDecision, StrategyDecision, Verdict};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, ErrorKind};

/// A district file: the district's context, as the planner reads it.
/// Optional fields left out are unknown, never false or zero.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    /// Required: the district's id, `[a-z0-9-]+`; plans are named after it.
    pub id: String,
    /// Required: the district's name as the plan shows it.
    pub name: String,
    /// Required: elementary, high, unified or charter.
    pub kind: Kind,
    /// The grade span served; from `kind` when left out.
    pub grades: Option<Grades>,
    /// The county the district is in.
    pub county: Option<String>,
    /// The 14-digit County-District-School code.
    pub cds_code: Option<String>,
    /// The school year the data describe (`2023-24`).
    pub data_year: Option<String>,
    /// Required: students enrolled, more than zero.
    pub enrollment: u32,
    /// Number of schools, more than zero.
    pub schools: Option<u32>,
    /// The school year the school count describes, when it is not the
    /// file's `data_year` (an import counts schools from another year's file).
    pub schools_year: Option<String>,
    /// The district's NCES locale: city, suburb, town or rural.
    pub locale: Option<Locale>,
    /// The state's support and the Dashboard's EL progress colour.
    #[serde(default)]
    pub accountability: Accountability,
    /// Required: who the students are.
    pub students: Students,
    /// Outcomes by school year, oldest first; empty when left out.
    #[serde(default)]
    pub history: Vec<YearOutcomes>,
    /// The EL programs and practices in place.
    #[serde(default)]
    pub programs: Programs,
    /// Teachers, coaches and EL staff.
    #[serde(default)]
    pub staffing: Staffing,
    /// Leadership stability, experience and teams.
    #[serde(default)]
    pub leadership: Leadership,
    /// Family engagement bodies.
    #[serde(default)]
    pub family: Family,
    /// Budget, time, horizon and capacity for new work.
    #[serde(default)]
    pub resources: Resources,
    /// Goals the district has set; goals not stated are not goals.
    #[serde(default)]
    pub goals: Goals,
    /// What California requires of an EL master plan, as the district
    /// meets it.
    #[serde(default)]
    pub compliance: Compliance,
    /// The team's decisions about the draft, kept in the file so that a
    /// plan made again keeps them.
    #[serde(default, skip_serializing_if = "Decisions::is_empty")]
    pub decisions: Decisions,
}

/// The NCES locale of a district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    /// A city (NCES codes 11-13).
    City,
    /// A suburb (21-23).
    Suburb,
    /// A town (31-33).
    Town,
    /// Rural (41-43).
    Rural,
}

/// The level of support the state gives the district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assistance {
    /// General assistance, open to every district.
    General,
    /// Differentiated assistance, for districts whose student groups miss
    /// the Dashboard's criteria.
    Differentiated,
    /// Intensive intervention.
    Intensive,
}

/// A California School Dashboard performance colour, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Color {
    /// Lowest performance.
    Red,
    /// Low.
    Orange,
    /// Middle.
    Yellow,
    /// High.
    Green,
    /// Highest.
    Blue,
}

/// The district's place in the state's accountability system.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accountability {
    /// The level of state support.
    pub assistance: Option<Assistance>,
    /// The Dashboard year the assistance level is from (`2019`).
    pub assistance_year: Option<String>,
    /// The latest Dashboard colour of the English Learner Progress Indicator.
    pub elpi_color: Option<Color>,
    /// The Dashboard year of that colour (`2024`).
    pub elpi_color_year: Option<String>,
    /// The assistance of each Dashboard year, oldest first, and the
    /// priority areas in which the EL and long-term EL groups met its
    /// criteria.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assistance_history: Vec<AssistanceYear>,
}

/// One Dashboard year's assistance and the student groups behind it.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssistanceYear {
    /// The Dashboard year (`2023`).
    pub year: String,
    /// The level of support that year; left out when the district had none.
    pub status: Option<Assistance>,
    /// The LCFF priority areas (4 achievement, 5 engagement, 6 climate,
    /// 8 college and career) in which the EL group met the criteria for
    /// assistance; empty when it met none, left out when unknown.
    pub el_priorities: Option<Vec<u8>>,
    /// The same for the long-term EL group (from 2024).
    pub ltel_priorities: Option<Vec<u8>>,
}

/// A California School Dashboard indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Indicator {
    /// English language arts.
    Ela,
    /// Mathematics.
    Math,
    /// English Learner Progress Indicator.
    Elpi,
    /// Chronic absence.
    ChronicAbsence,
    /// Graduation rate.
    Graduation,
    /// Suspension rate.
    Suspension,
    /// College and career.
    CollegeCareer,
}

/// What California requires of an EL master plan, each met or not; left
/// out is unknown, for the team to confirm.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    /// A Home Language Survey at first enrollment.
    pub home_language_survey: Option<bool>,
    /// The initial ELPAC within 30 calendar days of enrollment.
    pub initial_elpac_30_days: Option<bool>,
    /// Every EL takes the summative ELPAC each spring.
    pub summative_elpac_annual: Option<bool>,
    /// Language acquisition programs offered and parent requests honoured
    /// (EC 305-310).
    pub program_options: Option<bool>,
    /// Reclassification on the four EC 313(f) criteria.
    pub reclassification_criteria: Option<bool>,
    /// Reclassified students monitored for four years.
    pub rfep_monitoring: Option<bool>,
    /// Every teacher of ELs holds an EL authorization.
    pub teacher_el_authorization: Option<bool>,
    /// The LCAP names actions and services for ELs.
    pub lcap_el_actions: Option<bool>,
    /// Parents are notified of identification and placement within 30
    /// days of the start of the year, or two weeks of placement.
    pub parent_notification: Option<bool>,
    /// Newly identified ELs are assessed in their primary language.
    pub primary_language_assessment: Option<bool>,
    /// Notices are translated where 15 % or more of pupils speak one
    /// language other than English (EC 48985).
    pub translation: Option<bool>,
    /// The IEPs of ELs with disabilities carry language goals.
    pub iep_language_goals: Option<bool>,
}

/// What kind of district (local educational agency) it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// An elementary district (grades K-8 unless stated).
    Elementary,
    /// A high school district (grades 9-12 unless stated).
    High,
    /// A unified district (grades K-12 unless stated).
    Unified,
    /// A charter school or charter organization.
    Charter,
}

/// A grade span: K is 0, TK/PK is -1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    /// The lowest grade served.
    pub low: i8,
    /// The highest grade served.
    pub high: i8,
}

/// Who the students are, as shares of enrollment or of English learners.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Students {
    /// Required: English learners' share of enrollment, 0 to 1.
    pub el_share: f64,
    /// Current English learners plus those reclassified, as a share of enrollment; at least `el_share`.
    pub ever_el_share: Option<f64>,
    /// Share of students eligible for free or reduced-price meals.
    pub frpm_share: Option<f64>,
    /// Long-term English learners (EC 313.1) as a share of English learners.
    pub ltel_share_of_els: Option<f64>,
    /// The school year `ltel_share_of_els` describes (`2023-24`), when it
    /// is not the file's `data_year`.
    pub ltel_year: Option<String>,
    /// How many English learners `ltel_share_of_els` was computed from
    /// (ELPAC takers, for an estimate from the Dashboard).
    pub ltel_els_counted: Option<u32>,
    /// English learners with disabilities (with an IEP), share of ELs.
    pub ewd_share_of_els: Option<f64>,
    /// Students with interrupted formal education, share of ELs.
    pub sife_share_of_els: Option<f64>,
    /// English learners at risk of becoming long-term ELs, as a share of English learners.
    pub at_risk_share_of_els: Option<f64>,
    /// Newcomers (under a year in US schools) as a share of English learners.
    pub newcomer_share_of_els: Option<f64>,
    /// The main home languages of English learners; empty when left out.
    #[serde(default)]
    pub languages: Vec<Language>,
}

/// A home language of the district's English learners.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language's name.
    pub name: String,
    /// Its share of English learners.
    pub share_of_els: Option<f64>,
}

/// One school year's EL outcomes; each left out is unknown for that year.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearOutcomes {
    /// The school year, `YYYY-YY`.
    pub year: String,
    /// ELs reclassified fluent English proficient since the last census, over the prior fall's ELs.
    pub reclassification_rate: Option<f64>,
    /// English Learner Progress Indicator status: share of ELs progressing at least one level or holding the top one.
    pub elpi_status: Option<f64>,
    /// ELs' CAASPP distance from standard in ELA, in points (negative is below).
    pub el_ela_dfs: Option<f64>,
    /// ELs' CAASPP distance from standard in mathematics, in points.
    pub el_math_dfs: Option<f64>,
    /// Share of ELs chronically absent.
    pub el_chronic_absence: Option<f64>,
    /// ELs' four-year cohort graduation rate.
    pub el_graduation_rate: Option<f64>,
    /// English learners counted that year (census day).
    pub els: Option<u32>,
    /// English learners reclassified that year.
    pub reclassified: Option<u32>,
    /// The reclassification rate divides by the same year's ELs, not the
    /// prior fall's: an approximation.
    pub reclassification_estimate: Option<bool>,
    /// ELPAC takers the ELPI status rests on.
    pub elpi_takers: Option<u32>,
    /// English learners the ELA distance from standard rests on.
    pub el_ela_tested: Option<u32>,
    /// English learners the mathematics distance from standard rests on.
    pub el_math_tested: Option<u32>,
    /// English learners the chronic absence rate rests on.
    pub el_chronic_enrolled: Option<u32>,
    /// English learners in the graduation cohort.
    pub el_graduation_cohort: Option<u32>,
    /// The indicators on which the EL group was at the Dashboard's lowest
    /// performance level (red) that year; left out when unknown.
    pub el_lowest: Option<Vec<Indicator>>,
}

impl YearOutcomes {
    /// A school year with nothing known yet.
    pub fn empty(year: &str) -> YearOutcomes {
        YearOutcomes {
            year: year.to_string(),
            reclassification_rate: None,
            elpi_status: None,
            el_ela_dfs: None,
            el_math_dfs: None,
            el_chronic_absence: None,
            el_graduation_rate: None,
            els: None,
            reclassified: None,
            reclassification_estimate: None,
            elpi_takers: None,
            el_ela_tested: None,
            el_math_tested: None,
            el_chronic_enrolled: None,
            el_graduation_cohort: None,
            el_lowest: None,
        }
    }
}

/// How designated ELD is delivered across the district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DesignatedEld {
    /// Delivered consistently, daily, in every school.
    Consistent,
    /// Delivered, but unevenly across schools or classrooms.
    Inconsistent,
    /// Not delivered as a protected time.
    Absent,
}

/// The EL programs and practices the district has.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programs {
    /// Schools with a dual-language immersion program.
    pub dual_language_schools: Option<u32>,
    /// Whether a newcomer program exists.
    pub newcomer_program: Option<bool>,
    /// Whether courses designed for long-term ELs exist.
    pub ltel_courses: Option<bool>,
    /// How consistently designated ELD is delivered.
    pub designated_eld: Option<DesignatedEld>,
    /// Whether the district awards the State Seal of Biliteracy.
    pub seal_of_biliteracy: Option<bool>,
    /// The classroom observation protocol in use (`OPAL`), or `none`.
    pub observation_protocol: Option<String>,
    /// Whether EL shadowing has been done.
    pub el_shadowing_done: Option<bool>,
    /// Whether an EL progress-monitoring system is in use.
    pub progress_monitoring_system: Option<bool>,
    /// Daily minutes of designated ELD in the elementary grades.
    pub designated_eld_minutes: Option<u32>,
    /// Whether integrated ELD is practised in content classes.
    pub integrated_eld: Option<bool>,
    /// The local basic-skills measure and cut used to reclassify.
    pub reclassification_measure: Option<String>,
}

/// Teachers, coaches and EL staff.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    /// Teachers, in people.
    pub teachers: Option<u32>,
    /// Teachers with a bilingual authorization; at most `teachers`.
    pub bilingual_authorized_teachers: Option<u32>,
    /// Instructional coaches.
    pub instructional_coaches: Option<u32>,
    /// Teacher leaders with a role in EL improvement.
    pub teacher_leaders: Option<u32>,
    /// Whether the district has an EL coordinator.
    pub el_coordinator: Option<bool>,
}

/// How much experience a district has with something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    /// New to it.
    Novice,
    /// Some experience.
    Emerging,
    /// Practised and embedded.
    Established,
}

/// Who can sit on the improvement team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TeamMember {
    /// Teachers.
    Teachers,
    /// Principals.
    Principals,
    /// District office staff.
    DistrictStaff,
}

/// A kind of expert partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Partner {
    /// An expert in EL content and pedagogy.
    ContentExpert,
    /// An expert in improvement science.
    ProcessExpert,
}

/// Leadership stability, experience and teams.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leadership {
    /// Changes of superintendent or EL lead in the last three years.
    pub changes_last_3_years: Option<u32>,
    /// Experience with improvement science.
    pub improvement_science: Option<Level>,
    /// EL content expertise among leaders.
    pub el_expertise: Option<Level>,
    /// Who is on the improvement team; unknown when left out.
    pub improvement_team: Option<Vec<TeamMember>>,
    /// Whether a district leadership team exists.
    pub district_leadership_team: Option<bool>,
    /// Whether the district already belongs to a cross-district
    /// improvement network.
    pub improvement_network: Option<bool>,
    /// Expert partners the district works with; unknown when left out.
    pub partners: Option<Vec<Partner>>,
}

/// Family engagement bodies.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Whether school English Learner Advisory Committees are active.
    pub elac_active: Option<bool>,
    /// Whether the District English Learner Advisory Committee is active.
    pub delac_active: Option<bool>,
}

/// How much money the district can put behind the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Budget {
    /// Little beyond existing funds.
    Low,
    /// Some new money.
    Moderate,
    /// Substantial new money.
    High,
}

/// What the district can put behind the plan.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// The budget level.
    pub budget: Option<Budget>,
    /// Whether the improvement team has protected time.
    pub protected_team_time: Option<bool>,
    /// The planning horizon in years, 1 to 3; 2 when left out.
    pub horizon_years: Option<u8>,
    /// The most new initiatives the district can carry per stage; no cap when left out.
    pub max_initiatives_per_stage: Option<u32>,
}

/// Goals the district has set. A goal not stated is not a goal.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goals {
    /// Expand dual language to this many schools.
    pub expand_dual_language_to: Option<u32>,
    /// Raise the reclassification rate.
    #[serde(default)]
    pub raise_reclassification: bool,
    /// Reduce the number of long-term English learners.
    #[serde(default)]
    pub reduce_ltel: bool,
    /// Find the root causes of low EL outcomes.
    #[serde(default)]
    pub find_root_causes: bool,
    /// Strengthen designated ELD.
    #[serde(default)]
    pub strengthen_designated_eld: bool,
    /// Engage EL families more deeply.
    #[serde(default)]
    pub engage_families: bool,
    /// Build teacher leadership.
    #[serde(default)]
    pub build_teacher_leadership: bool,
}

impl Kind {
    /// The grade span a district of this kind serves when the file does not say.
    pub fn default_grades(self) -> Option<Grades> {
        match self {
            Kind::Elementary => Some(Grades { low: 0, high: 8 }),
            Kind::High => Some(Grades { low: 9, high: 12 }),
            Kind::Unified => Some(Grades { low: 0, high: 12 }),
            Kind::Charter => None,
        }
    }
}

/// The planning horizon when `resources.horizon_years` is left out.
pub const DEFAULT_HORIZON_YEARS: u8 = 2;

impl District {
    /// A district with only the required fields; everything else unknown.
    pub fn new(id: &str, name: &str, kind: Kind, enrollment: u32, el_share: f64) -> District {
        let mut district = District {
            id: id.to_string(),
            name: name.to_string(),
            kind,
            grades: None,
            county: None,
            cds_code: None,
            data_year: None,
            enrollment,
            schools: None,
            schools_year: None,
            locale: None,
            accountability: Accountability::default(),
            students: Students {
                el_share,
                ever_el_share: None,
                frpm_share: None,
                ltel_share_of_els: None,
                ltel_year: None,
                ltel_els_counted: None,
                ewd_share_of_els: None,
                sife_share_of_els: None,
                at_risk_share_of_els: None,
                newcomer_share_of_els: None,
                languages: Vec::new(),
            },
            history: Vec::new(),
            programs: Programs::default(),
            staffing: Staffing::default(),
            leadership: Leadership::default(),
            family: Family::default(),
            resources: Resources::default(),
            goals: Goals::default(),
            compliance: Compliance::default(),
            decisions: Decisions::default(),
        };
        district.fill_defaults();
        district
    }

    /// Reads, parses and validates a district file.
    pub fn load(path: &Path) -> Result<District, Diagnostics> {
        let source = crate::source::read_text(path, crate::limits::MAX_DISTRICT_BYTES)?;
        District::parse(path, &source)
    }

    /// Parses and validates district RON; `path` names it in diagnostics.
    pub fn parse(path: &Path, source: &str) -> Result<District, Diagnostics> {
        let mut district: District =
            crate::source::parse_ron(path, source).map_err(|d| d.in_layer(ErrorKind::District))?;
        district.fill_defaults();
        // An id named twice in `decisions` reads as its last entry alone:
        // the file is scanned for the entries RON passed over.
        let twice = if district.decisions.is_empty() {
            Vec::new()
        } else {
            let (places, twice) = crate::decisions::places(path, source);
            district.decisions.places = places;
            twice
        };
        let problems = district.validate();
        if problems.is_empty() && twice.is_empty() {
            return Ok(district);
        }
        // Each problem is placed by a search of the file: a file with
        // thousands of bad entries is reported by its first ones and a count.
        const SHOWN: usize = 50;
        let more = (problems.len() + twice.len()).saturating_sub(SHOWN);
        let mut shown: Vec<Diagnostic> = twice
            .into_iter()
            .chain(
                problems
                    .into_iter()
                    .map(|p| p.into_diagnostic(path, source)),
            )
            .take(SHOWN)
            .collect();
        if more > 0 {
            shown.push(Diagnostic::of(
                ErrorKind::District,
                path,
                format!("… and {more} more problems like these"),
            ));
        }
        Err(Diagnostics(shown))
    }

    /// Resolves defaults that DESIGN.md gives for omitted fields.
    pub fn fill_defaults(&mut self) {
        if self.grades.is_none() {
            self.grades = self.kind.default_grades();
        }
        if self.resources.horizon_years.is_none() {
            self.resources.horizon_years = Some(DEFAULT_HORIZON_YEARS);
        }
    }

    /// The planning horizon in years.
    pub fn horizon_years(&self) -> u8 {
        self.resources
            .horizon_years
            .unwrap_or(DEFAULT_HORIZON_YEARS)
    }

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

/// Best-effort byte offset of a field path (`students.el_share`,
/// `history[2].year`) in RON source, for pointing at it in a diagnostic.
pub(crate) fn locate_field(source: &str, path: &str) -> Option<usize> {
    // A decision's id is a map key, which may hold any character.
    if let Some(below) = path.strip_prefix("decisions.") {
        return crate::decisions::locate(source, below);
    }
    let mut offset = 0;
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        offset = crate::source::find_key(source, offset, name)?;
        if let Some(index) = index {
            // The n-th parenthesised entry after the list's opening bracket.
            let list = offset + source[offset..].find('[')?;
            let mut depth = 0usize;
            let mut seen = 0usize;
            let mut found = None;
            for (i, c) in source[list..].char_indices() {
                match c {
                    '(' | '[' => {
                        if depth == 1 && c == '(' {
                            if seen == index {
                                found = Some(list + i);
                                break;
                            }
                            seen += 1;
                        }
                        depth += 1;
                    }
                    ')' | ']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            offset = found?;
        }
    }
    Some(offset)
}

/// The field names of the district file, section by section, for hints:
/// read from the serde structs themselves (ron names the fields a struct
/// expects when it meets one it does not know), once per process.
pub fn field_names(section: &str) -> &'static [&'static str] {
    static SECTIONS: std::sync::OnceLock<Vec<(&'static str, &'static [&'static str])>> =
        std::sync::OnceLock::new();
    fn fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        match crate::source::ron_options().from_str::<T>("(zz_no_such_field: 0)") {
            Err(e) => match e.code {
                ron::error::Error::NoSuchStructField { expected, .. } => expected,
                _ => &[],
            },
            Ok(_) => &[],
        }
    }
    let sections = SECTIONS.get_or_init(|| {
        vec![
            ("", fields::<District>()),
            ("grades", fields::<Grades>()),
            ("accountability", fields::<Accountability>()),
            ("assistance_history", fields::<AssistanceYear>()),
            ("compliance", fields::<Compliance>()),
            ("students", fields::<Students>()),
            ("history", fields::<YearOutcomes>()),
            ("programs", fields::<Programs>()),
            ("staffing", fields::<Staffing>()),
            ("leadership", fields::<Leadership>()),
            ("family", fields::<Family>()),
            ("resources", fields::<Resources>()),
            ("goals", fields::<Goals>()),
        ]
    });
    sections
        .iter()
        .find(|(name, _)| *name == section)
        .map_or(&[], |(_, fields)| fields)
}

/// The values an enum-valued field (or list of enums) takes, as serde reads
/// them: `Some(["Novice", "Emerging", "Established"])` for
/// `leadership.improvement_science`; `None` for other fields.
pub fn enum_values(path: &str) -> Option<&'static [&'static str]> {
    fn variants<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        match ron::from_str::<T>("Zz9") {
            Err(e) => match e.code {
                ron::error::Error::NoSuchEnumVariant { expected, .. } => expected,
                _ => &[],
            },
            Ok(_) => &[],
        }
    }
    Some(match path {
        "kind" => variants::<Kind>(),
        "programs.designated_eld" => variants::<DesignatedEld>(),
        "leadership.improvement_science" | "leadership.el_expertise" => variants::<Level>(),
        "leadership.improvement_team" => variants::<TeamMember>(),
        "leadership.partners" => variants::<Partner>(),
        "resources.budget" => variants::<Budget>(),
        "locale" => variants::<Locale>(),
        "accountability.assistance" => variants::<Assistance>(),
        "accountability.elpi_color" => variants::<Color>(),
        _ => return None,
    })
}

/// Every dotted field path of the district file (`students.el_share`).
pub fn field_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for name in field_names("") {
        let nested = field_names(name);
        if nested.is_empty() {
            paths.push((*name).to_string());
        } else {
            paths.extend(nested.iter().map(|field| format!("{name}.{field}")));
        }
    }
    paths
}

/// A hint for a misspelt dotted path, nearest valid path first. A field of
/// the yearly history is offered as it is written: `history[-1].FIELD`.
pub fn path_hint(path: &str) -> Option<String> {
    let paths: Vec<String> = field_paths()
        .into_iter()
        .map(|p| match p.strip_prefix("history.") {
            Some(field) => format!("history[-1].{field}"),
            None => p,
        })
        .collect();
    let wanted = if path.contains('.') {
        path.to_string()
    } else {
        // A bare field name is matched against the last part of each path.
        paths
            .iter()
            .find(|p| p.rsplit('.').next() == Some(path))
            .cloned()
            .unwrap_or_else(|| path.to_string())
    };
    if wanted != path {
        return Some(format!("did you mean `{wanted}`?"));
    }
    did_you_mean(path, paths.iter().map(String::as_str))
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

    #[test]
    fn locates_nested_and_indexed_fields() {
        let src = "District(\n students: (\n  el_share: 2.0,\n ),\n history: [\n  (year: \"2018-19\"),\n  (year: \"2017-18\"),\n ],\n)";
        let at = locate_field(src, "students.el_share").unwrap();
        assert!(src[at..].starts_with("el_share: 2.0"));
        let at = locate_field(src, "history[1].year").unwrap();
        assert!(src[at..].starts_with("year: \"2017-18\""));
    }

    /// `field_names` must give each section the fields of the struct the
    /// district file has there: ron reports the fields a struct expects
    /// when it meets an unknown one.
    #[test]
    fn field_names_match_the_district_structs() {
        let sections = [
            ("", "District(zzz: 1)"),
            ("grades", "District(grades: (zzz: 1))"),
            ("students", "District(students: (zzz: 1))"),
            ("history", "District(history: [(zzz: 1)])"),
            ("programs", "District(programs: (zzz: 1))"),
            ("staffing", "District(staffing: (zzz: 1))"),
            ("leadership", "District(leadership: (zzz: 1))"),
            ("family", "District(family: (zzz: 1))"),
            ("resources", "District(resources: (zzz: 1))"),
            ("goals", "District(goals: (zzz: 1))"),
            ("accountability", "District(accountability: (zzz: 1))"),
            ("compliance", "District(compliance: (zzz: 1))"),
            (
                "assistance_history",
                "District(accountability: (assistance_history: [(zzz: 1)]))",
            ),
        ];
        for (section, source) in sections {
            let error = crate::source::ron_options()
                .from_str::<District>(source)
                .expect_err("an unknown field is an error");
            match error.code {
                ron::error::Error::NoSuchStructField { expected, .. } => {
                    assert!(!expected.is_empty(), "section `{section}`");
                    assert_eq!(field_names(section), expected, "section `{section}`");
                }
                other => panic!("section `{section}`: unexpected error {other}"),
            }
        }
    }

    #[test]
    fn enum_values_come_from_the_enums() {
        assert_eq!(
            enum_values("kind"),
            Some(&["Elementary", "High", "Unified", "Charter"][..])
        );
        assert_eq!(
            enum_values("leadership.partners"),
            Some(&["ContentExpert", "ProcessExpert"][..])
        );
        assert_eq!(enum_values("students.el_share"), None);
    }

    #[test]
    fn every_section_lists_its_fields() {
        assert!(field_paths().contains(&"leadership.changes_last_3_years".to_string()));
        assert_eq!(
            path_hint("students.el_shar").as_deref(),
            Some("did you mean `students.el_share`?")
        );
    }
}
