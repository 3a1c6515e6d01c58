//! `casebook schema` (SPEC §10, issue 19): JSON Schema made from the checker's
//! own field table, held against a real validator (the `jsonschema` crate):
//! what `check` accepts validates, and each rule a schema can express
//! rejects what `check` rejects.

use crate::harness::SiteTest;
use serde_json::Value;
use std::path::Path;

fn schemas(site: &SiteTest) -> std::collections::HashMap<String, Value> {
    let out = site.root.join("schema-out");
    site.run(&["schema", "--out", out.to_str().unwrap()])
        .expect_success();
    std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (
                name,
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap(),
            )
        })
        .collect()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a valid JSON Schema")
}

/// The YAML between a file's `---` lines, as JSON.
fn front_matter(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let rest = text.strip_prefix("---\n").expect("front matter");
    let end = rest.find("\n---").expect("closing ---");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&rest[..end]).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn schema_for(file: &str) -> &'static str {
    let section = file.split('/').nth(1).unwrap_or("");
    match section {
        "cases" => "case.schema.json",
        "funding" => "funding.schema.json",
        "districts" => "district.schema.json",
        "themes" => "theme.schema.json",
        _ => "page.schema.json",
    }
}

/// Every front matter file of the sample site (and of a fixture) that
/// `check` accepts is valid against its schema, and so is casebook.yaml.
#[test]
fn what_check_accepts_validates() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    for root in [
        project.to_path_buf(),
        project.join("tests/fixtures/provenance/basic"),
    ] {
        let site = SiteTest::copy_site(&root);
        site.check().expect_success();
        let schemas = schemas(&site);
        let mut checked = 0;
        for file in crate::harness::walk(&root.join("content")) {
            if !file.ends_with(".md") || file.ends_with(".en.md") {
                continue;
            }
            let rel = format!("content/{file}");
            let schema = validator(&schemas[schema_for(&rel)]);
            let value = front_matter(&root.join(&rel));
            let errors: Vec<String> = schema
                .iter_errors(&value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {rel}: {errors:?}", root.display());
            checked += 1;
        }
        assert!(checked > 3, "{checked} files");
        let config: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(root.join("casebook.yaml")).unwrap())
                .unwrap();
        let config = serde_json::to_value(config).unwrap();
        let errors: Vec<String> = validator(&schemas["casebook.schema.json"])
            .iter_errors(&config)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}: casebook.yaml: {errors:?}",
            root.display()
        );
    }
}

/// The cases.json a build publishes is valid against the schema published
/// beside it.
#[test]
fn published_cases_json_follows_its_schema() {
    for fixture in ["provenance/basic", "render/basic"] {
        let run = SiteTest::fixture(fixture).build();
        run.expect_success();
        let schema: Value = serde_json::from_str(&run.output("cases.schema.json")).unwrap();
        let cases: Value = serde_json::from_str(&run.output("cases.json")).unwrap();
        let errors: Vec<String> = validator(&schema)
            .iter_errors(&cases)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:?}");
        assert!(
            run.main_html("opendata/index.html")
                .contains("cases.schema.json")
        );
    }
}

/// One row per §5.2 rule a schema can express: `check` reports an error
/// and the schema rejects the same front matter.
#[test]
fn what_the_schema_rejects_check_rejects_too() {
    const VALID: &str = "title: 事例\nsummary: 概要\ndistrict: 南区/中村地区\npublished: 2019-04-01\nstatus: planned\n";
    let bad: &[(&str, &str)] = &[
        ("unknown field", "distirct: 南区\n"),
        ("status not in the enum", "status2: x\n"),
        (
            "negative amount",
            "funding:\n  - { scheme: ヨコハマ市民まち普請事業, amount: -1 }\n",
        ),
        (
            "amount with units",
            "funding:\n  - { scheme: ヨコハマ市民まち普請事業, amount: 500万円 }\n",
        ),
        (
            "fiscal year before 平成",
            "funding:\n  - { scheme: ヨコハマ市民まち普請事業, fiscal_year: 1988 }\n",
        ),
        (
            "unknown scheme",
            "funding:\n  - { scheme: ヨコハマ市民まち普請 }\n",
        ),
        ("grant without scheme", "funding:\n  - { amount: 5 }\n"),
        (
            "latitude out of range",
            "location: { lat: 139.6, lon: 35.4 }\n",
        ),
        ("image without alt", "images:\n  - { src: a.jpg }\n"),
        ("image path", "images:\n  - { src: ../a.jpg, alt: 外観 }\n"),
        (
            "outcome value as words",
            "outcomes:\n  - { label: 利用者, value: 多い }\n",
        ),
        ("draft not a boolean", "draft: yes\n"),
        ("slug with capitals", "slug: Nakamura\n"),
        ("support type not declared", "support_type: Z\n"),
        (
            "source url not http",
            "sources:\n  - { title: t, url: \"javascript:alert(1)\" }\n",
        ),
        (
            "source date month 13",
            "sources:\n  - { title: t, date: 2019-13 }\n",
        ),
        ("source without title", "sources:\n  - { id: a }\n"),
        ("illustrative as text", "illustrative: はい\n"),
    ];
    let site = SiteTest::fixture("provenance/basic");
    let schemas = schemas(&site);
    let schema = validator(&schemas["case.schema.json"]);
    for (rule, extra) in bad {
        let yaml = format!("{VALID}{extra}");
        let yaml = yaml.replacen(
            "status: planned\n",
            if rule.starts_with("status") {
                "status: done\n"
            } else {
                "status: planned\n"
            },
            1,
        );
        rejected_by_both(&schema, &site, rule, &yaml);
    }
    // A missing required field and a ward the site does not declare.
    for (rule, yaml) in [
        ("missing title", VALID.replace("title: 事例\n", "")),
        ("undeclared ward", VALID.replace("南区/中村地区", "北区")),
    ] {
        rejected_by_both(&schema, &site, rule, &yaml);
    }
}

/// Front matter `yaml` that the schema rejects, and `check` rejects too,
/// naming the file.
fn rejected_by_both(schema: &jsonschema::Validator, site: &SiteTest, rule: &str, yaml: &str) {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let value = serde_json::to_value(value).unwrap();
    assert!(
        !schema.is_valid(&value),
        "{rule}: the schema accepts\n{yaml}"
    );
    site.change_file("content/cases/bad.md", format!("---\n{yaml}---\n本文\n"));
    let run = site.check();
    run.expect_code(1);
    assert!(
        run.stderr.contains("content/cases/bad.md:"),
        "{rule}: {}",
        run.stderr
    );
}
