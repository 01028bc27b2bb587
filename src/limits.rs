//! The sizes and budgets elplan holds every input to, in one place (the
//! README's "Limits" section lists them). Reading and rendering code takes
//! its limit from here; nothing else is decided here.

/// Largest district file elplan reads.
pub const MAX_DISTRICT_BYTES: usize = 1024 * 1024;

/// Largest scenario file elplan reads.
pub const MAX_SCENARIO_BYTES: usize = 256 * 1024;

/// Largest expectation file (`*.expect.ron`) or expected-plan snapshot
/// elplan reads.
pub const MAX_EXPECTATION_BYTES: usize = 1024 * 1024;

/// Largest rule file elplan reads.
pub const MAX_RULE_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Largest template file elplan reads.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

/// Largest reference document (`--reference-docx`) elplan reads, and
/// the largest `word/styles.xml` it takes from one.
pub const MAX_REFERENCE_BYTES: usize = 16 * 1024 * 1024;

/// The most XML nodes a reference document's styles may hold: a hundred
/// times Word's own, and a bound on the memory checking them takes.
pub const MAX_REFERENCE_NODES: u32 = 2_000_000;

/// Largest table `elplan import` reads.
pub const MAX_TABLE_BYTES: usize = 64 * 1024 * 1024;

/// The most instructions one rendering may run: the largest bundled plan
/// needs about a hundredth of it; a template that loops for ever stops.
pub const TEMPLATE_FUEL: u64 = 50_000_000;

/// The most instructions one finding's evidence sentence may run.
pub const EVIDENCE_FUEL: u64 = TEMPLATE_FUEL / 10;

/// The most one rendering of a document template may write: a few hundred
/// times the largest bundled plan; a template that prints without end stops
/// here rather than fill memory and disk.
pub const MAX_OUTPUT_BYTES: usize = 32 * 1024 * 1024;

/// The most one finding's evidence sentence (or a plan's aim) may write.
pub const MAX_SENTENCE_BYTES: usize = 64 * 1024;

/// The deepest nesting of macros, includes and blocks a template may use.
pub const TEMPLATE_RECURSION: usize = 200;
