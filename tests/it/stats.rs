//! `/stats/` and the charts of district and scheme pages: every number a chart
//! shows is counted from the content, and changes when the content does.

use crate::harness::{Run, SiteTest};
use std::collections::BTreeMap;

const FIXTURE: &str = "stats/basic";

/// One bar of a drawn chart.
#[derive(Debug, PartialEq)]
struct Bar {
    label: String,
    value: String,
    href: String,
    width: String,
}

/// The value of `attribute` in the first tag of `html`.
fn attribute<'a>(html: &'a str, attribute: &str) -> &'a str {
    let start = html.find(&format!("{attribute}=\"")).unwrap() + attribute.len() + 2;
    &html[start..start + html[start..].find('"').unwrap()]
}

fn text_of<'a>(html: &'a str, class: &str) -> &'a str {
    let start = html.find(&format!("class=\"{class}\"")).unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    &html[start..start + html[start..].find('<').unwrap()]
}

/// The bars of the chart `id` on a page, read from its SVG.
fn bars(html: &str, id: &str) -> Vec<Bar> {
    let Some(start) = html.find(&format!("aria-labelledby=\"chart-{id}-title\"")) else {
        return Vec::new();
    };
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    svg.split("<a href=")
        .skip(1)
        .map(|row| {
            let row = format!("<a href={row}");
            Bar {
                label: text_of(&row, "chart__label").to_string(),
                value: text_of(&row, "chart__value").to_string(),
                href: attribute(&row, "href").replace("&amp;", "&"),
                width: attribute(&row[row.find("chart__bar").unwrap()..], "width").to_string(),
            }
        })
        .collect()
}

/// The rows of the table of chart `id` (there whether or not the chart is
/// drawn), as bars without a width: label, value label and link.
fn rows(html: &str, id: &str) -> Vec<Bar> {
    let Some(start) = html.find(&format!("id=\"{id}-heading\"")) else {
        return Vec::new();
    };
    let block = &html[start..start + html[start..].find("</section>").unwrap()];
    let body = &block[block.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let link = &row[row.find("<a ").unwrap()..];
            let label_start = link.find('>').unwrap() + 1;
            let value = &row[row.rfind("<data ").unwrap()..];
            let value_start = value.find('>').unwrap() + 1;
            Bar {
                label: link[label_start..label_start + link[label_start..].find('<').unwrap()]
                    .to_string(),
                value: value[value_start..value_start + value[value_start..].find('<').unwrap()]
                    .to_string(),
                href: attribute(link, "href").replace("&amp;", "&"),
                width: String::new(),
            }
        })
        .collect()
}

/// label → value of a chart, as its table gives them; where the chart is
/// drawn, its bars say the same.
fn values(html: &str, id: &str) -> BTreeMap<String, String> {
    let from_table: BTreeMap<String, String> = rows(html, id)
        .into_iter()
        .map(|row| (row.label, row.value))
        .collect();
    let drawn: BTreeMap<String, String> = bars(html, id)
        .into_iter()
        .map(|bar| (bar.label, bar.value))
        .collect();
    if !drawn.is_empty() {
        assert_eq!(drawn, from_table, "chart {id} and its table disagree");
    }
    from_table
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(label, n)| (label.to_string(), format!("{n}件")))
        .collect()
}

/// Counts a front matter field over the fixture's case files, as a reader of
/// the content would: `district` by its ward, `status` by its label.
fn count_field(site: &SiteTest, field: &str) -> BTreeMap<String, String> {
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    let cases = site.root.join("content/cases");
    for entry in std::fs::read_dir(cases).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}: ")))
            .unwrap();
        let value = match field {
            "district" => line.split('/').next().unwrap(),
            _ => match line {
                "planned" => "計画中",
                "in-progress" => "実施中",
                "completed" => "完了",
                other => other,
            },
        };
        *counted.entry(value.to_string()).or_default() += 1;
    }
    counted
        .into_iter()
        .map(|(k, n)| (k, format!("{n}件")))
        .collect()
}

fn stats_page(run: &Run) -> String {
    run.expect_success();
    run.main_html("stats/index.html")
}

#[test]
fn chart_numbers_are_the_counts_of_the_content() {
    let site = SiteTest::fixture(FIXTURE);
    let main = stats_page(&site.build());
    assert_eq!(values(&main, "by-ward"), count_field(&site, "district"));
    assert_eq!(values(&main, "by-status"), count_field(&site, "status"));
    assert_eq!(
        values(&main, "by-area"),
        counts(&[("南区 中村地区", 2), ("北区 北山地区", 1)])
    );
    assert_eq!(
        values(&main, "by-theme"),
        counts(&[("子育て", 2), ("防災", 2)])
    );
    // 年度 of `published`; 2020 has no case but keeps its place in the timeline.
    assert_eq!(
        values(&main, "by-fiscal-year"),
        counts(&[
            ("平成30年度（2018年度）", 1),
            ("令和元年度（2019年度）", 1),
            ("令和2年度（2020年度）", 0),
            ("令和3年度（2021年度）", 2),
        ])
    );
    // Amounts: 500万 + 300万; 20万 + 50万, and one grant without an amount.
    assert_eq!(
        values(&main, "by-scheme"),
        BTreeMap::from([
            ("まち普請事業".to_string(), "800万円".to_string()),
            ("活動助成".to_string(), "70万円".to_string()),
        ])
    );
    for expected in [
        // The table beside the chart says the same, with cases and grants.
        // On a phone each of its rows stacks, each value labelled with its heading.
        "<td class=\"num\" data-label=\"事例数\">3件</td>\n            <td class=\"num\" data-label=\"交付件数\">3件</td>\n            <td class=\"num\" data-label=\"交付総額\"><data value=\"700000\">70万円</data></td>",
        // Outcome totals by label and unit.
        "<th scope=\"row\">整備した拠点</th>\n          <td class=\"num\" data-label=\"合計\"><data value=\"4.0\">4</data></td>\n          <td class=\"unit\" data-label=\"単位\">か所</td>\n          <td class=\"num\" data-label=\"報告した事例\">3件</td>",
        "<data value=\"150.5\">150.5</data>",
        // The headline figures.
        "<data value=\"4\">4件</data>",
        "870万円",
    ] {
        assert!(
            main.contains(expected),
            "stats page lacks {expected:?}\n{main}"
        );
    }
}

#[test]
fn changing_a_case_changes_the_charts() {
    let site = SiteTest::fixture(FIXTURE);
    let before = stats_page(&site.build());
    assert_eq!(
        values(&before, "by-ward"),
        counts(&[("南区", 3), ("北区", 1)])
    );
    let path = "content/cases/c.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.change_file(
        path,
        text.replace("district: 南区", "district: 北区")
            .replace("status: planned", "status: completed"),
    );
    let after = stats_page(&site.build());
    assert_eq!(values(&after, "by-ward"), count_field(&site, "district"));
    assert_eq!(
        values(&after, "by-ward"),
        counts(&[("南区", 2), ("北区", 2)])
    );
    assert_eq!(
        values(&after, "by-status"),
        counts(&[("計画中", 0), ("実施中", 1), ("完了", 3)])
    );
}

#[test]
fn bars_are_as_long_as_their_values_and_link_to_their_cases() {
    let run = SiteTest::fixture(FIXTURE).build();
    let main = stats_page(&run);
    let wards = bars(&main, "by-ward");
    // In the site's order (no ward declares an `order` or `reading` here, so
    // by name), not by count; 南区 has three times 北区's cases.
    assert_eq!(wards[0].label, "北区");
    assert_eq!(wards[1].label, "南区");
    let percent = |bar: &Bar| bar.width.trim_end_matches('%').parse::<f64>().unwrap();
    assert!((percent(&wards[1]) - 3.0 * percent(&wards[0])).abs() < 0.05);
    // Site-wide, a bar links to the browse page of its term…
    assert_eq!(wards[1].href, "/jirei/districts/minami/");
    assert_eq!(bars(&main, "by-scheme")[0].href, "/jirei/funding/fushin/");
    // …or, where there is none, to the search page with the filter set.
    let years = bars(&main, "by-fiscal-year");
    assert_eq!(years[0].href, "/jirei/search/?year=2018");
    let statuses = bars(&main, "by-status");
    assert_eq!(statuses[1].href, "/jirei/search/?status=in-progress");
    // A bar of zero (no case in 2020) draws no bar but keeps its label and value.
    assert_eq!(
        (years[2].value.as_str(), years[2].width.as_str()),
        ("0件", "0")
    );
}

#[test]
fn district_and_scheme_pages_chart_their_own_cases() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success();
    let ward = run.main_html("districts/minami/index.html");
    assert!(
        bars(&ward, "by-ward").is_empty(),
        "a ward page charts no wards"
    );
    // One area: its table alone, since one bar would say no more than it.
    assert!(bars(&ward, "by-area").is_empty());
    assert!(ward.contains("\">中村地区</a></th>\n            <td class=\"num\" data-label=\"事例数\"><data value=\"2\">2件</data></td>"));
    assert_eq!(
        values(&ward, "by-status"),
        counts(&[("計画中", 1), ("実施中", 1), ("完了", 1)])
    );
    // Links from the table; the chart is not drawn where its bars are alike.
    let themes = rows(&ward, "by-theme");
    assert_eq!(
        themes[0].href,
        "/jirei/search/?district=%E5%8D%97%E5%8C%BA&theme=%E5%AD%90%E8%82%B2%E3%81%A6"
    );
    // An area is filtered as the search page names it, `ward/area`.
    let area = run.main_html("districts/minami/中村地区/index.html");
    assert_eq!(
        rows(&area, "by-status")[1].href,
        "/jirei/search/?district=%E5%8D%97%E5%8C%BA%2F%E4%B8%AD%E6%9D%91%E5%9C%B0%E5%8C%BA&status=in-progress"
    );
    // Only the first page of a listing has the charts.
    assert!(
        !run.main_html("districts/minami/page/2/index.html")
            .contains("chart")
    );

    let scheme = run.main_html("funding/josei/index.html");
    assert!(bars(&scheme, "by-scheme").is_empty());
    assert_eq!(
        values(&scheme, "by-ward"),
        counts(&[("南区", 2), ("北区", 1)])
    );
    assert!(
        rows(&scheme, "by-ward")[0]
            .href
            .starts_with("/jirei/search/?scheme=%E6%B4%BB%E5%8B%95%E5%8A%A9%E6%88%90&district=")
    );
}

#[test]
fn charts_are_accessible_svg_without_styles_or_scripts() {
    let run = SiteTest::fixture(FIXTURE).build();
    let html = run.output("stats/index.html");
    let svgs = html.matches("<svg").count();
    // Not the themes: two bars of 2件 say no more than their table.
    assert_eq!(svgs, 5, "ward, area, scheme, year, status");
    assert_eq!(html.matches("<title id=\"chart-").count(), svgs);
    assert_eq!(html.matches("<desc id=\"chart-").count(), svgs);
    assert!(html.contains(
        "<desc id=\"chart-by-ward-desc\">区別の事例数。2項目。最も多いのは南区（3件）です。</desc>"
    ));
    assert!(
        !html.contains("style="),
        "the CSP allows no style attributes"
    );
    assert!(!html.contains("<script"));
    // Every chart has its table.
    assert_eq!(
        html.matches(" stats-table\"").count(),
        6 + 1,
        "six charts' tables and the outcome totals"
    );
}

#[test]
fn the_home_page_summarises_and_links_the_statistics() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success();
    let main = run.main_html("index.html");
    assert!(main.contains("href=\"/jirei/stats/\""), "{main}");
    assert!(main.contains("<data value=\"4\">4件</data>"), "{main}");
    assert!(run.output("sitemap.xml").contains("/jirei/stats/</loc>"));
}

#[test]
fn a_body_may_link_the_statistics_page() {
    let site = SiteTest::fixture(FIXTURE);
    let path = "content/cases/a.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.change_file(path, text.replace("本文", "[統計](/stats/)"));
    let run = site.build();
    run.expect_success();
    assert!(
        run.main_html("cases/a/index.html")
            .contains("href=\"/jirei/stats/\"")
    );
}

/// Issue 17: a page with one case showed five or six charts of one bar, each
/// saying 1件; and a scheme page's grant table and its year chart showed
/// different years with nothing to say which was which.
#[test]
fn issue_17_one_case_draws_no_chart_and_each_year_says_what_it_is() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success();
    let ward = run.main_html("districts/kita/index.html");
    assert!(!ward.contains("<svg"), "{ward}");
    assert!(ward.contains("id=\"by-status-heading\""), "the tables stay");
    // Bars of different lengths: the chart is drawn; alike (子育て 2件,
    // 防災 2件), it is not.
    let stats = run.main_html("stats/index.html");
    assert!(!bars(&stats, "by-ward").is_empty());
    assert!(bars(&stats, "by-theme").is_empty());
    assert_eq!(rows(&stats, "by-theme").len(), 2);
    let scheme = run.main_html("funding/josei/index.html");
    assert!(
        scheme.contains("<th scope=\"col\">交付年度</th>"),
        "{scheme}"
    );
    assert!(scheme.contains(
        "<p class=\"chart-block__note\">事例の年度は、事業期間の始まった年度（期間の記載がなければ掲載した年度）です。</p>"
    ));
}
