//! The repository is itself a site: its sample content must check clean, and
//! its pages must say what the content says.

use std::path::{Path, PathBuf};
use std::process::Command;

fn casebook(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(args)
        .env("CASEBOOK_LANG", "en")
        .output()
        .unwrap()
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_sample_site_checks_without_problems() {
    let output = casebook(&["check", "--root", ROOT]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "no problems found\n");
}

/// The sample publishes figures the way a city must: `casebook.yaml` requires a
/// source for every amount and outcome value of a case that is not
/// illustrative, and the site checks clean under that rule.
#[test]
fn the_sample_site_requires_a_source_for_every_figure() {
    let config: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("casebook.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(config["require_sources"], serde_yaml::Value::Bool(true));
    assert!(
        config["notice"]
            .as_str()
            .is_some_and(|n| n.contains("見本")),
        "the banner says the site is a sample"
    );
    let output = casebook(&["check", "--root", ROOT]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The rule is live: a copy of the sample whose first sourced outcome loses
    // its `source:` fails at that figure.
    let copy = tempfile::tempdir().unwrap();
    for part in ["casebook.yaml", "content", "themes"] {
        copy_tree(&Path::new(ROOT).join(part), &copy.path().join(part));
    }
    let case = copy.path().join("content/cases/fukushi-plan-renkei.md");
    let text = std::fs::read_to_string(&case).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("label: 認定された地域まちづくりプラン"))
        .expect("the outcome is in the sample")
        + 1;
    std::fs::write(&case, text.replacen(", source: yokohama-plan }", " }", 1)).unwrap();
    let output = casebook(&["check", "--root", copy.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "content/cases/fukushi-plan-renkei.md:{line}:31: error: `outcomes[0].value` has no source"
        )),
        "{stderr}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_file() {
        std::fs::copy(from, to).unwrap();
        return;
    }
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        copy_tree(&entry.path(), &to.join(entry.file_name()));
    }
}

/// Builds the sample site once into a temporary folder.
fn built() -> &'static Path {
    static OUTPUT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, public) = OUTPUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let output = casebook(&[
            "build",
            "--root",
            ROOT,
            "--output",
            public.to_str().unwrap(),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (dir, public)
    });
    public
}

fn page(path: &str) -> String {
    std::fs::read_to_string(built().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main_of(path: &str) -> String {
    let html = page(path);
    html[html.find("<main").unwrap()..html.rfind("</main>").unwrap()].to_string()
}

#[test]
fn the_nakamura_case_shows_its_facts_panel() {
    let main = main_of("cases/nakamura-hub/index.html");
    for expected in [
        "空き家を活用した多世代交流拠点づくり",
        "中村地区",
        "ヨコハマ市民まち普請事業",
        "平成30年度（2018年度）",
        "中村地域ケアプラザ",
        "計画中",
        // The placeholder image says what it is.
        "画像はイメージです。",
    ] {
        assert!(main.contains(expected), "Nakamura page lacks {expected:?}");
    }
    // Its source gives no amount or support type, so none is shown.
    for absent in ["万円", "支援の型"] {
        assert!(!main.contains(absent), "Nakamura page shows {absent:?}");
    }
    // Its one figure carries a mark that leads to the 出典 entry and back.
    assert!(main.contains("<a id=\"cite-outcome-1\" href=\"#source-1\">[<span class=\"visually-hidden\">出典</span>1]</a>"));
    let entry = &main[main.find("<li id=\"source-1\">").expect("entry 1")..];
    let entry = &entry[..entry.find("</li>").unwrap()];
    for expected in [
        "区局・中間支援組織と連携した地域支援の取組（アプローチ型支援）について</cite>（横浜市）",
        "「参考 アプローチ型支援の実績（南区中村地区）」",
        "class=\"source-list__back\" href=\"#cite-outcome-1\"",
    ] {
        assert!(
            entry.contains(expected),
            "出典 entry lacks {expected:?}: {entry}"
        );
    }
    assert!(built().join("cases/nakamura-hub/exterior.jpg").exists());
}

#[test]
fn a_scheme_page_lists_its_sourced_rules_and_cases() {
    let main = main_of("funding/chiiki-machizukuri-josei/index.html");
    for expected in [
        "横浜市 地域まちづくり課",
        "90%",
        "500万円",
        "3回",
        // The rules' source.
        "<h2 id=\"sources-heading\">出典</h2>",
        "区局・中間支援組織と連携した地域支援の取組（アプローチ型支援）の今後の展開について（案）",
        // Its only grant is a made-up one: listed as such, left out of the total.
        "急な坂道にベンチを置いて、歩いて出かけられるまちに",
        "架空の事例1件を除く",
    ] {
        assert!(main.contains(expected), "scheme page lacks {expected:?}");
    }
}

/// Every amount and outcome value of a real case names one of its sources,
/// in the open data and on the page, where its mark links to the 出典 entry
/// and the entry links back.
#[test]
fn every_figure_of_a_real_case_cites_its_source() {
    let json: serde_json::Value = serde_json::from_str(&page("cases.json")).unwrap();
    let mut figures = 0;
    for case in json["cases"].as_array().unwrap() {
        if case["illustrative"] == true {
            continue;
        }
        let slug = case["slug"].as_str().unwrap();
        let ids: Vec<&str> = case["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert!(!ids.is_empty(), "{slug} cites no source");
        let grants = case["funding"].as_array().unwrap().iter();
        let sourced = grants.filter(|g| !g["amount"].is_null());
        for figure in sourced.chain(case["outcomes"].as_array().unwrap()) {
            let source = figure["source"].as_str();
            assert!(
                source.is_some_and(|id| ids.contains(&id)),
                "{slug}: {figure} has no source"
            );
            figures += 1;
        }
    }
    assert_eq!(figures, 8, "sourced figures in the sample");

    let main = main_of("cases/fukushi-plan-renkei/index.html");
    for n in 1..=2 {
        assert!(
            main.contains(&format!("<a id=\"cite-outcome-{n}\" href=\"#source-1\">")),
            "outcome {n} has a mark linking to its source"
        );
        assert!(
            main.contains(&format!(
                "class=\"source-list__back\" href=\"#cite-outcome-{n}\""
            )),
            "the source links back to outcome {n}"
        );
    }
    let entry = &main[main.find("<li id=\"source-1\">").expect("entry 1")..];
    assert!(entry.contains(
        "区局・中間支援組織と連携した地域支援の取組（アプローチ型支援）の今後の展開について（案）</cite>（横浜市）"
    ));
    assert!(entry.contains("「（１）地域まちづくりの現状と課題」"));
}

/// Reference marks and their back links never point at nothing.
#[test]
fn every_in_page_link_of_a_case_has_its_target() {
    let public = built();
    let mut links = 0;
    for entry in std::fs::read_dir(public.join("cases")).unwrap() {
        let path = entry.unwrap().path().join("index.html");
        if !path.exists() {
            continue;
        }
        let html = std::fs::read_to_string(&path).unwrap();
        for fragment in html.split("href=\"#").skip(1) {
            let id = &fragment[..fragment.find('"').unwrap()];
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "{}: #{id} has no target",
                path.display()
            );
            links += 1;
        }
    }
    assert!(links > 20, "only {links} in-page links");
}

/// The made-up examples say so wherever they appear, and keep the figures and
/// support type they were written to show.
#[test]
fn the_fictional_examples_are_labelled() {
    for slug in ["slope-benches", "community-bus"] {
        let main = main_of(&format!("cases/{slug}/index.html"));
        let h1 = &main[main.find("<h1>").unwrap()..main.find("</h1>").unwrap()];
        assert!(
            h1.contains("<span class=\"label-illustrative\">架空の事例</span>"),
            "{slug}: label beside the title: {h1}"
        );
        let en = main_of(&format!("en/cases/{slug}/index.html"));
        assert!(en.contains("Fictional example"), "{slug}: English label");
    }
    let main = main_of("cases/slope-benches/index.html");
    assert!(main.contains("B1（後押しアプローチ型）"));
    assert!(main.contains("架空の数値"));
    let list = main_of("cases/index.html");
    let card = &list[list.find("/cases/slope-benches/").expect("listed")..];
    assert!(
        card[..card.find("</article>").unwrap()].contains("架空の事例"),
        "label on the card"
    );
    let labelled = list.matches("class=\"label-illustrative\"").count();
    assert_eq!(labelled, 2, "only the two fictional examples are labelled");
}

#[test]
fn open_data_has_one_row_per_case() {
    // Translations (`a.en.md`) are versions of a case, not cases.
    let cases = std::fs::read_dir(Path::new(ROOT).join("content/cases"))
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".en.md")
        })
        .count();
    let csv = page("cases.csv");
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with("slug,title,summary,url,ward,area,status,fiscal_year,published,updated,period_start,period_end,support_type,latitude,longitude,illustrative"));
    assert_eq!(lines.len() - 1, cases, "one row per case");
    let json: serde_json::Value = serde_json::from_str(&page("cases.json")).unwrap();
    assert_eq!(json["cases"].as_array().unwrap().len(), cases);
}

#[test]
fn every_link_stays_under_the_city_sub_path() {
    let html = page("cases/nakamura-hub/index.html");
    let hrefs: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .filter(|href| href.starts_with('/'))
        .collect();
    assert!(hrefs.len() > 20);
    for href in hrefs {
        assert!(href.starts_with("/machizukuri/jirei/"), "{href}");
    }
}

/// The page-weight budget (issue 5): every case page, with the stylesheets and
/// scripts it links, stays under 60 KB before images, uncompressed.
/// `bench/pages/weight.mjs` reports what is actually transferred.
#[test]
fn every_case_page_weighs_under_60_kb_before_images() {
    const BUDGET: usize = 60 * 1024;
    let public = built();
    let mut checked = 0;
    for entry in std::fs::read_dir(public.join("cases")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        // `cases/page/` holds listing pages, not a case.
        if !page.exists() {
            continue;
        }
        let html = std::fs::read_to_string(&page).unwrap();
        let linked: usize = linked_files(&html)
            .map(|href| {
                let file = href.trim_start_matches("/machizukuri/jirei/");
                std::fs::metadata(public.join(file))
                    .unwrap_or_else(|e| panic!("{href}: {e}"))
                    .len() as usize
            })
            .sum();
        let total = html.len() + linked;
        assert!(
            total < BUDGET,
            "{}: {total} bytes before images",
            page.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} case pages");
}

/// The hrefs of a page's stylesheets and scripts.
fn linked_files(html: &str) -> impl Iterator<Item = &str> {
    let stylesheets = html
        .split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()]);
    let scripts = html.split("<script").skip(1).filter_map(|rest| {
        let tag = &rest[..rest.find('>').unwrap()];
        let src = tag.split(" src=\"").nth(1)?;
        Some(&src[..src.find('"').unwrap()])
    });
    stylesheets.chain(scripts)
}
