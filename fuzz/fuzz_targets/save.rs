//! Any district text and any change, written into the text as the studio
//! saves it (`ron_edit`): an error or a text that reads back as the changed
//! district, never a panic. The first line is the change (`PATH=VALUE`),
//! the rest the district file.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.ron");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((change, source)) = text.split_once('\n') else {
        return;
    };
    let Ok(change) = change.parse::<elplan::overrides::Override>() else {
        return;
    };
    let Ok(district) = elplan::District::parse(path, source) else {
        return;
    };
    if let Ok(written) =
        elplan::ron_edit::write_changes(path, source, &district, std::slice::from_ref(&change))
    {
        let mut read_back = elplan::District::parse(path, &written).expect("it was read back");
        let mut expected =
            elplan::overrides::apply(&district, &[change]).expect("the change applies");
        read_back.fill_defaults();
        expected.fill_defaults();
        assert_eq!(read_back, expected);
    }
});
