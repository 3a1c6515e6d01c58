//! Provenance (SPEC §5.5, issue 16): sources with reference marks, made-up
//! examples labelled everywhere, and `require_sources`.

use crate::harness::SiteTest;
use casebook::search::query::IndexReader;

fn built() -> crate::harness::Run {
    let run = SiteTest::fixture("provenance/basic").build();
    run.expect_success();
    run
}

/// Each mark links to its numbered entry, and the entry links back to each
/// mark that cites it; the mark's accessible name says 出典 and its number.
#[test]
fn marks_link_to_their_sources_and_back() {
    let run = built();
    let page = run.main_html("cases/real/index.html");
    for (mark, source, number) in [
        ("cite-grant-1", "source-1", 1),
        ("cite-outcome-1", "source-1", 1),
        ("cite-outcome-2", "source-2", 2),
    ] {
        let link = format!(
            "<a id=\"{mark}\" href=\"#{source}\">[<span class=\"visually-hidden\">出典</span>{number}]</a>"
        );
        assert!(page.contains(&link), "no mark {mark} → {source} in {page}");
        let entry_start = page
            .find(&format!("<li id=\"{source}\">"))
            .unwrap_or_else(|| panic!("no entry {source}"));
        let entry = &page[entry_start..entry_start + page[entry_start..].find("</li>").unwrap()];
        assert!(
            entry.contains(&format!("href=\"#{mark}\"")),
            "{source} does not link back to {mark}: {entry}"
        );
    }
    // The amount's mark sits beside the amount, the outcome's in its cell.
    assert!(page.contains("助成額 500万円<sup class=\"source-mark\"><a id=\"cite-grant-1\""));
    assert!(page.contains(
        "<data value=\"6.0\">6</data><sup class=\"source-mark\"><a id=\"cite-outcome-2\""
    ));
    // The entry: title, publisher, the date as the document gives it, locator, link.
    assert!(page.contains(
        "<cite class=\"source-list__title\">市民協働条例の見直しについて</cite>（横浜市市民局、2019年3月）<span class=\"source-list__locator\">2 協働事業の提案支援モデル事業</span><a class=\"source-list__url\" href=\"https://www.city.example.jp/kyodo/review.pdf\">"
    ));
}

#[test]
fn open_data_and_linked_data_carry_the_sources() {
    let run = built();
    insta::assert_snapshot!("sources_csv", run.output("sources.csv"));
    insta::assert_snapshot!("provenance_cases_json", run.output("cases.json"));
    let funding = run.output("funding.csv");
    assert!(
        funding.contains("real,ヨコハマ市民まち普請事業,5000000,2018,review\r\n"),
        "{funding}"
    );
    let page = run.output("cases/real/index.html");
    assert!(page.contains(r#""citation":[{"@type":"CreativeWork","datePublished":"2019-03","name":"市民協働条例の見直しについて","publisher":{"@type":"Organization","name":"横浜市市民局"},"url":"https://www.city.example.jp/kyodo/review.pdf"}"#), "{page}");
    // The open data page defines the new file's fields.
    let opendata = run.main_html("opendata/index.html");
    assert!(opendata.contains("sources.csv") && opendata.contains("該当箇所（章・節・ページ）"));
    // A scheme's own sources are listed on its page.
    let scheme = run.main_html("funding/machi-fushin/index.html");
    assert!(
        scheme.contains(
            "<cite class=\"source-list__title\">まち普請事業の募集要項</cite>（横浜市、2018年）"
        ),
        "{scheme}"
    );
}

/// A made-up example is labelled on its page, its card, its search result,
/// its feed entry and its English page, and flagged in the open data.
#[test]
fn a_made_up_example_is_labelled_wherever_it_is_shown() {
    let run = built();
    let page = run.main_html("cases/example/index.html");
    assert!(
        page.contains(
            "<h1>坂道にベンチを置いた例 <span class=\"label-illustrative\">架空の事例</span></h1>"
        ),
        "{page}"
    );
    let real = run.main_html("cases/real/index.html");
    assert!(real.contains("<h1>出典のある事例</h1>"));
    for listing in [
        "index.html",
        "cases/index.html",
        "districts/minami/index.html",
    ] {
        let html = run.main_html(listing);
        let card = &html[html
            .find("/cases/example/")
            .unwrap_or_else(|| panic!("{listing}"))..];
        let card = &card[..card.find("</article>").unwrap()];
        assert!(
            card.contains("<span class=\"label-illustrative\">架空の事例</span>"),
            "{listing}: {card}"
        );
        let card = &html[html.find("/cases/real/").unwrap()..];
        let card = &card[..card.find("</article>").unwrap()];
        assert!(!card.contains("架空の事例"), "{listing}: {card}");
    }
    let english = run.main_html("en/cases/example/index.html");
    assert!(
        english.contains(
            "Benches on a slope <span class=\"label-illustrative\">Fictional example</span>"
        ),
        "{english}"
    );
    let feed = run.output("feed.xml");
    assert!(
        feed.contains("<title>[架空の事例] 坂道にベンチを置いた例</title>"),
        "{feed}"
    );
    assert!(feed.contains("<title>出典のある事例</title>"), "{feed}");
    let reader = IndexReader::open(&run.root.join("public/search")).unwrap();
    let flags: Vec<(String, bool)> = (0..2)
        .map(|i| {
            (
                reader.case_path(i).unwrap(),
                reader.case_is_illustrative(i).unwrap(),
            )
        })
        .collect();
    assert!(
        flags.contains(&("cases/example/".into(), true)),
        "{flags:?}"
    );
    assert!(flags.contains(&("cases/real/".into(), false)), "{flags:?}");
    let cases = run.output("cases.csv");
    assert!(cases.lines().next().unwrap().ends_with(",illustrative"));
    assert!(
        cases.contains("/cases/example/,南区,,completed,2020,2020-04-01,,,,,,,true\r\n"),
        "{cases}"
    );
}

/// Made-up figures are never added into the totals: the scheme's total is
/// the real grant alone, and each summary says what it left out.
#[test]
fn totals_leave_out_made_up_examples_and_say_so() {
    let run = built();
    let stats = run.main_html("stats/index.html");
    assert!(
        stats.contains("<p class=\"stats-summary__note\">架空の事例1件を除く</p>"),
        "{stats}"
    );
    assert!(
        stats.contains("500万円") && !stats.contains("600万円"),
        "{stats}"
    );
    let home = run.main_html("index.html");
    assert!(home.contains("架空の事例1件を除く"));
    let scheme = run.main_html("funding/machi-fushin/index.html");
    assert!(scheme.contains("<dd>500万円</dd>"), "{scheme}");
    assert!(
        scheme.contains("<p class=\"totals__note\">架空の事例1件を除く</p>"),
        "{scheme}"
    );
}

#[test]
fn the_notice_is_on_every_page() {
    let run = built();
    for page in [
        "index.html",
        "cases/real/index.html",
        "stats/index.html",
        "404.html",
    ] {
        assert!(
            run.output(page).contains("<aside class=\"site-notice\" aria-label=\"お知らせ\"><p>このサイトは見本です。架空の事例はその旨を表示しています。</p></aside>"),
            "{page}"
        );
    }
    // An English page shows the notice as written, marked as Japanese.
    assert!(run.output("en/index.html").contains(
        "<aside class=\"site-notice\" aria-label=\"Notice\" lang=\"ja\"><p>このサイトは見本です。"
    ));
}

/// With `require_sources`, a figure without a source is an error at the
/// figure itself, in text and JSON alike; an unknown id gets a did-you-mean.
#[test]
fn unsourced_figures_are_errors_where_they_stand() {
    let site = SiteTest::fixture("provenance/basic").file(
        "content/cases/real.md",
        "---\ntitle: t\nsummary: s\ndistrict: 南区\npublished: 2019-04-01\nstatus: planned\nfunding:\n  - scheme: ヨコハマ市民まち普請事業\n    amount: 5000000\noutcomes:\n  - { label: 応募団体, value: 16, source: reveiw }\nsources:\n  - { id: review, title: 見直し }\n---\n",
    );
    site.check().expect_code(1).expect_stderr(
        "\
content/cases/real.md:9:5: error: `funding[0].amount` has no source, and this site requires one for every figure
  |
9 |     amount: 5000000
  |     ^
  hint: add `source: <id>` naming one of the case's `sources`, or mark the case `illustrative: true` if it is a made-up example
content/cases/real.md:11:31: error: `source: reveiw` names no entry of `sources`
   |
11 |   - { label: 応募団体, value: 16, source: reveiw }
   |              \u{3000}\u{3000}\u{3000}\u{3000}             ^
  hint: did you mean `review`?
2 errors found; nothing was written
",
    );
    let run = site.run(&["check", "--format", "json"]);
    run.expect_code(1);
    let problems: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let amount = problems
        .iter()
        .find(|p| p["field"] == "funding[0].amount")
        .expect("amount problem");
    assert_eq!(
        (amount["line"].as_u64(), amount["column"].as_u64()),
        (Some(9), Some(5))
    );
}

/// A grant that cites a source but states no amount has no figure to mark:
/// no mark is drawn, and its source's entry links back to nothing that is
/// not on the page.
#[test]
fn a_grant_without_an_amount_gets_no_mark_and_no_back_link() {
    let site = SiteTest::fixture("provenance/basic");
    let case = std::fs::read_to_string(site.root.join("content/cases/real.md")).unwrap();
    let case = case.replace(
        "fiscal_year: 2018, source: review }\n",
        "fiscal_year: 2018, source: review }\n  - { scheme: ヨコハマ市民まち普請事業, fiscal_year: 2019, source: plan }\n",
    );
    site.change_file("content/cases/real.md", case);
    let run = site.build();
    run.expect_success();
    let page = run.main_html("cases/real/index.html");
    assert!(!page.contains("cite-grant-2"), "{page}");
    // Every in-page link on the page has its target.
    for target in page.split("href=\"#").skip(1) {
        let id = &target[..target.find('"').unwrap()];
        assert!(
            page.contains(&format!("id=\"{id}\"")),
            "#{id} has no target"
        );
    }
}
