//! The district file's catalogue: its field names and paths, the values
//! its enums take, hints for a misspelt path, and where a field is written
//! in a file's text.

use super::*;

/// Best-effort byte offset of a field path (`students.el_share`,
/// `history[2].year`) in RON source, for pointing at it in a diagnostic.
pub(crate) fn locate_field(source: &str, path: &str) -> Option<usize> {
    // A decision's id is a map key, which may hold any character.
    if let Some(below) = path.strip_prefix("decisions.") {
        return crate::decisions::locate(source, below);
    }
    let mut offset = 0;
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        offset = crate::source::find_key(source, offset, name)?;
        if let Some(index) = index {
            // The n-th parenthesised entry after the list's opening bracket.
            let list = offset + source[offset..].find('[')?;
            let mut depth = 0usize;
            let mut seen = 0usize;
            let mut found = None;
            for (i, c) in source[list..].char_indices() {
                match c {
                    '(' | '[' => {
                        if depth == 1 && c == '(' {
                            if seen == index {
                                found = Some(list + i);
                                break;
                            }
                            seen += 1;
                        }
                        depth += 1;
                    }
                    ')' | ']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            offset = found?;
        }
    }
    Some(offset)
}

/// The field names of the district file, section by section, for hints:
/// read from the serde structs themselves (ron names the fields a struct
/// expects when it meets one it does not know), once per process.
pub fn field_names(section: &str) -> &'static [&'static str] {
    static SECTIONS: std::sync::OnceLock<Vec<(&'static str, &'static [&'static str])>> =
        std::sync::OnceLock::new();
    fn fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        match crate::source::ron_options().from_str::<T>("(zz_no_such_field: 0)") {
            Err(e) => match e.code {
                ron::error::Error::NoSuchStructField { expected, .. } => expected,
                _ => &[],
            },
            Ok(_) => &[],
        }
    }
    let sections = SECTIONS.get_or_init(|| {
        vec![
            ("", fields::<District>()),
            ("grades", fields::<Grades>()),
            ("accountability", fields::<Accountability>()),
            ("assistance_history", fields::<AssistanceYear>()),
            ("compliance", fields::<Compliance>()),
            ("students", fields::<Students>()),
            ("history", fields::<YearOutcomes>()),
            ("programs", fields::<Programs>()),
            ("staffing", fields::<Staffing>()),
            ("leadership", fields::<Leadership>()),
            ("family", fields::<Family>()),
            ("resources", fields::<Resources>()),
            ("goals", fields::<Goals>()),
        ]
    });
    sections
        .iter()
        .find(|(name, _)| *name == section)
        .map_or(&[], |(_, fields)| fields)
}

/// The values an enum-valued field (or list of enums) takes, as serde reads
/// them: `Some(["Novice", "Emerging", "Established"])` for
/// `leadership.improvement_science`; `None` for other fields.
pub fn enum_values(path: &str) -> Option<&'static [&'static str]> {
    fn variants<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        match ron::from_str::<T>("Zz9") {
            Err(e) => match e.code {
                ron::error::Error::NoSuchEnumVariant { expected, .. } => expected,
                _ => &[],
            },
            Ok(_) => &[],
        }
    }
    Some(match path {
        "kind" => variants::<Kind>(),
        "programs.designated_eld" => variants::<DesignatedEld>(),
        "leadership.improvement_science" | "leadership.el_expertise" => variants::<Level>(),
        "leadership.improvement_team" => variants::<TeamMember>(),
        "leadership.partners" => variants::<Partner>(),
        "resources.budget" => variants::<Budget>(),
        "locale" => variants::<Locale>(),
        "accountability.assistance" => variants::<Assistance>(),
        "accountability.elpi_color" => variants::<Color>(),
        _ => return None,
    })
}

/// Every dotted field path of the district file (`students.el_share`).
pub fn field_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for name in field_names("") {
        let nested = field_names(name);
        if nested.is_empty() {
            paths.push((*name).to_string());
        } else {
            paths.extend(nested.iter().map(|field| format!("{name}.{field}")));
        }
    }
    paths
}

/// A hint for a misspelt dotted path, nearest valid path first. A field of
/// the yearly history is offered as it is written: `history[-1].FIELD`.
pub fn path_hint(path: &str) -> Option<String> {
    let paths: Vec<String> = field_paths()
        .into_iter()
        .map(|p| match p.strip_prefix("history.") {
            Some(field) => format!("history[-1].{field}"),
            None => p,
        })
        .collect();
    let wanted = if path.contains('.') {
        path.to_string()
    } else {
        // A bare field name is matched against the last part of each path.
        paths
            .iter()
            .find(|p| p.rsplit('.').next() == Some(path))
            .cloned()
            .unwrap_or_else(|| path.to_string())
    };
    if wanted != path {
        return Some(format!("did you mean `{wanted}`?"));
    }
    did_you_mean(path, paths.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_and_indexed_fields() {
        let src = "District(\n students: (\n  el_share: 2.0,\n ),\n history: [\n  (year: \"2018-19\"),\n  (year: \"2017-18\"),\n ],\n)";
        let at = locate_field(src, "students.el_share").unwrap();
        assert!(src[at..].starts_with("el_share: 2.0"));
        let at = locate_field(src, "history[1].year").unwrap();
        assert!(src[at..].starts_with("year: \"2017-18\""));
    }

    /// `field_names` must give each section the fields of the struct the
    /// district file has there: ron reports the fields a struct expects
    /// when it meets an unknown one.
    #[test]
    fn field_names_match_the_district_structs() {
        let sections = [
            ("", "District(zzz: 1)"),
            ("grades", "District(grades: (zzz: 1))"),
            ("students", "District(students: (zzz: 1))"),
            ("history", "District(history: [(zzz: 1)])"),
            ("programs", "District(programs: (zzz: 1))"),
            ("staffing", "District(staffing: (zzz: 1))"),
            ("leadership", "District(leadership: (zzz: 1))"),
            ("family", "District(family: (zzz: 1))"),
            ("resources", "District(resources: (zzz: 1))"),
            ("goals", "District(goals: (zzz: 1))"),
            ("accountability", "District(accountability: (zzz: 1))"),
            ("compliance", "District(compliance: (zzz: 1))"),
            (
                "assistance_history",
                "District(accountability: (assistance_history: [(zzz: 1)]))",
            ),
        ];
        for (section, source) in sections {
            let error = crate::source::ron_options()
                .from_str::<District>(source)
                .expect_err("an unknown field is an error");
            match error.code {
                ron::error::Error::NoSuchStructField { expected, .. } => {
                    assert!(!expected.is_empty(), "section `{section}`");
                    assert_eq!(field_names(section), expected, "section `{section}`");
                }
                other => panic!("section `{section}`: unexpected error {other}"),
            }
        }
    }

    #[test]
    fn enum_values_come_from_the_enums() {
        assert_eq!(
            enum_values("kind"),
            Some(&["Elementary", "High", "Unified", "Charter"][..])
        );
        assert_eq!(
            enum_values("leadership.partners"),
            Some(&["ContentExpert", "ProcessExpert"][..])
        );
        assert_eq!(enum_values("students.el_share"), None);
    }

    #[test]
    fn every_section_lists_its_fields() {
        assert!(field_paths().contains(&"leadership.changes_last_3_years".to_string()));
        assert_eq!(
            path_hint("students.el_shar").as_deref(),
            Some("did you mean `students.el_share`?")
        );
    }
}
