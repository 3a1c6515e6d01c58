use crate::harness::SiteTest;

#[test]
fn check_reports_every_problem_of_every_file_with_its_location() {
    SiteTest::fixture("schema/broken").check().expect_code(1).expect_stderr(
        "\
content/cases/scheme.md:6:1: error: `status` must be one of planned, in-progress, completed; found `done`
  |
6 | status: done
  | ^
  hint: did you mean `none`? no: use one of: planned, in-progress, completed
",
    );
}

#[test]
fn unknown_field_in_a_crlf_file_with_caret() {
    let run = SiteTest::fixture("schema/broken").check();
    run.expect_stderr_contains(
        "content/cases/typo.md:4:1: error: unknown field `distirct`\n  |\n4 | distirct: 南区\n  | ^\n  hint: did you mean `district`?\n",
    );
}
