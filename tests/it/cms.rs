//! The web form (SPEC §10, issue 19): Decap CMS's `config.yml`, made from the
//! checker's own field table and the site's declared words, published at
//! /admin/ only when casebook.yaml sets `cms:`. The browser test
//! (tests/browser/cms.spec.mjs) saves a case through it.

use crate::harness::SiteTest;
use casebook::content::fields::{self, Field, Kind};
use serde_json::Value;

fn built() -> crate::harness::Run {
    let site = SiteTest::fixture("cms/site");
    let run = site.build();
    run.expect_success();
    run
}

fn config(run: &crate::harness::Run) -> Value {
    let text = std::fs::read_to_string(run.root.join("public/admin/config.yml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn collection<'a>(config: &'a Value, name: &str) -> &'a Value {
    config["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no collection {name}"))
}

fn form_field<'a>(fields: &'a Value, name: &str) -> &'a Value {
    fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no form field {name} in {fields}"))
}

/// Every field of `table` is in the form with its label, hint and required
/// flag (required parts of an optional record are left to `check`), and
/// nested fields likewise.
fn assert_from_table(fields: &Value, table: &[Field], enforce: bool, named: bool) {
    for field in table {
        let form = form_field(fields, field.name);
        assert_eq!(form["label"], field.label, "{}", field.name);
        let required = if field.name == "slug" && named {
            // The slug names the new file, so the form asks for it.
            true
        } else {
            field.required && enforce
        };
        assert_eq!(form["required"], required, "{}", field.name);
        if !field.description.is_empty() && field.name != "slug" {
            assert_eq!(form["hint"], field.description, "{}", field.name);
        }
        if let Some(children) = field.children() {
            let enforce = matches!(field.kind, Kind::List { .. }) || field.required;
            assert_from_table(&form["fields"], children, enforce, false);
        }
    }
}

#[test]
fn every_front_matter_field_is_in_the_form_with_its_label_and_required_flag() {
    let run = built();
    let config = config(&run);
    assert_eq!(config["locale"], "ja");
    for (name, table) in [
        ("cases", fields::CASE),
        ("funding", fields::FUNDING),
        ("districts", fields::TERM),
        ("themes", fields::TERM),
        ("pages", fields::PAGE),
    ] {
        let collection = collection(&config, name);
        assert_eq!(collection["folder"], format!("content/{name}"));
        assert_eq!(collection["format"], "frontmatter");
        assert_eq!(collection["extension"], "md");
        let fields = &collection["fields"];
        assert_from_table(fields, table, true, true);
        // Nothing but the table's fields and the body.
        assert_eq!(fields.as_array().unwrap().len(), table.len() + 1, "{name}");
        assert_eq!(form_field(fields, "body")["widget"], "markdown");
    }
}

#[test]
fn widgets_follow_each_fields_kind() {
    let config = config(&built());
    let cases = &collection(&config, "cases")["fields"];
    let published = form_field(cases, "published");
    assert_eq!(published["widget"], "datetime");
    assert_eq!(published["format"], "YYYY-MM-DD");
    assert_eq!(published["time_format"], false);
    assert_eq!(form_field(cases, "status")["widget"], "select");
    assert_eq!(form_field(cases, "illustrative")["widget"], "boolean");
    assert_eq!(form_field(cases, "period")["widget"], "object");
    assert_eq!(form_field(cases, "location")["widget"], "object");
    let funding = form_field(cases, "funding");
    assert_eq!(funding["widget"], "list");
    let amount = form_field(&funding["fields"], "amount");
    assert_eq!(
        (&amount["widget"], &amount["value_type"]),
        (&"number".into(), &"int".into())
    );
    let year = form_field(&funding["fields"], "fiscal_year");
    assert_eq!(year["value_type"], "int");
    assert_eq!((&year["min"], &year["max"]), (&1989.into(), &2100.into()));
    let images = &form_field(cases, "images")["fields"];
    assert_eq!(form_field(images, "src")["widget"], "image");
    // An image needs its alt text.
    assert_eq!(form_field(images, "alt")["required"], true);
    let slug = form_field(cases, "slug");
    assert_eq!(slug["pattern"][0], "^[a-z0-9][a-z0-9-]*$");
    let statuses: Vec<&Value> = form_field(cases, "status")["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["value"])
        .collect();
    assert_eq!(statuses, ["planned", "in-progress", "completed"]);
}

#[test]
fn schemes_districts_and_support_types_are_the_sites_own() {
    let config = config(&built());
    let cases = &collection(&config, "cases")["fields"];
    let funding = &form_field(cases, "funding")["fields"];
    let scheme = form_field(funding, "scheme");
    assert_eq!(scheme["widget"], "select");
    let mut schemes: Vec<&str> = scheme["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    schemes.sort_unstable();
    // The names in content/funding/.
    assert_eq!(schemes, ["地域協働推進事業", "市民まち普請事業"]);
    let district = form_field(cases, "district");
    assert_eq!(district["widget"], "select");
    let mut districts: Vec<&str> = district["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    districts.sort_unstable();
    // The declared wards, and the area a case names.
    assert_eq!(districts, ["北区", "南区", "南区/中村地区"]);
    let support: Vec<(&str, &str)> = form_field(cases, "support_type")["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["value"].as_str().unwrap(), o["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        support,
        [("A", "A: 自主解決型"), ("B1", "B1: 後押しアプローチ型")]
    );
}

#[test]
fn cases_are_folders_with_their_images_beside_them() {
    let config = config(&built());
    let cases = collection(&config, "cases");
    assert_eq!(cases["path"], "{{slug}}/index");
    assert_eq!(cases["slug"], "{{fields.slug}}");
    assert_eq!(cases["media_folder"], "");
    assert_eq!(cases["public_folder"], "");
    assert_eq!(config["omit_empty_optional_fields"], true);
}

#[test]
fn the_local_backend_and_the_admin_page() {
    let run = built();
    let config = config(&run);
    assert_eq!(config["backend"]["name"], "git-gateway");
    assert_eq!(
        config["local_backend"]["url"],
        "http://localhost:8081/api/v1"
    );
    let html = std::fs::read_to_string(run.root.join("public/admin/index.html")).unwrap();
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self' blob: http://localhost:8081 http://127.0.0.1:8081;"
    ), "{html}");
    assert!(html.contains("<script src=\"decap-cms.js\"></script>"));
    // The preview is styled by the theme's stylesheet, under its hashed name.
    let script = std::fs::read_to_string(run.root.join("public/admin/admin.js")).unwrap();
    let href = script
        .split('"')
        .nth(1)
        .expect("a stylesheet href in admin.js");
    assert!(href.starts_with("/jirei/static/css/casebook."), "{script}");
    let css = run.root.join("public").join(&href["/jirei/".len()..]);
    assert!(css.is_file(), "{}", css.display());
    // Decap itself, the pinned version, from no CDN.
    let decap = std::fs::read_to_string(run.root.join("public/admin/decap-cms.js")).unwrap();
    assert!(decap.contains(casebook::cms::DECAP_VERSION));
    assert!(decap.len() > 4_000_000);
    // The site's own pages neither link to the form nor relax their policy.
    let home = std::fs::read_to_string(run.root.join("public/index.html")).unwrap();
    assert!(!home.contains("admin/"));
    assert!(!home.contains("Content-Security-Policy"));
}

#[test]
fn no_admin_without_cms() {
    let site = SiteTest::fixture("cms/site");
    let yaml = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    let without = yaml.split("cms:").next().unwrap().to_string();
    let site = site.file("casebook.yaml", without);
    let run = site.build();
    run.expect_success();
    assert!(!run.output_exists("admin"));
    assert!(run.output_exists("index.html"));
}

#[test]
fn the_github_backend_with_the_editorial_workflow() {
    let site = SiteTest::fixture("cms/site");
    let yaml = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    let yaml = yaml.split("cms:").next().unwrap().to_string()
        + "cms:\n  backend: github\n  repo: city-example/jirei\n  auth_url: https://cms-auth.city.example.jp/\n  editorial_workflow: true\n";
    let site = site.file("casebook.yaml", yaml);
    let run = site.build();
    run.expect_success();
    let config = config(&run);
    assert_eq!(config["backend"]["name"], "github");
    assert_eq!(config["backend"]["repo"], "city-example/jirei");
    assert_eq!(config["backend"]["branch"], "main");
    assert_eq!(
        config["backend"]["base_url"],
        "https://cms-auth.city.example.jp"
    );
    assert_eq!(config["publish_mode"], "editorial_workflow");
    assert!(config.get("local_backend").is_none());
    let html = run.output("admin/index.html");
    assert!(
        html.contains(
            "connect-src 'self' blob: https://api.github.com https://cms-auth.city.example.jp;"
        ),
        "{html}"
    );
}

#[test]
fn cms_settings_are_checked_like_the_rest_of_the_configuration() {
    let site = SiteTest::fixture("cms/site");
    let yaml = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    let head = yaml.split("cms:").next().unwrap().to_string();
    let site = site.file(
        "casebook.yaml",
        head.clone() + "cms:\n  backend: gitub\n  branchh: main\n",
    );
    let run = site.check();
    run.expect_code(1);
    run.expect_stderr_contains("unknown field `branchh`");
    run.expect_stderr_contains("did you mean `branch`?");
    run.expect_stderr_contains("did you mean `github`?");
    site.change_file("casebook.yaml", head + "cms:\n  backend: github\n");
    site.check()
        .expect_code(1)
        .expect_stderr_contains("`cms.backend: github` needs the repository in `cms.repo`");
}
