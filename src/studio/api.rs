//! The studio's pages and what its script asks of the server.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::folders::Write;
use super::{form, said, why, Refusal, Studio};
use crate::compare::{compare, input_changes, PlanDiff};
use crate::date::Date;
use crate::diagnostic::Diagnostics;
use crate::district::District;
use crate::overrides::{self, Override};
use crate::render::{Format, RenderOptions};
use crate::ron_text::comment_text;

/// The formats a plan downloads in: every format of `elplan plan`.
const FORMATS: [Format; 6] = [
    Format::Md,
    Format::Html,
    Format::Json,
    Format::Csv,
    Format::Pdf,
    Format::Docx,
];

pub(super) type Changes = Vec<(String, String)>;

/// The most values a sweep on the page plans: more than a chart can show
/// would only keep the server busy.
const MAX_CHART_POINTS: usize = 2_000;

/// A district file and changes to it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    file: String,
    #[serde(default)]
    set: Changes,
    /// The changes before the last one, to show what the last one did.
    #[serde(default)]
    previous: Changes,
}

/// A finding or strategy to explain, under changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    file: String,
    #[serde(default)]
    set: Changes,
    id: String,
}

/// A sweep of one field, under changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepRequest {
    file: String,
    #[serde(default)]
    set: Changes,
    /// As `elplan sweep --vary` takes it.
    vary: String,
}

/// Changes saved as a named scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    file: String,
    set: Changes,
    name: String,
    #[serde(default)]
    description: String,
    /// Replace a scenario of the same name.
    #[serde(default)]
    replace: bool,
}

/// Changes written into the district file, or into a new one beside it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveRequest {
    pub(super) file: String,
    pub(super) set: Changes,
    /// The version of the file the page was made from.
    pub(super) base: String,
    /// A new file's name, in the same folder; left out, the file itself.
    #[serde(default)]
    pub(super) new_file: Option<String>,
}

/// A download's query.
#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    file: String,
    format: String,
    /// The changes, as JSON `[[path, value], …]`.
    #[serde(default)]
    changes: Option<String>,
    /// The cover's date (`YYYY-MM-DD`), whose month is month 1 of the plan.
    #[serde(default)]
    date: Option<String>,
    /// Who the plan is prepared for, on the cover.
    #[serde(default)]
    prepared_for: Option<String>,
    /// Who prepared it, on the cover.
    #[serde(default)]
    prepared_by: Option<String>,
}

/// The longest name a cover takes.
const MAX_COVER_NAME: usize = 200;

/// The cover a download asks for, checked: a real date, names of one line.
fn cover(query: &DownloadQuery) -> Result<(Option<Date>, RenderOptions), Refusal> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let date = given(&query.date)
        .map(|date| {
            date.parse::<Date>().map_err(|_| {
                Refusal::bad(format!(
                    "the cover's date `{date}` is not a date like 2026-09-01"
                ))
            })
        })
        .transpose()?;
    let name = |v: &Option<String>, what: &str| -> Result<Option<String>, Refusal> {
        let v = given(v);
        if let Some(text) = &v {
            if text.chars().count() > MAX_COVER_NAME
                || text.chars().any(crate::ron_text::is_control_or_bidi)
            {
                return Err(Refusal::bad(format!(
                    "{what} on the cover is one line of at most {MAX_COVER_NAME} characters"
                )));
            }
        }
        Ok(v)
    };
    let options = RenderOptions {
        prepared_for: name(&query.prepared_for, "who the plan is prepared for")?,
        prepared_by: name(&query.prepared_by, "who prepared the plan")?,
        ..RenderOptions::default()
    };
    Ok((date, options))
}

/// A page's query.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub(super) file: String,
}

fn overrides_of(set: &Changes) -> Vec<Override> {
    set.iter()
        .map(|(path, value)| Override {
            path: path.clone(),
            value: value.clone(),
        })
        .collect()
}

/// The version of a file's bytes the page was made from.
pub(super) fn version(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// A district file as read: its bytes (whose version a save checks), its
/// text (without a byte-order mark) and the district.
pub(super) struct Loaded {
    pub(super) bytes: Vec<u8>,
    pub(super) text: String,
    pub(super) district: District,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

pub(super) fn load(path: &Path) -> Result<Loaded, Refusal> {
    let bytes = crate::source::read_bounded(path, crate::limits::MAX_DISTRICT_BYTES, "files")
        .map_err(|d| Refusal::of(&d))?;
    let text = crate::source::text_from_bytes(path, bytes.clone()).map_err(|d| Refusal::of(&d))?;
    let district = District::parse(path, &text).map_err(Refusal::in_full)?;
    Ok(Loaded {
        bytes,
        text,
        district,
    })
}

/// `district` under `set`, or each problem beside the field it is about,
/// in the words `--set` gives on the command line.
pub(super) fn apply(district: &District, set: &Changes) -> Result<District, Problems> {
    let overrides = overrides_of(set);
    overrides::apply(district, &overrides).map_err(|Diagnostics(list)| {
        let problems: Vec<_> = list
            .iter()
            .map(|d| {
                let origin = d.file.display().to_string();
                let path = overrides
                    .iter()
                    .find(|o| origin == format!("--set {o}"))
                    .map_or("", |o| o.path.as_str());
                json!({ "path": path, "message": said(d) })
            })
            .collect();
        Problems(problems)
    })
}

/// Bad values, each with the field it is about.
pub struct Problems(Vec<serde_json::Value>);

/// Why a request got no answer: refused, or values to fix.
pub enum Failure {
    Refused(Refusal),
    Problems(Problems),
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Refused(r)
    }
}

impl From<Problems> for Failure {
    fn from(p: Problems) -> Self {
        Failure::Problems(p)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Refused(r) => r.into_response(),
            Failure::Problems(p) => p.into_response(),
        }
    }
}

/// A district file the studio may read, its text, the district, and the
/// district under a request's changes.
struct Opened {
    path: PathBuf,
    district: District,
    changed: District,
}

fn open(studio: &Studio, file: &str, set: &Changes) -> Result<Opened, Failure> {
    let path = studio.resolve(file)?;
    let district = load(&path)?.district;
    let changed = apply(&district, set)?;
    Ok(Opened {
        path,
        district,
        changed,
    })
}

impl IntoResponse for Problems {
    fn into_response(self) -> Response {
        let body = json!({ "ok": false, "problems": self.0 });
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    }
}

fn failed(d: &crate::diagnostic::Diagnostic) -> Response {
    Refusal::of(d).into_response()
}

/// The list of district files.
pub async fn index(State(studio): State<Arc<Studio>>) -> Response {
    let (listed, scenarios) = studio.files();
    if let [only] = listed.as_slice() {
        let query = form_urlencoded(only);
        return Redirect::to(&format!("/district?file={query}")).into_response();
    }
    let renderer = studio.session.renderer();
    let rules = studio.session.rules();
    // Each file with its district's name, or why it does not open.
    let files: Vec<_> = listed
        .iter()
        .map(|shown| {
            let loaded = studio
                .resolve(shown)
                .map_err(|r| r.message)
                .and_then(|path| load(&path).map_err(|r| r.message));
            match loaded.map(|l| l.district) {
                Ok(d) => json!({ "file": shown, "name": d.name, "county": d.county }),
                Err(problem) => {
                    json!({ "file": shown, "name": null, "county": null, "problem": problem })
                }
            }
        })
        .collect();
    match renderer.render_named(
        "studio.html",
        "elplan serve",
        context! { files => Serde(&files), scenarios_skipped => scenarios.len(), ..rules.template_values.clone() },
    ) {
        Ok(html) => Html(html).into_response(),
        Err(d) => failed(&d),
    }
}

fn form_urlencoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The studio page for one district.
pub async fn page(
    State(studio): State<Arc<Studio>>,
    Query(query): Query<PageQuery>,
) -> Result<Response, Refusal> {
    let path = studio.resolve(&query.file)?;
    let session = &studio.session;
    let rules = session.rules();
    let Loaded {
        bytes, district, ..
    } = match load(&path) {
        Ok(loaded) => loaded,
        // A file that does not read as a district: its diagnostic, as a page.
        Err(refusal) => {
            let html = session
                .renderer()
                .render_named(
                    "studio.html",
                    "elplan serve",
                    context! { file => &query.file, problem => &refusal.message, ..rules.template_values.clone() },
                )
                .map_err(|d| Refusal::of(&d))?;
            return Ok((refusal.status, Html(html)).into_response());
        }
    };
    let plan = session
        .plan(&district, &path)
        .map_err(|d| Refusal::of(&d))?;
    let fragment = plan_fragment(&studio, &plan, &district, None).map_err(|d| Refusal::of(&d))?;
    let (sections, history) = form::sections(rules, &district);
    // The strategies and findings a team decides on: those in the plan and
    // those it has decided on already, in the plan's order.
    let mut decide_strategies: Vec<&str> = Vec::new();
    for id in plan
        .stages
        .iter()
        .flat_map(|s| s.strategies.iter().map(|x| x.id))
        .chain(plan.deferred.iter().map(|d| d.id))
        .chain(plan.set_aside.iter().map(|d| d.id))
        .chain(district.decisions.strategies.keys().map(String::as_str))
    {
        if !decide_strategies.contains(&id) {
            decide_strategies.push(id);
        }
    }
    let mut decide_findings: Vec<&str> = Vec::new();
    for id in plan
        .findings
        .iter()
        .map(|f| f.id)
        .chain(district.decisions.findings.keys().map(String::as_str))
    {
        if !decide_findings.contains(&id) {
            decide_findings.push(id);
        }
    }
    let html = session
        .renderer()
        .render_named(
            "studio.html",
            "elplan serve",
            context! {
                file => &query.file,
                base => version(&bytes),
                district => Serde(&district),
                sections => Serde(&sections),
                history => Serde(&history),
                decide_strategies => Serde(&decide_strategies.iter().map(|id| {
                    let d = district.decisions.strategies.get(*id).cloned().unwrap_or_default();
                    json!({
                        "id": id, "keep": d.keep, "reason": d.reason, "owners": d.owners,
                        "start_month": d.start_month, "end_month": d.end_month,
                        "notes": d.notes, "status": d.status,
                    })
                }).collect::<Vec<_>>()),
                decide_findings => Serde(&decide_findings.iter().map(|id| {
                    let d = district.decisions.findings.get(*id);
                    json!({
                        "id": id, "verdict": d.map(|d| d.verdict),
                        "note": d.and_then(|d| d.note.clone()),
                    })
                }).collect::<Vec<_>>()),
                plan_html => fragment,
                scenarios_html => super::scenarios::list_html(&studio, &query.file, &super::scenarios::beside(&studio, &path, &query.file))?,
                formats => FORMATS.iter().map(|f| f.extension()).collect::<Vec<_>>(),
                ..rules.template_values.clone()
            },
        )
        .map_err(|d| Refusal::of(&d))?;
    Ok(Html(html).into_response())
}

pub(super) fn plan_fragment(
    studio: &Studio,
    plan: &crate::plan::Plan<'_>,
    district: &District,
    diff: Option<&PlanDiff>,
) -> Result<String, crate::diagnostic::Diagnostic> {
    let rules = studio.session.rules();
    let mut marks = std::collections::BTreeMap::new();
    if let Some(diff) = diff {
        for f in &diff.findings_added {
            marks.insert(f.id.as_str(), "added");
        }
        for s in &diff.strategies_added {
            marks.insert(s.id.as_str(), "added");
        }
        for m in &diff.strategies_moved {
            marks.insert(m.id.as_str(), "moved");
        }
        for i in diff.newly_deferred.iter().chain(&diff.newly_in_place) {
            marks.insert(i.id.as_str(), "moved");
        }
        for p in &diff.newly_pending {
            marks.insert(p.id.as_str(), "moved");
        }
    }
    // What the last change did, in the page's words: shares as percentages.
    let diff = diff.map(|diff| {
        let mut shown = diff.clone();
        for input in &mut shown.inputs {
            input.before = form::shown_value(&input.path, &input.before);
            input.after = form::shown_value(&input.path, &input.after);
        }
        shown
    });
    let diff = diff.as_ref();
    let (figures, months) = crate::render::figures_of(plan);
    studio.session.renderer().render_named(
        "studio-plan.html",
        "elplan serve",
        context! {
            figures,
            months,
            plan => Serde(plan),
            district => Serde(district),
            diff => diff.map(Serde),
            changes => diff.map(PlanDiff::titled_changes),
            marks,
            ..rules.template_values.clone()
        },
    )
}

/// The plan under changes, with what the last change did.
pub async fn plan(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<PlanRequest>,
) -> Result<Response, Failure> {
    let Opened {
        path,
        district,
        changed,
        ..
    } = open(&studio, &request.file, &request.set)?;
    let before = apply(&district, &request.previous).unwrap_or_else(|_| district.clone());
    let session = &studio.session;
    let plan_now = session.plan(&changed, &path).map_err(|d| Refusal::of(&d))?;
    let plan_before = session.plan(&before, &path).map_err(|d| Refusal::of(&d))?;
    let diff = compare(&plan_before, &plan_now, "before", "after")
        .with_inputs(input_changes(&before, &changed));
    let html =
        plan_fragment(&studio, &plan_now, &changed, Some(&diff)).map_err(|d| Refusal::of(&d))?;
    Ok(Json(json!({
        "ok": true,
        "html": html,
        "changes": diff.titled_changes(),
        "inputs": diff.inputs,
    }))
    .into_response())
}

/// One finding or strategy explained, in words.
pub async fn explain(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<ExplainRequest>,
) -> Result<Response, Failure> {
    let Opened { path, changed, .. } = open(&studio, &request.file, &request.set)?;
    let session = &studio.session;
    let x = crate::explain::explain(session, &changed, &path, &request.id)
        .map_err(|d| Refusal::of(&d))?;
    let text = session
        .renderer()
        .render_explanation(session.rules(), &x)
        .map_err(|d| Refusal::of(&d))?;
    // The rule as written, for "Show the rule": the text's appendix.
    let rule = text
        .split_once("Appendix: the rule as written\n")
        .map_or("", |(_, rule)| rule)
        .to_string();
    let mut plain = x.clone();
    plain.because = plain
        .because
        .into_iter()
        .map(|t| why::in_percent(session.rules(), t))
        .collect();
    let html = session
        .renderer()
        .render_named(
            "studio-why.html",
            "elplan serve",
            context! { explanation => Serde(&plain), ..session.rules().template_values.clone() },
        )
        .map_err(|d| Refusal::of(&d))?;
    Ok(Json(json!({
        "ok": true, "id": x.id, "title": x.title, "status": x.status,
        "html": html, "rule": rule, "text": text,
    }))
    .into_response())
}

/// One point of a sweep's chart.
#[derive(Debug, Serialize)]
struct Point {
    value: String,
    /// False where the district cannot take the value.
    valid: bool,
    /// Strategies scheduled at this value.
    strategies: i64,
    /// Findings fired at this value.
    findings: i64,
    /// What changes here from the value before, by title.
    changes: Vec<String>,
}

/// A sweep, as points for a chart.
pub async fn sweep(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<SweepRequest>,
) -> Result<Response, Failure> {
    let Opened { path, changed, .. } = open(&studio, &request.file, &request.set)?;
    let vary: crate::sweep::Vary = request.vary.parse().map_err(Refusal::bad)?;
    let work = studio.clone();
    let result = tokio::task::spawn_blocking(move || chart(&work, &changed, &path, &vary))
        .await
        .map_err(|e| Refusal::bad(format!("the sweep stopped: {e}")))?;
    Ok(match result {
        Ok(body) => Json(body).into_response(),
        Err(refusal) => refusal.into_response(),
    })
}

fn chart(
    studio: &Studio,
    district: &District,
    path: &Path,
    vary: &crate::sweep::Vary,
) -> Result<serde_json::Value, Refusal> {
    let session = &studio.session;
    // Counted before any value is made: a range too long for a chart is
    // refused at no cost, however long its numbers are written.
    let points = vary.points(district).map_err(Refusal::bad)?;
    if points.len() > MAX_CHART_POINTS {
        return Err(Refusal::bad(format!(
            "{} values are more than a chart can show; a sweep on this page takes at most {MAX_CHART_POINTS} (a larger step, or `elplan sweep`)",
            points.len()
        )));
    }
    let values: Vec<String> = points.iter().collect();
    let sweep = crate::sweep::sweep(session, district, path, vary).map_err(Refusal::in_full)?;
    let first_valid = values
        .iter()
        .find(|v| !sweep.invalid.iter().any(|i| &i.value == *v));
    let (mut strategies, mut findings) = match first_valid {
        Some(value) => {
            let set = Override {
                path: vary.path.clone(),
                value: value.clone(),
            };
            let point =
                overrides::apply(district, std::slice::from_ref(&set)).map_err(Refusal::in_full)?;
            let plan = session.plan(&point, path).map_err(Refusal::in_full)?;
            (plan.scheduled().count() as i64, plan.findings.len() as i64)
        }
        None => (0, 0),
    };
    let mut points = Vec::with_capacity(values.len());
    for value in &values {
        if let Some(bad) = sweep.invalid.iter().find(|i| &i.value == value) {
            points.push(Point {
                value: value.clone(),
                valid: false,
                strategies: 0,
                findings: 0,
                changes: vec![bad.message.clone()],
            });
            continue;
        }
        let mut changes = Vec::new();
        if let Some(b) = sweep.breakpoints.iter().find(|b| &b.value == value) {
            strategies +=
                b.diff.strategies_added.len() as i64 - b.diff.strategies_removed.len() as i64;
            findings += b.diff.findings_added.len() as i64 - b.diff.findings_removed.len() as i64;
            changes = b.diff.titled_changes();
        }
        points.push(Point {
            value: value.clone(),
            valid: true,
            strategies,
            findings,
            changes,
        });
    }
    Ok(json!({
        "ok": true,
        "path": sweep.path,
        "breakpoints": sweep.breakpoints.len(),
        "invalid": sweep.invalid.len(),
        "points": points,
    }))
}

/// The scenario file a set of changes is saved as.
#[derive(Debug, Serialize)]
#[serde(rename = "Scenario")]
struct ScenarioFile<'a> {
    name: &'a str,
    description: &'a str,
    set: &'a Changes,
}

/// Saves the changes as `scenarios/<name>.ron` beside the district file.
pub async fn scenario(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<ScenarioRequest>,
) -> Result<Response, Failure> {
    let Opened { path, district, .. } = open(&studio, &request.file, &request.set)?;
    if request.set.is_empty() {
        return Err(Refusal::bad("there are no changes to save as a scenario").into());
    }
    let name = request.name.trim();
    let slug = slug(name);
    if slug.is_empty() || name.chars().count() > 80 {
        return Err(Refusal::bad(
            "give the scenario a name of up to 80 characters, with letters or digits",
        )
        .into());
    }
    let pretty = ron::ser::PrettyConfig::new().struct_names(true);
    let body = ron::ser::to_string_pretty(
        &ScenarioFile {
            name,
            description: request.description.trim(),
            set: &request.set,
        },
        pretty,
    )
    .map_err(|e| Refusal::bad(format!("cannot write the scenario: {e}")))?;
    // Text from the district file goes into comments on one line each.
    let text = format!(
        "// A what-if for {}, saved from the elplan studio.\n// Try it: elplan whatif {} --scenario scenarios/{slug}.ron\n{body}\n",
        comment_text(&district.name),
        comment_text(&path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()),
    );
    let (target, shown) = beside(
        &path,
        &request.file,
        &Path::new("scenarios").join(format!("{slug}.ron")),
    );
    // Read back before writing: what is saved must load as a scenario.
    if text.len() > crate::limits::MAX_SCENARIO_BYTES {
        return Err(Refusal::bad(format!(
            "the scenario would be {} bytes; elplan reads scenario files of at most {} bytes, so nothing was saved",
            text.len(),
            crate::limits::MAX_SCENARIO_BYTES
        ))
        .into());
    }
    crate::source::parse_ron::<crate::scenario::Scenario>(&target, &text)
        .map_err(|d| Refusal::of(&d))?;
    let how = if request.replace {
        Write::Replace
    } else {
        Write::New
    };
    let work = studio.clone();
    tokio::task::spawn_blocking(move || {
        let place = work.folders.place(&target, &shown)?;
        let lock = work.folders.lock(&place.path);
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        work.folders.write(&place, text.as_bytes(), how, &shown)?;
        Ok(Json(json!({ "ok": true, "file": shown })).into_response())
    })
    .await
    .map_err(|e| Refusal::bad(format!("the save stopped: {e}")))?
}

/// A file at `relative` beside the district file at `path` (shown to the
/// page as `shown`): where it is, and how the page names it.
pub(super) fn beside(path: &Path, shown: &str, relative: &Path) -> (PathBuf, String) {
    let folder = path.parent().unwrap_or(Path::new("."));
    let shown_folder = Path::new(shown).parent().unwrap_or(Path::new(""));
    (
        folder.join(relative),
        shown_folder.join(relative).display().to_string(),
    )
}

/// A file name from a scenario's name: lower-case letters, digits, dashes.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Writes the changes into the district file's own text (keeping its
/// comments), or into a new file beside it.
pub async fn save(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<SaveRequest>,
) -> Result<Response, Failure> {
    let path = studio.resolve(&request.file)?;
    let work = studio.clone();
    tokio::task::spawn_blocking(move || save_now(&work, &path, &request))
        .await
        .map_err(|e| Refusal::bad(format!("the save stopped: {e}")))?
}

/// A save, as one step: under the file's lock, the file is read, its
/// version compared with the page's, and the file replaced, so of two
/// saves from one version of the page, the second finds the first's file
/// and is refused (compare and swap).
pub(super) fn save_now(
    studio: &Studio,
    path: &Path,
    request: &SaveRequest,
) -> Result<Response, Failure> {
    let lock = studio.folders.lock(path);
    let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
    let loaded = load(path)?;
    if version(&loaded.bytes) != request.base {
        return Err(Failure::Refused(Refusal {
            status: StatusCode::CONFLICT,
            message: "the file changed on disk since this page was opened (or another save came first); nothing was saved. Reload the page to see the file as it is now".to_string(),
        }));
    }
    let changed = apply(&loaded.district, &request.set)?;
    let (target, shown, how) = match &request.new_file {
        None => (path.to_path_buf(), request.file.clone(), Write::Replace),
        Some(name) => {
            let name = new_file_name(name)?;
            let (target, shown) = beside(path, &request.file, Path::new(name));
            (target, shown, Write::New)
        }
    };
    let changes = overrides_of(&request.set);
    let (text, note) = match crate::ron_edit::write_changes(
        path,
        &loaded.text,
        &loaded.district,
        &changes,
    ) {
        Ok(text) => (text, None),
        // A new file need not keep the old one's layout: written afresh.
        Err(_) if how == Write::New => {
            let header = format!(
                    "{}, written afresh by the elplan studio from {}, whose layout could not take the changes; its comments are in that file.",
                    changed.name, request.file,
                );
            let text =
                crate::ron_edit::write_afresh(&target, &changed, &header).map_err(Refusal::bad)?;
            let note = format!(
                "It is written afresh: the comments of {} are not in it.",
                request.file
            );
            (text, Some(note))
        }
        Err(why) => return Err(Refusal::bad(why).into()),
    };
    // A byte-order mark stays.
    let mut bytes = Vec::with_capacity(text.len() + BOM.len());
    if loaded.bytes.starts_with(BOM) {
        bytes.extend_from_slice(BOM);
    }
    bytes.extend_from_slice(text.as_bytes());
    readable(&target, &bytes)?;
    let place = studio.folders.place(&target, &shown)?;
    studio.folders.write(&place, &bytes, how, &shown)?;
    Ok(
        Json(json!({ "ok": true, "file": shown, "base": version(&bytes), "note": note }))
            .into_response(),
    )
}

/// A new file's name, as the page gave it: a plain `.ron` file name that
/// listings and shells show as it is.
fn new_file_name(name: &str) -> Result<&str, Refusal> {
    let name = name.trim();
    if let Some((at, c)) = name
        .chars()
        .enumerate()
        .find(|(_, c)| crate::ron_text::is_control_or_bidi(*c))
    {
        return Err(Refusal::bad(format!(
            "a new file's name may not hold control or text-direction characters (U+{:04X} at character {}); use letters, digits, dashes and dots, such as `district-2025.ron`",
            c as u32,
            at + 1
        )));
    }
    let plain = !name.is_empty()
        && Path::new(name).components().count() == 1
        && !name.contains(['/', '\\'])
        && !name.starts_with('.')
        && name.ends_with(".ron");
    if !plain {
        return Err(Refusal::bad(
            "a new file's name is a plain file name ending in .ron, such as `district-2025.ron`",
        ));
    }
    Ok(name)
}

/// Refuses what elplan could not read back as a district file: past the
/// read limit, or not a district (checked as `elplan plan` reads it).
fn readable(target: &Path, bytes: &[u8]) -> Result<(), Refusal> {
    let limit = crate::limits::MAX_DISTRICT_BYTES;
    if bytes.len() > limit {
        return Err(Refusal::bad(format!(
            "the saved file would be {} bytes, and elplan reads district files of at most {limit} bytes; nothing was saved",
            bytes.len()
        )));
    }
    let text =
        crate::source::text_from_bytes(target, bytes.to_vec()).map_err(|d| Refusal::of(&d))?;
    District::parse(target, &text).map_err(|d| {
        Refusal::bad(format!(
            "the saved file would not read back ({d}); nothing was saved"
        ))
    })?;
    Ok(())
}

/// The plan under changes, in one of the formats of `elplan plan`.
pub async fn download(
    State(studio): State<Arc<Studio>>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, Failure> {
    let format = FORMATS
        .into_iter()
        .find(|f| f.extension() == query.format)
        .ok_or_else(|| Refusal::bad(format!("no format `{}`", query.format)))?;
    let (date, options) = cover(&query)?;
    let set: Changes = match &query.changes {
        Some(json) if !json.is_empty() => serde_json::from_str(json)
            .map_err(|e| Refusal::bad(format!("the changes are not readable: {e}")))?,
        _ => Vec::new(),
    };
    let Opened { path, changed, .. } = open(&studio, &query.file, &set)?;
    let name = format!(
        "{}{}.{}",
        changed.id,
        if set.is_empty() { "" } else { "-whatif" },
        format.extension()
    );
    let work = studio.clone();
    let file: PathBuf = path.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        work.session.draft(&changed, &file, format, date, &options)
    })
    .await
    .map_err(|e| Refusal::bad(format!("the download stopped: {e}")))?
    .map_err(|d| Refusal::of(&d))?;
    let kind = match format {
        Format::Md => "text/markdown; charset=utf-8",
        Format::Html => "text/html; charset=utf-8",
        Format::Json => "application/json",
        Format::Csv => "text/csv; charset=utf-8",
        Format::Pdf => "application/pdf",
        Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The studio's script.
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/studio.js"),
    )
        .into_response()
}

/// The studio's style sheet.
pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../assets/studio.css"),
    )
        .into_response()
}
