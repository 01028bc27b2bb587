//! Calendar dates as the command line takes them (`YYYY-MM-DD`) and as
//! the drafts write them for people ("August 1, 2025").

use std::fmt;
use std::str::FromStr;

/// A calendar date, checked once where it is read (`--date`, the studio's
/// cover): the planning and the drafts take it as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// Its year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Its month, 1-12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// Its year and month: month 1 of a plan dated with it.
    pub fn year_month(self) -> (i32, u32) {
        (self.year, self.month)
    }
}

impl FromStr for Date {
    type Err = String;

    /// A `YYYY-MM-DD` date that is on the calendar; the error says what
    /// a date looks like.
    fn from_str(text: &str) -> Result<Date, String> {
        let digits = text.bytes().all(|b| b.is_ascii_digit() || b == b'-');
        parse_date(text)
            .filter(|_| digits)
            .map(|(year, month, day)| Date { year, month, day })
            .ok_or_else(|| format!("`{text}` is not a date like 2026-09-01"))
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`, as it was read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

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
    fn a_date_is_read_once_and_written_as_it_was_read() {
        let date: Date = "2025-08-01".parse().expect("a date");
        assert_eq!(date.year_month(), (2025, 8));
        assert_eq!(date.to_string(), "2025-08-01");
        assert_eq!(
            serde_json::to_string(&date).expect("json"),
            "\"2025-08-01\""
        );
        assert_eq!(
            "2025-02-30".parse::<Date>(),
            Err("`2025-02-30` is not a date like 2026-09-01".to_string())
        );
        assert!("0025-1-1".parse::<Date>().is_err());
        assert!("+025-01-01".parse::<Date>().is_err());
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(long_date("2025-08-01"), "August 1, 2025");
        assert_eq!(long_date("2024-02-29"), "February 29, 2024");
        assert_eq!(long_date("2025-13-01"), "2025-13-01");
        assert_eq!(long_date("soon"), "soon");
    }
}
