//! The scenario files beside a district, as the studio offers them:
//! listed, compared (two scenarios, or the district as it is and one),
//! applied to the district file, saved as a new district file, or deleted.
//!
//! What differs between two sides is worked out by `compare`, as
//! `elplan diff` works it out; applying goes through the save the page
//! uses (compare and swap, comments kept); files are written and removed
//! only through `folders`. How the page shows it is the templates'.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::api::{self, Changes, Failure, PageQuery, SaveRequest};
use super::{form, said, Refusal, Studio};
use crate::compare::{compare, input_changes};
use crate::district::District;
use crate::scenario::Scenario;

/// The folders beside a district file where its scenarios are kept: its
/// own, and `scenarios/` in it (where the studio saves them).
const BESIDE: [&str; 2] = ["", "scenarios"];

/// A scenario file beside a district, as the page lists it.
#[derive(Debug, Serialize)]
pub struct Listed {
    /// The file, as the page names it.
    file: String,
    /// The scenario's name, or the file's when it does not read.
    name: String,
    description: String,
    /// The version of the file's bytes (a delete checks it).
    version: String,
    /// What it changes, in words.
    changes: Vec<Said>,
    /// Why it does not read as a scenario, if it does not.
    problem: Option<String>,
}

/// One change of a scenario, in words: the question and the answer it
/// gives; the path for the "for the file" detail.
#[derive(Debug, Serialize)]
struct Said {
    question: String,
    value: String,
    path: String,
}

/// A scenario file read: where it is, its version, the scenario.
struct Read {
    version: String,
    scenario: Scenario,
}

/// The scenario file the page names `shown`, inside the studio's folders;
/// refused when it is not one.
fn read(studio: &Studio, shown: &str) -> Result<Read, Refusal> {
    let path = studio.resolve(shown)?;
    let limit = crate::limits::MAX_SCENARIO_BYTES;
    let bytes =
        crate::source::read_bounded(&path, limit, "scenario files").map_err(|d| Refusal::of(&d))?;
    let version = api::version(&bytes);
    let text = crate::source::text_from_bytes(&path, bytes).map_err(|d| Refusal::of(&d))?;
    if !crate::scenario::is_scenario_text(&text) {
        return Err(Refusal::bad(format!(
            "`{shown}` is a district file, not a scenario"
        )));
    }
    let scenario: Scenario = crate::source::parse_ron(&path, &text).map_err(Refusal::in_full)?;
    if scenario.set.is_empty() {
        return Err(Refusal::bad(format!(
            "the scenario `{shown}` changes nothing: its `set` is empty"
        )));
    }
    Ok(Read { version, scenario })
}

/// A scenario's changes in words: each question, and the answer as the
/// page shows it (a share as a percentage).
fn in_words(studio: &Studio, set: &Changes) -> Vec<Said> {
    set.iter()
        .map(|(path, value)| {
            let parsed = serde_json::from_str(value.trim())
                .unwrap_or_else(|_| serde_json::Value::String(value.trim().to_string()));
            let shown = words(path, &parsed);
            Said {
                question: form::question_of(studio.session.rules(), path),
                value: shown,
                path: path.clone(),
            }
        })
        .collect()
}

/// A value of the field at `path` in words: a share as a percentage,
/// yes or no, `unknown` for none.
fn words(path: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    match form::shown_value(path, value) {
        Value::Null => "unknown".to_string(),
        Value::String(s) if s == "None" => "unknown".to_string(),
        Value::String(s) => s,
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        other => other.to_string(),
    }
}

/// The scenario files beside the district file at `path` (shown as
/// `shown`), in order of their names.
pub(super) fn beside(studio: &Studio, path: &Path, shown: &str) -> Vec<Listed> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut listed = Vec::new();
    for relative in BESIDE {
        let Ok(entries) = std::fs::read_dir(folder.join(relative)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ron") && !n.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            let (file, shown_file) = api::beside(path, shown, &Path::new(relative).join(&name));
            if !file.is_file() || !crate::scenario::is_scenario_file(&file) {
                continue;
            }
            listed.push(match read(studio, &shown_file) {
                Ok(Read { version, scenario }) => Listed {
                    file: shown_file,
                    changes: in_words(studio, &scenario.set),
                    name: scenario.name,
                    description: scenario.description,
                    version,
                    problem: None,
                },
                Err(refusal) => Listed {
                    file: shown_file,
                    name: name.clone(),
                    description: String::new(),
                    version: String::new(),
                    changes: Vec::new(),
                    problem: Some(refusal.message),
                },
            });
        }
    }
    listed
}

/// The list as the page shows it (`studio-scenarios.html`).
pub(super) fn list_html(studio: &Studio, file: &str, listed: &[Listed]) -> Result<String, Refusal> {
    let rules = studio.session.rules();
    studio
        .session
        .renderer()
        .render_named(
            "studio-scenarios.html",
            "elplan serve",
            context! { file, scenarios => Serde(listed), ..rules.template_values.clone() },
        )
        .map_err(|d| Refusal::of(&d))
}

/// The scenarios beside a district file, as data and as the page's list.
pub async fn list(
    State(studio): State<Arc<Studio>>,
    Query(query): Query<PageQuery>,
) -> Result<Response, Refusal> {
    let path = studio.resolve(&query.file)?;
    let listed = beside(&studio, &path, &query.file);
    let html = list_html(&studio, &query.file, &listed)?;
    Ok(Json(json!({ "ok": true, "scenarios": listed, "html": html })).into_response())
}

/// Two sides to compare: a scenario each, or (`a` left out) the district
/// as it is and a scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    file: String,
    #[serde(default)]
    a: Option<String>,
    b: String,
}

/// One side of a comparison, as the page names it.
#[derive(Debug, Serialize)]
struct Side {
    name: String,
    description: String,
    file: Option<String>,
    /// Its plan in numbers.
    findings: usize,
    strategies: usize,
    deferred: usize,
}

/// The district under the scenario the page names `shown` (or as it is).
fn side_of(
    studio: &Studio,
    district: &District,
    shown: Option<&str>,
) -> Result<(District, String, String), Refusal> {
    let Some(shown) = shown else {
        return Ok((
            district.clone(),
            "the district as it is".to_string(),
            "The district file as saved, with no scenario.".to_string(),
        ));
    };
    let Read { scenario, .. } = read(studio, shown)?;
    let changed = crate::overrides::apply(district, &scenario.overrides()).map_err(|list| {
        let problems: Vec<String> = list.0.iter().map(said).collect();
        Refusal::bad(format!(
            "the scenario \u{201c}{}\u{201d} does not fit this district: {}",
            scenario.name,
            problems.join("; ")
        ))
    })?;
    Ok((changed, scenario.name, scenario.description))
}

/// Two sides side by side, with what differs between their plans:
/// findings, strategies, their months, and goals.
pub async fn compare_two(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<CompareRequest>,
) -> Result<Response, Failure> {
    let path = studio.resolve(&request.file)?;
    let district = api::load(&path)?.district;
    if request.a.as_deref() == Some(request.b.as_str()) {
        return Err(Refusal::bad("choose two different scenarios to compare").into());
    }
    let (left, a_name, a_description) = side_of(&studio, &district, request.a.as_deref())?;
    let (right, b_name, b_description) = side_of(&studio, &district, Some(&request.b))?;
    let session = &studio.session;
    let plan_a = session.plan(&left, &path).map_err(|d| Refusal::of(&d))?;
    let plan_b = session.plan(&right, &path).map_err(|d| Refusal::of(&d))?;
    let diff = compare(&plan_a, &plan_b, &a_name, &b_name)
        .with_inputs(input_changes(&left, &right))
        .with_months_and_goals(&plan_a, &plan_b);
    let side = |plan: &crate::plan::Plan<'_>, name: String, description: String, file| Side {
        name,
        description,
        file,
        findings: plan.findings.len(),
        strategies: plan.scheduled().count(),
        deferred: plan.deferred.len(),
    };
    let sides = [
        side(&plan_a, a_name, a_description, request.a.clone()),
        side(&plan_b, b_name, b_description, Some(request.b.clone())),
    ];
    let inputs: Vec<_> = diff
        .inputs
        .iter()
        .map(|i| {
            let words = |v: &serde_json::Value| words(&i.path, v);
            json!({
                "question": form::question_of(session.rules(), &i.path),
                "before": words(&i.before), "after": words(&i.after), "path": i.path,
            })
        })
        .collect();
    let stages: std::collections::BTreeMap<&str, &str> = plan_a
        .stages
        .iter()
        .chain(&plan_b.stages)
        .map(|s| (s.id, s.title))
        .collect();
    let rules = session.rules();
    let html = session
        .renderer()
        .render_named(
            "studio-compare.html",
            "elplan serve",
            context! {
                sides => Serde(&sides),
                diff => Serde(&diff),
                inputs => Serde(&inputs),
                stages => Serde(&stages),
                ..rules.template_values.clone()
            },
        )
        .map_err(|d| Refusal::of(&d))?;
    Ok(Json(json!({
        "ok": true,
        "html": html,
        "same": diff.is_empty(),
        "changes": diff.titled_changes(),
        "diff": diff,
    }))
    .into_response())
}

/// A scenario written into the district file (or a new file beside it).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    file: String,
    scenario: String,
    /// The version of the district file the page was made from.
    base: String,
    /// A new district file's name, in the same folder; left out, the
    /// district file itself.
    #[serde(default)]
    new_file: Option<String>,
}

/// Applies a scenario through the page's own save: the file's version
/// checked under its lock, its comments kept, read back before it is
/// written whole.
pub async fn apply(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<ApplyRequest>,
) -> Result<Response, Failure> {
    let path = studio.resolve(&request.file)?;
    let Read { scenario, .. } = read(&studio, &request.scenario)?;
    let save = SaveRequest {
        file: request.file,
        set: scenario.set,
        base: request.base,
        new_file: request.new_file,
    };
    let work = studio.clone();
    tokio::task::spawn_blocking(move || api::save_now(&work, &path, &save))
        .await
        .map_err(|e| Refusal::bad(format!("the save stopped: {e}")))?
}

/// A scenario file to delete, at the version the page listed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    scenario: String,
    /// The version of the scenario file the page listed.
    base: String,
}

/// Deletes a scenario file inside the studio's folders, unless it changed
/// since the page listed it; a district file is never deleted.
pub async fn delete(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<DeleteRequest>,
) -> Result<Response, Failure> {
    let path: PathBuf = studio.resolve(&request.scenario)?;
    let work = studio.clone();
    tokio::task::spawn_blocking(move || {
        let lock = work.folders.lock(&path);
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let Read { version, .. } = read(&work, &request.scenario)?;
        if version != request.base {
            return Err(Failure::Refused(Refusal {
                status: StatusCode::CONFLICT,
                message: format!(
                    "`{}` changed on disk since this page listed it; nothing was deleted. Reload the page to see it as it is now",
                    request.scenario
                ),
            }));
        }
        let place = work.folders.place(&path, &request.scenario)?;
        work.folders.remove(&place, &request.scenario)?;
        Ok(Json(json!({ "ok": true, "deleted": request.scenario })).into_response())
    })
    .await
    .map_err(|e| Refusal::bad(format!("the delete stopped: {e}")))?
}
