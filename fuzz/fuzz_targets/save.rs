//! Any district text and any changes, written into the text as the studio
//! saves it (`ron_edit`): an error, or a text that reads back as the changed
//! district, keeps every comment of the original and its line endings;
//! never a panic.
//!
//! The first line is the changes, the rest the district file. The changes
//! are `PATH=VALUE`s separated by tabs; a first line starting with `@`
//! instead gives a new value for one of the district's lists, the one the
//! next character picks (the improvement team, the partners, the home
//! languages), so that saving lists is always exercised.
#![no_main]
use std::path::Path;

use elplan::overrides::Override;
use libfuzzer_sys::fuzz_target;

const LISTS: [&str; 3] = [
    "leadership.improvement_team",
    "leadership.partners",
    "students.languages",
];

fn changes(line: &str) -> Option<Vec<Override>> {
    if let Some(rest) = line.strip_prefix('@') {
        let mut chars = rest.chars();
        let pick = chars.next()? as usize % LISTS.len();
        return Some(vec![Override {
            path: LISTS[pick].to_string(),
            value: chars.as_str().trim().to_string(),
        }]);
    }
    line.split('\t').map(|c| c.parse().ok()).collect()
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.ron");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((line, source)) = text.split_once('\n') else {
        return;
    };
    let Some(changes) = changes(line) else {
        return;
    };
    let Ok(district) = elplan::District::parse(path, source) else {
        return;
    };
    let Ok(written) = elplan::ron_edit::write_changes(path, source, &district, &changes) else {
        return;
    };
    let mut read_back = elplan::District::parse(path, &written).expect("it was read back");
    let mut expected = elplan::overrides::apply(&district, &changes).expect("the changes apply");
    read_back.fill_defaults();
    expected.fill_defaults();
    assert_eq!(read_back, expected);
    // Every comment stays, as often as it was there.
    let before = elplan::ron_text::comments(source);
    let after = elplan::ron_text::comments(&written);
    for comment in &before {
        let count = |list: &[&str]| list.iter().filter(|c| *c == comment).count();
        assert!(
            count(&after) >= count(&before),
            "lost {comment:?}:\n{written}"
        );
    }
    // A file with CRLF line endings gets no bare line feed.
    let crlf = source.contains("\r\n") && !source.replace("\r\n", "").contains('\n');
    let values_plain = changes.iter().all(|c| !c.value.contains(['\r', '\n']));
    if crlf && values_plain {
        assert!(
            !written.replace("\r\n", "").contains('\n'),
            "a bare line feed:\n{written:?}"
        );
    }
});
