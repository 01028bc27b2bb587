//! # elplan
//!
//! Drafts a *Systemic Improvement Plan for English Learner Success* (an EL
//! Master Plan) from a district's own data, and traces every recommendation
//! back to that data.
//!
//! ```no_run
//! use std::path::Path;
//! use elplan::{District, RuleBase, Renderer, render::{Format, RenderOptions}};
//!
//! let rules = RuleBase::embedded()?;
//! let path = Path::new("fixtures/calli/mendota-unified.ron");
//! let district = District::load(path)?;
//! let plan = elplan::engine::plan(&rules, &district, path)?;
//! println!("{}", plan.to_json());
//! let markdown = Renderer::embedded()?.render(Format::Md, &plan, &district, &rules, &RenderOptions::default())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pieces, in the order data flows through them:
//! - [`district`]: the district file, its loading and validation;
//! - [`overrides`]: `--set PATH=VALUE` changes before planning;
//! - [`rule_files`], [`rules`], [`rulebase`]: the rule base as written,
//!   then checked and compiled once; [`graph`] orders it and finds cycles;
//! - [`condition`]: three-valued logic over minijinja expressions;
//! - [`engine`]: evaluates the rules for one district; [`schedule`] chooses
//!   and sequences strategies; [`plan`] is the result;
//! - [`render`]: Markdown through templates, JSON through serde;
//! - [`diagnostic`], [`source`], [`output`]: errors with positions, reading
//!   files, writing them atomically; [`cli`]: the command line.
//!
//! Unknown is a third value: a district field left out of the file is
//! unknown, and a rule that needs it is reported as pending, never silently
//! treated as false.

mod assemble;
pub mod batch;
pub mod check;
pub mod compare;
pub mod condition;
mod context;
pub mod diagnostic;
pub mod district;
pub mod engine;
pub mod explain;
pub mod graph;
pub mod graph_export;
pub mod helpers;
pub mod import;
pub mod limits;
pub mod output;
pub mod overrides;
pub mod plan;
pub mod render;
pub mod rule_compile;
pub mod rule_files;
pub mod rule_resolve;
pub mod rule_validate;
pub mod rulebase;
pub mod rules;
pub mod scenario;
pub mod schedule;
pub mod session;
pub mod source;
pub mod svg;
pub mod sweep;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use district::District;
pub use plan::Plan;
pub use render::Renderer;
pub use rulebase::RuleBase;
