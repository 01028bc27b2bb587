//! The plan's two figures as inline SVG, drawn by elplan itself: the
//! driver diagram (aim → primary drivers → secondary drivers → change
//! ideas) and the stage timeline. They need no script or network, print in
//! black and white (greys, dashes and labels, not colour alone), and escape
//! every text. Layout only: what the boxes say comes from the plan.

use std::fmt::Write;

use crate::plan::Plan;
use crate::rulebase::RuleBase;

const FONT: &str = "font-family=\"Helvetica, Arial, sans-serif\"";
const LINE: f64 = 13.0;

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Word-wraps `text` into at most `lines` lines of `width` characters,
/// ending with "…" if it had to cut.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
            if out.len() == lines {
                let last = out.last_mut().map(|l| {
                    let kept: String = l.chars().take(width.saturating_sub(1)).collect();
                    kept + "…"
                });
                if let (Some(slot), Some(last)) = (out.last_mut(), last) {
                    *slot = last;
                }
                return out;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        if words.peek().is_none() {
            break;
        }
    }
    if !current.is_empty() {
        let truncated: String = if current.chars().count() > width {
            current
                .chars()
                .take(width.saturating_sub(1))
                .collect::<String>()
                + "…"
        } else {
            current
        };
        out.push(truncated);
    }
    out
}

/// A labelled box of at most `max_lines` lines, text vertically centred.
#[allow(clippy::too_many_arguments)]
fn node(
    svg: &mut String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    text: &str,
    style: &str,
    chars: usize,
    max_lines: usize,
) {
    let lines = wrap(text, chars, max_lines);
    let _ = write!(
        svg,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"4\" {style}/>"
    );
    let first = y + h / 2.0 - (lines.len() as f64 - 1.0) * LINE / 2.0 + 4.0;
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" {FONT}>{}</text>",
            x + 6.0,
            first + i as f64 * LINE,
            escape(line)
        );
    }
}

fn link(svg: &mut String, from: (f64, f64), to: (f64, f64), dashed: bool) {
    let mid = (from.0 + to.0) / 2.0;
    let dash = if dashed {
        " stroke-dasharray=\"4 3\""
    } else {
        ""
    };
    let _ = write!(
        svg,
        "<path d=\"M{:.1},{:.1} C{mid:.1},{:.1} {mid:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1\"{dash}/>",
        from.0, from.1, from.1, to.1, to.0, to.1
    );
}

/// Evenly spaced box tops for `n` boxes of height `h` over `height`.
fn spread(n: usize, h: f64, top: f64, height: f64) -> Vec<f64> {
    let step = height / n.max(1) as f64;
    (0..n)
        .map(|i| top + step * (i as f64 + 0.5) - h / 2.0)
        .collect()
}

/// The driver diagram: aim, the areas as primary drivers, the fired
/// findings as secondary drivers, the scheduled strategies as change ideas.
/// A change idea hangs from the findings it answers, or from its area.
pub fn driver_diagram(plan: &Plan<'_>, rules: &RuleBase, aim: &str) -> String {
    let ideas: Vec<_> = plan.scheduled().collect();
    let area_title = |id: &str| {
        rules
            .areas
            .iter()
            .find(|a| a.id == id)
            .map_or(id.to_string(), |a| a.title.clone())
    };
    let areas: Vec<&str> = rules
        .areas
        .iter()
        .map(|a| a.id.as_str())
        .filter(|id| {
            plan.findings.iter().any(|f| f.area == *id) || ideas.iter().any(|s| s.area == *id)
        })
        .collect();
    let findings: Vec<_> = areas
        .iter()
        .flat_map(|area| plan.findings.iter().filter(move |f| f.area == *area))
        .collect();
    // Change ideas in the order of the first finding they answer, then by area.
    let mut order: Vec<(usize, usize, usize)> = ideas
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let first = s
                .addresses
                .iter()
                .filter_map(|a| findings.iter().position(|f| f.id == *a))
                .min();
            let area = areas.iter().position(|a| *a == s.area).unwrap_or(0);
            (first.unwrap_or(findings.len() + area), area, i)
        })
        .collect();
    order.sort();

    let (row, box_h) = (38.0, 32.0);
    let top = 36.0;
    let height = (order.len().max(findings.len()).max(1) as f64) * row;
    let total_h = top + height + 12.0;
    let cols = [
        (10.0, 150.0),
        (180.0, 170.0),
        (380.0, 230.0),
        (640.0, 290.0),
    ];
    let mut svg = String::with_capacity(32 * 1024);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"figure driver-diagram\" viewBox=\"0 0 940 {total_h:.0}\" width=\"940\" height=\"{total_h:.0}\" role=\"img\" aria-labelledby=\"driver-title\"><title id=\"driver-title\">Driver diagram: aim, primary drivers, secondary drivers and change ideas</title>"
    );
    for ((x, _), label) in cols.iter().zip([
        "Aim",
        "Primary drivers",
        "Secondary drivers",
        "Change ideas",
    ]) {
        let _ = write!(svg, "<text x=\"{x:.1}\" y=\"18\" font-size=\"12\" font-weight=\"bold\" {FONT}>{label}</text>");
    }

    let aim_h = 150.0;
    let aim_y = top + height / 2.0 - aim_h / 2.0;
    let finding_ys = spread(findings.len(), box_h, top, height);
    let idea_ys: Vec<f64> = (0..order.len()).map(|k| top + k as f64 * row).collect();
    // An area sits beside its findings, or beside its change ideas if none.
    let fallback = spread(areas.len(), box_h, top, height);
    let area_ys: Vec<f64> = areas
        .iter()
        .enumerate()
        .map(|(a, area)| {
            let mine: Vec<f64> = findings
                .iter()
                .zip(&finding_ys)
                .filter(|(f, _)| f.area == *area)
                .map(|(_, &y)| y)
                .collect();
            let mine = if mine.is_empty() {
                order
                    .iter()
                    .zip(&idea_ys)
                    .filter(|(o, _)| o.1 == a)
                    .map(|(_, &y)| y)
                    .collect()
            } else {
                mine
            };
            if mine.is_empty() {
                fallback[a]
            } else {
                mine.iter().sum::<f64>() / mine.len() as f64
            }
        })
        .collect();
    let right = |col: usize, y: f64, h: f64| (cols[col].0 + cols[col].1, y + h / 2.0);
    let left = |col: usize, y: f64, h: f64| (cols[col].0, y + h / 2.0);

    for (k, _) in areas.iter().enumerate() {
        link(
            &mut svg,
            right(0, aim_y, aim_h),
            left(1, area_ys[k], box_h),
            false,
        );
    }
    for (k, f) in findings.iter().enumerate() {
        if let Some(a) = areas.iter().position(|a| *a == f.area) {
            link(
                &mut svg,
                right(1, area_ys[a], box_h),
                left(2, finding_ys[k], box_h),
                false,
            );
        }
    }
    for (row_index, &(_, area, i)) in order.iter().enumerate() {
        let s = ideas[i];
        let answered: Vec<usize> = s
            .addresses
            .iter()
            .filter_map(|a| findings.iter().position(|f| f.id == *a))
            .collect();
        if answered.is_empty() {
            link(
                &mut svg,
                right(1, area_ys[area], box_h),
                left(3, idea_ys[row_index], box_h),
                true,
            );
        }
        for k in answered {
            link(
                &mut svg,
                right(2, finding_ys[k], box_h),
                left(3, idea_ys[row_index], box_h),
                false,
            );
        }
    }

    node(
        &mut svg,
        cols[0].0,
        aim_y,
        cols[0].1,
        aim_h,
        aim,
        "fill=\"#ffffff\" stroke=\"#000\" stroke-width=\"2\"",
        22,
        10,
    );
    for (k, a) in areas.iter().enumerate() {
        node(
            &mut svg,
            cols[1].0,
            area_ys[k],
            cols[1].1,
            box_h,
            &area_title(a),
            "fill=\"#d9d9d9\" stroke=\"#000\"",
            26,
            2,
        );
    }
    for (k, f) in findings.iter().enumerate() {
        node(
            &mut svg,
            cols[2].0,
            finding_ys[k],
            cols[2].1,
            box_h,
            f.title,
            "fill=\"#f2f2f2\" stroke=\"#000\"",
            36,
            2,
        );
    }
    for (row_index, &(_, _, i)) in order.iter().enumerate() {
        let s = ideas[i];
        let title = s.title.as_str().unwrap_or(s.id);
        let style = if s.addresses.is_empty() {
            "fill=\"#ffffff\" stroke=\"#000\" stroke-dasharray=\"4 3\""
        } else {
            "fill=\"#ffffff\" stroke=\"#000\""
        };
        node(
            &mut svg,
            cols[3].0,
            idea_ys[row_index],
            cols[3].1,
            box_h,
            title,
            style,
            46,
            2,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The stage timeline: one band per stage over its months, one bar per
/// scheduled strategy. Month ticks read `M1`, `M2`, … or, with calendar
/// `months` (`YYYY-MM-DD` of each month's first day), `YYYY-MM`.
pub fn timeline(plan: &Plan<'_>, months: Option<&[String]>) -> String {
    let horizon = plan.horizon_months.max(1) as f64;
    let (label_w, chart_w) = (300.0, 620.0);
    let unit = chart_w / horizon;
    let x_of = |month: u32| label_w + (f64::from(month) - 1.0) * unit;
    let row = 16.0;
    let rows: usize = plan.stages.iter().map(|s| s.strategies.len() + 1).sum();
    let total_h = 40.0 + rows as f64 * row + 10.0;
    let mut svg = String::with_capacity(24 * 1024);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"figure timeline\" viewBox=\"0 0 940 {total_h:.0}\" width=\"940\" height=\"{total_h:.0}\" role=\"img\" aria-labelledby=\"timeline-title\"><title id=\"timeline-title\">Timeline of the four stages over {} months</title>",
        plan.horizon_months
    );
    let step = if plan.horizon_months > 24 {
        3
    } else if plan.horizon_months > 12 {
        2
    } else {
        1
    };
    for month in (1..=plan.horizon_months).step_by(step) {
        let x = x_of(month);
        let label = months
            .and_then(|m| m.get(month as usize - 1))
            .map_or_else(|| format!("M{month}"), |m| escape(m.get(..7).unwrap_or(m)));
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"26\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ccc\" stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"20\" font-size=\"9\" {FONT}>{label}</text>",
            total_h - 6.0,
            x + 1.0
        );
    }
    let mut y = 34.0;
    for (index, stage) in plan.stages.iter().enumerate() {
        let (x0, x1) = (x_of(stage.start_month), x_of(stage.end_month + 1));
        let shade = ["#e6e6e6", "#cccccc", "#b3b3b3", "#999999"][index % 4];
        let _ = write!(
            svg,
            "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{shade}\" stroke=\"#000\"/><text x=\"0\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\" {FONT}>{}. {} (months {}–{})</text>",
            x1 - x0,
            row - 3.0,
            y + 11.0,
            index + 1,
            escape(&wrap(stage.title, 38, 1).concat()),
            stage.start_month,
            stage.end_month
        );
        y += row;
        for s in &stage.strategies {
            let title = s.title.as_str().unwrap_or(s.id);
            let _ = write!(
                svg,
                "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#ffffff\" stroke=\"#000\" stroke-width=\"0.8\"/><text x=\"12\" y=\"{:.1}\" font-size=\"10\" {FONT}>{}</text>",
                y + 3.0,
                x1 - x0,
                row - 7.0,
                y + 11.0,
                escape(&wrap(title, 50, 1).concat())
            );
            y += row;
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("<script>\"a\" & 'b'\u{7}</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn wraps_and_truncates() {
        assert_eq!(
            wrap("one two three four", 9, 3),
            ["one two", "three", "four"]
        );
        assert_eq!(wrap("one two three four", 9, 1), ["one two…"]);
        assert_eq!(wrap("abcdefghijkl", 5, 2), ["abcd…"]);
    }
}
