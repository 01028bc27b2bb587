//! The workplan sheet (`--format csv`): one row per scheduled strategy, in
//! the plan's order, for the spreadsheet a district team tracks the work
//! in. Its columns are data (months, owners, measures), not prose: the
//! words stay in the rule base and the templates.

use minijinja::Value;

use crate::plan::Plan;
use crate::timing::MonthLabel;

/// The sheet's columns, in order.
pub const COLUMNS: [&str; 14] = [
    "id",
    "title",
    "stage",
    "kind",
    "start_month",
    "end_month",
    "ongoing",
    "start",
    "end",
    "tied_to",
    "owners",
    "measures",
    "first_test",
    "status",
];

/// The workplan of `plan` as CSV; `months` labels its months (calendar
/// months in `start` and `end` when the plan is dated). Every text cell
/// is neutralised against spreadsheet formulas ([`cell`]).
pub fn csv(plan: &Plan<'_>, months: &[MonthLabel]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS);
    let calendar = |month: u32| {
        months
            .get(month.saturating_sub(1) as usize)
            .and_then(|m| m.iso.as_ref())
            .map_or_else(String::new, |(iso, _)| iso.clone())
    };
    for stage in &plan.stages {
        for s in &stage.strategies {
            let measures: Vec<String> = items(&s.measures)
                .map(|m| {
                    let text = m
                        .get_attr("text")
                        .map(|t| t.to_string())
                        .unwrap_or_default();
                    match m.get_attr("kind").ok().filter(|k| !k.is_undefined()) {
                        Some(kind) => format!("{text} ({kind})"),
                        None => text,
                    }
                })
                .collect();
            let mut owners: Vec<String> = items(&s.owners).map(|o| o.to_string()).collect();
            let decision = s.decision.as_ref();
            if let Some(d) = decision {
                // Named people first, then the roles of the rule base.
                owners.splice(0..0, d.owners.iter().cloned());
            }
            let row = [
                cell(s.id),
                cell(&s.title.to_string()),
                cell(stage.title),
                cell(&serde_name(&s.kind)),
                s.start_month.to_string(),
                s.end_month.to_string(),
                if s.ongoing { "yes" } else { "no" }.to_string(),
                calendar(s.start_month),
                calendar(s.end_month),
                cell(s.tied_to.unwrap_or_default()),
                cell(&owners.join("; ")),
                cell(&measures.join("; ")),
                cell(&s.first_test.to_string()),
                cell(
                    decision
                        .and_then(|d| d.status.as_deref())
                        .unwrap_or("planned"),
                ),
            ];
            let _ = writer.write_record(&row);
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Text for a spreadsheet cell that a spreadsheet will not run as a
/// formula: one that begins with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading apostrophe (OWASP, CSV injection).
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The items of a list value (none if it is not a list).
fn items(value: &Value) -> impl Iterator<Item = Value> {
    value.try_iter().into_iter().flatten()
}

/// An enum as the plan JSON names it (`change`).
fn serde_name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
