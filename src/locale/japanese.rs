//! Japanese formats for templates: 和暦 dates, 年度 (fiscal years) and 円 amounts
//! (SPEC §6: "Years follow the city convention, Japanese era first").
//!
//! Dates → `令和元年5月1日`, fiscal years → `令和元年度（2019年度）`, yen → `1,234万5,678円`.
//! Everything here is a pure function of its input and never panics. The
//! eras themselves are in `crate::date`, where `import` reads 和暦 from too.

use crate::date::{Date, era_year};

/// The fiscal years [`fiscal_year_label`] writes with an era; others fall back to `2018年度`.
const LABELLED_FISCAL_YEARS: std::ops::RangeInclusive<i32> = 1873..=9999;

const fn date(year: i32, month: u32, day: u32) -> Date {
    Date { year, month, day }
}

/// `元年` for the first year of an era, else `N年`.
fn era_year_text(year: u32) -> String {
    if year == 1 {
        "元年".to_owned()
    } else {
        format!("{year}年")
    }
}

/// `令和元年5月1日`; before 1873-01-01 the Western form `1872年12月31日`.
pub fn wareki_date(date: Date) -> String {
    let Date { month, day, .. } = date;
    match era_year(date) {
        Some((era, year)) => format!("{}{}{month}月{day}日", era.name(), era_year_text(year)),
        None => western_date(date),
    }
}

fn western_date(date: Date) -> String {
    let Date { year, month, day } = date;
    format!("{year}年{month}月{day}日")
}

/// `令和元年5月1日（2019年5月1日）` for facts panels: the 和暦 date with the
/// Western date after it. Before 1873-01-01 only the Western date is written.
pub fn date_label(date: Date) -> String {
    match era_year(date) {
        Some(_) => format!("{}（{}）", wareki_date(date), western_date(date)),
        None => western_date(date),
    }
}

/// The 年度 in its era, without the Western year: `平成30年度`, `令和元年度`.
///
/// Rule (city convention): a fiscal year is named in the era in force on
/// 31 December of the calendar year it starts in. 年度 runs April–March, so
/// FY2019 starts on 平成31年4月1日 yet is written 令和元年度 (令和 began
/// 2019-05-01); FY2018 is 平成30年度, FY1989 is 平成元年度 (平成 began
/// 1989-01-08, before FY1989 started) and FY1988 is 昭和63年度 (it ended in
/// 平成元年3月, but 31 December 1988 was still 昭和).
///
/// Fiscal years outside 1873..=9999 have no era form and are written `1872年度`.
pub fn wareki_year(fiscal_year: i32) -> String {
    let named_in = LABELLED_FISCAL_YEARS
        .contains(&fiscal_year)
        .then(|| era_year(date(fiscal_year, 12, 31)))
        .flatten();
    match named_in {
        Some((era, year)) => format!("{}{}度", era.name(), era_year_text(year)),
        None => western_fiscal_year(fiscal_year),
    }
}

fn western_fiscal_year(fiscal_year: i32) -> String {
    format!("{fiscal_year}年度")
}

/// `平成30年度（2018年度）`; FY2019 is `令和元年度（2019年度）` (see [`wareki_year`]
/// for the era rule). Outside 1873..=9999 only the Western form: `1872年度`.
pub fn fiscal_year_label(fiscal_year: i32) -> String {
    if LABELLED_FISCAL_YEARS.contains(&fiscal_year) {
        format!(
            "{}（{}）",
            wareki_year(fiscal_year),
            western_fiscal_year(fiscal_year)
        )
    } else {
        western_fiscal_year(fiscal_year)
    }
}

/// Yen the Japanese way: digits grouped in fours under 京, 兆, 億 and 万, with
/// thousands commas inside each group and zero groups left out: `500万円`,
/// `1,234万5,678円`, `1万5円`, `0円`. 京 (10¹⁶) is there because `u64::MAX`
/// reaches it: `1,844京6,744兆737億955万1,615円`.
pub fn yen(amount: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (10_000_000_000_000_000, "京"),
        (1_000_000_000_000, "兆"),
        (100_000_000, "億"),
        (10_000, "万"),
        (1, ""),
    ];
    if amount == 0 {
        return "0円".to_owned();
    }
    let mut text = String::new();
    for (unit, name) in UNITS {
        // u64::MAX / 10¹⁶ is 1844, so every group, 京 included, is below 10,000.
        let group = amount / unit % 10_000;
        if group == 0 {
            continue;
        }
        if group >= 1000 {
            text.push_str(&format!("{},{:03}{name}", group / 1000, group % 1000));
        } else {
            text.push_str(&format!("{group}{name}"));
        }
    }
    text.push('円');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::days_in_month;

    fn day(year: i32, month: u32, day: u32) -> Date {
        Date::new(year, month, day).unwrap()
    }

    #[test]
    fn wareki_dates() {
        for (date, expected) in [
            (day(2019, 5, 1), "令和元年5月1日"),
            (day(2019, 4, 30), "平成31年4月30日"),
            (day(1989, 1, 8), "平成元年1月8日"),
            (day(1989, 1, 7), "昭和64年1月7日"),
            (day(1926, 12, 25), "昭和元年12月25日"),
            (day(1926, 12, 24), "大正15年12月24日"),
            (day(1912, 7, 30), "大正元年7月30日"),
            (day(1912, 7, 29), "明治45年7月29日"),
            (day(1873, 1, 1), "明治6年1月1日"),
            (day(1872, 12, 31), "1872年12月31日"),
            (day(1868, 1, 25), "1868年1月25日"),
            (day(2024, 12, 31), "令和6年12月31日"),
            (day(2018, 10, 1), "平成30年10月1日"),
        ] {
            assert_eq!(wareki_date(date), expected, "{date}");
        }
    }

    #[test]
    fn date_labels() {
        for (date, expected) in [
            (day(2019, 5, 1), "令和元年5月1日（2019年5月1日）"),
            (day(1989, 1, 7), "昭和64年1月7日（1989年1月7日）"),
            (day(1872, 12, 31), "1872年12月31日"),
        ] {
            assert_eq!(date_label(date), expected, "{date}");
        }
    }

    #[test]
    fn wareki_fiscal_years() {
        for (fiscal_year, expected) in [
            (2019, "令和元年度"),
            (1989, "平成元年度"),
            (1988, "昭和63年度"),
            (2018, "平成30年度"),
            (2020, "令和2年度"),
            (1926, "昭和元年度"),
            (1925, "大正14年度"),
            (1912, "大正元年度"),
            (1911, "明治44年度"),
            (1873, "明治6年度"),
            (1872, "1872年度"),
            (10_000, "10000年度"),
        ] {
            assert_eq!(wareki_year(fiscal_year), expected, "FY{fiscal_year}");
        }
    }

    #[test]
    fn fiscal_year_labels() {
        for (fiscal_year, expected) in [
            (2018, "平成30年度（2018年度）"),
            (2019, "令和元年度（2019年度）"),
            (1989, "平成元年度（1989年度）"),
            (1988, "昭和63年度（1988年度）"),
            (2020, "令和2年度（2020年度）"),
            (1873, "明治6年度（1873年度）"),
            (9999, "令和7981年度（9999年度）"),
            (1872, "1872年度"),
            (10_000, "10000年度"),
            (0, "0年度"),
            (-5, "-5年度"),
            (i32::MIN, "-2147483648年度"),
            (i32::MAX, "2147483647年度"),
        ] {
            assert_eq!(fiscal_year_label(fiscal_year), expected, "FY{fiscal_year}");
        }
    }

    #[test]
    fn fiscal_year_label_follows_the_date_in_april() {
        // A 年度 label agrees with Date::fiscal_year for the days around its start.
        for (date, expected) in [
            (day(2019, 3, 31), "平成30年度（2018年度）"),
            (day(2019, 4, 1), "令和元年度（2019年度）"),
            (day(2020, 3, 31), "令和元年度（2019年度）"),
            (day(1989, 3, 31), "昭和63年度（1988年度）"),
            (day(1989, 4, 1), "平成元年度（1989年度）"),
        ] {
            assert_eq!(fiscal_year_label(date.fiscal_year()), expected, "{date}");
        }
    }

    #[test]
    fn yen_amounts() {
        for (amount, expected) in [
            (0, "0円"),
            (1, "1円"),
            (999, "999円"),
            (1000, "1,000円"),
            (1234, "1,234円"),
            (9999, "9,999円"),
            (10_000, "1万円"),
            (10_005, "1万5円"),
            (5_000_000, "500万円"),
            (12_345_678, "1,234万5,678円"),
            (100_000_000, "1億円"),
            (100_000_001, "1億1円"),
            (123_456_789, "1億2,345万6,789円"),
            (1_000_000_000_000, "1兆円"),
            (1_000_000_010_000, "1兆1万円"),
            (10_000_000_000_000_000, "1京円"),
            (u64::MAX, "1,844京6,744兆737億955万1,615円"),
        ] {
            assert_eq!(yen(amount), expected, "{amount}");
        }
    }

    /// The day after `date`, by plain calendar arithmetic.
    fn next_day(date: Date) -> Date {
        if date.day < days_in_month(date.year, date.month) {
            Date {
                day: date.day + 1,
                ..date
            }
        } else if date.month < 12 {
            Date {
                month: date.month + 1,
                day: 1,
                ..date
            }
        } else {
            Date {
                year: date.year + 1,
                month: 1,
                day: 1,
            }
        }
    }

    #[test]
    fn every_wareki_date_reads_back_as_its_western_date() {
        // Reference era table kept apart from ERA_STARTS: (name, start as y/m/d).
        let eras = [
            ("明治", (1868, 1, 25)),
            ("大正", (1912, 7, 30)),
            ("昭和", (1926, 12, 25)),
            ("平成", (1989, 1, 8)),
            ("令和", (2019, 5, 1)),
        ];
        let mut date = day(1873, 1, 1);
        let last = day(2100, 12, 31);
        let mut checked = 0;
        while date <= last {
            let text = wareki_date(date);
            let ymd = (date.year, date.month, date.day);
            let (name, (start_year, _, _)) =
                eras.iter().rev().find(|(_, start)| *start <= ymd).unwrap();
            let rest = text
                .strip_prefix(name)
                .unwrap_or_else(|| panic!("{date}: {text} is not in {name}"));
            let (year, rest) = rest.split_once('年').unwrap();
            let (month, rest) = rest.split_once('月').unwrap();
            let day_of_month = rest.strip_suffix('日').unwrap();
            let era_year: i32 = if year == "元" {
                1
            } else {
                assert_ne!(year, "1", "{date}: year 1 is written 元年");
                year.parse().unwrap()
            };
            assert_eq!(start_year + era_year - 1, date.year, "{date}: {text}");
            assert_eq!(month.parse::<u32>().unwrap(), date.month, "{date}: {text}");
            assert_eq!(
                day_of_month.parse::<u32>().unwrap(),
                date.day,
                "{date}: {text}"
            );
            checked += 1;
            date = next_day(date);
        }
        // 1873-01-01..=2100-12-31 inclusive.
        assert_eq!(checked, 83_275);
    }
}
