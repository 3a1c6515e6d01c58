use crate::harness::SiteTest;

#[test]
fn csv_files_follow_the_machine_readability_rules() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let cases = run.output("cases.csv");
    assert!(cases.starts_with('\u{feff}'), "UTF-8 BOM");
    let lines: Vec<&str> = cases.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "slug,title,summary,url,ward,area,status,fiscal_year,published,updated,period_start,period_end,support_type,latitude,longitude"
    );
    assert_eq!(lines.len(), 4, "header + 3 cases");
    assert_eq!(
        lines[2],
        "nakamura-hub,空き家を活用した多世代交流拠点,空き家を改修して誰もが集える拠点をつくった取組。,https://www.city.example.jp/machizukuri/jirei/cases/nakamura-hub/,南区,中村地区,in-progress,2016,2019-05-01,,2016-06-01,2019-09-30,B1,,"
    );
    let funding = run.output("funding.csv");
    let funding: Vec<&str> = funding.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        funding,
        [
            "case_slug,scheme,amount,fiscal_year",
            "slope-benches,ヨコハマ市民まち普請事業,12345678,2019",
            "nakamura-hub,ヨコハマ市民まち普請事業,5000000,2018",
        ]
    );
    let outcomes = run.output("outcomes.csv");
    assert!(
        outcomes.contains("nakamura-hub,月間利用者,320,人,2019年度平均\r\n"),
        "{outcomes}"
    );
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
    ] {
        let rows = run.output(file).lines().count() - 1;
        let row = page
            .split("<tr>")
            .find(|row| row.contains(&format!(">{file}</a>")))
            .unwrap_or_else(|| panic!("no row for {file}"));
        assert!(
            row.contains(&format!(
                "<td class=\"num\" data-label=\"件数\">{rows}</td>"
            )),
            "{file}: {rows} rows, page says {row}"
        );
    }
}
