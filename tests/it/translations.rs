//! Translations (SPEC §5.4): `<slug>.en.md` beside `<slug>.md` builds under
//! `/en/`, with the original's facts, English formats and UI strings, and
//! `hreflang` links between the versions.

use crate::harness::SiteTest;

const SITE: &str = "https://www.city.example.jp/machizukuri/jirei/";

/// `<link rel="alternate" hreflang="…" href="…">` of a page, in order.
fn alternates(html: &str) -> Vec<(String, String)> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|rest| {
            let lang = &rest[..rest.find('"').unwrap()];
            let href = rest.split("href=\"").nth(1).unwrap();
            (
                lang.to_string(),
                href[..href.find('"').unwrap()].to_string(),
            )
        })
        .collect()
}

#[test]
fn an_english_case_page_links_its_japanese_version_both_ways() {
    let run = SiteTest::fixture("translations/basic").build();
    run.expect_success();
    let en = run.output("en/cases/hub/index.html");
    let ja = run.output("cases/hub/index.html");
    let both = vec![
        ("ja".to_string(), format!("{SITE}cases/hub/")),
        ("en".to_string(), format!("{SITE}en/cases/hub/")),
    ];
    assert_eq!(alternates(&en), both);
    assert_eq!(alternates(&ja), both);
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(en.contains(&format!(
        "<link rel=\"canonical\" href=\"{SITE}en/cases/hub/\">"
    )));
    // Each page's language switcher points at the other, in its language.
    assert!(
        en.contains(
            r#"<a href="/machizukuri/jirei/cases/hub/" hreflang="ja" lang="ja">日本語</a>"#
        )
    );
    assert!(ja.contains(
        r#"<a href="/machizukuri/jirei/en/cases/hub/" hreflang="en" lang="en">English</a>"#
    ));
}

#[test]
fn the_english_page_has_the_originals_facts_in_english_words_and_formats() {
    let run = SiteTest::fixture("translations/basic").build();
    run.expect_success();
    let main = run.main_html("en/cases/hub/index.html");
    for expected in [
        "A hub in a vacant house",
        "At a glance",           // UI strings from i18n/en.yaml
        "May 1, 2019",           // published, from the original
        "FY2019",                // fiscal year
        "¥5,000,000",            // the grant
        "Machi-Fushin Program",  // a translated scheme
        "Minami Ward",           // a translated ward…
        "Nakamura",              // …and area
        "Reusing vacant houses", // a translated theme
        "Nakamura Community Care Plaza",
        "Visitors per month",
        "1,320", // the original's number
        "B1 (encouraged by the city)",
        "/machizukuri/jirei/en/districts/minami/nakamura/",
    ] {
        assert!(
            main.contains(expected),
            "English page lacks {expected:?}\n{main}"
        );
    }
    for japanese in ["令和", "年度", "万円", "南区", "事例の概要", "まち普請事業"]
    {
        assert!(
            !main.contains(japanese),
            "English page has {japanese:?}\n{main}"
        );
    }
    // A link to an untranslated case goes to the Japanese page; a link by the
    // original's file goes to the English page.
    assert!(main.contains(r#"<a href="/machizukuri/jirei/cases/benches/""#));
    assert!(main.contains(r#"<a href="/machizukuri/jirei/en/cases/hub/""#));
}

#[test]
fn english_listings_hold_only_translated_cases_and_the_terms_they_name() {
    let run = SiteTest::fixture("translations/basic").build();
    run.expect_success();
    assert!(!run.output_exists("en/cases/benches/index.html"));
    let list = run.main_html("en/cases/index.html");
    assert!(list.contains("A hub in a vacant house") && !list.contains("坂道"));
    assert!(run.output_exists("en/districts/minami/index.html"));
    assert!(run.output_exists("en/funding/machi-fushin/index.html"));
    assert!(
        !run.output_exists("en/districts/asahi/index.html"),
        "no English case in Asahi"
    );
    // Open data is published once, by the default language.
    assert!(!run.output_exists("en/opendata/index.html"));
    assert!(!run.output_exists("en/cases.csv"));
    // The untranslated case offers the English home page instead.
    let benches = run.output("cases/benches/index.html");
    assert!(alternates(&benches).is_empty());
    assert!(
        benches.contains(r#"<a href="/machizukuri/jirei/en/" hreflang="en" lang="en">English</a>"#)
    );
    // The sitemap lists both languages; each has its own feed.
    let sitemap = run.output("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{SITE}en/cases/hub/</loc>")));
    assert!(sitemap.contains(&format!("<loc>{SITE}cases/benches/</loc>")));
    assert!(
        run.output("en/feed.xml")
            .contains("A hub in a vacant house")
    );
    // The site's title in English is its English home page's.
    assert!(
        run.output("en/index.html")
            .contains("<title>Test Case Studies</title>")
    );
}

#[test]
fn a_translation_holds_only_words_and_matches_its_original() {
    SiteTest::fixture("translations/basic")
        .file(
            "content/cases/hub.en.md",
            "---\ntitle: A hub\nsummary: A hub.\ndistrict: 南区\npartners: [Only one]\n---\n",
        )
        .file("content/cases/nowhere.en.md", "---\ntitle: Lost\nsummary: Lost.\n---\n")
        .check()
        .expect_code(1)
        .expect_stderr_contains("content/cases/hub.en.md:4:1: error: a translation cannot set `district`")
        .expect_stderr_contains("everything else comes from the original file beside it")
        .expect_stderr_contains("content/cases/hub.en.md:5:1: error: `partners` has 1 items here but 2 in content/cases/hub.md")
        .expect_stderr_contains("content/cases/nowhere.en.md:1:1: error: translation without an original: no content/cases/nowhere.md");
}
