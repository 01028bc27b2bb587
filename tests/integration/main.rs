//! elplan's integration tests, one binary: each module is one capability,
//! tested as its users meet it. Test inputs are files (`fixtures/`,
//! `tests/bad/`, `tests/broken_rules/`); snapshots are in `snapshots/`
//! beside this file.

mod browser;
mod check;
mod cli;
mod commands;
mod decisions;
mod documents;
mod domain;
mod error_kinds;
mod explain_plan;
mod files;
mod hostile;
mod html;
mod import_batch;
mod maintainer;
mod plans;
mod regressions;
mod structure;
mod studio;
mod studio_browser;
mod studio_hostile;
mod support;
mod word;
