use crate::harness::SiteTest;
use casebook::normalize::{Variants, normalize};
use casebook::search::query::IndexReader;
use std::collections::BTreeSet;

/// The built fixture's index, and each case's slug and normalized fields.
struct Built {
    reader: IndexReader,
    slugs: Vec<String>,
    fields: Vec<[String; 3]>,
    variants: Variants,
    _run: crate::harness::Run,
}

fn built() -> Built {
    let run = SiteTest::fixture("search/site").build();
    run.expect_success();
    let reader = IndexReader::open(&run.root.join("public/search")).unwrap();
    let cases = reader.manifest()["cases"].as_u64().unwrap() as u32;
    let slugs = (0..cases)
        .map(|i| {
            let path = reader.case_path(i).unwrap();
            path.trim_start_matches("cases/")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let fields = (0..cases)
        .map(|i| reader.case_text(i).unwrap().map(|f| normalize(&f)))
        .collect();
    let groups: Vec<Vec<String>> =
        serde_json::from_value(reader.manifest()["variants"].clone()).unwrap();
    Built {
        reader,
        slugs,
        fields,
        variants: Variants::new(&groups),
        _run: run,
    }
}

impl Built {
    /// The slugs the index returns for `query`, best first.
    fn search(&self, query: &str) -> Vec<&str> {
        self.reader
            .search(query)
            .unwrap()
            .iter()
            .map(|hit| self.slugs[hit.case as usize].as_str())
            .collect()
    }

    /// The cases whose text holds every word in one of its forms, by brute
    /// force over the same text the index was built from.
    fn truth(&self, query: &str) -> BTreeSet<&str> {
        let words = casebook::normalize::query_words(query);
        self.fields
            .iter()
            .zip(&self.slugs)
            .filter(|(fields, _)| {
                !words.is_empty()
                    && words.iter().all(|word| {
                        self.variants
                            .expand(word)
                            .iter()
                            .any(|form| fields.iter().any(|f| f.contains(form.as_str())))
                    })
            })
            .map(|(_, slug)| slug.as_str())
            .collect()
    }
}

#[test]
fn japanese_queries_find_exactly_the_cases_that_contain_them() {
    let built = built();
    for (query, expected) in [
        // A 2-character word, and a substring inside a compound (多世代交流).
        ("防災", vec!["bousai-map"]),
        ("多世代", vec!["akiya-hub", "workshop-bench", "mimamori"]),
        // Variants: either spelling finds both.
        ("空家", vec!["akiya-bank", "akiya-hub"]),
        ("空き家", vec!["akiya-bank", "akiya-hub"]),
        ("子供", vec!["kodomo-shokudo", "bousai-map", "akiya-hub"]),
        ("まちづくり", vec!["machi-hiroba", "bousai-map"]),
        // Full width and half width fold to one form.
        ("ＮＰＯ", vec!["kodomo-shokudo", "akiya-hub"]),
        ("npo法人", vec!["kodomo-shokudo", "akiya-hub"]),
        ("ＷＯＲＫＳＨＯＰ", vec!["workshop-bench", "machi-hiroba"]),
        ("ボランティア", vec!["kodomo-shokudo", "workshop-bench"]),
        // Two words are ANDed.
        ("子育て 空き家", vec!["akiya-hub"]),
        ("子育て　防災", vec!["bousai-map"]),
        // A word found nowhere, and words only found apart.
        ("温泉", vec![]),
        ("空き家食堂", vec![]),
        ("<img src=x", vec!["injection"]),
    ] {
        let found = built.search(query);
        assert_eq!(found, expected, "{query}");
        assert_eq!(
            found.iter().copied().collect::<BTreeSet<_>>(),
            built.truth(query),
            "{query}"
        );
    }
}

#[test]
fn title_matches_rank_first_then_summary_then_newest() {
    let built = built();
    // 多世代 is in akiya-hub's title, workshop-bench's themes, mimamori's body;
    // the last two tie and the newer comes first.
    assert_eq!(
        built.search("多世代"),
        ["akiya-hub", "workshop-bench", "mimamori"]
    );
    // 子育て: summary (akiya-hub) before body/themes, newest first among those.
    assert_eq!(
        built.search("子育て"),
        ["akiya-hub", "kodomo-shokudo", "bousai-map"]
    );
}

#[test]
fn every_substring_of_every_case_is_found_exactly() {
    let built = built();
    let mut queries: BTreeSet<String> = BTreeSet::new();
    for fields in &built.fields {
        for field in fields {
            for segment in casebook::normalize::segments(field) {
                let chars: Vec<char> = segment.chars().collect();
                for len in 1..=8.min(chars.len()) {
                    for start in 0..=chars.len() - len {
                        queries.insert(chars[start..start + len].iter().collect());
                    }
                }
                // Whole segments, however long, and a miss one character past one.
                queries.insert(segment.to_string());
                queries.insert(format!("{segment}ゑ"));
            }
        }
    }
    assert!(queries.len() > 2_000, "{} queries", queries.len());
    for query in &queries {
        let found: BTreeSet<&str> = built.search(query).into_iter().collect();
        assert_eq!(found, built.truth(query), "{query}");
    }
}

#[test]
fn a_query_reads_only_the_files_it_needs() {
    let built = built();
    let reader = IndexReader::open(&built._run.root.join("public/search")).unwrap();
    reader.search("防災").unwrap();
    let fetched = reader.fetched();
    assert_eq!(fetched.len(), 1, "{fetched:?}");
    assert!(fetched[0].starts_with("g/"), "{fetched:?}");
}

#[test]
fn two_builds_write_the_same_index() {
    let site = SiteTest::fixture("search/site");
    let first = site.build();
    first.expect_success();
    let read = |run: &crate::harness::Run| {
        let mut files = Vec::new();
        for dir in ["", "g/", "d/", "t/"] {
            let full = run.root.join("public/search").join(dir);
            let mut names: Vec<_> = std::fs::read_dir(&full)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .collect();
            names.sort();
            for name in names {
                files.push((name.clone(), std::fs::read(name).unwrap()));
            }
        }
        files
    };
    let before = read(&first);
    let second = site.build();
    second.expect_success();
    assert_eq!(before, read(&second));
}

#[test]
fn search_variants_in_the_config_replace_the_defaults() {
    let site = SiteTest::fixture("search/site").file(
        "casebook.yaml",
        "title: t\nbase_url: /\nsearch:\n  variants:\n    - [坂道, さかみち]\n",
    );
    let run = site.build();
    run.expect_success();
    let reader = IndexReader::open(&run.root.join("public/search")).unwrap();
    assert_eq!(
        reader.manifest()["variants"],
        serde_json::json!([["坂道", "さかみち"]])
    );
}

#[test]
fn search_config_mistakes_are_located_with_a_hint() {
    SiteTest::fixture("search/site")
        .file(
            "casebook.yaml",
            "title: t\nbase_url: /\nsearch:\n  variant:\n    - [a, b]\n",
        )
        .check()
        .expect_code(1)
        .expect_stderr_contains("casebook.yaml:4:3: error: unknown field `variant` in `search`")
        .expect_stderr_contains("hint: did you mean `variants`?");
    SiteTest::fixture("search/site")
        .file(
            "casebook.yaml",
            "title: t\nbase_url: /\nsearch:\n  variants:\n    - [空家, 空き家]\n    - [空家, あきや]\n    - [ひとつ]\n",
        )
        .check()
        .expect_code(1)
        .expect_stderr_contains("casebook.yaml:6:8: error: `空家` is already in `search.variants[0]`")
        .expect_stderr_contains("casebook.yaml:7:7: error: `search.variants[2]` needs at least two spellings");
}

/// Issue 17: the text store keeps a case's body apart from its field lines,
/// so the client's excerpt is body prose and a field match is named. The
/// field lines still match queries.
#[test]
fn issue_17_the_rest_is_the_body_then_each_field_after_a_separator() {
    use casebook::search::{FIELD_SEPARATOR, REST_FIELDS};
    let index = built();
    let case = index.slugs.iter().position(|s| s == "akiya-hub").unwrap();
    let [_, _, rest] = index.reader.case_text(case as u32).unwrap();
    let parts: Vec<&str> = rest.split(FIELD_SEPARATOR).collect();
    assert_eq!(parts.len(), 1 + REST_FIELDS.len(), "{rest:?}");
    assert!(!parts[0].contains("中村地域ケアプラザ"), "{:?}", parts[0]);
    assert_eq!(
        &parts[1..],
        [
            "南区 中村地区",
            "市民まち普請事業",
            "多世代交流 空き家活用",
            "中村地域ケアプラザ ＮＰＯ法人えんがわ",
        ]
    );
    // Still found through a field, and never across the separator.
    assert_eq!(index.search("ケアプラザ"), ["akiya-hub"]);
    assert!(index.search("中村地区市民").is_empty());
}
