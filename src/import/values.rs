//! Step 3 of an import: one cell → one typed value, read the Japanese way
//! (SPEC §11). Dates in 和暦 or Western form, 年度 with or without an era,
//! yen with 万/億 and full-width digits, statuses in Japanese. The eras come
//! from the one table in [`crate::date`], which the pages' 和暦 is written from.
//!
//! Text is NFKC-normalized before it is read, so full-width digits and
//! commas (`１，２３４`) read like ASCII ones.

use super::messages::Message;
use super::read::Cell;
use crate::content::schema::Status;
use crate::date::{Date, Era};
use unicode_normalization::UnicodeNormalization as _;

/// What a column holds, and so how its cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    FiscalYear,
    Yen,
    Number,
    Status,
    Bool,
    /// Several values in one cell, split on 、 , ・ / and line breaks.
    List,
}

/// A cell's value, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Date(Date),
    Integer(i64),
    Number(f64),
    Bool(bool),
    Status(Status),
    List(Vec<String>),
}

/// Why a cell could not be read: the message and its hint, both taking the
/// cell's text as `{0}`.
pub type Problem = (Message, Message);

/// `Ok(None)` for an empty cell.
pub fn read(kind: Kind, cell: &Cell) -> Result<Option<Value>, Problem> {
    if *cell == Cell::Empty {
        return Ok(None);
    }
    let value = match kind {
        Kind::Text => Value::Text(cell_text(cell)),
        Kind::List => Value::List(split_list(&cell_text(cell))),
        Kind::Date => {
            Value::Date(read_date(cell).ok_or((Message::NotADate, Message::DateExamples))?)
        }
        Kind::FiscalYear => {
            let year = read_fiscal_year(cell)
                .ok_or((Message::NotAFiscalYear, Message::FiscalYearExamples))?;
            if !(1989..=2100).contains(&year) {
                return Err((Message::FiscalYearRange, Message::FiscalYearExamples));
            }
            Value::Integer(i64::from(year))
        }
        Kind::Yen => {
            let yen = read_yen(cell).ok_or((Message::NotAnAmount, Message::AmountExamples))?;
            Value::Integer(
                i64::try_from(yen).map_err(|_| (Message::NotAnAmount, Message::AmountExamples))?,
            )
        }
        Kind::Number => {
            Value::Number(read_number(cell).ok_or((Message::NotANumber, Message::NumberExamples))?)
        }
        Kind::Status => {
            Value::Status(read_status(cell).ok_or((Message::NotAStatus, Message::StatusExamples))?)
        }
        Kind::Bool => {
            Value::Bool(read_bool(cell).ok_or((Message::NotABool, Message::BoolExamples))?)
        }
    };
    Ok(Some(value))
}

/// The cell as text: a number without a needless `.0`, a date as `YYYY-MM-DD`.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => text.clone(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(date) => date.to_string(),
        Cell::Bool(b) => b.to_string(),
    }
}

fn normalized(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Dates: `2019-05-01`, `2019/5/1`, `2019.5.1`, `2019年5月1日`, `20190501`,
/// `令和元年5月1日`, `R1.5.1`, `H30/4/1`, or a workbook's date cell.
pub fn read_date(cell: &Cell) -> Option<Date> {
    match cell {
        Cell::Date(date) => Some(*date),
        Cell::Text(text) => parse_date(&normalized(text)),
        _ => None,
    }
}

fn parse_date(text: &str) -> Option<Date> {
    let (era, rest) = split_era(text);
    if era.is_none() && rest.len() == 8 && rest.bytes().all(|b| b.is_ascii_digit()) {
        let number = |r: std::ops::Range<usize>| rest[r].parse::<u32>().ok();
        return Date::new(number(0..4)? as i32, number(4..6)?, number(6..8)?);
    }
    let parts: Vec<&str> = rest
        .strip_suffix('日')
        .unwrap_or(rest)
        .split(['年', '月', '/', '-', '.'])
        .collect();
    let [year, month, day] = parts[..] else {
        return None;
    };
    let year = year_number(era, year)?;
    Date::new(year, digits(month)?, digits(day)?)
}

/// The Western year of `year` (`元`, `1`, `30` in an era; `2019` without one).
fn year_number(era: Option<Era>, year: &str) -> Option<i32> {
    match era {
        Some(era) => {
            let n = if year == "元" { 1 } else { digits(year)? };
            (1..=99).contains(&n).then(|| era.western_year(n))
        }
        None => (year.len() == 4)
            .then(|| digits(year))
            .flatten()
            .map(|n| n as i32),
    }
}

fn digits(text: &str) -> Option<u32> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The era a text starts with (`令和…`, `R1…`), and the rest of it.
fn split_era(text: &str) -> (Option<Era>, &str) {
    let mut chars = text.char_indices();
    if let Some((_, first)) = chars.next() {
        // An era name is two characters (令和), a letter one (R).
        let two = chars.next().map_or(text.len(), |(i, c)| i + c.len_utf8());
        let one = first.len_utf8();
        for cut in [two, one] {
            if let Some(head) = text.get(..cut)
                && let Some(era) = Era::from_name(head)
                && text[cut..].starts_with(|c: char| c.is_ascii_digit() || c == '元')
            {
                return (Some(era), &text[cut..]);
            }
        }
    }
    (None, text)
}

/// 年度: `2019`, `2019年度`, `FY2019`, `令和元年度`, `平成30年度`, `R1`, `H30`.
/// An era's 年度 counts like its years: 令和元年度 is FY2019.
pub fn read_fiscal_year(cell: &Cell) -> Option<i32> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 => Some(*n as i32),
        Cell::Text(text) => {
            let text = normalized(text);
            let text = text.strip_prefix("FY").unwrap_or(&text);
            let text = ["年度", "年", "度"]
                .iter()
                .find_map(|suffix| text.strip_suffix(suffix))
                .unwrap_or(text);
            let (era, year) = split_era(text);
            year_number(era, year)
        }
        _ => None,
    }
}

/// Yen as whole, non-negative amounts: `5000000`, `1,234,567円`,
/// `１，２３４，５６７円`, `500万円`, `５００万`, `1億2,345万円`, `1.5万円`,
/// `5,000千円`, or a number cell.
pub fn read_yen(cell: &Cell) -> Option<u64> {
    match cell {
        Cell::Number(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 9e15 => Some(*n as u64),
        Cell::Text(text) => parse_yen(&normalized(text)),
        _ => None,
    }
}

fn parse_yen(text: &str) -> Option<u64> {
    const UNITS: [(char, u64); 4] = [
        ('兆', 1_000_000_000_000),
        ('億', 100_000_000),
        ('万', 10_000),
        ('千', 1_000),
    ];
    let text = text.strip_suffix('円').unwrap_or(text).replace(',', "");
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = text.as_str();
    let mut last_unit = u64::MAX;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(end);
        let unit_char = after.chars().next();
        let unit = match unit_char {
            None => 1,
            Some(c) => UNITS.iter().find(|(u, _)| *u == c)?.1,
        };
        // Units come largest first, once each: 1億2000万, never 2000万1億.
        if unit >= last_unit || number.is_empty() {
            return None;
        }
        last_unit = unit;
        total = total.checked_add(scaled(number, unit)?)?;
        rest = unit_char.map_or("", |c| &after[c.len_utf8()..]);
    }
    Some(total)
}

/// `number × unit` when it is whole yen: `1.5` × 万 is 15,000.
fn scaled(number: &str, unit: u64) -> Option<u64> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') {
        return None;
    }
    let scale = 10u64.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let mantissa: u64 = format!("{whole}{fraction}").parse().ok()?;
    let value = mantissa.checked_mul(unit)?;
    (value % scale == 0).then_some(value / scale)
}

/// A number: `320`, `12.5`, `-3`, `1,234`, full-width digits.
pub fn read_number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(n) => Some(*n),
        Cell::Text(text) => normalized(text)
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite()),
        _ => None,
    }
}

/// `計画中` / `実施中` / `完了`, or the values themselves.
pub fn read_status(cell: &Cell) -> Option<Status> {
    let text = normalized(&cell_text(cell)).to_lowercase();
    match text.as_str() {
        "planned" | "計画中" | "計画" | "予定" => Some(Status::Planned),
        "in-progress" | "inprogress" | "実施中" | "進行中" | "取組中" => {
            Some(Status::InProgress)
        }
        "completed" | "完了" | "終了" | "実施済" | "実施済み" => Some(Status::Completed),
        _ => None,
    }
}

pub fn read_bool(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Bool(b) => Some(*b),
        _ => match normalized(&cell_text(cell)).to_lowercase().as_str() {
            "true" | "yes" | "1" | "はい" | "○" => Some(true),
            "false" | "no" | "0" | "いいえ" | "×" => Some(false),
            _ => None,
        },
    }
}

/// `多世代交流、子育て・空き家活用` → three items; blanks dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', '・', '/', '／', '\n'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn dates_the_japanese_way() {
        for (input, expected) in [
            ("令和元年5月1日", Some("2019-05-01")),
            ("令和2年4月1日", Some("2020-04-01")),
            ("R1.5.1", Some("2019-05-01")),
            ("r1.5.1", Some("2019-05-01")),
            ("H30.4.1", Some("2018-04-01")),
            ("平成30年4月1日", Some("2018-04-01")),
            ("昭和64年1月7日", Some("1989-01-07")),
            ("2019/5/1", Some("2019-05-01")),
            ("2019-05-01", Some("2019-05-01")),
            ("2019年5月1日", Some("2019-05-01")),
            ("２０１９／５／１", Some("2019-05-01")),
            ("20190501", Some("2019-05-01")),
            (" 2019/5/1 ", Some("2019-05-01")),
            ("R1.13.1", None),
            ("2019/2/30", None),
            ("19/5/1", None),
            ("令和5月1日", None),
            ("X1.5.1", None),
            ("2019/5", None),
            ("", None),
        ] {
            let date = read_date(&text(input)).map(|d| d.to_string());
            assert_eq!(date.as_deref(), expected, "{input}");
        }
        let cell = Cell::Date(Date::new(2018, 6, 1).unwrap());
        assert_eq!(read_date(&cell), Date::new(2018, 6, 1));
    }

    #[test]
    fn fiscal_years_with_or_without_an_era() {
        for (input, expected) in [
            ("令和元年度", Some(2019)),
            ("R1", Some(2019)),
            ("H30", Some(2018)),
            ("平成30年度", Some(2018)),
            ("2019", Some(2019)),
            ("2019年度", Some(2019)),
            ("FY2019", Some(2019)),
            ("Ｒ２", Some(2020)),
            ("R", None),
            ("平成", None),
            ("19", None),
            ("今年度", None),
        ] {
            assert_eq!(read_fiscal_year(&text(input)), expected, "{input}");
        }
        assert_eq!(read_fiscal_year(&Cell::Number(2018.0)), Some(2018));
    }

    #[test]
    fn yen_with_units_and_full_width_digits() {
        for (input, expected) in [
            ("500万円", Some(5_000_000)),
            ("５００万", Some(5_000_000)),
            ("1,234,567円", Some(1_234_567)),
            ("１，２３４，５６７円", Some(1_234_567)),
            ("1,234万5,678円", Some(12_345_678)),
            ("1億2000万円", Some(120_000_000)),
            ("1.5万円", Some(15_000)),
            ("5,000千円", Some(5_000_000)),
            ("5000000", Some(5_000_000)),
            ("0円", Some(0)),
            ("-500", None),
            ("500万万", None),
            ("2000万1億", None),
            ("1.23456万", None),
            ("約500万円", None),
            ("円", None),
        ] {
            assert_eq!(read_yen(&text(input)), expected, "{input}");
        }
        assert_eq!(read_yen(&Cell::Number(5e6)), Some(5_000_000));
        assert_eq!(read_yen(&Cell::Number(-1.0)), None);
    }

    #[test]
    fn statuses_in_japanese_or_as_values() {
        for (input, expected) in [
            ("計画中", Some(Status::Planned)),
            ("実施中", Some(Status::InProgress)),
            ("完了", Some(Status::Completed)),
            ("in-progress", Some(Status::InProgress)),
            ("Completed", Some(Status::Completed)),
            ("中止", None),
        ] {
            assert_eq!(read_status(&text(input)), expected, "{input}");
        }
    }

    #[test]
    fn lists_split_on_japanese_and_ascii_separators() {
        assert_eq!(
            split_list("多世代交流、子育て・空き家活用,防災/福祉\n環境 "),
            ["多世代交流", "子育て", "空き家活用", "防災", "福祉", "環境"]
        );
    }

    #[test]
    fn every_wareki_date_written_reads_back() {
        // The pages write dates with locale::japanese::wareki_date; the same
        // era table reads them back here.
        let mut date = Date::new(1989, 1, 1).unwrap();
        while date.year < 2031 {
            let written = crate::locale::japanese::wareki_date(date);
            assert_eq!(
                read_date(&Cell::Text(written.clone())),
                Some(date),
                "{written}"
            );
            date = Date::from_days_since_epoch(days(date) + 7);
        }
    }

    fn days(date: Date) -> i64 {
        // Inverse of Date::from_days_since_epoch, by search from a nearby guess.
        let mut guess = (i64::from(date.year) - 1970) * 365;
        while Date::from_days_since_epoch(guess) < date {
            guess += 1;
        }
        while Date::from_days_since_epoch(guess) > date {
            guess -= 1;
        }
        guess
    }
}
