//! No script injection (SPEC §9, issue 7): under the default `raw_html:
//! sanitize`, no front matter field or body can put a `<script>`, an event
//! handler or a `javascript:` URL into any output file: pages, feed, sitemap,
//! JSON-LD, open data, search index. Every string field of SPEC §5.2 carries
//! `<script>`, `"`, `'`, `</script>` and `{{ }}`.
//!
//! HTML and XML must hold the payload only as escaped text. JSON and CSV are
//! data: they must hold it verbatim (open data is faithful to the source), and
//! must still parse as one well-formed value or record per case.

use crate::fuzz_corpus::targets as detector;
use crate::harness::walk;
use crate::harness::{Run, SiteTest, tiny_jpeg};
use crate::hostile::expect_built;

/// Everything at once. `{{ 1234 * 5 }}` would print 6170 if any stage ran
/// content through the template engine.
const PAYLOAD: &str =
    r#"<script>alert(1)</script>"'</script>{{ 1234 * 5 }}<img src=x onerror=alert(1)>"#;
/// Terms (wards, areas, themes, schemes) and file names cannot hold `/`.
const TERM_PAYLOAD: &str =
    r#"<script>alert(1)<script>"'{{ 1234 * 5 }}<img src=x onerror=alert(1)>"#;

fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A case with every string field of SPEC §5.2 hostile, a scheme, a district
/// and a theme description with hostile fields, and a hostile body.
fn hostile_site(raw_html: Option<&str>) -> SiteTest {
    let p = yaml(PAYLOAD);
    let t = yaml(TERM_PAYLOAD);
    // A support type is a key of casebook.yaml, so the key and label are set there.
    let mut config = format!(
        "title: 耐性テスト\nbase_url: https://www.city.example.jp/jirei/\nsupport_types:\n  {t}: {p}\n"
    );
    if let Some(mode) = raw_html {
        config.push_str(&format!("markdown:\n  raw_html: {mode}\n"));
    }
    let image = format!("{TERM_PAYLOAD}.jpg");
    let case = format!(
        "---
title: {p}
summary: {p}
district: {ward_area}
published: 2020-01-01
updated: 2020-02-01
status: completed
themes: [{t}, 防災]
funding:
  - {{ scheme: {t}, amount: 100, fiscal_year: 2020 }}
support_type: {t}
partners: [{p}, {t}]
period: {{ start: 2019-04-01, end: 2020-03-31 }}
outcomes:
  - {{ label: {p}, value: 1, unit: {p}, note: {p} }}
images:
  - {{ src: {src}, alt: {p}, caption: {p} }}
location: {{ lat: 35.4, lon: 139.6 }}
---
{BODY}
",
        ward_area = yaml(&format!("{TERM_PAYLOAD}/{TERM_PAYLOAD}2")),
        src = yaml(&image),
    );
    SiteTest::fixture("hostile/site")
        .file("casebook.yaml", config)
        .file("content/cases/evil/index.md", case)
        .file(&format!("content/cases/evil/{image}"), tiny_jpeg())
        .file(
            "content/pages/about.md",
            format!("---\ntitle: {p}\nsummary: {p}\n---\n{BODY}\n"),
        )
        .file(
            "content/themes/bousai.md",
            format!("---\nname: 防災\nsummary: {p}\n---\n{BODY}\n"),
        )
        .file(
            "content/_index.md",
            format!("---\ntitle: {p}\ndescription: {p}\n---\n{BODY}\n"),
        )
}

/// Raw HTML and links that try every way to run script.
const BODY: &str = r#"## 見出し {onclick=alert(1)}

<script>alert(1)</script>
<img src=x onerror=alert(1)>
<svg onload=alert(1)><a xlink:href="javascript:alert(1)">s</a></svg>
<iframe src="javascript:alert(1)"></iframe>
<a href="javascript:alert(1)">a</a> <a href=" JaVaScRiPt:alert(1)">b</a>
<a href="jav&#x09;ascript:alert(1)">c</a>
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">d</button></form>
<style>body{}</style><object data="x"></object><embed src="x">
<math><mi xlink:href="javascript:alert(1)">m</mi></math>
<details ontoggle=alert(1) open>x</details>

[link](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>)
![img](javascript:alert(1)) <javascript:alert(1)>

```"><script>alert(1)</script>
code
```

{{ 1234 * 5 }}
"#;

/// The first script found in HTML. The theme's own script files (loaded by
/// `src` from its static folder, with no inline code) and JSON-LD that cannot
/// close its element are allowed.
fn script_in_page(html: &str) -> Option<String> {
    let mut rest = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(found) = html[at..].find("<script") {
        let start = at + found;
        rest.push_str(&html[at..start]);
        let open_end = start + html[start..].find('>')? + 1;
        let close = open_end + html[open_end..].find("</script>")?;
        let open = &html[start..open_end];
        let inner = &html[open_end..close];
        if open.contains(" src=\"/jirei/static/") && inner.is_empty() {
            // The theme's own script file.
        } else if open == "<script type=\"application/ld+json\">" {
            if inner.contains('<') {
                return Some(format!("`<` inside JSON-LD: {inner}"));
            }
            if let Err(e) = serde_json::from_str::<serde_json::Value>(inner) {
                return Some(format!("JSON-LD does not parse ({e}): {inner}"));
            }
        } else {
            return Some(format!("script element {open}"));
        }
        at = close + "</script>".len();
    }
    rest.push_str(&html[at..]);
    detector::script_in_html(&rest)
}

/// Tags a feed or sitemap may hold.
const XML_TAGS: &[&str] = &[
    "?xml",
    "feed",
    "title",
    "subtitle",
    "link",
    "id",
    "updated",
    "entry",
    "published",
    "author",
    "name",
    "summary",
    "category",
    "content",
    "urlset",
    "url",
    "loc",
    "lastmod",
];

fn check_every_output(run: &Run) -> usize {
    let public = run.root.join("public");
    let files = walk(&public);
    let mut checked = 0;
    for file in &files {
        let bytes = std::fs::read(public.join(file)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("6170"),
            "{file}: content ran through the template engine"
        );
        let extension = file.rsplit('.').next().unwrap_or_default();
        match extension {
            "html" => {
                if let Some(problem) = script_in_page(&text) {
                    panic!("{file}: {problem}");
                }
            }
            "xml" => {
                for (i, _) in text.match_indices('<') {
                    let name: String = text[i + 1..]
                        .chars()
                        .skip_while(|c| *c == '/')
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '?')
                        .collect();
                    assert!(XML_TAGS.contains(&name.as_str()), "{file}: tag <{name}>");
                }
            }
            "json" => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
            }
            "csv" => {
                let header_cells = text.lines().next().unwrap().split(',').count();
                for line in text.lines().skip(1) {
                    assert!(cells(line) == header_cells, "{file}: {line}");
                }
            }
            _ => {
                // Copied files (css, js, images) come from the theme or the
                // case folder, never from a field.
                assert!(
                    !text.contains("alert(1)") || file.ends_with(".jpg"),
                    "{file}"
                );
            }
        }
        checked += 1;
    }
    checked
}

/// The cells of one CSV record, honouring quotes.
fn cells(line: &str) -> usize {
    let mut count = 1;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => count += 1,
            _ => {}
        }
    }
    assert!(!quoted, "unterminated quote: {line}");
    count
}

#[test]
fn no_field_or_body_puts_script_into_any_output() {
    let run = hostile_site(None).build();
    expect_built(&run);
    let checked = check_every_output(&run);
    assert!(checked > 20, "only {checked} files");

    // The payload is shown, escaped, where each field appears.
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&lt;/script&gt;{{ 1234 * 5 }}&lt;img src=x onerror=alert(1)&gt;";
    let case = run.output("cases/evil/index.html");
    assert!(
        count(&case, escaped) >= 6,
        "title, summary, partner, outcome ×3, alt, caption: {case}"
    );
    // Open data holds the text verbatim, as data.
    let json: serde_json::Value = serde_json::from_str(&run.output("cases.json")).unwrap();
    let evil = &json["cases"][0];
    assert_eq!(evil["title"], PAYLOAD);
    assert_eq!(evil["summary"], PAYLOAD);
    assert_eq!(evil["district"]["ward"], TERM_PAYLOAD);
    assert_eq!(evil["themes"][0], TERM_PAYLOAD);
    assert_eq!(evil["funding"][0]["scheme"], TERM_PAYLOAD);
    assert_eq!(evil["support_type"], TERM_PAYLOAD);
    assert_eq!(evil["partners"][0], PAYLOAD);
    assert_eq!(evil["outcomes"][0]["note"], PAYLOAD);
    let csv = run.output("cases.csv");
    let quoted = format!("\"{}\"", PAYLOAD.replace('"', "\"\""));
    assert!(csv.contains(&quoted), "{csv}");
    let feed = run.output("feed.xml");
    assert!(
        feed.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"),
        "{feed}"
    );
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The search index under public/search/ holds field text as JSON data only
/// (its `.bin` files are gzip; the display and text stores inside are JSON).
#[test]
fn search_index_holds_fields_as_data() {
    use std::io::Read as _;
    let run = hostile_site(None).build();
    run.expect_success();
    let search = run.root.join("public/search");
    for file in walk(&search) {
        let bytes = std::fs::read(search.join(&file)).unwrap();
        let (file, text) = match file.strip_suffix(".bin") {
            Some(stem) => {
                let mut inflated = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut inflated)
                    .unwrap_or_else(|e| panic!("search/{file}: {e}"));
                if !(stem.starts_with("d/") || stem.starts_with("t/") || stem == "manifest") {
                    continue;
                }
                (format!("{stem}.json"), String::from_utf8(inflated).unwrap())
            }
            None => (file.clone(), String::from_utf8(bytes).unwrap()),
        };
        if file.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("search/{file}: {e}"));
        } else if file.ends_with(".html") {
            assert_eq!(script_in_page(&text), None, "search/{file}");
        }
    }
}

/// With `raw_html: escape`, raw HTML in a body is shown as text.
#[test]
fn escape_mode_shows_raw_html_as_text() {
    let run = hostile_site(Some("escape")).build();
    expect_built(&run);
    check_every_output(&run);
    let main = run.main_html("cases/evil/index.html");
    for shown in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;iframe src=\"javascript:alert(1)\"&gt;&lt;/iframe&gt;",
    ] {
        assert!(main.contains(shown), "{shown} not shown in {main}");
    }
}

/// Fields that are not free text refuse a payload instead of escaping it.
#[test]
fn structured_fields_refuse_a_payload() {
    let p = yaml(PAYLOAD);
    let run = SiteTest::fixture("hostile/site")
        .file(
            "content/cases/evil.md",
            format!(
                "---\ntitle: t\nsummary: s\ndistrict: 南区\npublished: {p}\nstatus: {p}\nslug: {p}\nperiod: {{ start: {p} }}\noutcomes:\n  - {{ label: l, value: {p} }}\nlocation: {{ lat: {p}, lon: 1 }}\nimages:\n  - {{ src: {p}, alt: a }}\n---\n"
            ),
        )
        .check();
    run.expect_code(1);
    for field in [
        "published",
        "status",
        "period.start",
        "outcomes[0].value",
        "location.lat",
    ] {
        run.expect_stderr_contains(&format!("`{field}`"));
    }
    run.expect_stderr_contains("image `<script>alert(1)</script>");
    run.expect_stderr_contains("must be a file name beside the case");
}

/// Regression (issue 7): a funding scheme's `url` became a link as written, so
/// `url: javascript:alert(1)` put script on the scheme's page.
#[test]
fn issue_7_scheme_url_must_be_http() {
    let site = SiteTest::fixture("hostile/site").file(
        "content/funding/evil.md",
        "---\nname: 制度\nurl: \" javascript:alert(1)\"\n---\n",
    );
    site.check().expect_code(1).expect_stderr(
        "content/funding/evil.md:3:1: error: `url` must be a web address starting with https:// or http://, found \"javascript:alert(1)\"
  |
3 | url: \" javascript:alert(1)\"
  | ^
  hint: write the full address of the page that explains how to apply, e.g. `url: https://www.city.example.jp/machi-fushin/`
1 error found; nothing was written
",
    );
}
