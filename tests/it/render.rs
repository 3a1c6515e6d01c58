use crate::harness::{SiteTest, walk};

const BASE: &str = "/machizukuri/jirei/";

#[test]
fn case_page_shows_the_facts_in_japanese_formats() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let main = run.main_html("cases/nakamura-hub/index.html");
    for expected in [
        "空き家を活用した多世代交流拠点",
        "令和元年5月1日",         // published 2019-05-01: the first day of Reiwa
        "平成30年度（2018年度）", // the grant's fiscal year
        "平成28年度（2016年度）", // the case's fiscal year, from period.start
        "500万円",
        "中村地域ケアプラザ",
        "B1（後押しアプローチ型）",
        "月間利用者",
        "2019年度平均",
        "改修後の拠点の外観",
        "/machizukuri/jirei/funding/machi-fushin/",
        "/machizukuri/jirei/districts/minami/%E4%B8%AD%E6%9D%91%E5%9C%B0%E5%8C%BA/",
        "/machizukuri/jirei/cases/nakamura-hub/exterior.jpg",
        // A link by source file becomes the page's href.
        "href=\"/machizukuri/jirei/cases/slope-benches/\"",
    ] {
        assert!(
            main.contains(expected),
            "case page lacks {expected:?}\n{main}"
        );
    }
    assert!(
        !main.contains("<script>alert(1)"),
        "raw script kept:\n{main}"
    );
    assert!(run.output_exists("cases/nakamura-hub/exterior.jpg"));
}

#[test]
fn every_href_and_src_respects_the_sub_path() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let public = run.root.join("public");
    let mut checked = 0;
    for entry in walk(&public) {
        if !entry.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(public.join(&entry)).unwrap();
        for attr in ["href=\"/", "src=\"/", "action=\"/"] {
            for (i, _) in html.match_indices(attr) {
                let value = &html[i + attr.len() - 1..];
                let value = &value[..value.find('"').unwrap()];
                assert!(
                    value.starts_with(BASE),
                    "{entry}: {attr}… `{value}` is outside {BASE}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn japanese_terms_keep_their_names_in_urls() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    // A term page file uses its slug; a term without one keeps its name.
    assert!(run.output_exists("districts/minami/index.html"));
    assert!(run.output_exists("districts/minami/中村地区/index.html"));
    assert!(run.output_exists("themes/多世代交流/index.html"));
    assert!(run.output_exists("themes/空き家活用/index.html"));
    let theme = run.main_html("themes/多世代交流/index.html");
    assert!(
        theme.contains("空き家を活用した多世代交流拠点") && theme.contains("急坂にベンチを置く"),
        "{theme}"
    );
    assert!(!theme.contains("古い事例"), "{theme}");
    let case = run.output("cases/slope-benches/index.html");
    assert!(
        case.contains("/machizukuri/jirei/themes/%E5%A4%9A%E4%B8%96%E4%BB%A3%E4%BA%A4%E6%B5%81/"),
        "{case}"
    );
    assert!(!case.contains("nan-qu") && !case.contains("duo-shi-dai"));
}

#[test]
fn case_list_is_paginated_newest_first() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let first = run.main_html("cases/index.html");
    let slope = first
        .find("急坂にベンチを置く")
        .expect("newest case on page 1");
    let nakamura = first
        .find("空き家を活用した多世代交流拠点")
        .expect("second case on page 1");
    assert!(slope < nakamura, "newest first");
    assert!(!first.contains("古い事例"));
    assert!(first.contains("/machizukuri/jirei/cases/page/2/"));
    let second = run.main_html("cases/page/2/index.html");
    assert!(second.contains("古い事例"), "{second}");
}

#[test]
fn scheme_page_totals_its_grants() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let main = run.main_html("funding/machi-fushin/index.html");
    // 5,000,000 + 12,345,678 yen
    for expected in [
        "1,734万5,678円",
        "1,234万5,678円",
        "90%",
        "都市整備局",
        "急坂にベンチを置く",
        "令和元年度（2019年度）",
    ] {
        assert!(
            main.contains(expected),
            "scheme page lacks {expected:?}\n{main}"
        );
    }
}

#[test]
fn feed_and_sitemap_use_absolute_urls() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let feed = run.output("feed.xml");
    assert!(
        feed.contains(
            "<id>https://www.city.example.jp/machizukuri/jirei/cases/slope-benches/</id>"
        ),
        "{feed}"
    );
    assert!(feed.contains("<updated>2020-01-10T00:00:00+09:00</updated>"));
    let sitemap = run.output("sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://www.city.example.jp/machizukuri/jirei/districts/minami/%E4%B8%AD%E6%9D%91%E5%9C%B0%E5%8C%BA/</loc>"
    ));
    assert!(run.output_exists("robots.txt") && run.output_exists("404.html"));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = SiteTest::fixture("render/basic");
    site.build().expect_success();
    let first: Vec<(String, Vec<u8>)> = walk(&site.root.join("public"))
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(site.root.join("public").join(&p)).unwrap();
            (p, bytes)
        })
        .collect();
    site.build().expect_success();
    let second: Vec<(String, Vec<u8>)> = walk(&site.root.join("public"))
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(site.root.join("public").join(&p)).unwrap();
            (p, bytes)
        })
        .collect();
    assert_eq!(first.len(), second.len());
    for ((a, a_bytes), (b, b_bytes)) in first.iter().zip(&second) {
        assert_eq!(a, b);
        assert!(a_bytes == b_bytes, "{a} differs between builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output() {
    let site = SiteTest::fixture("render/basic");
    site.build().expect_success();
    let before = std::fs::read(site.root.join("public/cases/slope-benches/index.html")).unwrap();
    site.change_file(
        "content/cases/slope-benches.md",
        "---\ntitle: 壊れた\n---\n",
    );
    site.build()
        .expect_code(1)
        .expect_stderr_contains("nothing was written");
    assert_eq!(
        std::fs::read(site.root.join("public/cases/slope-benches/index.html")).unwrap(),
        before
    );
}

#[test]
fn a_theme_that_extends_default_overrides_only_what_it_names() {
    let site = SiteTest::fixture("render/basic")
        .file("themes/city/theme.yaml", "extends: default\n")
        .file(
            "themes/city/templates/404.html",
            "{% extends \"base.html\" %}{% block content %}<h1>市のページが見つかりません</h1>{% endblock content %}",
        );
    let config = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    site.change_file("casebook.yaml", format!("{config}theme: city\n"));
    let run = site.build();
    run.expect_success();
    assert!(
        run.output("404.html")
            .contains("市のページが見つかりません")
    );
    assert!(
        run.main_html("cases/nakamura-hub/index.html")
            .contains("500万円")
    );
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let site = SiteTest::fixture("render/basic")
        .file("themes/city/theme.yaml", "extends: default\n")
        .file("themes/city/templates/404.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | no_such_filter }}\n{% endblock content %}\n");
    let config = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    site.change_file("casebook.yaml", format!("{config}theme: city\n"));
    site.build()
        .expect_code(1)
        .expect_stderr_contains("themes/city/templates/404.html:3:");
}

#[test]
fn raw_html_is_escaped_when_configured() {
    let site = SiteTest::fixture("render/basic");
    let config = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    site.change_file(
        "casebook.yaml",
        format!("{config}markdown:\n  raw_html: escape\n"),
    );
    let run = site.build();
    run.expect_success();
    assert!(
        run.main_html("cases/nakamura-hub/index.html")
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

#[test]
fn drafts_are_built_only_when_asked() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/draft-case.md",
        "---\ntitle: 下書き\nsummary: s\ndistrict: 南区\npublished: 2021-01-01\nstatus: planned\ndraft: true\n---\n",
    );
    site.build().expect_success();
    assert!(
        !site
            .root
            .join("public/cases/draft-case/index.html")
            .exists()
    );
    site.run(&["build", "--drafts"]).expect_success();
    assert!(
        site.root
            .join("public/cases/draft-case/index.html")
            .exists()
    );
}

#[test]
fn base_url_flag_moves_every_link() {
    let site = SiteTest::fixture("render/basic");
    let run = site.run(&["build", "--base-url", "http://127.0.0.1:8080/preview/"]);
    run.expect_success();
    assert!(
        run.output("cases/index.html")
            .contains("href=\"/preview/cases/nakamura-hub/\"")
    );
}

#[test]
fn term_pages_are_paginated_like_the_case_list() {
    // cases_per_page is 2 in the fixture; 南区 has two cases, 多世代交流 two, the scheme two.
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/third-hub.md",
        "---\ntitle: 三つ目の拠点\nsummary: s\ndistrict: 南区\npublished: 2015-01-01\nstatus: planned\nthemes: [多世代交流]\nfunding:\n  - scheme: ヨコハマ市民まち普請事業\n---\n",
    );
    let run = site.build();
    run.expect_success();
    for (first, second, on_second) in [
        (
            "districts/minami/index.html",
            "districts/minami/page/2/index.html",
            "三つ目の拠点",
        ),
        (
            "themes/多世代交流/index.html",
            "themes/多世代交流/page/2/index.html",
            "三つ目の拠点",
        ),
        (
            "funding/machi-fushin/index.html",
            "funding/machi-fushin/page/2/index.html",
            "三つ目の拠点",
        ),
    ] {
        let page_one = run.main_html(first);
        assert!(
            !page_one.contains(on_second),
            "{first} should hold only the newest two"
        );
        assert!(
            page_one.contains("rel=\"next\""),
            "{first} links its next page"
        );
        assert!(run.main_html(second).contains(on_second), "{second}");
    }
    // Counts are of the whole term, not of the page.
    assert!(
        run.main_html("districts/minami/index.html").contains(">3"),
        "ward count"
    );
}

#[test]
fn a_scheme_with_no_stated_amounts_does_not_claim_zero_yen() {
    let site = SiteTest::fixture("render/basic")
        .file("content/funding/kotsu.md", "---\nname: 地域交通サポート事業\n---\n")
        .file(
            "content/cases/bus.md",
            "---\ntitle: バス\nsummary: s\ndistrict: 旭区\npublished: 2020-01-01\nstatus: planned\nfunding:\n  - scheme: 地域交通サポート事業\n---\n",
        );
    let run = site.build();
    run.expect_success();
    let main = run.main_html("funding/kotsu/index.html");
    assert!(!main.contains("0円"), "{main}");
}

#[test]
fn related_cases_rank_shared_themes_above_a_shared_ward() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let main = run.main_html("cases/nakamura-hub/index.html");
    let related = &main[main.find("関連する事例").expect("a related-cases section")..];
    // slope-benches shares a theme (2) and the scheme (1); old-case only the ward (1).
    let slope = related
        .find("急坂にベンチを置く")
        .expect("slope-benches is related");
    let old = related.find("古い事例").expect("old-case is related");
    assert!(slope < old, "the case sharing a theme ranks first");
}

/// A page may not take a path the site writes itself.
#[test]
fn a_page_slug_the_site_uses_itself_is_refused() {
    for slug in ["cases", "search", "stats", "opendata", "static", "en"] {
        let site = SiteTest::fixture("render/basic").file(
            "content/pages/taken.md",
            format!("---\ntitle: 重なる\nslug: {slug}\n---\n本文。\n"),
        );
        site.check().expect_code(1).expect_stderr_contains(&format!(
            "content/pages/taken.md:1:1: error: the page slug `{slug}` is used by the site itself"
        ));
    }
}

/// The links of nested lists as a tree: for each `<li>`, its first link's
/// href and the items of the lists inside it, in order.
#[derive(Debug, PartialEq)]
struct Item {
    href: String,
    items: Vec<Item>,
}

fn list_tree(html: &str) -> Vec<Item> {
    // The open items, innermost last; the root collects the outermost ones.
    let mut open: Vec<Item> = vec![Item {
        href: String::new(),
        items: Vec::new(),
    }];
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        match name.as_str() {
            "li" => open.push(Item {
                href: String::new(),
                items: Vec::new(),
            }),
            "/li" => {
                let item = open.pop().expect("a </li> closes an open <li>");
                open.last_mut().expect("the root stays").items.push(item);
            }
            "a" => {
                let tag = &rest[..rest.find('>').unwrap()];
                let href = tag
                    .split("href=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                let item = open.last_mut().unwrap();
                if item.href.is_empty() {
                    item.href = href.to_string();
                }
            }
            _ => {}
        }
    }
    assert_eq!(open.len(), 1, "every <li> is closed");
    open.pop().unwrap().items
}

/// The district index nests each area's item inside its ward's item, and a
/// ward without areas has no list of them.
#[test]
fn the_district_tree_nests_areas_under_wards() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let main = run.main_html("districts/index.html");
    let tree = &main[main.find("<ul class=\"district-tree\">").expect("the tree")..];
    let leaf = |href: &str| Item {
        href: format!("{BASE}districts/{href}"),
        items: Vec::new(),
    };
    assert_eq!(
        list_tree(tree),
        vec![
            Item {
                items: vec![leaf("minami/%E4%B8%AD%E6%9D%91%E5%9C%B0%E5%8C%BA/")],
                ..leaf("minami/")
            },
            leaf("asahi/"),
        ],
        "{main}"
    );
}

/// Every page the build writes is one job's output, and no two jobs write
/// the same file: the job list is the site's list of pages.
#[test]
fn the_jobs_are_exactly_the_pages_written() {
    use casebook::diagnostics::Diagnostics;
    use casebook::render::{Job, Pages};
    use std::collections::BTreeSet;
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let mut diagnostics = Diagnostics::new();
    let config = casebook::config::load(&run.root, &mut diagnostics).unwrap();
    let options = casebook::content::LoadOptions::default();
    let content =
        casebook::content::load(&run.root, &config.language, options, None, &mut diagnostics);
    let site = casebook::model::build(config, content, &mut diagnostics);
    let jobs = Job::all(&site, Pages::All);
    let outputs: Vec<String> = jobs.iter().map(|job| job.output(&site)).collect();
    let unique: BTreeSet<&String> = outputs.iter().collect();
    assert_eq!(unique.len(), outputs.len(), "two jobs write one file");
    let pages: BTreeSet<String> = walk(&run.root.join("public"))
        .into_iter()
        .filter(|path| path.ends_with(".html"))
        .collect();
    let outputs: BTreeSet<String> = outputs.into_iter().collect();
    assert_eq!(pages, outputs);
    let expected = [
        "404.html",
        "about/index.html",
        "cases/index.html",
        "cases/nakamura-hub/index.html",
        "cases/old-case/index.html",
        "cases/page/2/index.html",
        "cases/slope-benches/index.html",
        "districts/asahi/index.html",
        "districts/index.html",
        "districts/minami/index.html",
        "districts/minami/中村地区/index.html",
        "funding/index.html",
        "funding/machi-fushin/index.html",
        "index.html",
        "opendata/index.html",
        "search/index.html",
        "stats/index.html",
        "themes/index.html",
        "themes/多世代交流/index.html",
        "themes/空き家活用/index.html",
    ];
    assert_eq!(outputs, expected.map(String::from).into_iter().collect());
    // A listing past its first page is a job of its own.
    assert!(
        jobs.iter()
            .any(|job| matches!(job, Job::CaseList(l) if l.number == 2))
    );
}
