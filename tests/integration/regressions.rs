//! Inputs that once crashed elplan, found by fuzzing (see README, "Fuzzing");
//! each is named after the problem it pins and must now give a diagnostic.

use std::path::Path;

fn district_gives_a_diagnostic(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(file);
    let bytes = std::fs::read(&path).expect("regression input");
    match elplan::source::text_from_bytes(&path, bytes) {
        Ok(text) => {
            let kind = elplan::District::parse(&path, &text)
                .err()
                .and_then(|problems| problems.kind());
            assert!(
                matches!(
                    kind,
                    Some(elplan::ErrorKind::District | elplan::ErrorKind::Decisions)
                ),
                "{file} should be rejected as a bad district, not {kind:?}"
            );
        }
        Err(diagnostic) => assert_eq!(diagnostic.kind, elplan::ErrorKind::Io),
    }
}

/// A multi-byte character just before a `key:` that a RON error points at
/// made the field-naming code slice inside the character.
#[test]
fn fuzz_district_multibyte_before_key() {
    district_gives_a_diagnostic("fuzz-district-multibyte-before-key.ron");
}

/// Team decisions written with RON's raw identifiers (`r#Decisions( … )`)
/// lost their places in the file, so an id named twice there would not be
/// found (the `decisions` target, issue 22). The input is the text after
/// `decisions:` in a bundled district.
#[test]
fn fuzz_decisions_raw_identifier_keeps_every_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let decisions =
        std::fs::read_to_string(root.join("tests/regressions/fuzz-decisions-raw-identifier.txt"))
            .expect("regression input");
    let base =
        std::fs::read_to_string(root.join("fixtures/calli/mendota-unified.ron")).expect("fixture");
    let body = base
        .trim_end()
        .strip_suffix(')')
        .expect("a district ends with )");
    let text = format!("{body}    decisions: {decisions},\n)\n");
    let district = elplan::District::parse(Path::new("fuzz.ron"), &text).expect("it reads");
    let places = &district.decisions.places;
    use elplan::decisions::Section;
    for id in district.decisions.strategies.keys() {
        assert!(places.get(Section::Strategies, id).is_some(), "{id}");
    }
    for id in district.decisions.findings.keys() {
        assert!(places.get(Section::Findings, id).is_some(), "{id:?}");
    }
    assert!(!district.decisions.strategies.is_empty());
}
