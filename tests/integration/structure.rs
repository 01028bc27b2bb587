//! The shape of the code, kept: no import circle among the modules of
//! `src/`, read from the source as rustfmt writes it. (No function longer
//! than a reader can hold is clippy's `too_many_lines` at 100 lines, which
//! `.ci/run` turns on.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::ROOT;

/// Each module of `src/` (a file) and the modules it names as `crate::x`
/// outside comments.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(Path::new(ROOT).join("src")).expect("src") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("source");
        let mut uses = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for part in code.split("crate::").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    uses.insert(name);
                }
            }
        }
        out.insert(module, uses);
    }
    out
}

#[test]
fn no_module_of_src_imports_itself_through_others() {
    let imports = imports();
    assert!(imports.len() > 20, "found the modules");
    let mut circles = Vec::new();
    for start in imports.keys() {
        // Depth-first from `start`, looking for a way back to it.
        let mut stack = vec![vec![start.clone()]];
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = path.last().expect("non-empty");
            for next in imports.get(last).into_iter().flatten() {
                if next == start {
                    circles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}
