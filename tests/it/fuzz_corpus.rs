//! The fuzz regression corpus, replayed on the stable toolchain: every file in
//! `fuzz/corpus/<target>/` goes through the same entry point as the fuzz
//! target (`fuzz/src/lib.rs`), so an input that once crashed stays fixed.

#[path = "../../fuzz/src/lib.rs"]
pub mod targets;

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut count = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| entry(&data));
        assert!(outcome.is_ok(), "{} fails", path.display());
        count += 1;
    }
    assert!(count > 0, "no corpus in {}", dir.display());
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", targets::front_matter);
}

#[test]
fn markdown_corpus() {
    replay("markdown", targets::markdown);
}

#[test]
fn search_tokenizer_corpus() {
    replay("search_tokenizer", targets::search_tokenizer);
}

#[test]
fn japanese_corpus() {
    replay("japanese", targets::japanese);
}

/// The script detector the fuzz targets rely on must itself catch scripts.
#[test]
fn script_detector() {
    for (html, found) in [
        ("<p>a</p>", false),
        ("<script>x</script>", true),
        ("<SCRIPT>x</SCRIPT>", true),
        ("<img src=\"x\" onerror=\"a()\">", true),
        ("<img alt=\"a > b onerror=x\" src=\"x\">", false),
        ("<a href=\"javascript:a()\">", true),
        ("<a href=\" JaVa&#x09;Script:a()\">", true),
        ("<a href=\"jav\u{18}ascript:a()\">", false),
        ("<a href=\"/javascript:a()\">", false),
        ("<p>onclick=x javascript:y</p>", false),
        ("&lt;script&gt;", false),
    ] {
        assert_eq!(targets::script_in_html(html).is_some(), found, "{html}");
    }
}
