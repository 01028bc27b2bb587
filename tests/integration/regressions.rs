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
            let result = elplan::District::parse(&path, &text);
            assert!(
                result.is_err(),
                "{file} should be rejected with a diagnostic"
            );
        }
        Err(diagnostic) => assert!(!diagnostic.message.is_empty()),
    }
}

/// A multi-byte character just before a `key:` that a RON error points at
/// made the field-naming code slice inside the character.
#[test]
fn fuzz_district_multibyte_before_key() {
    district_gives_a_diagnostic("fuzz-district-multibyte-before-key.ron");
}
