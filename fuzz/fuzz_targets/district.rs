//! Any bytes as a district file: a diagnostic or a district, never a panic;
//! a district that loads must also plan and render.
#![no_main]
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn session() -> &'static elplan::Session {
    static SESSION: OnceLock<elplan::Session> = OnceLock::new();
    SESSION.get_or_init(|| elplan::Session::embedded().expect("default rules and templates"))
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.ron");
    let Ok(text) = elplan::source::text_from_bytes(path, data.to_vec()) else {
        return;
    };
    if let Ok(district) = elplan::District::parse(path, &text) {
        if let Ok(plan) = session().plan(&district, path) {
            let _ = plan.to_json();
        }
    }
});
