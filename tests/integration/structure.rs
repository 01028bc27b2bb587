//! The shape of the code, kept: no import circle among the modules of
//! `src/`, and no function longer than a reader can hold (150 lines).
//! Both read the source as rustfmt writes it.

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

#[test]
fn no_function_is_over_150_lines() {
    let mut long = Vec::new();
    let mut files = vec![Path::new(ROOT).join("src")];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("folder") {
                files.push(entry.expect("entry").path());
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn "]
                .iter()
                .any(|p| trimmed.starts_with(p));
            if !is_fn || line.ends_with(';') {
                continue;
            }
            // rustfmt closes a function at its own indentation.
            let close = " ".repeat(indent) + "}";
            let end = lines[i + 1..]
                .iter()
                .position(|l| *l == close)
                .map_or(lines.len(), |k| i + 1 + k);
            if end - i > 150 {
                long.push(format!("{}:{} ({} lines)", path.display(), i + 1, end - i));
            }
        }
    }
    assert!(long.is_empty(), "functions over 150 lines: {long:#?}");
}
