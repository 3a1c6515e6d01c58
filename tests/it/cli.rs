use crate::harness::SiteTest;

#[test]
fn usage_errors_exit_with_2() {
    let site = SiteTest::empty();
    site.run(&["build", "--no-such-flag"]).expect_code(2);
    site.run(&["frobnicate"]).expect_code(2);
    site.run(&["check", "--format", "yaml"]).expect_code(2);
}

#[test]
fn a_folder_without_configuration_is_an_error_with_a_hint() {
    SiteTest::empty()
        .build()
        .expect_code(1)
        .expect_stderr_contains("casebook.yaml: error: cannot read the site configuration")
        .expect_stderr_contains("hint: run casebook in a site folder, or point --root at one");
}

#[test]
fn new_scaffolds_a_case_that_checks_and_refuses_to_overwrite() {
    let site = SiteTest::fixture("render/basic");
    let run = site.run(&["new", "kita-bench", "--title", "北区のベンチ"]);
    run.expect_success();
    let text = std::fs::read_to_string(site.root.join("content/cases/kita-bench.md")).unwrap();
    assert!(text.starts_with("---\ntitle: 北区のベンチ\n"), "{text}");
    assert!(text.contains("\npublished: 20"), "{text}");
    site.change_file(
        "content/cases/kita-bench.md",
        text.replace("（区）/（地区）", "南区")
            .replace("（一覧や検索結果に表示する概要を1〜2文で）", "概要"),
    );
    site.check().expect_success();

    let before = std::fs::read(site.root.join("content/cases/kita-bench.md")).unwrap();
    site.run(&["new", "kita-bench"])
        .expect_code(1)
        .expect_stderr_contains("already exists; not overwriting it");
    assert_eq!(
        std::fs::read(site.root.join("content/cases/kita-bench.md")).unwrap(),
        before
    );
    site.run(&["new", "Kita Bench"])
        .expect_code(1)
        .expect_stderr_contains("is not a valid slug");
}

#[test]
fn check_writes_nothing() {
    let site = SiteTest::fixture("render/basic");
    site.check().expect_success();
    assert!(!site.root.join("public").exists());
}

#[test]
fn check_json_has_one_object_per_problem() {
    let site = SiteTest::fixture("schema/broken");
    let run = site.run(&["check", "--format", "json"]);
    run.expect_code(1);
    let problems: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems.len(), 4, "{}", run.stdout);
    let typo = problems.iter().find(|p| p["field"] == "distirct").unwrap();
    assert_eq!(typo["file"], "content/cases/typo.md");
    assert_eq!(typo["line"], 4);
    assert_eq!(typo["column"], 1);
    assert_eq!(typo["severity"], "error");
    assert_eq!(typo["hint"], "did you mean `district`?");
    // Issue 4: every object has the same seven keys, `null` where unknown.
    for problem in &problems {
        let mut keys: Vec<&str> = problem
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "column", "field", "file", "hint", "line", "message", "severity"
            ]
        );
    }
}
