//! The live preview's incremental rebuilds: after any sequence of edits the
//! held site equals a clean build of the same files, byte for byte, and one
//! edit rewrites exactly the pages that show what it changed.

use crate::harness::SiteTest;
use casebook::BuildOptions;
use casebook::diagnostics::Diagnostics;
use casebook::language::Language;
use casebook::serve::{Preview, Update};
use std::collections::BTreeMap;

/// A preview of a copy of `tests/fixtures/serve/basic`, built once.
struct Session {
    site: SiteTest,
    preview: Preview,
}

impl Session {
    fn start() -> Session {
        let site = SiteTest::fixture("serve/basic");
        let mut preview = Preview::new(options(&site), None);
        let first = preview.rebuild(&[]);
        assert!(!first.has_errors(), "{:?}", first.diagnostics);
        Session { site, preview }
    }

    /// Writes a file and rebuilds, as the watcher would report it.
    fn write(&mut self, path: &str, contents: &str) -> Update {
        self.site.change_file(path, contents);
        self.preview.rebuild(&[path.to_string()])
    }

    fn remove(&mut self, path: &str) -> Update {
        std::fs::remove_file(self.site.root.join(path)).unwrap();
        self.preview.rebuild(&[path.to_string()])
    }

    fn rename(&mut self, from: &str, to: &str) -> Update {
        std::fs::rename(self.site.root.join(from), self.site.root.join(to)).unwrap();
        self.preview.rebuild(&[from.to_string(), to.to_string()])
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.site.root.join(path)).unwrap()
    }

    /// Asserts the held site is what a clean build of the files makes now.
    #[track_caller]
    fn assert_same_as_clean_build(&self, step: &str) {
        let mut diagnostics = Diagnostics::new();
        let clean: BTreeMap<String, Vec<u8>> =
            casebook::files(&options(&self.site), None, &mut diagnostics)
                .unwrap_or_else(|| panic!("{step}: the clean build failed: {diagnostics:?}"))
                .into_iter()
                .map(|file| {
                    let bytes = file.bytes().unwrap().into_owned();
                    (file.path, bytes)
                })
                .collect();
        let held = self.preview.snapshot();
        let paths = |map: &BTreeMap<String, Vec<u8>>| map.keys().cloned().collect::<Vec<_>>();
        assert_eq!(paths(&held), paths(&clean), "{step}: the file lists differ");
        for (path, bytes) in &clean {
            assert!(
                held[path] == *bytes,
                "{step}: {path} differs from a clean build"
            );
        }
    }
}

fn options(site: &SiteTest) -> BuildOptions {
    BuildOptions {
        root: site.root.clone(),
        ..BuildOptions::default()
    }
}

#[track_caller]
fn expect_ok(update: &Update, step: &str) {
    assert!(
        !update.has_errors(),
        "{step}: {}",
        update.diagnostics.render_text(Language::English)
    );
}

const NEW_CASE: &str = "---
title: 公園に花壇をつくる
summary: 住民が公園の一角に花壇をつくった取組。
district: 旭区/希望が丘地区
published: 2021-06-01
status: planned
themes: [花と緑, 多世代交流]
funding:
  - { scheme: ヨコハマ市民まち普請事業, amount: 800000, fiscal_year: 2021 }
outcomes:
  - { label: 参加者, value: 40, unit: 人 }
---
[ベンチの事例](/cases/slope-benches/)も参考にしました。
";

#[test]
fn any_sequence_of_edits_ends_as_a_clean_build() {
    let mut session = Session::start();
    session.assert_same_as_clean_build("first build");

    let benches = "content/cases/slope-benches.md";
    let edited = session
        .read(benches)
        .replace("急坂にベンチを置く", "急な坂にベンチを置く");
    expect_ok(&session.write(benches, &edited), "edit a title");
    session.assert_same_as_clean_build("edit a title");

    expect_ok(
        &session.write("content/cases/flower-beds.md", NEW_CASE),
        "add a case",
    );
    session.assert_same_as_clean_build("add a case");

    let moved = session
        .read(benches)
        .replace("district: 旭区", "district: 南区/中村地区");
    expect_ok(
        &session.write(benches, &moved),
        "move a case to another district",
    );
    session.assert_same_as_clean_build("move a case to another district");

    let dated = session.read(benches).replace("2020-01-10", "2016-01-10");
    expect_ok(&session.write(benches, &dated), "make a case the oldest");
    session.assert_same_as_clean_build("make a case the oldest");

    let renamed = session.rename("content/cases/old-case.md", "content/cases/oldest-case.md");
    expect_ok(&renamed, "rename a case");
    assert!(
        renamed
            .removed
            .contains(&"cases/old-case/index.html".to_string())
    );
    session.assert_same_as_clean_build("rename a case");

    let body = session.read("content/cases/flower-beds.md") + "\n花壇の写真は準備中です。\n";
    expect_ok(
        &session.write("content/cases/flower-beds.md", &body),
        "edit a body",
    );
    session.assert_same_as_clean_build("edit a body");

    let scheme = session
        .read("content/funding/machi-fushin.md")
        .replace("市民が提案する", "市民の提案する");
    expect_ok(
        &session.write("content/funding/machi-fushin.md", &scheme),
        "edit a scheme",
    );
    session.assert_same_as_clean_build("edit a scheme");

    expect_ok(
        &session.write(
            "content/districts/kibougaoka.md",
            "---\nname: 旭区/希望が丘地区\nsummary: 希望が丘の紹介。\n---\n",
        ),
        "describe an area",
    );
    session.assert_same_as_clean_build("describe an area");

    // A theme with its own file takes its slug as its path, in every link to it.
    expect_ok(
        &session.write(
            "content/themes/hana.md",
            "---\nname: 花と緑\nsummary: 花と緑のまちづくり。\n---\n",
        ),
        "describe a theme",
    );
    session.assert_same_as_clean_build("describe a theme");

    let deleted = session.remove("content/cases/oldest-case.md");
    expect_ok(&deleted, "delete a case");
    assert!(
        deleted
            .removed
            .contains(&"cases/oldest-case/index.html".to_string())
    );
    session.assert_same_as_clean_build("delete a case");

    // Two bodies link to this case: deleting it breaks them, and bringing it
    // back mends them.
    let benches_text = session.read(benches);
    let deleted = session.remove(benches);
    assert!(deleted.has_errors(), "links to a deleted case are errors");
    expect_ok(&session.write(benches, &benches_text), "restore a case");
    session.assert_same_as_clean_build("restore a case");

    expect_ok(
        &session.write(
            "themes/default/templates/404.html",
            "{% extends \"base.html\" %}\n{% block content %}<h1>{{ t.not_found_title }}</h1><p>この町にはない頁です。</p>{% endblock content %}\n",
        ),
        "override a template",
    );
    session.assert_same_as_clean_build("override a template");

    expect_ok(
        &session.write("themes/default/i18n/ja.yaml", "cases: 事例の一覧\n"),
        "override a UI string",
    );
    session.assert_same_as_clean_build("override a UI string");

    let config = session
        .read("casebook.yaml")
        .replace("cases_per_page: 2", "cases_per_page: 3");
    expect_ok(
        &session.write("casebook.yaml", &config),
        "edit casebook.yaml",
    );
    session.assert_same_as_clean_build("edit casebook.yaml");

    let image = session.write("content/cases/nakamura-hub/exterior.jpg", "a new photo");
    expect_ok(&image, "replace an image");
    assert_eq!(image.changed, ["cases/nakamura-hub/exterior.jpg"]);
    session.assert_same_as_clean_build("replace an image");
}

#[test]
fn one_title_edit_rewrites_exactly_the_pages_that_show_the_title() {
    let mut session = Session::start();
    let benches = "content/cases/slope-benches.md";
    let edited = session
        .read(benches)
        .replace("急坂にベンチを置く", "急な坂にベンチを置く");
    let update = session.write(benches, &edited);
    expect_ok(&update, "edit a title");
    assert!(update.changed.iter().any(|p| p == "search/manifest.bin"));
    assert_eq!(
        outside_search(&update.changed),
        [
            "cases.csv",
            "cases.json",
            // Page 1 of the list: it is the newest case.
            "cases/index.html",
            // Related to it: the same theme and scheme.
            "cases/nakamura-hub/index.html",
            "cases/slope-benches/index.html",
            "districts/asahi/index.html",
            "feed.xml",
            "funding/machi-fushin/index.html",
            "index.html",
            "themes/多世代交流/index.html",
        ]
    );
    assert!(update.removed.is_empty());
    session.assert_same_as_clean_build("edit a title");
}

#[test]
fn a_body_edit_rewrites_only_its_page() {
    let mut session = Session::start();
    let old = "content/cases/old-case.md";
    let edited = session
        .read(old)
        .replace("本文。", "本文を書き足しました。");
    let update = session.write(old, &edited);
    expect_ok(&update, "edit a body");
    assert!(update.changed.iter().any(|p| p == "search/manifest.bin"));
    assert_eq!(
        outside_search(&update.changed),
        ["cases/old-case/index.html"]
    );
    // Every other page's view is the same as before, and so is its
    // fingerprint: a view must serialize the same way every run.
    assert_eq!(update.rendered, 1, "only its page is rendered again");
}

/// The changed files apart from the search index, which any edit of a case's
/// text rewrites (tests/it/search.rs covers what it holds).
fn outside_search(changed: &[String]) -> Vec<&str> {
    changed
        .iter()
        .map(String::as_str)
        .filter(|p| !p.starts_with("search/"))
        .collect()
}

#[test]
fn an_unchanged_save_rewrites_nothing() {
    let mut session = Session::start();
    let old = "content/cases/old-case.md";
    let same = session.read(old);
    let update = session.write(old, &same);
    expect_ok(&update, "save without changes");
    assert!(update.changed.is_empty() && update.removed.is_empty());
    assert_eq!(update.rendered, 0, "no page is rendered again");
    // Not one stage ran: the file's bytes are the ones read before.
    assert!(update.timings.is_empty(), "{}", update.timings);
    // The next change to it is seen all the same.
    let edited = same.replacen("title: ", "title: 改 ", 1);
    let update = session.write(old, &edited);
    expect_ok(&update, "edit after an unchanged save");
    assert!(
        update
            .changed
            .iter()
            .any(|p| p == "cases/old-case/index.html")
    );
}

#[test]
fn errors_keep_the_last_good_site_until_fixed() {
    let mut session = Session::start();
    let benches = "content/cases/slope-benches.md";
    let good = session.read(benches);
    let before = session.preview.snapshot();

    let broken = session.write(benches, &good.replace("district: 旭区", "distirct: 旭区"));
    assert!(broken.has_errors());
    assert!(broken.changed.is_empty());
    let errors = session.preview.errors();
    let error = errors
        .iter()
        .find(|e| e.message == "unknown field `distirct`")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(error.file, benches);
    assert_eq!(error.hint.as_deref(), Some("did you mean `district`?"));
    assert!(
        session.preview.snapshot() == before,
        "the last good site stays"
    );

    let fixed = session.write(benches, &good.replace("急坂", "急な坂"));
    expect_ok(&fixed, "fix the field");
    assert!(session.preview.errors().is_empty());
    assert!(
        fixed
            .changed
            .contains(&"cases/slope-benches/index.html".to_string())
    );
    session.assert_same_as_clean_build("fixed");
}

/// The overlay is fed the records `check --format json` prints: the same
/// mistake gives the same record, in either language.
#[test]
fn the_overlay_shows_the_records_check_prints() {
    let mut session = Session::start();
    let benches = "content/cases/slope-benches.md";
    let good = session.read(benches);
    let broken = session.write(benches, &good.replace("district: 旭区", "distirct: 旭区"));
    assert!(broken.has_errors());
    for (language, code) in [(Language::English, "en"), (Language::Japanese, "ja")] {
        session.preview.language = language;
        let event = casebook::serve::errors_event(&session.preview);
        let data = event
            .strip_prefix("event: errors\ndata: ")
            .and_then(|data| data.strip_suffix("\n\n"))
            .unwrap_or_else(|| panic!("{event}"));
        let overlay: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(overlay["language"], code);

        let checked = session
            .site
            .run(&["check", "--lang", code, "--format", "json"]);
        checked.expect_code(1);
        let errors: Vec<serde_json::Value> = checked
            .stdout
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .filter(|record| record["severity"] == "error")
            .collect();
        assert_eq!(overlay["errors"], serde_json::Value::from(errors), "{code}");
        let typo = &overlay["errors"][0];
        assert_eq!(
            (&typo["file"], &typo["line"], &typo["column"]),
            (&benches.into(), &4.into(), &1.into())
        );
        assert_eq!(typo["source_line"], "distirct: 旭区");
    }
}

/// A problem quotes its line as it was when found: the printer reads no
/// file, so a save after the rebuild does not change the line under the
/// caret (nor a model-stage problem's, found after the file was read).
#[test]
fn a_problem_quotes_the_line_it_was_found_on_not_a_newer_save() {
    let mut session = Session::start();
    let benches = "content/cases/slope-benches.md";
    let good = session.read(benches);
    let broken = session.write(benches, &good.replace("district: 旭区", "distirct: 旭区"));
    assert!(broken.has_errors());
    session.site.change_file(
        benches,
        good.replace("district: 旭区", "# a newer save\ndistrict: 旭区"),
    );
    let text = broken.diagnostics.render_text(Language::English);
    assert!(
        text.contains("| distirct: 旭区\n"),
        "the line found at rebuild time:\n{text}"
    );
    assert!(!text.contains("a newer save"), "{text}");
}

/// The search index, feed, sitemap and open data are made from the whole
/// site; a rebuild in which no file's text changed reuses them (at 10,000
/// cases making them again was most of such a rebuild), and any edit makes
/// them anew.
#[test]
fn whole_site_files_are_reused_until_a_text_changes() {
    use casebook::output::Contents;
    use std::sync::Arc;
    let site = SiteTest::fixture("serve/basic");
    let options = options(&site);
    let mut memo = casebook::serve::Memo::default();
    let run = |memo: &mut casebook::serve::Memo| -> BTreeMap<String, Arc<[u8]>> {
        let mut diagnostics = Diagnostics::new();
        let files = casebook::files(&options, Some(memo), &mut diagnostics)
            .unwrap_or_else(|| panic!("{diagnostics:?}"));
        files
            .into_iter()
            .filter_map(|file| match file.contents {
                Contents::Bytes(bytes) => Some((file.path, bytes)),
                Contents::Copy(_) => None,
            })
            .collect()
    };
    let whole_site = [
        "search/manifest.bin",
        "feed.xml",
        "sitemap.xml",
        "cases.json",
    ];
    let first = run(&mut memo);

    let case = "content/cases/old-case.md";
    let text = std::fs::read_to_string(site.root.join(case)).unwrap();
    site.change_file(case, &text);
    memo.forget(case);
    let saved = run(&mut memo);
    for path in whole_site {
        assert!(
            Arc::ptr_eq(&first[path], &saved[path]),
            "{path} was made again"
        );
    }

    let (title, edited) = text
        .lines()
        .find(|line| line.starts_with("title:"))
        .map(|line| (line.to_string(), format!("{line}（改）")))
        .unwrap();
    site.change_file(case, text.replacen(&title, &edited, 1));
    memo.forget(case);
    let changed = run(&mut memo);
    for path in whole_site {
        assert!(
            !Arc::ptr_eq(&saved[path], &changed[path]),
            "{path} was reused"
        );
    }
    assert_ne!(saved["cases.json"], changed["cases.json"]);
}
