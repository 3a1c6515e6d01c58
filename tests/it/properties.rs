//! Properties over generated input (issue 7): whatever validation accepts as a
//! slug, term or image name stays inside the output folder; the Japanese
//! formats agree with references computed another way; search normalizing is
//! idempotent and the index holds every substring; no body or front matter
//! makes a stage panic or emit script.

use crate::fuzz_corpus::targets;
use casebook::content::front_matter::parse_yaml;
use casebook::content::schema::{self, is_safe_term, is_valid_slug};
use casebook::date::Date;
use casebook::diagnostics::Diagnostics;
use casebook::locale::japanese;
use casebook::output::is_safe_output_path;
use proptest::prelude::*;
use std::path::{Component, Path};

/// Names built from the characters that make paths dangerous, and anything else.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[./\\\\a-z0-9南区~:%\\- \u{0}\u{3099}]{0,12}",
        "(\\.\\.|\\.|/|\\\\|[a-z]{1,3}|%2e|%2f){1,6}",
        any::<String>(),
    ]
}

/// `path`, joined to an output folder, lands inside it: every component is a
/// plain name, so neither the OS nor a web server can climb out.
fn stays_inside(path: &str) -> bool {
    let output = Path::new("/srv/public");
    let joined = output.join(path);
    joined.starts_with(output)
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// An image list with `src`, read through the case schema: the accepted names.
fn accepted_image(src: &str) -> Option<String> {
    let yaml = format!(
        "title: t\nsummary: s\ndistrict: 南区\npublished: 2020-01-01\nstatus: planned\nimages:\n  - {{ src: {}, alt: a }}\n",
        serde_json::to_string(src).unwrap()
    );
    let doc = parse_yaml(&yaml, 2).ok()?;
    let mut diagnostics = Diagnostics::new();
    let meta = schema::read_case(&doc, "a.md", Default::default(), &mut diagnostics)?;
    meta.images.first().map(|image| image.src.clone())
}

proptest! {
    #[test]
    fn accepted_slugs_stay_inside(slug in name()) {
        if is_valid_slug(&slug) {
            for path in [format!("cases/{slug}/index.html"), format!("{slug}/index.html")] {
                prop_assert!(is_safe_output_path(&path), "{path}");
                prop_assert!(stays_inside(&path), "{path}");
            }
        }
    }

    #[test]
    fn accepted_terms_stay_inside(ward in name(), area in name()) {
        if is_safe_term(&ward) && is_safe_term(&area) {
            let path = format!("districts/{ward}/{area}/index.html");
            prop_assert!(is_safe_output_path(&path), "{path:?}");
            prop_assert!(stays_inside(&path), "{path:?}");
        }
    }

    #[test]
    fn accepted_image_names_stay_inside(src in name()) {
        if let Some(src) = accepted_image(&src) {
            let path = format!("cases/a/{src}");
            prop_assert!(is_safe_output_path(&path), "{path:?}");
            prop_assert!(stays_inside(&path), "{path:?}");
        }
    }

    /// The output stage's own guard: anything it lets through stays inside.
    #[test]
    fn safe_output_paths_stay_inside(path in name()) {
        if is_safe_output_path(&path) {
            prop_assert!(stays_inside(path.trim_end_matches('/')), "{path:?}");
        }
    }

    #[test]
    fn yen_reads_back(amount in any::<u64>()) {
        let text = japanese::yen(amount);
        prop_assert_eq!(targets::read_yen(&text), Some(amount), "{}", text);
    }

    #[test]
    fn dates_print_as_they_parse(year in 0i32..=9999, month in 1u32..=12, day in 1u32..=31) {
        if let Some(date) = Date::new(year, month, day) {
            prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
        }
    }

    /// Normalizing twice changes nothing, for any text at all.
    #[test]
    fn search_normalizing_is_idempotent(text in any::<String>()) {
        let once = casebook::normalize::normalize(&text);
        prop_assert_eq!(casebook::normalize::normalize(&once), once);
    }

    /// The index of a text holds every substring of up to three characters,
    /// with contexts every occurrence agrees with, so that longer substring
    /// queries are answered exactly.
    #[test]
    fn search_index_holds_every_substring(
        text in "[あいうかがき家空子供どもアイウｶﾞＮＰＯnpoİ㍻ 　\\t]{0,60}"
    ) {
        targets::search_tokenizer(text.as_bytes());
    }

    #[test]
    fn any_front_matter_is_handled(text in any::<String>()) {
        targets::front_matter(text.as_bytes());
        targets::front_matter(format!("---\n{text}\n---\n").as_bytes());
    }

    #[test]
    fn any_body_renders_without_script(
        body in "([<>\"'=/ a-z]|script|onerror|javascript:|\\[x\\]\\(|\\)|\n|> |- |#|`){0,40}"
    ) {
        targets::markdown(body.as_bytes());
    }
}

/// The era in force on a day, from a table kept apart from the formatter's.
fn reference_era(date: (i32, u32, u32)) -> (&'static str, i32) {
    const ERAS: [(&str, (i32, u32, u32)); 3] = [
        ("昭和", (1926, 12, 25)),
        ("平成", (1989, 1, 8)),
        ("令和", (2019, 5, 1)),
    ];
    let (name, start) = ERAS.iter().rev().find(|(_, start)| *start <= date).unwrap();
    (name, start.0)
}

/// Every day from the first of 平成 to the end of 2100: its 年度 label agrees
/// with one computed by month arithmetic and the era on 31 December of the
/// year the 年度 starts in (so FY2019, which began in 平成31年4月, is 令和元年度).
#[test]
fn fiscal_year_of_every_date_matches_a_reference() {
    let mut days = 0;
    for year in 1989..=2100 {
        for month in 1..=12 {
            for day in 1..=31 {
                let Some(date) = Date::new(year, month, day) else {
                    continue;
                };
                if date < Date::new(1989, 1, 8).unwrap() {
                    continue;
                }
                // 年度 N runs from April of N to March of N+1: shift by three months.
                let fiscal_year = (year * 12 + month as i32 - 1 - 3).div_euclid(12);
                let (era, era_start) = reference_era((fiscal_year, 12, 31));
                let era_year = fiscal_year - era_start + 1;
                let era_year = if era_year == 1 {
                    "元".to_string()
                } else {
                    era_year.to_string()
                };
                let expected = format!("{era}{era_year}年度（{fiscal_year}年度）");
                assert_eq!(date.fiscal_year(), fiscal_year, "{date}");
                assert_eq!(
                    japanese::fiscal_year_label(date.fiscal_year()),
                    expected,
                    "{date}"
                );
                days += 1;
            }
        }
    }
    // 1989-01-08..=2100-12-31.
    assert_eq!(days, 40_900);
}
