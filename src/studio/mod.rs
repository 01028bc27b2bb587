//! `elplan serve`: the what-if studio, a local web page for a district team.
//!
//! The district is shown as a form; each change is planned at once and the
//! plan comes back as a fragment of HTML with the change highlighted.
//! Everything is server-rendered by the templates (`studio.html.j2`,
//! `studio-plan.html.j2`) with a little plain JavaScript (`assets/`), all
//! inside the binary.
//!
//! A local server is reachable by every page the user's browser opens, so
//! `guard` refuses any request not addressed to this server by name
//! (DNS rebinding) or sent from another site (CSRF), and `folders` keeps
//! every file read or written inside the folders given on the command line,
//! at the moment of writing. `server` bounds how long a client may take and
//! how many connections are open.

mod api;
mod folders;
mod form;
mod scenarios;
mod server;
mod why;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::session::Session;
use folders::Folders;
pub use server::{BODY_TIMEOUT, HEADER_TIMEOUT, MAX_CONNECTIONS};

/// The largest request body the studio reads (a what-if is a few fields).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What the studio serves: one session, and the folders it may touch.
pub struct Studio {
    session: Session,
    /// The folders given on the command line (a file's folder for a file).
    folders: Folders,
    /// What was given: a folder (listed afresh each time, so a file saved
    /// as new appears) or one file, as shown.
    given: Vec<Given>,
    /// The port the server listens on, for checking `Host` and `Origin`.
    port: u16,
}

/// A folder or a file given on the command line.
enum Given {
    Folder(PathBuf),
    File(String),
}

impl Studio {
    /// A studio over `paths` (district files or folders of them).
    pub fn new(session: Session, paths: &[PathBuf], port: u16) -> Result<Studio, Diagnostics> {
        let mut roots: Vec<PathBuf> = Vec::new();
        let mut given = Vec::new();
        for path in paths {
            let canonical = std::fs::canonicalize(path).map_err(|e| {
                Diagnostic::of(ErrorKind::Io, path, format!("cannot open: {e}"))
                    .with_hint("give a district file or a folder of district files")
            })?;
            let root = if canonical.is_dir() {
                std::fs::read_dir(&canonical).map_err(|e| {
                    Diagnostic::of(ErrorKind::Io, path, format!("cannot list the folder: {e}"))
                })?;
                given.push(Given::Folder(canonical.clone()));
                canonical
            } else {
                let parent = canonical
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let name = canonical.file_name().unwrap_or_default();
                given.push(Given::File(name.to_string_lossy().into_owned()));
                parent
            };
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        let folders = Folders::new(roots).map_err(|(root, e)| {
            Diagnostic::of(ErrorKind::Io, &root, format!("cannot open the folder: {e}"))
        })?;
        Ok(Studio {
            session,
            folders,
            given,
            port,
        })
    }

    /// The district files (`.ron`) in the folders given and the files
    /// given, as shown: relative to their folder; and the scenario files
    /// among them, set apart (a what-if is not a district).
    pub fn files(&self) -> (Vec<String>, Vec<String>) {
        let (mut files, mut scenarios): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        for given in &self.given {
            let found = match given {
                Given::File(shown) => vec![shown.clone()],
                Given::Folder(root) => {
                    let mut listed: Vec<String> = std::fs::read_dir(root)
                        .into_iter()
                        .flatten()
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "ron") && p.is_file())
                        .filter_map(|p| Some(p.strip_prefix(root).ok()?.display().to_string()))
                        .collect();
                    listed.sort();
                    listed
                }
            };
            for shown in found {
                if files.contains(&shown) || scenarios.contains(&shown) {
                    continue;
                }
                let scenario = self
                    .resolve(&shown)
                    .is_ok_and(|path| crate::scenario::is_scenario_file(&path));
                if scenario {
                    scenarios.push(shown);
                } else {
                    files.push(shown);
                }
            }
        }
        (files, scenarios)
    }

    /// The file `shown` names, inside one of the folders the studio was
    /// given; nothing else, however it is spelt (`..`, an absolute path, a
    /// link leading out).
    pub fn resolve(&self, shown: &str) -> Result<PathBuf, Refusal> {
        self.folders.resolve(shown)
    }

    /// The names this server answers to, as `Host` carries them.
    fn hosts(&self) -> [String; 3] {
        let port = self.port;
        [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
    }
}

/// A request the studio will not serve, and why.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn outside(shown: &str) -> Refusal {
        Refusal {
            status: StatusCode::FORBIDDEN,
            message: format!("`{shown}` is not a file in the folders this studio was started with"),
        }
    }

    /// A write that would land outside the folders (through a link).
    fn leads_out(shown: &str) -> Refusal {
        Refusal {
            status: StatusCode::FORBIDDEN,
            message: format!(
                "`{shown}` leads outside the folders this studio was started with; nothing was written"
            ),
        }
    }

    /// A problem, answered with its kind's status ([`status_of`]) and said
    /// as the command line says it: message and hint.
    fn of(d: &Diagnostic) -> Refusal {
        Refusal {
            status: status_of(d.kind),
            message: said(d),
        }
    }

    /// Problems, answered with the first one's kind's status and shown in
    /// full, as the command line shows them (file, line and caret).
    fn in_full(problems: impl Into<Diagnostics>) -> Refusal {
        let problems = problems.into();
        Refusal {
            status: problems
                .kind()
                .map_or(StatusCode::UNPROCESSABLE_ENTITY, status_of),
            message: problems.to_string(),
        }
    }

    fn bad(message: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
        }
    }
}

/// The status a problem of `kind` is answered with: what the request
/// brought or named (a district, a change, a file to read) is the page's to
/// fix; a file already there is a conflict; the studio's own rules,
/// templates and printer are broken on the server's side.
pub(crate) fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::District
        | ErrorKind::Decisions
        | ErrorKind::Argument
        | ErrorKind::Io
        | ErrorKind::Limit
        | ErrorKind::Import
        | ErrorKind::Expectations => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::RuleBase
        | ErrorKind::Template
        | ErrorKind::Printing
        | ErrorKind::Unclassified => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "ok": false, "error": self.message });
        (self.status, axum::Json(body)).into_response()
    }
}

/// The studio's routes, behind `guard` and the body limit.
pub fn router(studio: Arc<Studio>) -> Router {
    Router::new()
        .route("/", get(api::index))
        .route("/district", get(api::page))
        .route("/download", get(api::download))
        .route("/assets/studio.js", get(api::script))
        .route("/assets/studio.css", get(api::style))
        .route("/api/plan", post(api::plan))
        .route("/api/explain", post(api::explain))
        .route("/api/sweep", post(api::sweep))
        .route("/api/scenario", post(api::scenario))
        .route("/api/save", post(api::save))
        .route("/api/scenarios", get(scenarios::list))
        .route("/api/scenarios/compare", post(scenarios::compare_two))
        .route("/api/scenarios/apply", post(scenarios::apply))
        .route("/api/scenarios/delete", post(scenarios::delete))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(|request, next| {
            server::read_body(MAX_BODY_BYTES, request, next)
        }))
        .layer(middleware::from_fn_with_state(studio.clone(), guard))
        .with_state(studio)
}

/// Refuses a request another site could have made: a `Host` that is not
/// this server's (DNS rebinding), an `Origin` or `Sec-Fetch-Site` from
/// elsewhere (CSRF). Every answer is kept out of caches and frames.
async fn guard(State(studio): State<Arc<Studio>>, request: Request, next: Next) -> Response {
    if let Err(why) = check_request(&studio, request.method(), request.headers()) {
        return (StatusCode::FORBIDDEN, why).into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn check_request(studio: &Studio, method: &Method, headers: &HeaderMap) -> Result<(), String> {
    let hosts = studio.hosts();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !hosts.iter().any(|h| h == host) {
        return Err(format!(
            "refused: this studio answers only to {}, not to `{host}`",
            hosts[0]
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !hosts.iter().any(|h| origin == format!("http://{h}")) {
            return Err(format!(
                "refused: a page from `{origin}` may not use this studio"
            ));
        }
    }
    let site = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok());
    if matches!(site, Some("cross-site") | Some("same-site")) {
        return Err("refused: a request from another site".to_string());
    }
    if method != Method::GET && method != Method::HEAD && method != Method::POST {
        return Err(format!("refused: method {method}"));
    }
    Ok(())
}

/// Serves `studio` on `listener` until Ctrl-C.
pub async fn serve(studio: Arc<Studio>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    server::serve(router(studio), listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// The address the studio listens on by default: this machine only.
pub fn address(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A diagnostic in words for a page: its message, then its hint.
fn said(d: &Diagnostic) -> String {
    match &d.hint {
        Some(hint) => format!("{} ({hint})", d.message),
        None => d.message.clone(),
    }
}

#[cfg(test)]
mod status {
    use super::*;

    #[test]
    fn a_status_comes_from_the_problem_kind() {
        let expected = [
            (ErrorKind::Conflict, StatusCode::CONFLICT),
            (ErrorKind::District, StatusCode::UNPROCESSABLE_ENTITY),
            (ErrorKind::Decisions, StatusCode::UNPROCESSABLE_ENTITY),
            (ErrorKind::Template, StatusCode::INTERNAL_SERVER_ERROR),
            (ErrorKind::RuleBase, StatusCode::INTERNAL_SERVER_ERROR),
        ];
        for (kind, status) in expected {
            let problem = Diagnostic::of(kind, std::path::Path::new("x"), "m");
            assert_eq!(Refusal::of(&problem).status, status, "{kind:?}");
        }
    }
}
