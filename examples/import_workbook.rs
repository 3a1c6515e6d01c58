//! Writes the example workbook for `casebook import` (README, "Moving an
//! existing list to casebook"), or a large one for the import benchmark.
//!
//!   cargo run --example import_workbook                     examples/import/jirei.xlsx
//!   cargo run --example import_workbook -- --rows 10000 OUT  OUT with 10,000 generated rows
//!
//! The example's rows are the facts of the source papers (/work/shared/seeds,
//! 000: 横浜市 地域まちづくり課's approach-type support, FY2016–2018): 南区
//! 中村地区's hub, whose group won ヨコハマ市民まち普請事業 in FY2018 and whose
//! hub was planned for 2019, and 瀬谷区's work on finding local people and a
//! mutual-aid system. The papers give no amounts, so the amount cells are
//! empty. The columns are laid out as a city's own list would be, with the
//! dates written three ways: a date cell, 和暦 text and Western text.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

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

fn main() -> Result<(), XlsxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, rows, out] if flag == "--rows" => {
            let rows: usize = rows.parse().expect("--rows takes a number");
            generated(rows, out)
        }
        [] => example("examples/import/jirei.xlsx"),
        _ => {
            eprintln!("usage: import_workbook [--rows N OUT]");
            std::process::exit(2);
        }
    }
}

fn example(out: &str) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation time, so the committed file changes only when its rows do.
    let created = ExcelDateTime::from_ymd(2019, 4, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name("事例一覧")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy/m/d");
    for (col, heading) in HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *heading, &bold)?;
    }
    let text = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, cells: &[(u16, &str)]| {
        for (col, value) in cells {
            sheet.write_string(row, *col, *value)?;
        }
        Ok::<(), XlsxError>(())
    };
    // 南区中村地区: the case is published on a date cell.
    text(
        sheet,
        1,
        &[
            (0, "nakamura-hub"),
            (1, "空き家を活用した多世代交流拠点"),
            (
                2,
                "子育て世代のグループが「地域に居場所を」と中村地域ケアプラザに相談したことから始まった、空き家を活用した多世代交流拠点づくり。",
            ),
            (3, "南区"),
            (4, "中村地区"),
            (6, "計画中"),
            (7, "多世代交流、子育て、空き家活用"),
            (8, "ヨコハマ市民まち普請事業"),
            (10, "平成30年度"),
            (11, "中村地域ケアプラザ、地域まちづくり課"),
            (
                12,
                "子育て中の保護者のグループが、地域ケアプラザに「地域に居場所がほしい」と相談しました。地域ケアプラザを窓口に、市の地域まちづくり課が出前塾で制度を紹介し、グループは平成30年度のヨコハマ市民まち普請事業に選ばれました。空き家を活用した多世代交流拠点の整備を、2019年に予定しています。",
            ),
        ],
    )?;
    sheet.write_datetime_with_format(1, 5, &ExcelDateTime::from_ymd(2019, 4, 1)?, &date)?;
    // 瀬谷区: the date as 和暦 text.
    text(
        sheet,
        2,
        &[
            (0, "seya-mutual-aid"),
            (1, "地域の人材を掘り起こす助け合いの仕組みづくり"),
            (
                2,
                "区をモデルとした地域への直接の支援（平成28・29年度）の中で、地域の人材を掘り起こし、助け合いの仕組みをつくった取組。",
            ),
            (3, "瀬谷区"),
            (5, "平成31年4月1日"),
            (6, "完了"),
            (7, "人材育成、福祉"),
            (
                12,
                "平成28・29年度、市は南区と瀬谷区をモデルに、地域に直接働きかける方法を検討しました。瀬谷区では、地域の人材の発掘と助け合いの仕組みづくりが行われ、その進め方は他の区にも広がりました。",
            ),
        ],
    )?;
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(2, 48)?;
    sheet.set_column_width(12, 60)?;
    workbook.save(out)
}

/// `rows` rows of made-up cases for timing (never published): every tenth
/// case takes two rows, so grouping by slug is timed too. Dates, years and
/// amounts are written the Japanese way, so their readers are timed too.
fn generated(rows: usize, out: &str) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("事例一覧")?;
    for (col, heading) in HEADINGS.iter().enumerate() {
        sheet.write_string(0, col as u16, *heading)?;
    }
    let date = Format::new().set_num_format("yyyy/m/d");
    let mut case = 0;
    let mut row = 1u32;
    while (row as usize) <= rows {
        case += 1;
        let slug = format!("bench-{case:05}");
        let repeats = if case % 10 == 0 { 2 } else { 1 };
        for repeat in 0..repeats {
            if row as usize > rows {
                break;
            }
            sheet.write_string(row, 0, &slug)?;
            if repeat == 0 {
                sheet.write_string(row, 1, format!("計測用の事例 {case}"))?;
                sheet.write_string(row, 2, "取り込みの速さを測るための、架空の事例です。")?;
                sheet.write_string(row, 3, "南区")?;
                sheet.write_string(row, 4, format!("地区{}", case % 20))?;
                match case % 3 {
                    0 => drop(sheet.write_datetime_with_format(
                        row,
                        5,
                        &ExcelDateTime::from_ymd(2019, 5, 1 + (case % 28) as u8)?,
                        &date,
                    )?),
                    1 => drop(sheet.write_string(
                        row,
                        5,
                        format!("令和元年5月{}日", 1 + case % 28),
                    )?),
                    _ => drop(sheet.write_string(row, 5, format!("R2.4.{}", 1 + case % 28))?),
                }
                sheet.write_string(row, 6, ["計画中", "実施中", "完了"][case % 3])?;
                sheet.write_string(row, 7, "多世代交流、子育て")?;
                sheet.write_string(row, 11, "地域ケアプラザ")?;
                sheet.write_string(row, 12, "計測用の本文です。")?;
            }
            sheet.write_string(row, 8, "ヨコハマ市民まち普請事業")?;
            sheet.write_string(row, 9, format!("{}万円", 100 + case % 400))?;
            sheet.write_string(row, 10, ["H30", "令和元年度", "R2"][repeat + case % 2])?;
            row += 1;
        }
    }
    workbook.save(out)
}
