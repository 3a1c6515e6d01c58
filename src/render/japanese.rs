//! Japanese formats for templates: 和暦 dates, 年度 (fiscal years) and 円 amounts.
//!
//! (Stub: the interface the rest of the pipeline relies on.)

use crate::date::Date;

/// `平成30年度（2018年度）`; FY2019 is `令和元年度（2019年度）`.
pub fn fiscal_year_label(fiscal_year: i32) -> String {
    format!("{fiscal_year}年度")
}

/// `令和元年5月1日`.
pub fn wareki_date(date: Date) -> String {
    date.to_string()
}

/// `500万円`, `1,234万5,678円`.
pub fn yen(amount: u64) -> String {
    format!("{amount}円")
}
