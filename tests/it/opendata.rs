use crate::harness::SiteTest;

/// The national machine-readability rules: a BOM, a header row, one record
/// per CRLF-ended line, numbers without units; the files' whole text is held
/// by snapshots, so any change to a column or a value shows as a diff.
#[test]
fn csv_files_follow_the_machine_readability_rules() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    for file in [
        "cases.csv",
        "funding.csv",
        "outcomes.csv",
        "themes.csv",
        "partners.csv",
    ] {
        let text = run.output(file);
        assert!(text.starts_with('\u{feff}'), "{file}: UTF-8 BOM");
        let body = text.trim_start_matches('\u{feff}');
        assert!(body.ends_with("\r\n"), "{file}");
        let header_columns = body.lines().next().unwrap().split(',').count();
        for line in body.split_terminator("\r\n") {
            assert!(
                !line.contains('\n') && !line.contains('\r'),
                "{file}: {line:?}"
            );
            // No cell of this fixture is quoted, so commas count the cells.
            assert_eq!(line.split(',').count(), header_columns, "{file}: {line}");
        }
    }
    insta::assert_snapshot!("render_basic_cases_csv", run.output("cases.csv"));
    insta::assert_snapshot!("render_basic_funding_csv", run.output("funding.csv"));
    insta::assert_snapshot!("render_basic_outcomes_csv", run.output("outcomes.csv"));
}

#[test]
fn json_holds_the_same_cases_nested() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let json: serde_json::Value = serde_json::from_str(&run.output("cases.json")).unwrap();
    let cases = json["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let hub = cases.iter().find(|c| c["slug"] == "nakamura-hub").unwrap();
    assert_eq!(hub["district"]["area"], "中村地区");
    assert_eq!(hub["funding"][0]["amount"], 5000000);
    assert_eq!(hub["period"]["start"], "2016-06-01");
    assert_eq!(hub["status"], "in-progress");
    let page = run.main_html("opendata/index.html");
    assert!(
        page.contains("cases.csv") && page.contains("UTF-8"),
        "{page}"
    );
}

#[test]
fn the_page_counts_the_rows_each_file_holds() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let page = run.main_html("opendata/index.html");
    for file in [
        "cases.csv",
        "funding.csv",
        "outcomes.csv",
        "themes.csv",
        "partners.csv",
        "sources.csv",
    ] {
        let rows = run.output(file).lines().count() - 1;
        let row = page
            .split("<tr>")
            .find(|row| row.contains(&format!(">{file}</a>")))
            .unwrap_or_else(|| panic!("no row for {file}"));
        assert!(
            row.contains(&format!("<td class=\"num\">{rows}</td>")),
            "{file}: {rows} rows, page says {row}"
        );
    }
}

/// Issue 20: the page states the rule that keeps spreadsheets from running
/// a cell as a formula.
#[test]
fn the_page_states_the_formula_rule() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let page = run.main_html("opendata/index.html");
    assert!(
        page.contains("「=」「+」「-」「@」で始まり数値ではないセルには、先頭に「&#39;」（アポストロフィ）を付けています（-5 のような負の数はそのままです）"),
        "{page}"
    );
}
