//! Locale: how a page's language writes dates, fiscal years, amounts,
//! numbers and districts. Japanese pages follow the city convention
//! (`japanese`: 和暦, 年度, 万円); pages in any other language are written the
//! English way: `May 1, 2019`, `FY2019`, `¥5,000,000`, `Nakamura, Minami Ward`.
//!
//! It reads no stage's data, so every stage that writes for a reader (the
//! pages, the statistics, the search facets, the importer) can use it.

pub mod japanese;

use crate::date::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Japanese,
    English,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Locale {
    /// The locale of a site's `language`.
    pub fn of(language: &str) -> Locale {
        if language == "ja" {
            Locale::Japanese
        } else {
            Locale::English
        }
    }

    /// `令和元年5月1日` / `May 1, 2019`.
    pub fn date(self, date: Date) -> String {
        match self {
            Locale::Japanese => japanese::wareki_date(date),
            Locale::English => {
                let month = MONTHS[(date.month.clamp(1, 12) - 1) as usize];
                format!("{month} {}, {}", date.day, date.year)
            }
        }
    }

    /// A document's date as precisely as it is known (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`): `2019年3月` / `March 2019`. Sources are cited as their
    /// documents date themselves, so the year stays Western here.
    pub fn partial_date(self, date: &str) -> String {
        let mut parts = date.split('-').map(|p| p.parse::<u32>().ok());
        let (year, month, day) = (
            parts.next().flatten(),
            parts.next().flatten(),
            parts.next().flatten(),
        );
        match (self, year, month, day) {
            (_, Some(y), Some(m), Some(d)) => self.date(Date {
                year: y as i32,
                month: m,
                day: d,
            }),
            (Locale::Japanese, Some(y), Some(m), None) => format!("{y}年{m}月"),
            (Locale::Japanese, Some(y), None, None) => format!("{y}年"),
            (Locale::English, Some(y), Some(m), None) => {
                format!("{} {y}", MONTHS[(m.clamp(1, 12) - 1) as usize])
            }
            _ => date.to_string(),
        }
    }

    /// For facts panels: `令和元年5月1日（2019年5月1日）` / `May 1, 2019`.
    pub fn date_label(self, date: Date) -> String {
        match self {
            Locale::Japanese => japanese::date_label(date),
            Locale::English => self.date(date),
        }
    }

    /// `令和元年度（2019年度）` / `FY2019` (April 2019 to March 2020).
    pub fn fiscal_year(self, year: i32) -> String {
        match self {
            Locale::Japanese => japanese::fiscal_year_label(year),
            Locale::English => format!("FY{year}"),
        }
    }

    /// `500万円` / `¥5,000,000`.
    pub fn yen(self, amount: u64) -> String {
        match self {
            Locale::Japanese => japanese::yen(amount),
            Locale::English => format!("¥{}", number_label(amount as f64)),
        }
    }

    /// `南区 中村地区` / `Nakamura, Minami Ward`.
    pub fn district(self, ward: &str, area: Option<&str>) -> String {
        match (self, area) {
            (_, None) => ward.to_string(),
            (Locale::Japanese, Some(area)) => format!("{ward} {area}"),
            (Locale::English, Some(area)) => format!("{area}, {ward}"),
        }
    }
}

/// `1234.0` → `1,234`; `12.5` → `12.5`.
pub fn number_label(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let digits = (value.abs() as u64).to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if value < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        }
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Locale::{English, Japanese};
    use crate::date::Date;

    #[test]
    fn number_labels() {
        for (value, label) in [
            (1.0, "1"),
            (320.0, "320"),
            (1234.0, "1,234"),
            (1234567.0, "1,234,567"),
            (12.5, "12.5"),
            (-1000.0, "-1,000"),
            (0.0, "0"),
        ] {
            assert_eq!(super::number_label(value), label);
        }
    }

    #[test]
    fn each_locale_writes_the_same_facts_its_own_way() {
        let may_day = Date {
            year: 2019,
            month: 5,
            day: 1,
        };
        for (locale, date, label, year, amount, district) in [
            (
                Japanese,
                "令和元年5月1日",
                "令和元年5月1日（2019年5月1日）",
                "令和元年度（2019年度）",
                "500万円",
                "南区 中村地区",
            ),
            (
                English,
                "May 1, 2019",
                "May 1, 2019",
                "FY2019",
                "¥5,000,000",
                "中村地区, 南区",
            ),
        ] {
            assert_eq!(locale.date(may_day), date);
            assert_eq!(locale.date_label(may_day), label);
            assert_eq!(locale.fiscal_year(2019), year);
            assert_eq!(locale.yen(5_000_000), amount);
            assert_eq!(locale.district("南区", Some("中村地区")), district);
            assert_eq!(locale.district("南区", None), "南区");
        }
        assert_eq!(
            English.date(Date {
                year: 2020,
                month: 12,
                day: 31
            }),
            "December 31, 2020"
        );
        assert_eq!(English.yen(12_345_678), "¥12,345,678");
        assert_eq!(English.yen(0), "¥0");
    }
}
