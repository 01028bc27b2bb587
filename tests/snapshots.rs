//! Every fixture's plan, as Markdown, HTML and JSON, is a reviewed snapshot:
//! a rule or template change shows exactly which plans it moves.

use elplan::render::{Format, RenderOptions};
use elplan::{engine, District, Renderer, RuleBase};

#[test]
fn every_fixture_plans_to_its_snapshot() {
    let rules = RuleBase::embedded().expect("the default rule base loads");
    let renderer = Renderer::embedded().expect("the default templates load");
    insta::glob!("../fixtures", "{calli,elin,cases}/*.ron", |path| {
        let district = District::load(path).expect("fixtures are valid district files");
        let plan =
            engine::plan(&rules, &district, path).expect("fixtures plan without rule errors");
        let markdown = renderer
            .render(
                Format::Md,
                &plan,
                &district,
                &rules,
                &RenderOptions::default(),
            )
            .expect("the default template renders");
        let html = renderer
            .render(
                Format::Html,
                &plan,
                &district,
                &rules,
                &RenderOptions::default(),
            )
            .expect("the default HTML template renders");
        insta::assert_snapshot!("md", markdown);
        insta::assert_snapshot!("html", html);
        insta::assert_snapshot!("json", plan.to_json());
    });
}
