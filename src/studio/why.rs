//! Why an item is in the plan, as the studio says it beside the item: the
//! traced values of shares and rates rewritten as percentages. The words
//! are the `studio-why.html` template's.

use crate::explain::{Trace, Traced};
use crate::rulebase::rules::Unit;
use crate::rulebase::RuleBase;

use super::form;

/// `trace`, and all it traces, with the values of shares (a district's
/// share or rate, a statewide share) as percentages: `0.26` becomes
/// `26 %`, `2022-23: 0.19` becomes `2022-23: 19 %`.
pub fn in_percent(rules: &RuleBase, mut trace: Trace) -> Trace {
    let share = match trace.kind {
        Traced::Field => form::is_fraction(&trace.name),
        Traced::State => {
            let id = trace.name.strip_prefix("state.").unwrap_or_default();
            rules
                .references
                .iter()
                .any(|r| r.id == id && r.unit == Unit::Share)
        }
        Traced::Finding | Traced::Derived => false,
    };
    if share {
        trace.value = percents(&trace.value);
    }
    trace.because = trace
        .because
        .into_iter()
        .map(|t| in_percent(rules, t))
        .collect();
    trace
}

/// Every fraction written in `text` (a number with a decimal point, or a
/// bare 0 or 1) as a percentage; years and other words as they are.
fn percents(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let number = word.trim_end_matches([',', ':', ')', ';']);
            let rest = &word[number.len()..];
            let fraction = number.contains('.') || number == "0" || number == "1";
            match number.parse::<f64>() {
                Ok(f) if fraction => format!("{} %{rest}", form::percent(f)),
                _ => word.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_become_percentages_and_years_stay() {
        assert_eq!(percents("0.26"), "26 %");
        assert_eq!(
            percents("fall 2019: 0.186, 2022-23: 0.19"),
            "fall 2019: 18.6 %, 2022-23: 19 %"
        );
        assert_eq!(percents("0.19 (2022-23, CDE)"), "19 % (2022-23, CDE)");
        assert_eq!(percents("not given"), "not given");
    }
}
