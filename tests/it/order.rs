//! Issue 17: wards, areas, schemes and themes are listed in the city's order
//! (`order`, then `reading`, then name; SPEC §5.3) on every page that lists
//! them, never by character code. The fixture's ward codes put 西区 first,
//! while character-code order would put it last.

use crate::harness::SiteTest;
use casebook::search::query::IndexReader;

const FIXTURE: &str = "order/declared";

/// The text of each link in `html` whose href starts with `prefix` and goes
/// one level further, in the order they appear.
fn link_texts(html: &str, prefix: &str) -> Vec<String> {
    html.split(" href=\"")
        .skip(1)
        .filter_map(|rest| {
            let (href, rest) = rest.split_once('"')?;
            let tail = href.strip_prefix(prefix)?;
            if tail.is_empty() || tail.trim_end_matches('/').contains('/') {
                return None;
            }
            let text = rest.split_once('>')?.1.split('<').next()?.trim();
            Some(text.to_string())
        })
        .collect()
}

fn first_of_each(texts: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    for text in texts {
        if !text.is_empty() && !seen.contains(&text) {
            seen.push(text);
        }
    }
    seen
}

const WARDS: [&str; 4] = ["西区", "南区", "旭区", "瀬谷区"];

#[test]
fn issue_17_wards_follow_their_declared_order_on_every_list() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success();
    for page in ["index.html", "districts/index.html"] {
        let main = run.main_html(page);
        assert_eq!(
            first_of_each(link_texts(&main, "/jirei/districts/")),
            WARDS,
            "{page}"
        );
    }
    // The stats chart and its table, and the search page's facet data.
    let stats = run.main_html("stats/index.html");
    let chart = &stats[stats.find("chart-by-ward-title").unwrap()..];
    let chart = &chart[..chart.find("</section>").unwrap()];
    assert_eq!(first_of_each(link_texts(chart, "/jirei/districts/")), WARDS);
    let reader = IndexReader::open(&run.root.join("public/search")).unwrap();
    let facet_wards: Vec<&str> = reader.manifest()["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(facet_wards, WARDS);
}

#[test]
fn issue_17_areas_and_themes_follow_their_reading_and_schemes_their_order() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success();
    // ながた before むつかわ, though 六 comes before 永 in character code.
    let ward = run.main_html("districts/minami/index.html");
    assert_eq!(
        first_of_each(link_texts(&ward, "/jirei/districts/minami/")),
        ["永田地区", "六ツ川地区"]
    );
    // あきや, こそだて, ぼうさい; by character code 子育て would come first.
    let themes = run.main_html("themes/index.html");
    assert_eq!(
        first_of_each(link_texts(&themes, "/jirei/themes/")),
        ["空き家活用", "子育て", "防災"]
    );
    // `order: 1` before `order: 2`, whatever their names or totals.
    let schemes = run.main_html("funding/index.html");
    assert_eq!(
        first_of_each(link_texts(&schemes, "/jirei/funding/")),
        ["まち普請事業", "地域まちづくり活動支援事業費補助金"]
    );
}

#[test]
fn issue_17_check_lists_the_declared_wards_in_their_order() {
    let site = SiteTest::fixture(FIXTURE);
    let path = "content/cases/a.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.change_file(path, text.replace("district: 西区", "district: 港北区"));
    site.check().expect_code(1).expect_stderr_contains(
        "hint: wards declared in content/districts/: 西区, 南区, 旭区, 瀬谷区",
    );
}
