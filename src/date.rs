//! Calendar dates as the command line takes them (`YYYY-MM-DD`) and as
//! the drafts write them for people ("August 1, 2025").

/// Parses a `YYYY-MM-DD` date into (year, month, day).
pub fn parse_date(date: &str) -> Option<(i32, u32, u32)> {
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some((year, month, day))
}

/// A `YYYY-MM-DD` date as people in the US write it: `August 1, 2025`.
/// Anything else is returned as it is.
pub fn long_date(date: &str) -> String {
    match parse_date(date) {
        Some((year, month, day)) => crate::timing::MONTH_NAMES
            .get(month as usize - 1)
            .map_or_else(|| date.to_string(), |name| format!("{name} {day}, {year}")),
        None => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(long_date("2025-08-01"), "August 1, 2025");
        assert_eq!(long_date("2024-02-29"), "February 29, 2024");
        assert_eq!(long_date("2025-13-01"), "2025-13-01");
        assert_eq!(long_date("soon"), "soon");
    }
}
