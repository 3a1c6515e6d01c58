//! Calendar dates as content writes them (`YYYY-MM-DD`), and the Japanese fiscal
//! year (年度) they fall in.

use serde::{Serialize, Serializer};
use std::fmt;

/// A proleptic Gregorian calendar date. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        (1..=12)
            .contains(&month)
            .then_some(())
            .filter(|_| day >= 1 && day <= days_in_month(year, month))
            .map(|_| Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD` and rejects dates that are not on the calendar.
    /// Whether `text` is written `YYYY-MM-DD`, whether or not the day exists.
    pub fn has_date_form(text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
    }

    pub fn parse(text: &str) -> Result<Date, String> {
        if !Date::has_date_form(text) {
            return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (number(0..4) as i32, number(5..7), number(8..10));
        Date::new(year, month, day).ok_or_else(|| format!("`{text}` is not a real calendar date"))
    }

    /// 年度 runs April to March: 2019-03-31 is in FY2018, 2019-04-01 in FY2019.
    pub fn fiscal_year(self) -> i32 {
        if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        }
    }

    /// Today in UTC+9 (Japan has no daylight saving), from the system clock.
    pub fn today_in_japan() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Date::from_days_since_epoch((secs + 9 * 3600).div_euclid(86_400))
    }

    /// Howard Hinnant's civil-from-days algorithm.
    fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        for (text, ok) in [
            ("2019-04-01", true),
            ("2020-02-29", true),
            ("2019-02-29", false),
            ("2100-02-29", false),
            ("2000-02-29", true),
            ("2019-13-01", false),
            ("2019-04-31", false),
            ("2019-4-1", false),
            ("2019/04/01", false),
            ("令和元年5月1日", false),
            ("", false),
        ] {
            assert_eq!(Date::parse(text).is_ok(), ok, "{text}");
        }
    }

    #[test]
    fn fiscal_year_starts_in_april() {
        for (date, fiscal_year) in [
            ("2019-03-31", 2018),
            ("2019-04-01", 2019),
            ("2019-12-31", 2019),
            ("2020-01-01", 2019),
        ] {
            assert_eq!(
                Date::parse(date).unwrap().fiscal_year(),
                fiscal_year,
                "{date}"
            );
        }
    }

    #[test]
    fn civil_from_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(18_017).to_string(),
            "2019-05-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
    }
}
