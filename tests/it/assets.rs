//! Static files: CSS and JS linked under content-hashed names through the
//! `asset` filter, so a server can cache them for a year.

use crate::harness::SiteTest;

/// The href of the first `<link rel="stylesheet">` whose href contains `part`.
fn stylesheet(html: &str, part: &str) -> String {
    html.split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .find(|href| href.contains(part))
        .unwrap_or_else(|| panic!("no stylesheet with {part}"))
        .to_string()
}

#[test]
fn stylesheets_are_linked_by_content_hashed_names_that_exist() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let html = run.output("cases/nakamura-hub/index.html");
    let css = stylesheet(&html, "casebook");
    let name = css
        .strip_prefix("/machizukuri/jirei/static/css/casebook.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("unexpected href {css}"));
    assert!(
        name.len() == 8 && name.chars().all(|c| c.is_ascii_hexdigit()),
        "{css}"
    );
    // The linked file is the theme's stylesheet without its comments and
    // indentation; the file under its own name stays as written.
    let hashed = run.output(css.trim_start_matches("/machizukuri/jirei/"));
    let plain = run.output("static/css/casebook.css");
    assert!(plain.contains("/* Ward map"), "the theme's comments");
    assert!(!hashed.contains("/*"), "{hashed}");
    assert!(
        hashed.len() * 5 < plain.len() * 4,
        "{} of {}",
        hashed.len(),
        plain.len()
    );
    for line in hashed.lines() {
        assert!(line == line.trim() && !line.is_empty(), "{line:?}");
        assert!(plain.contains(line), "{line:?} is not the theme's");
    }
}

#[test]
fn only_pages_with_highlighted_code_link_the_highlighting_stylesheet() {
    let run = SiteTest::fixture("render/basic")
        .file(
            "content/pages/code.md",
            "---\ntitle: コード\n---\n```rust\nfn main() {}\n```\n",
        )
        .build();
    run.expect_success();
    let highlight = stylesheet(&run.output("code/index.html"), "highlight");
    assert!(run.output_exists(highlight.trim_start_matches("/machizukuri/jirei/")));
    for page in [
        "index.html",
        "cases/nakamura-hub/index.html",
        "about/index.html",
    ] {
        assert!(
            !run.output(page).contains("highlight."),
            "{page} links highlight.css"
        );
    }
}

#[test]
fn a_changed_stylesheet_gets_a_new_name() {
    let site = SiteTest::fixture("render/basic");
    let before = stylesheet(&site.build().output("index.html"), "casebook");
    site.change_file(
        "themes/default/static/css/casebook.css",
        "body { color: black; }\n",
    );
    let after = stylesheet(&site.build().output("index.html"), "casebook");
    assert_ne!(before, after);
}

#[test]
fn the_asset_filter_links_a_child_theme_file_and_names_a_missing_one() {
    let site = SiteTest::fixture("render/basic")
        .file("themes/city/theme.yaml", "extends: default\n")
        .file(
            "themes/city/static/css/city.css",
            ":root { --color-brand: #00664f; }\n",
        )
        .file(
            "themes/city/templates/partials/head_extra.html",
            "<link rel=\"stylesheet\" href=\"{{ \"css/city.css\" | asset }}\">\n",
        );
    let config = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    site.change_file("casebook.yaml", format!("{config}theme: city\n"));
    let run = site.build();
    run.expect_success();
    let city = stylesheet(&run.output("index.html"), "city");
    assert!(
        city.starts_with("/machizukuri/jirei/static/css/city."),
        "{city}"
    );
    assert!(run.output_exists(city.trim_start_matches("/machizukuri/jirei/")));

    site.change_file(
        "themes/city/templates/partials/head_extra.html",
        "<link rel=\"stylesheet\" href=\"{{ \"css/ctiy.css\" | asset }}\">\n",
    );
    site.build()
        .expect_code(1)
        .expect_stderr_contains("themes/city/templates/partials/head_extra.html:1:")
        .expect_stderr_contains("no file `css/ctiy.css` in the theme's static/ folder");
}
