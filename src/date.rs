//! Calendar dates as content writes them (`YYYY-MM-DD`), and the Japanese fiscal
//! year (年度) they fall in, and the table of Japanese eras (元号) that both
//! writing 和暦 (`locale::japanese`) and reading it (`import`) use.

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

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil-from-days
    /// algorithm).
    pub fn from_days_since_epoch(days: i64) -> Date {
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

/// A Japanese era (元号) from the adoption of the Gregorian calendar onwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// The era name as written in dates: `明治`, `大正`, `昭和`, `平成`, `令和`.
    pub fn name(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The letter forms write for the era: `R1.5.1` is 令和元年5月1日, `H30` 平成30年度.
    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The era written as its name (`令和`) or its letter (`R` or `r`).
    pub fn from_name(text: &str) -> Option<Era> {
        let mut chars = text.chars();
        let letter = match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c.to_ascii_uppercase()),
            _ => None,
        };
        ERA_STARTS
            .iter()
            .map(|(era, _)| *era)
            .find(|era| text == era.name() || letter == Some(era.letter()))
    }

    /// The Western calendar year of year `year` of the era (元年 is 1):
    /// 令和2年 is 2020, 平成31年 is 2019.
    pub fn western_year(self, year: u32) -> i32 {
        let start = ERA_STARTS
            .iter()
            .find(|(era, _)| *era == self)
            .map_or(0, |(_, start)| start.year);
        start + year as i32 - 1
    }
}

/// The first day of each era, newest last. 明治 counts from 1868-01-25 (慶応4年
/// 1月1日, to which the change of era was backdated), but Japan used the
/// lunisolar calendar until 明治5年12月2日, and the next day was
/// 1873-01-01 (明治6年1月1日); a Gregorian date before that has no 和暦 form
/// that matches it day for day, so [`SUPPORTED_FROM`] cuts 明治 off there.
const ERA_STARTS: [(Era, Date); 5] = [
    (Era::Meiji, date(1868, 1, 25)),
    (Era::Taisho, date(1912, 7, 30)),
    (Era::Showa, date(1926, 12, 25)),
    (Era::Heisei, date(1989, 1, 8)),
    (Era::Reiwa, date(2019, 5, 1)),
];

/// The first day with a 和暦 form (the Gregorian calendar's adoption in Japan).
const SUPPORTED_FROM: Date = date(1873, 1, 1);

/// The era in force on `date` and the year within it (1 for 元年), or `None`
/// before 1873-01-01.
pub fn era_year(date: Date) -> Option<(Era, u32)> {
    if date < SUPPORTED_FROM {
        return None;
    }
    let (era, start) = ERA_STARTS.iter().rev().find(|(_, start)| *start <= date)?;
    // An era's first calendar year is its 元年 (year 1), whatever day it began,
    // so the era year counts calendar years from the start year.
    let year = u32::try_from(date.year - (start.year - 1)).ok()?;
    Some((*era, year))
}

const fn date(year: i32, month: u32, day: u32) -> Date {
    Date { year, month, day }
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
    fn era_names() {
        for (era, name) in [
            (Era::Meiji, "明治"),
            (Era::Taisho, "大正"),
            (Era::Showa, "昭和"),
            (Era::Heisei, "平成"),
            (Era::Reiwa, "令和"),
        ] {
            assert_eq!(era.name(), name, "{era:?}");
        }
    }

    #[test]
    fn era_year_at_boundaries() {
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        for (date, expected) in [
            (day(1872, 12, 31), None),
            (day(1873, 1, 1), Some((Era::Meiji, 6))),
            (day(1912, 7, 29), Some((Era::Meiji, 45))),
            (day(1912, 7, 30), Some((Era::Taisho, 1))),
            (day(1926, 12, 24), Some((Era::Taisho, 15))),
            (day(1926, 12, 25), Some((Era::Showa, 1))),
            (day(1927, 1, 1), Some((Era::Showa, 2))),
            (day(1989, 1, 7), Some((Era::Showa, 64))),
            (day(1989, 1, 8), Some((Era::Heisei, 1))),
            (day(2019, 4, 30), Some((Era::Heisei, 31))),
            (day(2019, 5, 1), Some((Era::Reiwa, 1))),
            (day(2020, 1, 1), Some((Era::Reiwa, 2))),
            (day(-1, 1, 1), None),
        ] {
            assert_eq!(era_year(date), expected, "{date}");
        }
    }

    #[test]
    fn eras_by_name_or_letter() {
        for (text, era, first_year) in [
            ("令和", Some(Era::Reiwa), 2019),
            ("R", Some(Era::Reiwa), 2019),
            ("r", Some(Era::Reiwa), 2019),
            ("平成", Some(Era::Heisei), 1989),
            ("H", Some(Era::Heisei), 1989),
            ("S", Some(Era::Showa), 1926),
            ("T", Some(Era::Taisho), 1912),
            ("M", Some(Era::Meiji), 1868),
            ("X", None, 0),
            ("RR", None, 0),
            ("", None, 0),
        ] {
            assert_eq!(Era::from_name(text), era, "{text}");
            if let Some(era) = era {
                assert_eq!(era.western_year(1), first_year, "{text}");
            }
        }
        assert_eq!(Era::Heisei.western_year(31), 2019);
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
