//! The district file: its types and how it is read (here), what makes it
//! valid (`validate`), and its catalogue of fields, paths and enum values
//! (`catalogue`).
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
    /// Schools with 21 or more English learners, each of which must hold an
    /// ELAC, in the year of the school count; at most `schools`.
    pub schools_with_21_els: Option<u32>,
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
    /// The other student groups that met the criteria that year; empty
    /// when none did, left out when unknown.
    pub other_groups: Option<Vec<StudentGroup>>,
}

/// A student group the Dashboard reports (other than English learners and
/// long-term English learners), as the assistance files name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StudentGroup {
    /// Students with disabilities.
    Disabilities,
    /// Socioeconomically disadvantaged (low-income) students.
    LowIncome,
    /// Students experiencing homelessness.
    Homeless,
    /// Foster youth.
    Foster,
    /// African American students.
    AfricanAmerican,
    /// American Indian or Alaska Native students.
    AmericanIndian,
    /// Asian students.
    Asian,
    /// Filipino students.
    Filipino,
    /// Hispanic students.
    Hispanic,
    /// Pacific Islander students.
    PacificIslander,
    /// Students of two or more races.
    TwoOrMore,
    /// White students.
    White,
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
    /// The main home languages of English learners; empty when left out,
    /// and then unknown to the rules (an empty list is not "no language").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// English learners counted the fall before (census day): the base
    /// CDE divides the year's reclassified students by.
    pub els_prior: Option<u32>,
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
            els_prior: None,
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
            schools_with_21_els: None,
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
}

mod catalogue;
mod validate;

pub(crate) use catalogue::locate_field;
pub use catalogue::{enum_values, field_names, field_paths, path_hint};
pub use validate::{parse_school_year, Problem};
