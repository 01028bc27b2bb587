//! Benchmarks against DESIGN.md's budgets: the engine per district
//! (context to plan, no rendering, ≤ 50 µs), Markdown rendering of one plan
//! (≤ 200 µs), a 1,000-point sweep (≤ 200 ms), and loading the default
//! rule base (part of a whole run).

// The same allocator as the elplan binary, so figures match what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use elplan::render::{Format, RenderOptions};
use elplan::session::Session;
use elplan::{District, RuleBase};

fn fixtures() -> Vec<(PathBuf, District)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for group in ["calli", "elin", "cases"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(group))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let district = District::load(&path).expect("fixture loads");
            out.push((path, district));
        }
    }
    out
}

fn engine(c: &mut Criterion) {
    let session = Session::embedded().expect("session");
    let districts = fixtures();
    let mut group = c.benchmark_group("engine");
    for name in [
        "calli/mendota-unified",
        "cases/full-history",
        "cases/tight-cap",
    ] {
        let (path, district) = districts
            .iter()
            .find(|(p, _)| p.ends_with(format!("{name}.ron")))
            .expect("fixture");
        group.bench_function(name, |b| {
            b.iter(|| session.plan(district, path).expect("plan"))
        });
    }
    // All fixtures in one iteration: divide by their count for the mean per district.
    group.bench_function(format!("all {} fixtures", districts.len()), |b| {
        b.iter(|| {
            for (path, district) in &districts {
                session.plan(district, path).expect("plan");
            }
        })
    });
    group.finish();
}

fn render(c: &mut Criterion) {
    let session = Session::embedded().expect("session");
    let districts = fixtures();
    let mut group = c.benchmark_group("render");
    for name in ["calli/mendota-unified", "cases/full-history"] {
        let (path, district) = districts
            .iter()
            .find(|(p, _)| p.ends_with(format!("{name}.ron")))
            .expect("fixture");
        let plan = session.plan(district, path).expect("plan");
        group.bench_function(format!("markdown {name}"), |b| {
            b.iter(|| {
                session
                    .render(Format::Md, &plan, district, &RenderOptions::default())
                    .expect("render")
            })
        });
        group.bench_function(format!("json {name}"), |b| b.iter(|| plan.to_json()));
    }
    group.finish();
}

/// A 1,000-point sweep over every core, one compiled rule base (≤ 200 ms).
fn sweep(c: &mut Criterion) {
    let session = Session::embedded().expect("session");
    let districts = fixtures();
    let (path, district) = districts
        .iter()
        .find(|(p, _)| p.ends_with("calli/mendota-unified.ron"))
        .expect("fixture");
    let vary: elplan::sweep::Vary = "students.el_share=0..0.999:0.001".parse().expect("range");
    assert_eq!(vary.values(district).expect("values").len(), 1000);
    let mut group = c.benchmark_group("sweep");
    group.sample_size(20);
    group.bench_function("1000 points", |b| {
        b.iter(|| elplan::sweep::sweep(&session, district, path, &vary).expect("sweep"))
    });
    group.finish();
}

/// The default rule base plus `n` synthetic strategies (and n/10 synthetic
/// findings), chained by `requires`, as rule files in memory.
fn synthetic(n: usize) -> elplan::rulebase::files::RuleFiles {
    let mut files = elplan::rulebase::files::RuleFiles::embedded();
    let findings = (n / 10).max(1);
    let (_, text) = files.singles.last_mut().expect("findings.ron");
    let mut extra = String::new();
    for i in 0..findings {
        extra.push_str(&format!(
            "(id: \"syn_finding_{i}\", title: \"Synthetic finding {i}\", area: \"data\", severity: medium, \
             when: \"students.el_share * 100 > {}\", evidence: \"{{{{ students.el_share | pct }}}} of students.\", sources: [\"synthetic\"]),\n",
            i % 100
        ));
    }
    *text = text.trim_end().trim_end_matches(']').to_string() + &extra + "]\n";
    let areas = [
        "leadership",
        "data",
        "instruction",
        "learning",
        "family",
        "improvement",
    ];
    let stages = ["launch", "assess", "design", "implement"];
    let mut strategies = String::from("[\n");
    for i in 0..n {
        let requires = if i % 3 == 0 {
            String::new()
        } else {
            format!("\"syn_{}\"", i - 1)
        };
        strategies.push_str(&format!(
            "(id: \"syn_{i}\", title: \"Synthetic strategy {i}\", area: \"{}\", stage: \"{}\", leverage: {}, principle: {}, \
             when: \"findings.syn_finding_{} or goals.reduce_ltel\", requires: [{requires}], rationale: \"Synthetic.\", \
             actions: [\"One.\", \"Two.\"], owners: [\"improvement team\"], first_test: \"A small test.\", \
             measures: [(kind: process, text: \"Done\")], sources: [\"synthetic\"]),\n",
            areas[i % areas.len()],
            stages[(i / 3) % stages.len()].max(stages[0]),
            1 + i % 5,
            1 + i % 4,
            i % findings
        ));
    }
    strategies.push_str("]\n");
    files.strategies.push((
        PathBuf::from("<synthetic>/strategies/synthetic.ron"),
        strategies,
    ));
    files
}

/// Loading (with every load-time check) and planning one district with a
/// synthetic rule base: budget ≤ 2 s at 10,000 strategies, about linear.
fn synthetic_rule_bases(c: &mut Criterion) {
    let districts = fixtures();
    let (path, district) = districts
        .iter()
        .find(|(p, _)| p.ends_with("calli/mendota-unified.ron"))
        .expect("fixture");
    let mut session = Session::embedded().expect("session");
    let mut group = c.benchmark_group("synthetic rule base");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let files = synthetic(n);
        group.bench_function(format!("{n} strategies: load and plan"), |b| {
            b.iter(|| {
                let rules = RuleBase::from_files(files.clone()).expect("synthetic rules load");
                session.set_rules(rules);
                session.plan(district, path).expect("plan");
            })
        });
    }
    group.finish();
}

fn load(c: &mut Criterion) {
    c.bench_function("load/default rule base", |b| {
        b.iter(|| RuleBase::embedded().expect("rules"))
    });
    c.bench_function("load/default templates", |b| {
        b.iter(|| elplan::Renderer::embedded().expect("templates"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = engine, render, sweep, synthetic_rule_bases, load
}
criterion_main!(benches);
