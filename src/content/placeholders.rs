//! Placeholders: a case file → diagnostics for template text left in it.
//!
//! `casebook new` writes a case whose fields hold placeholder text such as
//! `（区）/（地区）`, and whose body has the template's headings with nothing
//! under them. The texts are declared here once; the template writer
//! (`new_case`) and this check both read them, so they cannot drift apart.
//!
//! 1. Every string in the front matter that contains a placeholder is an
//!    error at the placeholder's own line and column (a warning in a draft,
//!    which is not published).
//! 2. Every body line that contains one is an error too.
//! 3. A template heading with nothing under it is a warning at its line.
//!
//! The messages are written in the site's language (Japanese or English),
//! from the one table [`MESSAGES`].

use crate::content::front_matter::{PathSeg, YamlDoc};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Span, Words, words};
use serde_json::Value;

/// The case's name, until the writer gives one.
pub const TITLE: &str = "（事例名）";
/// The summary shown in listings and search results.
pub const SUMMARY: &str = "（一覧や検索結果に表示する概要を1〜2文で）";
/// The ward and area of `district: 区/地区`.
pub const WARD: &str = "（区）";
pub const AREA: &str = "（地区）";
/// A funding scheme's name, in the template's commented-out `funding:`.
pub const SCHEME: &str = "（content/funding/ の制度名）";

/// A source's title and publisher, in the template's commented-out `sources:`.
pub const SOURCE_TITLE: &str = "（資料の名前）";
pub const PUBLISHER: &str = "（発行者）";

/// Every placeholder text of the case template.
pub const ALL: [&str; 7] = [TITLE, SUMMARY, WARD, AREA, SCHEME, SOURCE_TITLE, PUBLISHER];

/// The headings of the case template's body, written with nothing under them.
pub const HEADINGS: [&str; 4] = ["背景", "取組の内容", "成果", "これから"];

/// What a message is about; each has its words in [`MESSAGES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Placeholder,
    PlaceholderHint,
    EmptyHeading,
    EmptyHeadingHint,
}

/// The messages of this check, Japanese and English. `{text}` stands for the
/// placeholder or heading.
const MESSAGES: [(Key, &str, &str); 4] = [
    (
        Key::Placeholder,
        "テンプレートの仮の文字「{text}」が残っています",
        "template placeholder `{text}` is still here",
    ),
    (
        Key::PlaceholderHint,
        "「{text}」をこの事例の内容に書き換えてください。書きかけのまま置いておくときは、`draft: true` を加えると公開されません",
        "replace `{text}` with this case's own text; to keep a half-written case, add `draft: true` and it is not published",
    ),
    (
        Key::EmptyHeading,
        "見出し「{text}」の下に本文がありません",
        "heading `{text}` has nothing under it",
    ),
    (
        Key::EmptyHeadingHint,
        "この見出しの内容を書くか、使わないなら見出しごと消してください",
        "write what goes under it, or delete the heading if this case does not need it",
    ),
];

/// The message `key` in both languages, with `{text}` filled in.
fn message(key: Key, text: &str) -> Words {
    let (_, ja, en) = MESSAGES
        .iter()
        .find(|(k, _, _)| *k == key)
        .copied()
        .unwrap_or((key, "", ""));
    words(en.replace("{text}", text), ja.replace("{text}", text))
}

/// Reports the placeholders and empty template headings of one case file.
/// `text` is the whole normalised file; `body` starts at line `body_line`.
pub fn check(
    file: &str,
    text: &str,
    doc: &YamlDoc,
    body: &str,
    body_line: usize,
    diagnostics: &mut Diagnostics,
) {
    let draft = doc.value.get("draft") == Some(&Value::Bool(true));
    let lines: Vec<&str> = text.split('\n').collect();
    let report = |placeholder: &str, span: Span, field: Option<String>| {
        let mut diagnostic = Diagnostic::error_in(
            file,
            message(Key::Placeholder, placeholder),
            Some(message(Key::PlaceholderHint, placeholder)),
        )
        .at(span);
        if draft {
            diagnostic.severity = Severity::Warning;
        }
        if let Some(field) = field {
            diagnostic = diagnostic.field(field);
        }
        diagnostic
    };

    let mut path = Vec::new();
    let mut found = Vec::new();
    strings_with_placeholders(&doc.value, &mut path, &mut found);
    for (path, value) in found {
        let segments: Vec<PathSeg<'_>> = path
            .iter()
            .map(|step| match step {
                Step::Key(key) => PathSeg::Key(key),
                Step::Index(i) => PathSeg::Index(*i),
            })
            .collect();
        let at = doc.locate(&segments);
        let field = field_name(&path);
        for placeholder in ALL.iter().filter(|p| value.contains(**p)) {
            // The placeholder's own column when the value is on the located
            // line, else the value's.
            let line = lines.get(at.line.wrapping_sub(1)).copied().unwrap_or("");
            let span =
                column_of(line, placeholder, at.col).map_or(at, |col| Span::new(at.line, col));
            diagnostics.push(report(placeholder, span, Some(field.clone())));
        }
    }

    let body_lines: Vec<&str> = body.split('\n').collect();
    let mut in_fence = false;
    for (i, line) in body_lines.iter().enumerate() {
        if is_fence(line) {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        for placeholder in ALL {
            if let Some(col) = column_of(line, placeholder, 1) {
                diagnostics.push(report(placeholder, Span::new(body_line + i, col), None));
            }
        }
    }

    for (i, heading) in empty_template_headings(&body_lines) {
        let mut diagnostic = Diagnostic::error_in(
            file,
            message(Key::EmptyHeading, heading),
            Some(message(Key::EmptyHeadingHint, heading)),
        )
        .at(Span::new(body_line + i, 1));
        diagnostic.severity = Severity::Warning;
        diagnostics.push(diagnostic);
    }
}

/// One step of a path into the front matter, owned.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn strings_with_placeholders<'v>(
    value: &'v Value,
    path: &mut Vec<Step>,
    found: &mut Vec<(Vec<Step>, &'v str)>,
) {
    match value {
        Value::String(s) if ALL.iter().any(|p| s.contains(p)) => found.push((path.clone(), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                strings_with_placeholders(item, path, found);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(Step::Key(key.clone()));
                strings_with_placeholders(item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `funding[0].scheme`, as the other field diagnostics write it.
fn field_name(path: &[Step]) -> String {
    let mut name = String::new();
    for step in path {
        match step {
            Step::Key(key) if name.is_empty() => name.push_str(key),
            Step::Key(key) => {
                name.push('.');
                name.push_str(key);
            }
            Step::Index(i) => name.push_str(&format!("[{i}]")),
        }
    }
    name
}

/// The 1-based character column of `needle` in `line`, searching from
/// character column `from`.
fn column_of(line: &str, needle: &str, from: usize) -> Option<usize> {
    let start = line
        .char_indices()
        .nth(from.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let offset = line[start..].find(needle)? + start;
    Some(line[..offset].chars().count() + 1)
}

fn is_fence(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// An ATX heading's level and text: `## 成果` → (2, "成果").
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let rest = &line[level..];
    ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then(|| (level, rest.trim().trim_end_matches('#').trim_end()))
}

/// The template headings that have only blank lines under them before the
/// next heading of the same or a higher level, or the end: (line index, text).
fn empty_template_headings<'a>(lines: &[&'a str]) -> Vec<(usize, &'a str)> {
    let mut empty = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((level, text)) = heading(line) else {
            continue;
        };
        let Some(&template) = HEADINGS.iter().find(|h| **h == text) else {
            continue;
        };
        let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
        let has_nothing = match next {
            None => true,
            Some(next) => heading(next).is_some_and(|(next_level, _)| next_level <= level),
        };
        if has_nothing {
            empty.push((i, template));
        }
    }
    empty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::parse_yaml;

    /// The diagnostics of `text`, with each message as `language` prints it.
    fn run(text: &str, language: &str) -> Vec<Diagnostic> {
        let split = crate::content::front_matter::split(text).unwrap();
        let doc = parse_yaml(split.yaml, split.open_line + 1).unwrap();
        let mut diagnostics = Diagnostics::new();
        check(
            "content/cases/a.md",
            text,
            &doc,
            split.body,
            split.body_line,
            &mut diagnostics,
        );
        let language = crate::language::Language::from_code(language).unwrap();
        diagnostics
            .sorted()
            .into_iter()
            .map(|mut d| {
                let (message, hint) = d.words(language);
                (d.message, d.hint) = (message.to_string(), hint.map(str::to_string));
                d.ja = None;
                d
            })
            .collect()
    }

    #[test]
    fn each_placeholder_is_an_error_at_its_own_column() {
        let text = "---\ntitle: 題\ndistrict: 南区/（地区）\nfunding:\n  - scheme: （content/funding/ の制度名）\n---\n本文\n";
        let found: Vec<(usize, usize, String, Option<String>)> = run(text, "ja")
            .into_iter()
            .map(|d| {
                (
                    d.span.unwrap().line,
                    d.span.unwrap().col,
                    d.message,
                    d.field,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    3,
                    14,
                    "テンプレートの仮の文字「（地区）」が残っています".to_string(),
                    Some("district".to_string())
                ),
                (
                    5,
                    13,
                    "テンプレートの仮の文字「（content/funding/ の制度名）」が残っています"
                        .to_string(),
                    Some("funding[0].scheme".to_string())
                ),
            ]
        );
    }

    #[test]
    fn a_comment_holding_a_placeholder_is_not_reported() {
        let text =
            "---\ntitle: 題\n# funding:\n#   - scheme: （content/funding/ の制度名）\n---\n本文\n";
        assert_eq!(run(text, "ja"), []);
    }

    #[test]
    fn in_a_draft_a_placeholder_is_a_warning() {
        let text = "---\ntitle: （事例名）\ndraft: true\n---\n";
        let found = run(text, "en");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, crate::diagnostics::Severity::Warning);
        assert_eq!(
            found[0].message,
            "template placeholder `（事例名）` is still here"
        );
    }

    #[test]
    fn body_placeholders_are_errors_outside_code_blocks() {
        let text = "---\ntitle: 題\n---\n\n（事例名）について\n```\n（区）\n```\n";
        let found = run(text, "ja");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span, Some(Span::new(5, 1)));
        assert!(found[0].hint.as_deref().unwrap().contains("draft: true"));
    }

    #[test]
    fn empty_template_headings_are_warnings() {
        // (body, the lines of the warned headings)
        let table: [(&str, &[usize]); 6] = [
            ("## 成果\n\n## これから\n", &[5, 7]),
            (
                "## 成果\n\n利用者が増えた。\n\n## これから\n続ける。\n",
                &[],
            ),
            ("## 成果\n### 利用者\n数が増えた。\n", &[]),
            ("## 成果\n\n# 別の章\n", &[5]),
            ("## まとめ\n\n## これから\n\n", &[7]),
            ("## 成果 ##\n", &[5]),
        ];
        for (body, lines) in table {
            let text = format!("---\ntitle: 題\n---\n\n{body}");
            let found: Vec<usize> = run(&text, "ja")
                .iter()
                .inspect(|d| assert_eq!(d.severity, crate::diagnostics::Severity::Warning))
                .map(|d| d.span.unwrap().line)
                .collect();
            assert_eq!(found, lines, "{body}");
        }
    }

    #[test]
    fn messages_are_written_in_both_languages() {
        assert_eq!(
            message(Key::EmptyHeading, "成果"),
            words(
                "heading `成果` has nothing under it",
                "見出し「成果」の下に本文がありません"
            )
        );
    }
}
