//! Fuzz entry points: bytes → one pipeline stage, with the invariants that
//! stage promises checked by assertions (a failed assertion is a crash to
//! libFuzzer).
//!
//! The fuzz targets in `fuzz_targets/` call these, and so does the regression
//! test `tests/it/fuzz_corpus.rs`, which replays every file of
//! `fuzz/corpus/<target>/` on the stable toolchain in CI.

use casebook::content::front_matter::{normalize_source, parse_yaml, split};
use casebook::content::schema;
use casebook::date::Date;
use casebook::diagnostics::Diagnostics;
use casebook::images::{Format, Rendition, Responsive};
use casebook::locale::japanese;
use casebook::markdown::{self, LinkTarget, MarkdownOptions, RawHtml};
use casebook::normalize::{MAX_FORMS, Variants, is_separator, normalize, query_words, segments};
use casebook::render::body_images::body_html;
use casebook::search::index::{self, CaseText, REST};

/// Front matter: BOM/CRLF normalising, the `---` split, YAML parsing, then every
/// schema (case, funding, term, page) and the configuration reader. Nothing may
/// panic, and every diagnostic's position must be inside the file.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = normalize_source(text);
    // The YAML parser also breaks lines at NEL, LS and PS, so its positions can
    // count those as lines (a known limit; the caret is then left out).
    let lines = text.split(['\n', '\u{85}', '\u{2028}', '\u{2029}']).count();
    let mut diagnostics = Diagnostics::new();
    // The configuration is a YAML file without fences.
    casebook::config::parse(&text, &mut diagnostics);
    if let Ok(split) = split(&text)
        && split.yaml.len() <= casebook::content::front_matter::MAX_YAML_BYTES
    {
        match parse_yaml(split.yaml, split.open_line + 1) {
            Ok(doc) => {
                schema::read_case(&doc, "a.md", Default::default(), &mut diagnostics);
                schema::read_funding(&doc, "a.md", &mut diagnostics);
                schema::read_term(&doc, "a.md", &mut diagnostics);
                schema::read_page(&doc, "a.md", &mut diagnostics);
            }
            Err(error) => assert_inside(error.span, lines, &text),
        }
    }
    for diagnostic in diagnostics.iter() {
        if let Some(span) = diagnostic.span {
            assert_inside(span, lines, &text);
        }
    }
}

fn assert_inside(span: casebook::diagnostics::Span, lines: usize, text: &str) {
    assert!(
        span.line >= 1 && span.col >= 1 && span.line <= lines + 1,
        "span {span:?} outside a text of {lines} lines: {text:?}"
    );
}

/// The Markdown → HTML path: parsing, heading ids, link resolution, raw HTML
/// handling, highlighting, nesting limits and sanitizing, in every `raw_html`
/// mode. With `sanitize` and `escape`, no script may reach the HTML.
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let lines = body.split('\n').count();
    for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
        let options = MarkdownOptions {
            raw_html,
            highlight_theme: "InspiredGitHub".into(),
        };
        let rendered = markdown::render(body, 3, &options, &resolve);
        for problem in &rendered.problems {
            let span = problem.span;
            assert!(
                span.line >= 3 && span.line < 3 + lines && span.col >= 1,
                "problem at {span:?} outside the body: {body:?}"
            );
        }
        if !body.contains("{#") {
            let mut ids: Vec<&str> = rendered.toc.iter().map(|e| e.id.as_str()).collect();
            ids.sort_unstable();
            let count = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), count, "duplicate heading ids: {body:?}");
        }
        if raw_html != RawHtml::Allow
            && let Some(problem) = script_in_html(&rendered.html)
        {
            panic!(
                "{raw_html:?}: {problem}\nbody: {body:?}\nhtml: {}",
                rendered.html
            );
        }
        assert_images_listed(&rendered, body);
        // A page shows the body with its images in their renditions: that
        // markup must be as safe as the body's.
        let page = body_html(&rendered, |_| Some(&*RESPONSIVE), "/base/");
        if raw_html != RawHtml::Allow
            && let Some(problem) = script_in_html(&page)
        {
            panic!("{raw_html:?}: {problem}\nbody: {body:?}\npage: {page}");
        }
    }
}

/// Renditions for every image, in both formats.
static RESPONSIVE: std::sync::LazyLock<Responsive> = std::sync::LazyLock::new(|| Responsive {
    width: 640,
    height: 480,
    renditions: [
        (320, Format::Jpeg),
        (640, Format::Jpeg),
        (320, Format::WebP),
    ]
    .into_iter()
    .map(|(width, format)| Rendition {
        path: format!("cases/a/x-{width}w.{format:?}"),
        width,
        height: width * 3 / 4,
        format,
    })
    .collect(),
});

/// Every image the markdown stage lists is an `<img>` tag of the HTML, in
/// order, and no marker is left in the HTML.
fn assert_images_listed(rendered: &markdown::Rendered, body: &str) {
    let mut after = 0;
    for image in &rendered.images {
        let tag = rendered.html.get(image.tag.clone()).unwrap_or_else(|| {
            panic!("{:?} outside the HTML: {body:?}", image.tag);
        });
        assert!(image.tag.start >= after, "images out of order: {body:?}");
        after = image.tag.end;
        assert!(
            tag.starts_with(&format!("<img src=\"{}\"{}", image.src, image.attributes))
                && tag.ends_with('>'),
            "not the image's tag: {tag}\nbody: {body:?}"
        );
    }
    if !body.contains("casebook-image") {
        assert!(
            !rendered.html.contains("casebook-image"),
            "a marker is left: {body:?}\nhtml: {}",
            rendered.html
        );
    }
}

/// A resolver with every kind of answer, chosen by the destination's first byte.
fn resolve(dest: &str) -> LinkTarget {
    match dest.as_bytes().first() {
        Some(b'/') if dest.len().is_multiple_of(2) => LinkTarget::Page(format!("/base{dest}")),
        Some(b'/') => LinkTarget::Broken {
            message: casebook::diagnostics::words(
                format!("no page at {dest}"),
                format!("{dest} というページはありません"),
            ),
            hint: None,
        },
        Some(b'a'..=b'm') => LinkTarget::Asset {
            href: format!("/base/cases/a/{dest}"),
            path: format!("cases/a/{dest}"),
        },
        _ => LinkTarget::External,
    }
}

/// The first way `html` could run script: a `<script>` (or other active)
/// element, an `on…` event-handler attribute, or a `javascript:`-like URL in a
/// URL attribute. Reads tags as the HTML writers here emit them: attribute
/// values quoted, text outside tags escaped.
pub fn script_in_html(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let (tag, attributes, end) = read_tag(html, i + 1);
        i = end.max(i + 1);
        let tag = tag.to_ascii_lowercase();
        if [
            "script", "iframe", "frame", "object", "embed", "applet", "style", "base",
        ]
        .contains(&tag.as_str())
        {
            return Some(format!("<{tag}> element"));
        }
        // `<meta http-equiv="refresh" content="0;url=javascript:…">`.
        if tag == "meta"
            && attributes
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("http-equiv"))
        {
            return Some("<meta http-equiv> element".into());
        }
        for (name, value) in attributes {
            let name = name.to_ascii_lowercase();
            if name.starts_with("on") {
                return Some(format!("event handler `{name}` on <{tag}>"));
            }
            if is_url_attribute(&name) && is_script_url(&value) {
                return Some(format!("script URL `{value}` in `{name}` on <{tag}>"));
            }
        }
    }
    None
}

fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset" | "poster" | "data"
    )
}

/// Whether a URL attribute's value runs script when followed. Follows the URL
/// parser: leading C0 controls and spaces are dropped, and so are tabs and
/// line breaks anywhere (`java\tscript:`); any other control character ends the
/// scheme, so `jav\x18ascript:` is a harmless relative URL. Character references
/// are decoded first, as the HTML parser would.
pub fn is_script_url(value: &str) -> bool {
    let decoded = value
        .replace("&#x09;", "\t")
        .replace("&#9;", "\t")
        .replace("&#x0a;", "\n")
        .replace("&#10;", "\n")
        .replace("&Tab;", "\t")
        .replace("&NewLine;", "\n")
        .replace("&colon;", ":")
        .replace("&#58;", ":")
        .replace("&#x3a;", ":");
    let scheme: String = decoded
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

/// The tag name and attributes of the tag whose name starts at `start`, and
/// the index after its `>`.
fn read_tag(html: &str, start: usize) -> (String, Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut i = start;
    let is_name =
        |b: u8| !b.is_ascii_whitespace() && !matches!(b, b'>' | b'/' | b'=' | b'"' | b'\'');
    while i < bytes.len() && (bytes[i] == b'/' || bytes[i] == b'!') {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && is_name(bytes[i]) {
        i += 1;
    }
    let tag = html[name_start..i].to_string();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (tag, attributes, i);
        }
        if bytes[i] == b'>' {
            return (tag, attributes, i + 1);
        }
        let attr_start = i;
        while i < bytes.len() && is_name(bytes[i]) {
            i += 1;
        }
        if i == attr_start {
            // A stray quote or `=`: step over it.
            i += 1;
            continue;
        }
        let name = html[attr_start..i].to_string();
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let value_start = i + 1;
                    let value_end = html[value_start..]
                        .find(quote as char)
                        .map_or(bytes.len(), |n| value_start + n);
                    value = html[value_start..value_end].to_string();
                    i = (value_end + 1).min(bytes.len());
                }
                _ => {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[value_start..i].to_string();
                }
            }
        }
        attributes.push((name, value));
    }
}

/// 和暦, 年度 and 円: dates parsed from arbitrary text, and arbitrary years,
/// dates and amounts formatted. Yen must read back as the same amount; a
/// parsed date must print as the text it came from.
pub fn japanese(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(date) = Date::parse(text)
    {
        assert_eq!(date.to_string(), text);
        japanese::wareki_date(date);
        japanese::date_label(date);
    }
    let mut word = [0u8; 8];
    for (slot, byte) in word.iter_mut().zip(data) {
        *slot = *byte;
    }
    let amount = u64::from_le_bytes(word);
    let text = japanese::yen(amount);
    assert_eq!(read_yen(&text), Some(amount), "{amount} → {text}");

    let year = i32::from_le_bytes([word[0], word[1], word[2], word[3]]);
    let label = japanese::fiscal_year_label(year);
    assert!(label.contains(&format!("{year}年度")), "{year} → {label}");
    japanese::wareki_year(year);
    let month = u32::from(word[4] % 12) + 1;
    let day = u32::from(word[5] % 31) + 1;
    if let Some(date) = Date::new(year, month, day) {
        let wareki = japanese::wareki_date(date);
        assert!(
            wareki.ends_with(&format!("{month}月{day}日")),
            "{date} → {wareki}"
        );
        japanese::date_label(date);
        assert_eq!(
            Date::parse(&date.to_string())
                .ok()
                .filter(|_| (0..=9999).contains(&year)),
            (0..=9999).contains(&year).then_some(date)
        );
    }
}

/// Reads `1,234万5,678円` back into 12345678: the reference for [`japanese::yen`].
pub fn read_yen(text: &str) -> Option<u64> {
    let digits = text.strip_suffix('円')?;
    let mut total: u64 = 0;
    let mut group: u64 = 0;
    for c in digits.chars() {
        let unit: u64 = match c {
            '0'..='9' => {
                group = group
                    .checked_mul(10)?
                    .checked_add(u64::from(c as u8 - b'0'))?;
                continue;
            }
            ',' => continue,
            '京' => 10_000_000_000_000_000,
            '兆' => 1_000_000_000_000,
            '億' => 100_000_000,
            '万' => 10_000,
            _ => return None,
        };
        total = total.checked_add(group.checked_mul(unit)?)?;
        group = 0;
    }
    total.checked_add(group)
}

/// The search tokenizer and index: normalizing is idempotent, segments and
/// query words hold no separator, and the index of a text holds every 1-, 2-
/// and 3-character substring of it, each trigram with a context that every
/// occurrence agrees with (what makes longer substring queries exact).
pub fn search_tokenizer(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let normalized = normalize(text);
    assert_eq!(
        normalize(&normalized),
        normalized,
        "not idempotent: {text:?}"
    );
    let variants = Variants::defaults();
    for word in query_words(text) {
        assert!(
            !word.is_empty() && !word.chars().any(is_separator),
            "{word:?}"
        );
        assert_eq!(
            normalize(&word),
            word,
            "query word not normalized: {word:?}"
        );
        let forms = variants.expand(&word);
        assert!(
            forms.contains(&word) && forms.len() <= MAX_FORMS,
            "{word:?}: {forms:?}"
        );
    }
    let index = index::build(&[CaseText {
        rest: normalized.clone(),
        ..CaseText::default()
    }]);
    let grams: std::collections::HashMap<&str, &index::Gram> =
        index.grams.iter().map(|g| (g.text.as_str(), g)).collect();
    for segment in segments(&normalized) {
        assert!(!segment.is_empty() && !segment.chars().any(is_separator));
        let chars: Vec<char> = segment.chars().collect();
        for i in 0..chars.len() {
            for len in 1..=3.min(chars.len() - i) {
                let gram: String = chars[i..i + len].iter().collect();
                let Some(found) = grams.get(gram.as_str()) else {
                    panic!("{gram:?} of {segment:?} is not indexed");
                };
                assert_eq!(
                    (found.postings.cases(), found.postings.fields()),
                    (vec![0], vec![REST])
                );
                if len < 3 {
                    continue;
                }
                let right: String = chars[i + 3..]
                    .iter()
                    .take(found.right.text.chars().count())
                    .collect();
                assert_eq!(right, found.right.text, "right of {gram:?} in {segment:?}");
                if found.right.closed {
                    assert_eq!(i + 3 + found.right.text.chars().count(), chars.len());
                }
                let left: String = chars[..i]
                    .iter()
                    .rev()
                    .take(found.left.text.chars().count())
                    .collect();
                assert_eq!(left, found.left.text, "left of {gram:?} in {segment:?}");
                if found.left.closed {
                    assert_eq!(i, found.left.text.chars().count());
                }
            }
        }
    }
}
