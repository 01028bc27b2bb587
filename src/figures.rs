//! The geometry of the plan's two figures: where every box, line and label
//! of the driver diagram and the timeline goes.
//!
//! Layout only. What the figures say (their titles, column labels, styles)
//! and the SVG itself are written by the `figures.svg` template from these
//! shapes; the words in the boxes come from the plan. Text is wrapped here,
//! because wrapping is a matter of width, and cleared of control
//! characters; the template escapes it.

use serde::Serialize;

use crate::plan::{DriverDiagram, Plan};
use crate::timing::MonthLabel;

/// The height of one line of box text.
const LINE: f64 = 13.0;

/// A figure's coordinates are rounded to a tenth: enough for print, and
/// short in the document.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A line of text placed at (x, y), its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// A box of a figure: its place and size, what it shows, and which kind
/// of box it is (the template styles each kind).
#[derive(Debug, Clone, Serialize)]
pub struct Shape {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// `aim`, `primary`, `secondary`, `idea` or `core` (a change idea every
    /// plan needs) in the driver diagram; `stage`, `bar` or `ongoing` (a
    /// strategy that runs to the end of the horizon) in the timeline.
    pub kind: &'static str,
    pub lines: Vec<Text>,
}

/// A curve from one box to another, as SVG path data.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub path: String,
    /// Drawn dashed: from an area to a change idea every plan needs.
    pub dashed: bool,
}

/// The driver diagram laid out in four columns.
#[derive(Debug, Clone, Serialize)]
pub struct DriverFigure {
    pub width: u32,
    pub height: u32,
    /// The left edge of each column: aim, primary drivers, secondary
    /// drivers, change ideas.
    pub columns: Vec<f64>,
    pub links: Vec<Link>,
    pub shapes: Vec<Shape>,
}

/// A month tick of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub x: f64,
    /// Where the tick line ends.
    pub bottom: f64,
    /// `M1`, `M2`, … on an undated plan, the month's name on a dated one.
    pub label: String,
    /// Under it: the month's name on an undated plan, the year on a dated
    /// one (at January and at the first tick).
    pub sublabel: String,
}

/// The timeline: a band per stage over its months, a bar per strategy.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineFigure {
    pub width: u32,
    pub height: u32,
    /// The plan's index of each stage band, top to bottom (a page of the
    /// timeline may start at a later stage).
    pub stages: Vec<usize>,
    pub ticks: Vec<Tick>,
    /// Stage bands and strategy bars, top to bottom.
    pub shapes: Vec<Shape>,
}

/// Both figures of a plan, whole (for a screen) and in pages (for paper).
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub driver_diagram: DriverFigure,
    pub timeline: TimelineFigure,
    /// The driver diagram in pages no taller than [`PAGE_HEIGHT`]: each
    /// the aim and some of the primary drivers with all they hold.
    pub driver_diagram_pages: Vec<DriverFigure>,
    /// The timeline in pages no taller than [`PAGE_HEIGHT`], by stage.
    pub timeline_pages: Vec<TimelineFigure>,
}

/// The tallest page of a figure, in figure units: a landscape page holds
/// this much at the scale where the smallest label (11 units) prints at
/// 8 pt or more.
pub const PAGE_HEIGHT: f64 = 560.0;

impl Figures {
    /// Lays out the figures of `plan`, its months labelled by `months`.
    pub fn new(plan: &Plan<'_>, months: &[MonthLabel]) -> Figures {
        Figures {
            driver_diagram: driver_figure(plan, &plan.driver_diagram),
            timeline: timeline(
                plan,
                &plan.stages.iter().enumerate().collect::<Vec<_>>(),
                months,
            ),
            driver_diagram_pages: driver_pages(plan),
            timeline_pages: timeline_pages(plan, months),
        }
    }
}

/// The driver diagram's pages: primary drivers taken in order while their
/// rows fit a page (a driver taller than a page has one of its own).
fn driver_pages(plan: &Plan<'_>) -> Vec<DriverFigure> {
    let rows_of = |d: &crate::plan::PrimaryDriver<'_>| {
        let rows: usize = d
            .secondary
            .iter()
            .map(|s| s.change_ideas.len().max(1))
            .sum();
        (rows + d.change_ideas.len()).max(1)
    };
    // The rows a page holds: the top margin, 38 units a row, the bottom.
    let fits = ((PAGE_HEIGHT - 48.0) / 38.0).floor() as usize;
    // A driver taller than a page is cut into parts, each with some of its
    // secondary drivers (its own change ideas go with the last part).
    let mut parts: Vec<crate::plan::PrimaryDriver<'_>> = Vec::new();
    for d in &plan.driver_diagram.drivers {
        if rows_of(d) <= fits {
            parts.push(d.clone());
            continue;
        }
        // A part of `d`: its area and title, none of its rows yet.
        let empty = || crate::plan::PrimaryDriver {
            secondary: Vec::new(),
            change_ideas: Vec::new(),
            ..d.clone()
        };
        let mut part = empty();
        for s in &d.secondary {
            let rows = s.change_ideas.len().max(1);
            if !part.secondary.is_empty() && rows_of(&part) + rows > fits {
                parts.push(std::mem::replace(&mut part, empty()));
            }
            part.secondary.push(s.clone());
        }
        for idea in &d.change_ideas {
            if rows_of(&part) + 1 > fits
                && (!part.secondary.is_empty() || !part.change_ideas.is_empty())
            {
                parts.push(std::mem::replace(&mut part, empty()));
            }
            part.change_ideas.push(idea);
        }
        parts.push(part);
    }
    let mut pages: Vec<Vec<crate::plan::PrimaryDriver<'_>>> = Vec::new();
    let mut page = Vec::new();
    let mut used = 0;
    for d in &parts {
        let rows = rows_of(d);
        if !page.is_empty() && used + rows > fits {
            pages.push(std::mem::take(&mut page));
            used = 0;
        }
        page.push(d.clone());
        used += rows;
    }
    pages.push(page);
    pages
        .into_iter()
        .map(|drivers| {
            let diagram = DriverDiagram {
                aim: plan.driver_diagram.aim.clone(),
                drivers,
            };
            driver_figure(plan, &diagram)
        })
        .collect()
}

/// The timeline's pages: stages in order, and a stage's strategies, while
/// their rows fit a page.
fn timeline_pages(plan: &Plan<'_>, months: &[MonthLabel]) -> Vec<TimelineFigure> {
    // The rows a page holds below the month labels, 16 units a row.
    let fits = ((PAGE_HEIGHT - 60.0) / 16.0).floor() as usize;
    let mut pages: Vec<Vec<(usize, crate::plan::StagePlan<'_>)>> = Vec::new();
    let mut page = Vec::new();
    let mut used = 0;
    for (i, stage) in plan.stages.iter().enumerate() {
        let mut rest = &stage.strategies[..];
        loop {
            if used + 2 > fits {
                pages.push(std::mem::take(&mut page));
                used = 0;
            }
            let take = rest.len().min(fits - used - 1);
            let mut part = stage.clone();
            part.strategies = rest[..take].to_vec();
            page.push((i, part));
            used += take + 1;
            rest = &rest[take..];
            if rest.is_empty() {
                break;
            }
        }
    }
    pages.push(page);
    pages
        .iter()
        .filter(|page| !page.is_empty())
        .map(|page| {
            let stages: Vec<(usize, &crate::plan::StagePlan<'_>)> =
                page.iter().map(|(i, s)| (*i, s)).collect();
            timeline(plan, &stages, months)
        })
        .collect()
}

/// Drops control characters, which XML cannot hold.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// Word-wraps `text` into at most `lines` lines of `width` characters,
/// ending with "…" if it had to cut.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let cut = |line: &str| -> String {
        let kept: String = line.chars().take(width.saturating_sub(1)).collect();
        kept + "…"
    };
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
            if out.len() == lines {
                if let Some(last) = out.last_mut() {
                    *last = cut(last);
                }
                return out;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        out.push(if current.chars().count() > width {
            cut(&current)
        } else {
            current
        });
    }
    out
}

/// A box with its text wrapped to `chars` characters, at most `max_lines`
/// lines, vertically centred.
fn shape(
    kind: &'static str,
    (x, y, width, height): (f64, f64, f64, f64),
    text: &str,
    chars: usize,
    max_lines: usize,
) -> Shape {
    let wrapped = wrap(&clean(text), chars, max_lines);
    let first = y + height / 2.0 - (wrapped.len() as f64 - 1.0) * LINE / 2.0 + 4.0;
    let lines = wrapped
        .into_iter()
        .enumerate()
        .map(|(i, text)| Text {
            x: tenth(x + 6.0),
            y: tenth(first + i as f64 * LINE),
            text,
        })
        .collect();
    Shape {
        x: tenth(x),
        y: tenth(y),
        width: tenth(width),
        height: tenth(height),
        kind,
        lines,
    }
}

/// A curve from `from` to `to`, leaving and arriving horizontally.
fn link(from: (f64, f64), to: (f64, f64), dashed: bool) -> Link {
    let mid = (from.0 + to.0) / 2.0;
    Link {
        path: format!(
            "M{:.1},{:.1} C{mid:.1},{:.1} {mid:.1},{:.1} {:.1},{:.1}",
            from.0, from.1, from.1, to.1, to.0, to.1
        ),
        dashed,
    }
}

/// The driver diagram's columns, left edge and width: the aim, the
/// primary drivers, the secondary drivers, the change ideas.
const DRIVER_COLUMNS: [(f64, f64); 4] = [
    (10.0, 150.0),
    (180.0, 170.0),
    (380.0, 230.0),
    (640.0, 290.0),
];

/// A change idea's title as the plan schedules it (its id if it is not
/// scheduled).
fn idea_title(plan: &Plan<'_>, id: &str) -> String {
    plan.scheduled()
        .find(|s| s.id == id)
        .and_then(|s| s.title.as_str())
        .unwrap_or(id)
        .to_string()
}

/// The driver diagram as a tree read left to right: the aim, each primary
/// driver beside its rows, each secondary driver beside the change ideas
/// that build it (a change idea that builds several drivers is shown beside
/// each, so every line runs from one box to its neighbour and can be
/// followed), and a primary driver's own change ideas, dashed, below its
/// secondary drivers.
fn driver_figure(plan: &Plan<'_>, diagram: &DriverDiagram<'_>) -> DriverFigure {
    let title = |id: &str| idea_title(plan, id);
    let (row, box_h, top) = (38.0, 32.0, 36.0);
    let cols = DRIVER_COLUMNS;
    let right = |col: usize, y: f64| (cols[col].0 + cols[col].1, y + box_h / 2.0);
    let left = |col: usize, y: f64| (cols[col].0, y + box_h / 2.0);
    // The top of a box centred on `rows` rows from `first`.
    let centre = |first: usize, rows: usize| top + (first as f64 + (rows as f64 - 1.0) / 2.0) * row;
    let at = |r: usize| top + r as f64 * row;
    let mut shapes = Vec::new();
    let mut links = Vec::new();
    let mut primary_ys = Vec::new();
    let mut next = 0usize;
    for d in &diagram.drivers {
        let first = next;
        let mut secondary_ys = Vec::new();
        for s in &d.secondary {
            let rows = s.change_ideas.len().max(1);
            let y = centre(next, rows);
            shapes.push(shape(
                "secondary",
                (cols[2].0, y, cols[2].1, box_h),
                s.driver,
                36,
                2,
            ));
            for (k, idea) in s.change_ideas.iter().enumerate() {
                let iy = at(next + k);
                shapes.push(shape(
                    "idea",
                    (cols[3].0, iy, cols[3].1, box_h),
                    &title(idea),
                    46,
                    2,
                ));
                links.push(link(right(2, y), left(3, iy), false));
            }
            secondary_ys.push(y);
            next += rows;
        }
        let mut own = Vec::new();
        for idea in &d.change_ideas {
            let iy = at(next);
            shapes.push(shape(
                "core",
                (cols[3].0, iy, cols[3].1, box_h),
                &title(idea),
                46,
                2,
            ));
            own.push(iy);
            next += 1;
        }
        next = next.max(first + 1);
        let y = centre(first, next - first);
        shapes.push(shape(
            "primary",
            (cols[1].0, y, cols[1].1, box_h),
            d.title,
            26,
            2,
        ));
        for sy in secondary_ys {
            links.push(link(right(1, y), left(2, sy), false));
        }
        for iy in own {
            links.push(link(right(1, y), left(3, iy), true));
        }
        primary_ys.push(y);
    }
    let rows = next.max(1);
    let aim_h = 150.0;
    let aim_y = (centre(0, rows) + box_h / 2.0 - aim_h / 2.0).max(top);
    shapes.push(shape(
        "aim",
        (cols[0].0, aim_y, cols[0].1, aim_h),
        &diagram.aim,
        22,
        10,
    ));
    for y in primary_ys {
        links.push(link(
            (cols[0].0 + cols[0].1, aim_y + aim_h / 2.0),
            left(1, y),
            false,
        ));
    }
    let total_h = (at(rows) + 12.0).max(aim_y + aim_h + 12.0);
    DriverFigure {
        width: 940,
        height: total_h.round() as u32,
        columns: cols.iter().map(|c| c.0).collect(),
        links,
        shapes,
    }
}

/// The timeline: one band per stage over its months, one bar per
/// scheduled strategy over its own months (stages overlap). Ticks read
/// `M1`, `M3`, … with the month's name under them, or the month's name and
/// year on a dated plan.
fn timeline(
    plan: &Plan<'_>,
    stages: &[(usize, &crate::plan::StagePlan<'_>)],
    months: &[MonthLabel],
) -> TimelineFigure {
    let horizon = plan.horizon_months.max(1) as f64;
    let (label_w, chart_w) = (300.0, 620.0);
    let unit = chart_w / horizon;
    let x_of = |month: u32| label_w + (f64::from(month) - 1.0) * unit;
    let row = 16.0;
    let rows: usize = stages.iter().map(|(_, s)| s.strategies.len() + 1).sum();
    let total_h = 50.0 + rows as f64 * row + 10.0;
    let step = match plan.horizon_months {
        m if m > 24 => 3,
        m if m > 12 => 2,
        _ => 1,
    };
    let ticks = (1..=plan.horizon_months)
        .step_by(step)
        .map(|month| {
            let label = months.get(month as usize - 1);
            let short = label.map_or("", |m| m.short);
            let (text, sub) = match label.and_then(|m| m.year) {
                Some(year) if month == 1 || short == "Jan" => (short.to_string(), year.to_string()),
                Some(_) => (short.to_string(), String::new()),
                None => (format!("M{month}"), short.to_string()),
            };
            Tick {
                x: tenth(x_of(month)),
                bottom: tenth(total_h - 6.0),
                label: text,
                sublabel: sub,
            }
        })
        .collect();
    let mut shapes = Vec::new();
    let mut y = 44.0;
    for (_, stage) in stages {
        let (x0, x1) = (x_of(stage.start_month), x_of(stage.end_month + 1));
        // The template numbers the stage and adds its months.
        let title = wrap(&clean(stage.title), 38, 1).concat();
        shapes.push(bar("stage", (x0, y, x1 - x0, row - 3.0), 0.0, title));
        y += row;
        for s in &stage.strategies {
            let (b0, b1) = (x_of(s.start_month), x_of(s.end_month + 1));
            // 44 characters of 11-unit text fill the 300-unit label column.
            let title = wrap(&clean(s.title.as_str().unwrap_or(s.id)), 44, 1).concat();
            let kind = if s.ongoing { "ongoing" } else { "bar" };
            shapes.push(bar(kind, (b0, y + 3.0, b1 - b0, row - 7.0), 12.0, title));
            y += row;
        }
    }
    TimelineFigure {
        width: 940,
        height: total_h.round() as u32,
        stages: stages.iter().map(|(i, _)| *i).collect(),
        ticks,
        shapes,
    }
}

/// A timeline row: a band or bar over its months, and its label at the
/// left, `indent` from the edge, on the row's baseline.
fn bar(
    kind: &'static str,
    (x, y, width, height): (f64, f64, f64, f64),
    indent: f64,
    label: String,
) -> Shape {
    let baseline = if kind == "stage" { y + 11.0 } else { y + 8.0 };
    Shape {
        x: tenth(x),
        y: tenth(y),
        width: tenth(width),
        height: tenth(height),
        kind,
        lines: vec![Text {
            x: indent,
            y: tenth(baseline),
            text: label,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_of_a_figure_fits_a_landscape_page() {
        let session = crate::Session::embedded().expect("session");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut pages = 0;
        for group in ["calli", "elin", "cases"] {
            for entry in std::fs::read_dir(root.join(group)).expect("fixtures") {
                let path = entry.expect("entry").path();
                let district = crate::District::load(&path).expect("fixture");
                let plan = session.plan(&district, &path).expect("plan");
                let months =
                    crate::timing::month_labels(None, plan.first_month, plan.horizon_months);
                let figures = Figures::new(&plan, &months);
                let heights = figures
                    .driver_diagram_pages
                    .iter()
                    .map(|f| f.height)
                    .chain(figures.timeline_pages.iter().map(|f| f.height));
                for height in heights {
                    assert!(
                        f64::from(height) <= PAGE_HEIGHT,
                        "{}: {height}",
                        path.display()
                    );
                    pages += 1;
                }
                // Every strategy's bar is on one page (a stage cut in two
                // shows its band on both).
                let bars = |shapes: &[Shape]| shapes.iter().filter(|s| s.kind != "stage").count();
                let paged: usize = figures.timeline_pages.iter().map(|t| bars(&t.shapes)).sum();
                assert_eq!(paged, bars(&figures.timeline.shapes), "{}", path.display());
            }
        }
        assert!(pages > 80, "{pages} pages");
    }

    #[test]
    fn drops_control_characters() {
        assert_eq!(clean("a\u{7}b\tc"), "ab\tc");
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
