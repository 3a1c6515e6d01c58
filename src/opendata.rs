//! Open data: `&Site` → `cases.json` and the CSV files of SPEC §6.1.
//!
//! The CSVs follow the national machine-readability rules: a header row, one
//! record per line (line breaks inside a value become spaces), one value per
//! cell (lists go to their own file, keyed by case slug), numbers without units
//! or separators, Western dates, UTF-8 with a BOM so that Excel opens them.
//! A cell that a spreadsheet would run as a formula is written as text
//! ([`formula_safe`]); `casebook import` reads it back ([`formula_value`]).

use crate::model::{Site, href};
use crate::output::OutputFile;
use serde::Serialize;
use serde_json::json;
use std::borrow::Cow;

struct Table {
    file: &'static str,
    name: &'static str,
    description: &'static str,
    fields: &'static [Column],
}

/// (column, type, definition)
type Column = (&'static str, &'static str, &'static str);

/// The first column of every table but `cases.csv`: the case a row is of.
const CASE_SLUG: Column = ("case_slug", "文字列", "事例の識別子（cases.csv の slug）");

const TABLES: &[Table] = &[
    Table {
        file: "cases.csv",
        name: "事例",
        description: "1行に1事例",
        fields: &[
            ("slug", "文字列", "事例の識別子（URLの一部）"),
            ("title", "文字列", "事例名"),
            ("summary", "文字列", "概要"),
            ("url", "URL", "事例ページのURL"),
            ("ward", "文字列", "区"),
            ("area", "文字列", "地区（空欄は区全体）"),
            (
                "status",
                "文字列",
                "planned（計画中）/ in-progress（実施中）/ completed（完了）",
            ),
            (
                "fiscal_year",
                "整数",
                "年度（西暦。期間の開始日、なければ公開日の年度）",
            ),
            ("published", "日付", "公開日（YYYY-MM-DD）"),
            ("updated", "日付", "更新日（YYYY-MM-DD）"),
            ("period_start", "日付", "取組の開始日"),
            ("period_end", "日付", "取組の終了日"),
            ("support_type", "文字列", "支援の型（A / B1 / B2 / C）"),
            ("latitude", "数値", "緯度（世界測地系）"),
            ("longitude", "数値", "経度（世界測地系）"),
            (
                "illustrative",
                "真偽値",
                "true: 説明のために書いた架空の事例（実在の取組ではありません）",
            ),
        ],
    },
    Table {
        file: "funding.csv",
        name: "活用した制度",
        description: "1行に1件の交付（事例と制度の組）",
        fields: &[
            CASE_SLUG,
            ("scheme", "文字列", "制度名"),
            ("amount", "整数", "交付額（円）"),
            ("fiscal_year", "整数", "交付年度（西暦）"),
            ("source", "文字列", "交付額の出典（sources.csv の id）"),
        ],
    },
    Table {
        file: "outcomes.csv",
        name: "成果",
        description: "1行に1つの成果指標",
        fields: &[
            CASE_SLUG,
            ("label", "文字列", "指標名"),
            ("value", "数値", "値"),
            ("unit", "文字列", "単位"),
            ("note", "文字列", "備考"),
            ("source", "文字列", "値の出典（sources.csv の id）"),
        ],
    },
    Table {
        file: "themes.csv",
        name: "テーマ",
        description: "1行に1つの事例とテーマの組",
        fields: &[CASE_SLUG, ("theme", "文字列", "テーマ")],
    },
    Table {
        file: "partners.csv",
        name: "協力団体",
        description: "1行に1つの事例と協力団体の組",
        fields: &[CASE_SLUG, ("partner", "文字列", "協力団体名")],
    },
    Table {
        file: "sources.csv",
        name: "出典",
        description: "1行に1つの事例と出典資料の組",
        fields: &[
            CASE_SLUG,
            (
                "id",
                "文字列",
                "事例の中での出典の識別子（funding.csv・outcomes.csv の source）",
            ),
            ("title", "文字列", "資料名"),
            ("publisher", "文字列", "発行者"),
            (
                "date",
                "日付",
                "発行時期（YYYY、YYYY-MM または YYYY-MM-DD）",
            ),
            ("url", "URL", "資料のURL"),
            ("locator", "文字列", "該当箇所（章・節・ページ）"),
        ],
    },
];

/// The names of the open data files a build writes.
pub fn file_names() -> impl Iterator<Item = &'static str> {
    ["cases.json", crate::json_schema::CASES_JSON_SCHEMA]
        .into_iter()
        .chain(TABLES.iter().map(|t| t.file))
}

/// The open data files, each handed to `emit` as soon as it is made, so a
/// build holds one of them at a time (`cases.json` is 160 MB at 100,000 cases).
pub fn each_file(site: &Site, emit: &mut dyn FnMut(OutputFile)) {
    let rows = rows(site);
    for (table, rows) in TABLES.iter().zip(&rows) {
        let header: Vec<String> = table
            .fields
            .iter()
            .map(|(name, _, _)| name.to_string())
            .collect();
        emit(OutputFile::new(table.file, csv(&header, rows)));
    }
    drop(rows);
    emit(OutputFile::new("cases.json", cases_json(site)));
    let vocabulary = crate::json_schema::Vocabulary::of(site);
    let schema = crate::json_schema::cases_json(&vocabulary);
    emit(OutputFile::new(
        crate::json_schema::CASES_JSON_SCHEMA,
        crate::json_schema::to_bytes(&schema),
    ));
}

/// What the `/opendata/` page shows: each file and its field definitions.
#[derive(Serialize)]
pub struct PageData {
    files: Vec<serde_json::Value>,
    tables: Vec<serde_json::Value>,
}

pub fn page_data(site: &Site) -> PageData {
    let base = &site.config.base_path;
    let mut files: Vec<serde_json::Value> = TABLES
        .iter()
        .zip(row_counts(site))
        .map(|(t, rows)| json!({"name": t.file, "href": href(base, t.file), "format": "CSV（UTF-8 BOM付き）", "description": format!("{}：{}", t.name, t.description), "rows": rows}))
        .collect();
    files.insert(
        0,
        json!({"name": "cases.json", "href": href(base, "cases.json"), "format": "JSON（UTF-8）", "description": "全事例：CSVと同じ項目を入れ子にしたもの", "rows": site.cases.len()}),
    );
    files.insert(
        1,
        json!({"name": crate::json_schema::CASES_JSON_SCHEMA, "href": href(base, crate::json_schema::CASES_JSON_SCHEMA), "format": "JSON Schema（draft 2020-12）", "description": "cases.json の項目と型の定義", "rows": null}),
    );
    let tables = TABLES
        .iter()
        .map(|t| {
            json!({"name": t.name, "file": t.file, "fields": t.fields.iter().map(|(name, kind, description)| json!({"name": name, "type": kind, "description": description})).collect::<Vec<_>>()})
        })
        .collect();
    PageData { files, tables }
}

/// The rows of each table in `TABLES`, in the same order.
fn rows(site: &Site) -> Vec<Vec<Vec<String>>> {
    let mut cases = Vec::new();
    let mut funding = Vec::new();
    let mut outcomes = Vec::new();
    let mut themes = Vec::new();
    let mut partners = Vec::new();
    let mut sources = Vec::new();
    let opt = |v: Option<String>| v.unwrap_or_default();
    for case in &site.cases {
        let meta = &case.entry.meta;
        let slug = &case.entry.slug;
        let ward = &site.wards[case.ward];
        cases.push(vec![
            slug.clone(),
            meta.title.clone(),
            meta.summary.clone(),
            format!("{}{}", site.config.base_url, href("", &case.path)),
            ward.name.clone(),
            opt(case.area.map(|a| ward.areas[a].name.clone())),
            meta.status.key().to_string(),
            case.fiscal_year.to_string(),
            meta.published.to_string(),
            opt(meta.updated.map(|d| d.to_string())),
            opt(meta.period.map(|p| p.start.to_string())),
            opt(meta.period.and_then(|p| p.end).map(|d| d.to_string())),
            opt(meta.support_type.clone()),
            opt(meta.location.map(|l| l.lat.to_string())),
            opt(meta.location.map(|l| l.lon.to_string())),
            meta.illustrative.to_string(),
        ]);
        for grant in &meta.funding {
            funding.push(vec![
                slug.clone(),
                grant.scheme.clone(),
                opt(grant.amount.map(|a| a.to_string())),
                opt(grant.fiscal_year.map(|y| y.to_string())),
                opt(grant.source.clone()),
            ]);
        }
        for outcome in &meta.outcomes {
            outcomes.push(vec![
                slug.clone(),
                outcome.label.clone(),
                outcome.value.to_string(),
                opt(outcome.unit.clone()),
                opt(outcome.note.clone()),
                opt(outcome.source.clone()),
            ]);
        }
        for theme in &meta.themes {
            themes.push(vec![slug.clone(), theme.clone()]);
        }
        for partner in &meta.partners {
            partners.push(vec![slug.clone(), partner.clone()]);
        }
        for source in &meta.sources {
            sources.push(vec![
                slug.clone(),
                opt(source.id.clone()),
                source.title.clone(),
                opt(source.publisher.clone()),
                opt(source.date.clone()),
                opt(source.url.clone()),
                opt(source.locator.clone()),
            ]);
        }
    }
    vec![cases, funding, outcomes, themes, partners, sources]
}

/// How many rows each table of [`rows`] has, without making them: the
/// open data page shows the counts (a test holds the two together).
fn row_counts(site: &Site) -> [usize; 6] {
    let mut counts = [site.cases.len(), 0, 0, 0, 0, 0];
    for case in &site.cases {
        let meta = &case.entry.meta;
        counts[1] += meta.funding.len();
        counts[2] += meta.outcomes.len();
        counts[3] += meta.themes.len();
        counts[4] += meta.partners.len();
        counts[5] += meta.sources.len();
    }
    counts
}

fn csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&csv_cell(cell));
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One record per line: line breaks become spaces; quotes are doubled; a
/// would-be formula is made text ([`formula_safe`]). Most cells need none of
/// it and are returned as they are, without a copy.
fn csv_cell(value: &str) -> Cow<'_, str> {
    match formula_safe(value) {
        Cow::Borrowed(value) => one_line(value),
        Cow::Owned(value) => Cow::Owned(one_line(&value).into_owned()),
    }
}

/// OWASP's advice against CSV injection: a cell that starts with `=`, `+`,
/// `-` or `@` and is not a number gets a `'` in front, so a spreadsheet shows
/// it as text rather than running it as a formula (`=HYPERLINK(…)` is written
/// `'=HYPERLINK(…)`); numbers such as `-5` stay as they are. A value that
/// itself starts with `'` before such a character gets one more `'`, so
/// [`formula_value`] reads every cell back to exactly the value it was.
pub fn formula_safe(value: &str) -> Cow<'_, str> {
    if starts_formula(value.trim_start_matches('\'')) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The value a [`formula_safe`] cell was made from: one leading `'` comes off
/// when a formula character follows it.
pub fn formula_value(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

fn starts_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@']) && !is_number(text)
}

/// A decimal number as the CSVs write them: `-5`, `+1.5`, `2e3`.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (digits, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty())
        && all_digits(whole)
        && all_digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && all_digits(e))
}

fn one_line(value: &str) -> Cow<'_, str> {
    let plain =
        !value.contains(['\r', '\n', ',', '"']) && !value.starts_with(' ') && !value.ends_with(' ');
    if plain {
        return value.into();
    }
    let flat: String = value
        .split(['\r', '\n'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if flat.contains([',', '"']) || flat.starts_with(' ') || flat.ends_with(' ') {
        format!("\"{}\"", flat.replace('"', "\"\"")).into()
    } else {
        flat.into()
    }
}

/// One case in `cases.json`: the same fields as the CSVs, nested.
#[derive(Serialize)]
struct CaseRecord<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    summary: &'a str,
    district: DistrictRecord<'a>,
    status: crate::content::schema::Status,
    fiscal_year: i32,
    published: crate::date::Date,
    updated: Option<crate::date::Date>,
    period: Option<crate::content::schema::Period>,
    themes: &'a [String],
    funding: &'a [crate::content::schema::Grant],
    support_type: Option<&'a str>,
    partners: &'a [String],
    outcomes: &'a [crate::content::schema::Outcome],
    location: Option<crate::content::schema::Location>,
    sources: &'a [crate::content::schema::Source],
    illustrative: bool,
}

#[derive(Serialize)]
struct DistrictRecord<'a> {
    ward: &'a str,
    area: Option<&'a str>,
}

/// Serialized case by case, straight from the model, without building a JSON
/// tree of the whole site first.
fn cases_json(site: &Site) -> Vec<u8> {
    let records = site.cases.iter().map(|case| {
        let meta = &case.entry.meta;
        let ward = &site.wards[case.ward];
        CaseRecord {
            slug: &case.entry.slug,
            url: format!("{}{}", site.config.base_url, href("", &case.path)),
            title: &meta.title,
            summary: &meta.summary,
            district: DistrictRecord {
                ward: &ward.name,
                area: case.area.map(|a| ward.areas[a].name.as_str()),
            },
            status: meta.status,
            fiscal_year: case.fiscal_year,
            published: meta.published,
            updated: meta.updated,
            period: meta.period,
            themes: &meta.themes,
            funding: &meta.funding,
            support_type: meta.support_type.as_deref(),
            partners: &meta.partners,
            outcomes: &meta.outcomes,
            location: meta.location,
            sources: &meta.sources,
            illustrative: meta.illustrative,
        }
    });
    #[derive(Serialize)]
    struct Document<I: Serialize> {
        cases: I,
    }
    let document = Document {
        cases: SerializeIter(std::cell::Cell::new(Some(records))),
    };
    // About 1.6 KB a case, sized at once: growing by doubling would copy a
    // 100 MB document at 100,000 cases, twice its size resident meanwhile.
    let mut bytes = Vec::with_capacity(site.cases.len() * 2048);
    if serde_json::to_writer_pretty(&mut bytes, &document).is_err() {
        bytes.clear();
    }
    bytes.push(b'\n');
    bytes
}

/// Serializes an iterator as a sequence without collecting it first.
struct SerializeIter<I>(std::cell::Cell<Option<I>>);

impl<I, T> Serialize for SerializeIter<I>
where
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(items) => serializer.collect_seq(items),
            None => serializer.collect_seq(std::iter::empty::<T>()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_hold_one_line() {
        for (value, cell) in [
            ("中村地区", "中村地区"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("line1\nline2\r\nline3", "line1 line2 line3"),
            ("", ""),
            (" 前後 ", "\" 前後 \""),
            ("=1+2", "'=1+2"),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("\n改行だけ\n", "改行だけ"),
        ] {
            assert_eq!(super::csv_cell(value), cell, "{value:?}");
            let file = super::csv(&["項目".into()], &[vec![value.into(), value.into()]]);
            let expected = format!("\u{feff}項目\r\n{cell},{cell}\r\n");
            assert_eq!(String::from_utf8(file).unwrap(), expected, "{value:?}");
        }
    }

    #[test]
    fn formulas_are_written_as_text_and_read_back() {
        for (value, cell) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+81-45-000", "'+81-45-000"),
            ("-ハイフン始まり", "'-ハイフン始まり"),
            ("@cmd", "'@cmd"),
            ("-", "'-"),
            ("-5", "-5"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("-1e3", "-1e3"),
            ("-1e", "'-1e"),
            ("'=already", "''=already"),
            ("'quoted", "'quoted"),
            ("中村地区", "中村地区"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(super::formula_safe(value), cell, "{value:?}");
            assert_eq!(super::formula_value(cell), value, "{cell:?}");
        }
    }
}
