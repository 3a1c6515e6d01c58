//! The ward map: drawn at build time from `content/districts/wards.geojson`,
//! with accessible names; no file, no map and no error.

use crate::harness::SiteTest;

const FIXTURE: &str = "map/basic";
const GEOJSON: &str = "content/districts/wards.geojson";

fn map_of(html: &str) -> Option<&str> {
    let start = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ward-map\"")?;
    Some(&html[start..start + html[start..].find("</svg>").unwrap()])
}

#[test]
fn the_home_page_maps_every_ward_and_located_case() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success().expect_stderr_contains("built ");
    let main = run.main_html("index.html");
    let map = map_of(&main).expect("a map on the home page");
    assert!(map.contains("<title id=\"ward-map-title\">区の地図と事例の位置</title>"));
    // Two of the three cases have a location.
    assert!(map.contains("事例3件のうち、位置のわかる2件を点で示しています。"));
    // Each ward is a link to its page, named by its label.
    for (href, name) in [
        ("/jirei/districts/minami/", "南区"),
        ("/jirei/districts/kita/", "北区"),
    ] {
        let link = format!(
            "<a href=\"{href}\" class=\"ward-map__link\"><path class=\"ward-map__ward\" d=\"M"
        );
        assert!(map.contains(&link), "{href}\n{map}");
        assert!(map.contains(&format!("text-anchor=\"middle\">{name}</text></a>")));
    }
    // A MultiPolygon ward draws each of its polygons.
    assert_eq!(map.matches('Z').count(), 3);
    // Each located case is a point that links to it, named by its title.
    assert_eq!(map.matches("<circle").count(), 2);
    assert!(map.contains(
        "<a href=\"/jirei/cases/hiroba/\" class=\"ward-map__case\" aria-label=\"南の広場\">"
    ));
    assert!(!map.contains("style="));
}

#[test]
fn a_ward_page_maps_its_own_ward_and_cases() {
    let run = SiteTest::fixture(FIXTURE).build();
    run.expect_success();
    let main = run.main_html("districts/minami/index.html");
    let map = map_of(&main).expect("a map on the ward page");
    assert_eq!(map.matches("class=\"ward-map__ward\"").count(), 1);
    assert!(map.contains("事例2件のうち、位置のわかる1件"));
    assert!(map.contains("aria-label=\"南の広場\""));
    assert!(!map.contains("北のバス"));
}

#[test]
fn without_the_file_there_is_no_map_and_no_error() {
    let site = SiteTest::fixture(FIXTURE);
    std::fs::remove_file(site.root.join(GEOJSON)).unwrap();
    let run = site.build();
    run.expect_success();
    assert!(
        run.stderr.starts_with("built ") && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
    assert!(map_of(&run.main_html("index.html")).is_none());
    assert!(
        !run.main_html("districts/minami/index.html")
            .contains("ward-map")
    );
}

#[test]
fn a_file_that_is_not_ward_geojson_is_an_error_naming_it() {
    let site = SiteTest::fixture(FIXTURE).file(
        GEOJSON,
        r#"{"type": "FeatureCollection", "features": [{"properties": {}, "geometry": null}]}"#,
    );
    site.build().expect_code(1).expect_stderr_contains(
        "content/districts/wards.geojson: error: the ward map is not usable: feature 0 has no `name` property\n  hint: give a GeoJSON FeatureCollection",
    );
    // Read once per build, however many passes render the pages: counted
    // before printing, which would hide a problem reported twice.
    let found = casebook::check(&casebook::BuildOptions {
        root: site.root.clone(),
        ..Default::default()
    });
    let about_the_map = found.iter().filter(|d| d.file == GEOJSON);
    assert_eq!(about_the_map.count(), 1, "{found:?}");
}
