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
    assert!(text.starts_with("---\n# "), "{text}");
    assert!(text.contains("\ntitle: 北区のベンチ\n"), "{text}");
    assert!(text.contains("\npublished: 20"), "{text}");
    site.change_file(
        "content/cases/kita-bench.md",
        fill_in(&text, "南区", "北区のベンチの概要です。"),
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

/// A case made by `new` with its district and summary written and a
/// paragraph under each heading.
fn fill_in(template: &str, district: &str, summary: &str) -> String {
    let mut text = template
        .replace("（区）/（地区）", district)
        .replace("（一覧や検索結果に表示する概要を1〜2文で）", summary);
    for heading in ["背景", "取組の内容", "成果", "これから"] {
        text = text.replace(
            &format!("## {heading}\n"),
            &format!("## {heading}\n\n{heading}について。\n"),
        );
    }
    text
}

/// Issue 18: a title with `: ` and ` #` was written as YAML that did not parse.
#[test]
fn issue_18_new_writes_any_title_as_yaml_that_reads_back() {
    let site = SiteTest::fixture("render/basic");
    site.run(&["new", "colon", "--title", "A: B #1"])
        .expect_success();
    let text = std::fs::read_to_string(site.root.join("content/cases/colon.md")).unwrap();
    site.change_file(
        "content/cases/colon.md",
        fill_in(&text, "南区", "概要です。"),
    );
    let page = site
        .build()
        .expect_success()
        .main_html("cases/colon/index.html");
    assert!(page.contains("<h1>A: B #1</h1>"), "{page}");
}

/// Issue 18: the template's placeholders passed `check` and were published
/// (`district: （区）/（地区）` made a ward page `/districts/（区）/`).
#[test]
fn issue_18_placeholders_left_by_new_are_errors_in_japanese() {
    let site = SiteTest::fixture("render/basic");
    site.run(&["new", "kita-bench"]).expect_success();
    let text = std::fs::read_to_string(site.root.join("content/cases/kita-bench.md")).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let (title, summary, district) = (line_of("title:"), line_of("summary:"), line_of("district:"));
    let run = site.run(&["check", "--lang", "ja"]);
    run.expect_code(1)
        .expect_stderr_contains(&format!(
            "content/cases/kita-bench.md:{title}:8: error: テンプレートの仮の文字「（事例名）」が残っています"
        ))
        .expect_stderr_contains(&format!(
            "content/cases/kita-bench.md:{summary}:10: error: テンプレートの仮の文字「（一覧や検索結果に表示する概要を1〜2文で）」が残っています"
        ))
        .expect_stderr_contains(&format!(
            "content/cases/kita-bench.md:{district}:11: error: テンプレートの仮の文字「（区）」が残っています"
        ))
        .expect_stderr_contains(&format!(
            "content/cases/kita-bench.md:{district}:15: error: テンプレートの仮の文字「（地区）」が残っています"
        ))
        .expect_stderr_contains("ヒント: 「（地区）」をこの事例の内容に書き換えてください。")
        // The fixture declares its wards, so `（区）` is also an unknown ward.
        .expect_stderr_contains("不明な区 `（区）` です")
        .expect_stderr_contains("エラーが5件あります。何も書き出していません");
    let heading = line_of("## 成果");
    run.expect_stderr_contains(&format!(
        "content/cases/kita-bench.md:{heading}:1: warning: 見出し「成果」の下に本文がありません"
    ));
    // The build refuses too, and leaves no ward page behind.
    site.build().expect_code(1);
    assert!(!site.root.join("public").exists());

    // Filled in but for the area: that one placeholder is still named.
    site.change_file(
        "content/cases/kita-bench.md",
        fill_in(&text, "南区/（地区）", "概要です。").replace("（事例名）", "北区のベンチ"),
    );
    site.run(&["check", "--lang", "ja"])
        .expect_code(1)
        .expect_stderr_contains(&format!(
            "content/cases/kita-bench.md:{district}:14: error: テンプレートの仮の文字「（地区）」が残っています"
        ))
        .expect_stderr_contains("エラーが1件あります");
}

/// An English site gets the placeholder messages in English.
#[test]
fn placeholder_messages_follow_the_site_language() {
    let site = SiteTest::fixture("render/basic");
    let config = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    site.change_file("casebook.yaml", format!("{config}language: en\n"));
    site.run(&["new", "kita-bench", "--title", "Kita benches"])
        .expect_success();
    site.check()
        .expect_code(1)
        .expect_stderr_contains("error: template placeholder `（区）` is still here")
        .expect_stderr_contains("hint: replace `（区）` with this case's own text")
        .expect_stderr_contains("warning: heading `成果` has nothing under it");
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
    assert_eq!(typo["source_line"], "distirct: 南区");
    // Issue 4: every object has the same keys, `null` where unknown.
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
                "column",
                "field",
                "file",
                "hint",
                "line",
                "message",
                "severity",
                "source_line"
            ]
        );
    }
}

/// Issue 18: several options (`--root`, `--output`, `--format`) had no
/// description in `--help`.
#[test]
fn issue_18_every_option_in_help_has_a_description() {
    let site = SiteTest::empty();
    let top = site.run(&["--help"]);
    top.expect_success();
    let commands: Vec<String> = top
        .stdout
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 5, "{commands:?}");
    for command in commands.iter().map(String::as_str).chain([""]) {
        let args: Vec<&str> = [command, "-h"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let run = site.run(&args);
        run.expect_success();
        let mut options = 0;
        for line in run.stdout.lines() {
            let trimmed = line.trim_start();
            let is_item = trimmed.starts_with('-')
                || (trimmed.starts_with('<') || trimmed.starts_with('[')) && line.starts_with("  ");
            if !is_item || line == trimmed {
                continue;
            }
            options += 1;
            // `--root <ROOT>  The site folder…`: the name, two spaces, the words.
            let description = trimmed.split_once("  ").map(|(_, d)| d.trim());
            assert!(
                description.is_some_and(|d| !d.is_empty()),
                "`casebook {command} -h`: no description for `{trimmed}`\n{}",
                run.stdout
            );
        }
        assert!(options > 0, "{}", run.stdout);
    }
}

/// Issue 18: a Japanese site's messages are Japanese by default, `--lang en`
/// or `CASEBOOK_LANG=en` gives English, and the `path:line:col: error:`
/// prefix, field names and values stay as they are in both.
#[test]
fn issue_18_messages_speak_the_site_language() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/typo.md",
        "---\ntitle: t\nsummary: s\ndistirct: 南区\npublished: 2024-02-30\nstatus: completed\n---\n",
    );
    let japanese = "\
content/cases/typo.md:4:1: error: 不明なフィールド `distirct` です
  |
4 | distirct: 南区
  | ^
  ヒント: `district` の誤りではありませんか？
content/cases/typo.md:5:1: error: `published`: `2024-02-30` という日付はありません
  |
5 | published: 2024-02-30
  | ^
  ヒント: 2024年2月は29日までです。日を確かめてください
エラーが2件あります。何も書き出していません
";
    // The site is `language: ja` (the default); the harness asks for English,
    // so Japanese is asked for here in both other ways.
    site.run(&["check", "--lang", "ja"])
        .expect_code(1)
        .expect_stderr(japanese);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["check"])
        .current_dir(&site.root)
        .env_remove("CASEBOOK_LANG")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        japanese,
        "the site's own language"
    );
    site.run(&["check", "--lang", "en"])
        .expect_code(1)
        .expect_stderr(
            "\
content/cases/typo.md:4:1: error: unknown field `distirct`
  |
4 | distirct: 南区
  | ^
  hint: did you mean `district`?
content/cases/typo.md:5:1: error: `published`: `2024-02-30` is not a real calendar date
  |
5 | published: 2024-02-30
  | ^
  hint: 2024-02 has 29 days; check the day
2 errors found; nothing was written
",
        );
    // JSON keeps its keys; only the words change.
    let json = site.run(&["check", "--lang", "ja", "--format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["field"], "distirct");
    assert_eq!(first["message"], "不明なフィールド `distirct` です");
    assert_eq!(first["hint"], "`district` の誤りではありませんか？");
}

/// Every diagnostic any fixture produces has its Japanese words: none falls
/// back to English on a Japanese site.
#[test]
fn every_fixture_diagnostic_is_written_in_japanese() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let japanese = |text: &str| {
        text.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
    };
    let mut checked = 0;
    for config in crate::harness::walk(&fixtures)
        .into_iter()
        .filter(|f| f.ends_with("/casebook.yaml"))
    {
        let root = fixtures.join(config.trim_end_matches("/casebook.yaml"));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(["check", "--lang", "ja", "--format", "json", "--root"])
            .arg(&root)
            .output()
            .unwrap();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let problem: serde_json::Value = serde_json::from_str(line).unwrap();
            for key in ["message", "hint"] {
                if let Some(text) = problem[key].as_str() {
                    assert!(
                        japanese(text),
                        "{}: {key} in English: {text}",
                        root.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} messages");
}
