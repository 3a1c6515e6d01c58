use crate::harness::SiteTest;

const CASE: &str =
    "---\ntitle: t\nsummary: s\ndistrict: 南区\npublished: 2019-04-01\nstatus: completed\n";

#[test]
fn check_reports_every_problem_of_every_file_with_its_location() {
    SiteTest::fixture("schema/broken").check().expect_code(1).expect_stderr(
        "\
content/cases/scheme.md:6:1: error: `status` must be one of planned, in-progress, completed; found `done`
  |
6 | status: done
  | ^
  hint: use one of: planned, in-progress, completed
content/cases/scheme.md:8:5: error: unknown funding scheme `ヨコハマ市民まち普請`
  |
8 |   - scheme: ヨコハマ市民まち普請
  |     ^
  hint: did you mean `ヨコハマ市民まち普請事業`?
content/cases/scheme.md:10:1: error: broken link `/cases/nothing-here/`: no page at /cases/nothing-here/
   |
10 | [壊れたリンク](/cases/nothing-here/)
   | ^
  hint: link a page by its site path, e.g. `/cases/<slug>/`
content/cases/typo.md:4:1: error: unknown field `distirct`
  |
4 | distirct: 南区
  | ^
  hint: did you mean `district`?
4 errors found; nothing was written
",
    );
}

/// Columns count characters: the caret lines up under Japanese text.
#[test]
fn columns_count_characters_on_japanese_lines() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/link.md",
        format!("{CASE}---\n中村地区の[事例](/cases/missing/)です。\n"),
    );
    site.check()
        .expect_code(1)
        .expect_stderr_contains("content/cases/link.md:8:6: error: broken link `/cases/missing/`")
        .expect_stderr_contains("8 | 中村地区の[事例](/cases/missing/)です。\n  | 　　　　　^\n");
}

#[test]
fn a_typo_in_a_funding_scheme_name_is_caught() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/typo.md",
        format!("{CASE}funding:\n  - scheme: ヨコハマ市民まち普請事\n---\n"),
    );
    site.check()
        .expect_code(1)
        .expect_stderr_contains(
            "content/cases/typo.md:8:5: error: unknown funding scheme `ヨコハマ市民まち普請事`",
        )
        .expect_stderr_contains("hint: did you mean `ヨコハマ市民まち普請事業`?");
}

#[test]
fn a_ward_must_be_declared_when_districts_exist() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/ward.md",
        CASE.replace("南区", "南く") + "---\n",
    );
    site.check()
        .expect_code(1)
        .expect_stderr_contains("content/cases/ward.md:4:1: error: unknown ward `南く`")
        .expect_stderr_contains("hint: did you mean `南区`?");
}

#[test]
fn missing_image_suggests_the_file_beside_it() {
    let site = SiteTest::fixture("render/basic");
    let text =
        std::fs::read_to_string(site.root.join("content/cases/nakamura-hub/index.md")).unwrap();
    site.change_file(
        "content/cases/nakamura-hub/index.md",
        text.replace("src: exterior.jpg", "src: exterior.jpeg"),
    );
    site.check()
        .expect_code(1)
        .expect_stderr_contains(
            "content/cases/nakamura-hub/index.md:18:7: error: image `exterior.jpeg` not found",
        )
        .expect_stderr_contains("hint: did you mean `exterior.jpg`?");
}

#[test]
fn duplicate_slugs_name_both_files() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/copy.md",
        format!("{CASE}slug: slope-benches\n---\n"),
    );
    site.check()
        .expect_code(1)
        .expect_stderr_contains(
            "error: duplicate case slug `slope-benches`: also used by content/cases/",
        )
        .expect_stderr_contains("content/cases/slope-benches.md");
}

#[test]
fn malformed_files_each_get_a_clear_error() {
    let site = SiteTest::fixture("render/basic")
        .file("content/cases/no-front-matter.md", "# 見出しだけ\n")
        .file("content/cases/unclosed.md", "---\ntitle: t\n")
        .file(
            "content/cases/bad-yaml.md",
            "---\ntitle: t\nthemes: [a, b\n---\n",
        )
        .file(
            "content/cases/latin1.md",
            b"---\ntitle: caf\xe9\n---\n".as_slice(),
        )
        .file("content/cases/Bad_Name.md", format!("{CASE}---\n"));
    let run = site.check();
    run.expect_code(1)
        .expect_stderr_contains("content/cases/no-front-matter.md:1:1: error: missing front matter")
        .expect_stderr_contains("content/cases/unclosed.md:1:1: error: front matter is not closed")
        .expect_stderr_contains("content/cases/bad-yaml.md:")
        .expect_stderr_contains("error: invalid YAML in front matter")
        .expect_stderr_contains("content/cases/latin1.md:2:11: error: file is not valid UTF-8")
        .expect_stderr_contains(
            "content/cases/Bad_Name.md:1:1: error: the file name `Bad_Name` is not a valid slug",
        );
}

#[test]
fn bom_and_crlf_files_build() {
    let site = SiteTest::fixture("render/basic").file(
        "content/cases/windows.md",
        format!("\u{feff}{}---\r\n本文\r\n", CASE.replace('\n', "\r\n")),
    );
    let run = site.build();
    run.expect_success();
    assert!(run.main_html("cases/windows/index.html").contains("本文"));
}

#[test]
fn unknown_config_keys_get_a_suggestion() {
    let site = SiteTest::fixture("render/basic");
    let config = std::fs::read_to_string(site.root.join("casebook.yaml")).unwrap();
    site.change_file("casebook.yaml", format!("{config}thme: city\n"));
    site.check()
        .expect_code(1)
        .expect_stderr_contains("casebook.yaml:7:1: error: unknown field `thme`")
        .expect_stderr_contains("hint: did you mean `theme`?");
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed() {
    let site = SiteTest::fixture("render/basic");
    std::os::unix::fs::symlink("/etc/passwd", site.root.join("content/cases/passwd.md")).unwrap();
    let run = site.build();
    run.expect_success()
        .expect_stderr_contains("content/cases/passwd.md: warning: symbolic link not followed");
    assert!(!run.output_exists("cases/passwd/index.html"));
}

#[test]
fn an_output_folder_inside_content_is_refused() {
    let site = SiteTest::fixture("render/basic");
    site.run(&["build", "--output", "content/public"])
        .expect_code(1)
        .expect_stderr_contains("the output folder is inside content/");
    assert!(!site.root.join("content/public").exists());
}

/// Ten different mistakes in ten files: ten errors, each with file:line:col and a hint.
#[test]
fn ten_mistakes_in_ten_files_give_ten_located_errors() {
    let run = SiteTest::fixture("schema/ten_mistakes").check();
    run.expect_code(1)
        .expect_stderr_contains("10 errors found; nothing was written");
    let headlines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("content/"))
        .collect();
    assert_eq!(
        headlines,
        [
            "content/cases/case-01.md:7:1: error: unknown field `distirct`",
            "content/cases/case-02.md:7:1: error: `updated` (2019-03-31) is before `published` (2019-04-01)",
            "content/cases/case-03.md:9:5: error: `funding[0].amount` must be a whole number of yen (0 or more), found the string \"500万円\"",
            "content/cases/case-04.md:8:29: error: `funding[0].fiscal_year` must be a Western year from 1989 to 2100, found the number 1988",
            "content/cases/case-05.md:7:1: error: unknown support type `B`",
            "content/cases/case-06.md:7:30: error: `period.end` (2018-04-01) is before `period.start` (2019-04-01)",
            "content/cases/case-07.md:8:19: error: `outcomes[0].value` must be a number, found the string \"多数\"",
            "content/cases/case-08.md:8:5: error: missing required field `images[0].alt`",
            "content/cases/case-09.md:7:13: error: `location.lat` must be between -90 and 90, found 139.6",
            "content/cases/case-10.md:8:1: error: broken link `/cases/case-11/`: no page at /cases/case-11/",
        ]
    );
    assert_eq!(run.stderr.matches("  hint: ").count(), 10, "{}", run.stderr);
}
