//! # elplan
//!
//! Drafts a *Systemic Improvement Plan for English Learner Success* (an EL
//! Master Plan) from a district's own data, and traces every recommendation
//! back to that data.
//!
//! A [`Session`] holds a compiled rule base and the templates; it plans a
//! [`District`] into a [`Plan`] and renders the plan as Markdown, HTML or
//! JSON:
//!
//! ```no_run
//! use std::path::Path;
//! use elplan::render::{Format, RenderOptions};
//! use elplan::{District, Session};
//!
//! let session = Session::embedded()?;
//! let path = Path::new("fixtures/calli/mendota-unified.ron");
//! let district = District::load(path)?;
//! let plan = session.plan(&district, path)?;
//! println!("{}", plan.to_json());
//! let markdown = session.render(Format::Md, &plan, &district, &RenderOptions::default())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pieces, in the order data flows through them:
//! - [`district`]: the district file, its loading and validation;
//!   [`decisions`]: the team's decisions as the file writes them;
//!   [`overrides`] and [`scenario`]: changes made before planning;
//!   [`ron_edit`]: changes written into a district file's own text (found
//!   in it by [`ron_text`]);
//! - [`rulebase`]: the rule base as written ([`rulebase::files`],
//!   [`rulebase::rules`]), then validated, compiled and resolved once (with
//!   its dependency graph);
//! - [`session`]: one rule base and one template environment, the one way
//!   to plan and render; [`plan`] is the result;
//! - [`render`]: Markdown and HTML through templates, JSON through serde;
//! - [`compare`], [`sweep`], [`explain`]: what-if answers; [`check`] and
//!   [`graph_export`]: a rule base's health and shape; [`import`] and
//!   [`batch`]: a whole state; [`studio`]: all of it as a local page
//!   (`elplan serve`);
//! - [`expectations`], [`rule_test`] and [`coverage`]: what a rule base's
//!   plans must decide, checked (`elplan test`); [`outline`]: a plan's
//!   decisions without its words; [`impact`]: what a rule change does to
//!   the plans of many districts (`elplan impact`);
//! - [`diagnostic`], [`source`], [`output`], [`limits`]: errors with
//!   positions, reading files, writing them atomically, and the limits on
//!   every input.
//!
//! Unknown is a third value: a district field left out of the file is
//! unknown, and a rule that needs it is reported as pending, never silently
//! treated as false.

#![warn(missing_docs)]

mod assemble;
pub mod batch;
mod chapters;
pub mod check;
pub mod compare;
mod condition;
mod context;
pub mod coverage;
pub mod date;
mod decision_warnings;
pub mod decisions;
mod devtools;
pub mod diagnostic;
pub mod district;
pub mod docx;
mod engine;
pub mod expectations;
pub mod explain;
mod figures;
mod goals;
mod graph;
pub mod graph_export;
mod hash;
mod helpers;
pub mod impact;
pub mod import;
pub mod limits;
pub mod outline;
pub mod output;
pub mod overrides;
pub mod pdf;
pub mod pdf_outline;
pub mod plan;
mod print_job;
pub mod render;
pub mod ron_edit;
mod ron_keys;
mod ron_positions;
pub mod ron_text;
pub mod rule_test;
pub mod rulebase;
pub mod scenario;
mod schedule;
pub mod session;
pub mod source;
pub mod studio;
pub mod survey;
pub mod sweep;
mod timing;
pub mod workplan;

pub use diagnostic::{Diagnostic, Diagnostics, ErrorKind};
pub use district::District;
pub use plan::Plan;
pub use render::Renderer;
pub use rulebase::RuleBase;
pub use session::Session;
