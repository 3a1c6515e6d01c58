//! `casebook import` (SPEC §11, issue 20): workbooks and CSV files in the
//! city's own layout, and the site's own open data read back.

use crate::harness::SiteTest;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell of a workbook a test writes.
enum X {
    S(&'static str),
    N(f64),
    /// A real date cell (a number with a date format), as Excel stores dates.
    D(u16, u8, u8),
    E,
}

fn write_workbook(path: &std::path::Path, sheet: &str, rows: &[Vec<X>]) {
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                X::S(text) => drop(worksheet.write_string(r, c, *text).unwrap()),
                X::N(number) => drop(worksheet.write_number(r, c, *number).unwrap()),
                X::D(y, m, d) => {
                    let when = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    worksheet
                        .write_datetime_with_format(r, c, &when, &date)
                        .unwrap();
                }
                X::E => {}
            }
        }
    }
    workbook.save(path).unwrap();
}

const HEADINGS: [&str; 13] = [
    "整理番号",
    "事例名",
    "概要",
    "区",
    "地区",
    "公開日",
    "状況",
    "テーマ",
    "助成制度",
    "交付額",
    "交付年度",
    "協力団体",
    "本文",
];

fn headings() -> Vec<X> {
    HEADINGS.iter().map(|h| X::S(h)).collect()
}

/// The city's workbook: a date cell, a 和暦 text date and a Western one;
/// 万円, full-width and plain amounts; H30, 令和元年度 and R1; two rows of one case.
fn city_workbook(site: &SiteTest) {
    use X::*;
    let rows = vec![
        headings(),
        vec![
            S("nakamura-hub"),
            S("空き家を活用した多世代交流拠点"),
            S("空き家を改修して誰もが集える拠点をつくる取組。"),
            S("南区"),
            S("中村地区"),
            D(2019, 5, 1),
            S("実施中"),
            S("多世代交流、子育て・空き家活用"),
            S("ヨコハマ市民まち普請事業"),
            S("500万円"),
            S("H30"),
            S("中村地域ケアプラザ、南区役所"),
            S("子育て世代の声から始まった取組です。"),
        ],
        vec![
            S("nakamura-hub"),
            E,
            E,
            E,
            E,
            E,
            E,
            E,
            S("地域まちづくり事業費助成"),
            S("１，２３４，５６７円"),
            S("令和元年度"),
            E,
            E,
        ],
        vec![
            S("seya-mutual-aid"),
            S("地域の支え合いの仕組みづくり"),
            S("地域の担い手を発掘し、支え合いの仕組みをつくる取組。"),
            S("瀬谷区"),
            E,
            S("令和2年4月1日"),
            S("計画中"),
            S("福祉"),
            S("地域まちづくり事業費助成"),
            N(3_000_000.0),
            S("R1"),
            E,
            E,
        ],
        vec![
            S("minami-benches"),
            S("急坂へのベンチ設置"),
            S("坂の途中に休めるベンチを置く取組。"),
            S("南区"),
            E,
            S("2020/6/1"),
            S("完了"),
            E,
            E,
            E,
            E,
            E,
            E,
        ],
    ];
    write_workbook(&site.root.join("book.xlsx"), "事例一覧", &rows);
}

/// A map for the small CSV lists below: slug, title, summary, ward,
/// published, status and, when `funding`, a scheme.
fn list_map(site: SiteTest, funding: bool) -> SiteTest {
    let scheme = if funding {
        "  助成制度: funding.scheme\n"
    } else {
        ""
    };
    site.file(
        "list-map.yaml",
        format!("slug: 整理番号\ncolumns:\n  事例名: title\n  概要: summary\n  区: ward\n  公開日: published\n  状況: status\n{scheme}"),
    )
}

fn read(site: &SiteTest, path: &str) -> String {
    std::fs::read_to_string(site.root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_city_workbook_becomes_checked_cases() {
    let site = SiteTest::fixture("import/site");
    city_workbook(&site);
    let run = site.run(&["--lang", "ja", "import", "book.xlsx", "--map", "map.yaml"]);
    run.expect_success();
    assert!(
        run.stdout.contains("3 件の事例を書き出しました"),
        "{}",
        run.stdout
    );
    assert_eq!(
        read(&site, "content/cases/nakamura-hub.md"),
        "---
title: 空き家を活用した多世代交流拠点
summary: 空き家を改修して誰もが集える拠点をつくる取組。
district: 南区/中村地区
published: 2019-05-01
status: in-progress
themes:
- 多世代交流
- 子育て
- 空き家活用
funding:
- scheme: ヨコハマ市民まち普請事業
  amount: 5000000
  fiscal_year: 2018
- scheme: 地域まちづくり事業費助成
  amount: 1234567
  fiscal_year: 2019
partners:
- 中村地域ケアプラザ
- 南区役所
---

子育て世代の声から始まった取組です。
"
    );
    let seya = read(&site, "content/cases/seya-mutual-aid.md");
    for line in [
        "published: 2020-04-01\n",
        "status: planned\n",
        "  amount: 3000000\n  fiscal_year: 2019\n",
    ] {
        assert!(seya.contains(line), "{line:?} in\n{seya}");
    }
    let benches = read(&site, "content/cases/minami-benches.md");
    assert!(
        benches.contains("published: 2020-06-01\nstatus: completed\n"),
        "{benches}"
    );
    site.check().expect_success();
}

#[test]
fn dry_run_lists_the_cases_and_writes_nothing() {
    let site = SiteTest::fixture("import/site");
    city_workbook(&site);
    let run = site.run(&[
        "--lang",
        "ja",
        "import",
        "book.xlsx",
        "--map",
        "map.yaml",
        "--dry-run",
    ]);
    run.expect_success();
    assert_eq!(
        run.stdout,
        "処理 | ファイル | 事例名 | 区/地区 | 公開日 | 状況 | 助成
新規 | content/cases/minami-benches.md | 急坂へのベンチ設置 | 南区 | 2020-06-01 | completed | 0
新規 | content/cases/nakamura-hub.md | 空き家を活用した多世代交流拠点 | 南区/中村地区 | 2019-05-01 | in-progress | 2
新規 | content/cases/seya-mutual-aid.md | 地域の支え合いの仕組みづくり | 瀬谷区 | 2020-04-01 | planned | 1
3 件の事例を書き出します（--dry-run のため書き出していません）
"
    );
    assert!(!site.root.join("content/cases").exists());
}

#[test]
fn a_bad_row_in_the_middle_is_located_and_nothing_is_written() {
    let site = list_map(SiteTest::fixture("import/site"), false).file(
        "list.csv",
        "整理番号,事例名,概要,区,公開日,状況\n\
         a-case,一つ目,概要です。,南区,2019-05-01,実施中\n\
         b-case,二つ目,概要です。,南区,R1.13.1,実施中\n\
         c-case,三つ目,概要です。,瀬谷区,H30.4.1,完了\n",
    );
    let run = site.run(&[
        "--lang",
        "ja",
        "import",
        "list.csv",
        "--map",
        "list-map.yaml",
    ]);
    run.expect_code(1).expect_stderr(
        "list.csv:3:5: error: R1.13.1 は日付として読めません
  ヒント: 例: 令和元年5月1日、R1.5.1、2019/5/1、2019-05-01
エラーが1件あります。何も書き出していません
",
    );
    assert!(!site.root.join("content/cases").exists(), "nothing written");
}

#[test]
fn a_workbook_cell_is_located_by_sheet_row_and_column_letter() {
    let site = SiteTest::fixture("import/site");
    use X::*;
    let bad = vec![
        S("a-case"),
        S("一つ目"),
        S("概要です。"),
        S("南区"),
        E,
        S("2019-05-01"),
        S("実施中"),
        E,
        S("ヨコハマ市民まち普請"),
        S("約500万円"),
        S("令和元年度"),
    ];
    let rows = vec![headings(), bad];
    write_workbook(&site.root.join("book.xlsx"), "事例一覧", &rows);
    let run = site.run(&["--lang", "ja", "import", "book.xlsx", "--map", "map.yaml"]);
    run.expect_code(1).expect_stderr(
        "book.xlsx[事例一覧]:2:I: error: 助成制度「ヨコハマ市民まち普請」は content/funding/ にありません
  ヒント: 「ヨコハマ市民まち普請事業」の誤りではありませんか
book.xlsx[事例一覧]:2:J: error: 約500万円 は金額として読めません
  ヒント: 例: 500万円、1,234,567円、５００万、5000000（0円以上の整数）
エラーが2件あります。何も書き出していません
",
    );
}

#[test]
fn a_shift_jis_csv_from_excel_is_read_and_slugs_come_from_titles() {
    let text = "事例名,概要,区,公開日,状況,助成制度,交付額,交付年度\r\n\
                空き家を活用した多世代交流拠点,空き家を改修した拠点。,南区,令和元年5月1日,実施中,ヨコハマ市民まち普請事業,５００万,平成30年度\r\n\
                空き家を活用した多世代交流拠点,,,,,地域まちづくり事業費助成,\"1,234,567円\",R1\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really Shift_JIS");
    let site = SiteTest::fixture("import/site").file("list.csv", &bytes);
    site.run(&[
        "--lang",
        "ja",
        "import",
        "list.csv",
        "--map",
        "map-no-slug.yaml",
    ])
    .expect_success();
    let slug = casebook::import::slug_of_title("空き家を活用した多世代交流拠点");
    let case = read(&site, &format!("content/cases/{slug}.md"));
    assert!(
        case.contains("title: 空き家を活用した多世代交流拠点\n")
            && case.contains("published: 2019-05-01\n")
            && case.contains("  amount: 5000000\n  fiscal_year: 2018\n")
            && case.contains("  amount: 1234567\n  fiscal_year: 2019\n"),
        "{case}"
    );
    // The same title gives the same slug: a second import finds the case.
    site.run(&[
        "--lang",
        "ja",
        "import",
        "list.csv",
        "--map",
        "map-no-slug.yaml",
    ])
    .expect_code(1)
    .expect_stderr_contains(&format!("content/cases/{slug}.md はすでにあります"));
    site.check().expect_success();
}

#[test]
fn update_rewrites_the_sheet_fields_and_keeps_the_body_and_the_rest() {
    let site = SiteTest::fixture("import/site")
        .file(
            "content/cases/a-case.md",
            "---\ntitle: 古い題名\nsummary: 概要です。\ndistrict: 南区\npublished: 2019-05-01\nstatus: planned\nlocation: { lat: 35.43, lon: 139.62 }\n---\n\n職員が書いた本文です。\n",
        )
        .file(
            "list.csv",
            "整理番号,事例名,状況\na-case,新しい題名,完了\n",
        )
        .file(
            "update-map.yaml",
            "slug: 整理番号\ncolumns:\n  事例名: title\n  状況: status\n",
        );
    site.run(&["--lang", "ja", "import", "list.csv", "--map", "update-map.yaml"])
        .expect_code(1)
        .expect_stderr_contains("list.csv:2:1: error: content/cases/a-case.md はすでにあります\n  ヒント: 上書きするには --update を付けてください");
    site.run(&[
        "--lang",
        "ja",
        "import",
        "list.csv",
        "--map",
        "update-map.yaml",
        "--update",
    ])
    .expect_success();
    assert_eq!(
        read(&site, "content/cases/a-case.md"),
        "---\ntitle: 新しい題名\nsummary: 概要です。\ndistrict: 南区\npublished: 2019-05-01\nstatus: completed\nlocation:\n  lat: 35.43\n  lon: 139.62\n---\n\n職員が書いた本文です。\n"
    );
    site.check().expect_success();
}

#[test]
fn rows_of_one_case_must_agree_except_in_their_funding() {
    let site = list_map(SiteTest::fixture("import/site"), true).file(
        "list.csv",
        "整理番号,事例名,概要,区,公開日,状況,助成制度\n\
         a-case,一つ目,概要です。,南区,2019-05-01,実施中,ヨコハマ市民まち普請事業\n\
         a-case,別の題名,,,,,地域まちづくり事業費助成\n",
    );
    site.run(&["--lang", "ja", "import", "list.csv", "--map", "list-map.yaml"])
        .expect_code(1)
        .expect_stderr_contains("list.csv:3:2: error: 同じ事例 a-case の行なのに `title` が 2 行目と違います\n  ヒント: 同じ事例の行では、制度・金額・年度以外の値をそろえてください（2 行目は「一つ目」）\n");
}

#[test]
fn a_map_naming_a_missing_column_or_field_gets_a_hint() {
    let site = SiteTest::fixture("import/site")
        .file("list.csv", "整理番号,事例名,公開日\n")
        .file(
            "bad-map.yaml",
            "slug: 整理番号\ncolumns:\n  事例名: titel\n  公開: published\n",
        );
    site.run(&[
        "--lang",
        "ja",
        "import",
        "list.csv",
        "--map",
        "bad-map.yaml",
    ])
    .expect_code(1)
    .expect_stderr(
        "bad-map.yaml: error: `titel` は事例の項目ではありません
  ヒント: 「title」の誤りではありませんか
bad-map.yaml: error: 列「公開」が見出し行にありません
  ヒント: 「公開日」の誤りではありませんか
エラーが2件あります。何も書き出していません
",
    );
}

#[test]
fn messages_follow_the_site_language() {
    let site = list_map(SiteTest::fixture("import/site"), false).file(
        "list.csv",
        "整理番号,事例名,概要,区,公開日,状況\na-case,一つ目,概要です。,鶴見区,2019-05-01,中止\n",
    );
    let config = read(&site, "casebook.yaml").replace("language: ja", "language: en");
    site.change_file("casebook.yaml", config);
    site.run(&["import", "list.csv", "--map", "list-map.yaml"])
        .expect_code(1)
        .expect_stderr(
            "list.csv:2:4: error: unknown ward `鶴見区`
  hint: wards declared in content/districts/: 南区, 瀬谷区
list.csv:2:6: error: `中止` is not a status
  hint: one of planned, in-progress, completed (計画中, 実施中, 完了)
2 errors found; nothing was written
",
        );
}

/// The README's example: the committed workbook, written from the seeds,
/// imports into its example site and passes `check`.
#[test]
fn the_example_workbook_imports_into_the_example_site() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/import");
    let site = SiteTest::copy_of(&examples.join("site"));
    let workbook = examples.join("jirei.xlsx").display().to_string();
    let map = examples.join("map.yaml").display().to_string();
    site.run(&["--lang", "ja", "import", &workbook, "--map", &map])
        .expect_success();
    let hub = read(&site, "content/cases/nakamura-hub.md");
    assert!(
        hub.contains("published: 2019-04-01\nstatus: planned\n")
            && hub.contains("- scheme: ヨコハマ市民まち普請事業\n  fiscal_year: 2018\n"),
        "{hub}"
    );
    assert!(!hub.contains("amount"), "the papers give no amount: {hub}");
    let seya = read(&site, "content/cases/seya-mutual-aid.md");
    assert!(
        seya.contains("published: 2019-04-01\n"),
        "平成31年4月1日: {seya}"
    );
    site.check().expect_success();
}

/// Issue 20's round trip: a site's open data, imported into a copy without
/// its cases, builds the same `cases.json`.
#[test]
fn the_sites_own_open_data_imports_back_to_the_same_cases() {
    let original = SiteTest::fixture("import/roundtrip");
    original.build().expect_success();
    let copy = SiteTest::fixture("import/roundtrip");
    std::fs::remove_dir_all(copy.root.join("content/cases")).unwrap();
    let public = original.root.join("public");
    let files: Vec<String> = ["cases", "funding", "outcomes", "themes", "partners"]
        .iter()
        .map(|name| public.join(format!("{name}.csv")).display().to_string())
        .collect();
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    copy.run(&args).expect_success();
    let rebuilt = copy.build();
    rebuilt.expect_success();
    let before = std::fs::read_to_string(public.join("cases.json")).unwrap();
    assert_eq!(rebuilt.output("cases.json"), before);
    // The fixture holds would-be formulas; the CSV makes them text, and the
    // import reads them back.
    let cases_csv = std::fs::read_to_string(public.join("cases.csv")).unwrap();
    assert!(
        cases_csv.contains(",'-ハイフンで始まる概要,"),
        "{cases_csv}"
    );
    assert!(before.contains("\"summary\": \"-ハイフンで始まる概要\""));
}

#[test]
fn open_data_rows_of_a_case_that_is_nowhere_are_errors() {
    let site = SiteTest::fixture("import/site").file(
        "funding.csv",
        "\u{feff}case_slug,scheme,amount,fiscal_year\r\nlost-case,ヨコハマ市民まち普請事業,5000000,2018\r\n",
    );
    site.run(&["--lang", "ja", "import", "funding.csv"])
        .expect_code(1)
        .expect_stderr(
            "funding.csv:2:1: error: 事例 lost-case が cases.csv にも content/cases/ にもありません
  ヒント: cases.csv を一緒に指定してください
エラーが1件あります。何も書き出していません
",
        );
}
