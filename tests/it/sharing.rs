//! Case pages shared or read by machines: Open Graph tags and schema.org
//! JSON-LD that says what the page says, and cannot be broken out of.

use crate::harness::SiteTest;

/// The JSON of the page's `<script type="application/ld+json">` block.
fn json_ld(html: &str) -> serde_json::Value {
    let open = r#"<script type="application/ld+json">"#;
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    assert_eq!(
        html.matches(open).count(),
        1,
        "one JSON-LD block per case page"
    );
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[test]
fn a_case_page_describes_itself_as_a_schema_org_article() {
    let run = SiteTest::fixture("render/basic").build();
    run.expect_success();
    let html = run.output("cases/nakamura-hub/index.html");
    let ld = json_ld(&html);
    let url = "https://www.city.example.jp/machizukuri/jirei/cases/nakamura-hub/";
    let site = "https://www.city.example.jp/machizukuri/jirei/";
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Article");
    assert_eq!(ld["headline"], "空き家を活用した多世代交流拠点");
    assert_eq!(ld["url"], url);
    assert_eq!(ld["inLanguage"], "ja");
    assert_eq!(ld["datePublished"], "2019-05-01");
    assert_eq!(ld["image"][0], format!("{url}exterior.jpg"));
    // The district: the area, inside its ward, where the case happened.
    let place = &ld["contentLocation"];
    assert_eq!(place["@type"], "Place");
    assert_eq!(place["name"], "南区 中村地区");
    assert_eq!(
        place["url"],
        format!("{site}districts/minami/%E4%B8%AD%E6%9D%91%E5%9C%B0%E5%8C%BA/")
    );
    assert_eq!(place["containedInPlace"]["name"], "南区");
    // Each funding scheme is a funder; each grant states its amount in yen.
    assert_eq!(ld["funder"][0]["name"], "ヨコハマ市民まち普請事業");
    assert_eq!(
        ld["funder"][0]["url"],
        format!("{site}funding/machi-fushin/")
    );
    assert_eq!(ld["funding"][0]["@type"], "MonetaryGrant");
    assert_eq!(ld["funding"][0]["amount"]["value"], 5_000_000);
    assert_eq!(ld["funding"][0]["amount"]["currency"], "JPY");
    assert_eq!(ld["contributor"][0]["name"], "中村地域ケアプラザ");

    for tag in [
        r#"<meta property="og:type" content="article">"#,
        r#"<meta property="og:title" content="空き家を活用した多世代交流拠点">"#,
        r#"<meta property="og:locale" content="ja_JP">"#,
        r#"<meta property="og:site_name" content="テスト事例集">"#,
        &format!(r#"<meta property="og:url" content="{url}">"#),
        &format!(r#"<meta property="og:image" content="{url}exterior.jpg">"#),
        r#"<meta property="og:image:alt" content="改修後の拠点の外観">"#,
        r#"<meta name="twitter:card" content="summary_large_image">"#,
    ] {
        assert!(html.contains(tag), "case page lacks {tag}");
    }
    // Other pages are websites, without an article's data.
    let home = run.output("index.html");
    assert!(home.contains(r#"<meta property="og:type" content="website">"#));
    assert!(!home.contains("application/ld+json"));
}

#[test]
fn text_in_json_ld_cannot_close_its_script_block() {
    let hostile = "</script><script>alert(1)</script><!-- &";
    let run = SiteTest::fixture("render/basic")
        .file(
            "content/cases/hostile.md",
            format!(
                "---\ntitle: \"{hostile}\"\nsummary: \"</SCRIPT>要約\"\ndistrict: 旭区\npublished: 2021-01-01\nstatus: planned\npartners: [\"</script>団体\"]\n---\n本文\n"
            ),
        )
        .build();
    run.expect_success();
    let html = run.output("cases/hostile/index.html");
    let head = &html[..html.find("</head>").unwrap()];
    // Only the JSON-LD block's own tags: nothing from the content opened or
    // closed a script.
    assert_eq!(head.matches("<script").count(), 1, "{head}");
    assert_eq!(
        head.to_ascii_lowercase().matches("</script").count(),
        1,
        "{head}"
    );
    assert!(!head.contains("<!--"));
    // And the data still says exactly what the content says.
    let ld = json_ld(&html);
    assert_eq!(ld["headline"], hostile);
    assert_eq!(ld["description"], "</SCRIPT>要約");
    assert_eq!(ld["contributor"][0]["name"], "</script>団体");
}
