use crate::harness::{SiteTest, walk};

/// `casebook init DIR` run in an empty folder.
fn init(dir: &str) -> (SiteTest, crate::harness::Run) {
    let site = SiteTest::empty();
    let run = site.run(&["init", dir]);
    (site, run)
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let (site, run) = init("new-site");
    run.expect_success()
        .expect_stderr_contains("made a new site in new-site");
    let root = site.root.join("new-site");
    assert_eq!(
        walk(&root),
        [
            ".editorconfig",
            ".github/workflows/check.yml",
            ".github/workflows/publish.yml",
            ".gitignore",
            ".vscode/extensions.json",
            ".vscode/settings.json",
            "README.md",
            "casebook.yaml",
            "content/_index.md",
            "content/cases/example-akiya.md",
            "content/districts/chuo.md",
            "content/funding/example-grant.md",
            "schema/casebook.schema.json",
        ]
    );
    // The schema the editor settings attach is there, and casebook.yaml is valid against it.
    let settings = std::fs::read_to_string(root.join(".vscode/settings.json")).unwrap();
    assert!(
        settings.contains("\"./schema/casebook.schema.json\": [\"casebook.yaml\"]"),
        "{settings}"
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/casebook.schema.json")).unwrap(),
    )
    .unwrap();
    let config: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("casebook.yaml")).unwrap())
            .unwrap();
    let config = serde_json::to_value(config).unwrap();
    assert!(
        jsonschema::is_valid(&schema, &config),
        "casebook.yaml against its schema"
    );
    assert_eq!(config["require_sources"], true);
    let case = std::fs::read_to_string(root.join("content/cases/example-akiya.md")).unwrap();
    assert!(case.contains("\nillustrative: true\n"), "{case}");

    let built = site.run(&["build", "--root", "new-site"]);
    built.expect_success();
    let page = std::fs::read_to_string(root.join("public/cases/example-akiya/index.html")).unwrap();
    assert!(
        page.contains("<h1>空き家を地域の居場所に（記入例）"),
        "{page}"
    );
    // The case names the site's own scheme and ward, so their pages list it.
    let scheme =
        std::fs::read_to_string(root.join("public/funding/example-grant/index.html")).unwrap();
    assert!(
        scheme.contains("空き家を地域の居場所に（記入例）"),
        "{scheme}"
    );
    let ward = std::fs::read_to_string(root.join("public/districts/chuo/index.html")).unwrap();
    assert!(ward.contains("空き家を地域の居場所に（記入例）"), "{ward}");
    site.run(&["check", "--root", "new-site"])
        .expect_success()
        .expect_stderr("no problems found\n");
}

#[test]
fn init_writes_the_editor_schema_setting_and_checksummed_workflows() {
    let (site, run) = init("s");
    run.expect_success();
    let root = site.root.join("s");
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".vscode/settings.json")).unwrap())
            .unwrap();
    assert_eq!(
        settings["yaml.schemas"]["./schema/casebook.schema.json"],
        serde_json::json!(["casebook.yaml"])
    );
    for workflow in ["check.yml", "publish.yml"] {
        let text = std::fs::read_to_string(root.join(".github/workflows").join(workflow)).unwrap();
        assert!(
            text.contains(&format!(
                "CASEBOOK_VERSION: \"{}\"",
                env!("CARGO_PKG_VERSION")
            )),
            "{text}"
        );
        assert!(text.contains("sha256sum --check --strict"), "{text}");
        assert!(!text.contains("cargo "), "{text}");
    }
}

#[test]
fn init_in_the_current_folder_by_default() {
    let site = SiteTest::empty();
    site.run(&["init"]).expect_success();
    assert!(site.root.join("casebook.yaml").exists());
    site.build().expect_success();
}

#[test]
fn init_refuses_a_folder_with_a_conflicting_file_and_writes_nothing() {
    let site = SiteTest::empty().file("content/cases/example-akiya.md", "mine\n");
    site.change_file("notes.txt", "keep\n");
    site.run(&["init"])
        .expect_code(1)
        .expect_stderr_contains(
            "error: content/cases/example-akiya.md already exists in .; not overwriting, so nothing was written",
        )
        .expect_stderr_contains("hint: run `casebook init` in a new, empty folder");
    assert_eq!(
        walk(&site.root),
        ["content/cases/example-akiya.md", "notes.txt"]
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("content/cases/example-akiya.md")).unwrap(),
        "mine\n"
    );
}

#[test]
fn init_beside_unrelated_files_keeps_them() {
    let site = SiteTest::empty().file("notes.txt", "keep\n");
    site.run(&["init"]).expect_success();
    assert_eq!(
        std::fs::read_to_string(site.root.join("notes.txt")).unwrap(),
        "keep\n"
    );
}
