//! Snapshots of the files people and programs read: the feed, the JSON open
//! data, a case page's content and the report of a site with ten mistakes.
//! Any change to them shows up as a diff of the `.snap` file to review
//! (`INSTA_UPDATE=always cargo test --test it outputs`, then read the diff).

use crate::harness::SiteTest;

#[test]
fn feed_xml() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    insta::assert_snapshot!("render_basic_feed_xml", run.output("feed.xml"));
}

#[test]
fn cases_json() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    insta::assert_snapshot!("render_basic_cases_json", run.output("cases.json"));
}

#[test]
fn case_page_main() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    insta::assert_snapshot!(
        "render_basic_nakamura_hub_main",
        run.main_html("cases/nakamura-hub/index.html")
    );
}

/// The whole report, carets and hints included, as a person reads it.
#[test]
fn ten_mistakes_stderr() {
    let run = SiteTest::fixture("schema/ten_mistakes").check();
    run.expect_code(1);
    insta::assert_snapshot!("ten_mistakes_stderr", run.stderr);
}
