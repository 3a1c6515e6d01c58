//! Diagnostics: the one error type users see.
//!
//! Every stage reports problems as [`Diagnostic`]s into a shared [`Diagnostics`]
//! collection and keeps going, so one run reports every problem of every file.
//! Printing (text with a caret under the span, or JSON) happens here; deciding the
//! exit code happens in `main.rs`.

use crate::language::Language;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where a problem is, 1-based. `col` counts characters, not bytes, so a caret lines
/// up under Japanese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub line: usize,
    pub col: usize,
}

impl Span {
    pub fn new(line: usize, col: usize) -> Self {
        Span { line, col }
    }

    /// The span of byte offset `offset` in `text` (1-based line, character column).
    pub fn at_offset(text: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Span { line, col }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The message and hint in Japanese, printed for a Japanese site.
    #[serde(skip)]
    pub ja: Option<Japanese>,
}

/// A diagnostic's words in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Japanese {
    pub message: String,
    pub hint: Option<String>,
}

/// A message in both languages, as the stages write them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub en: String,
    pub ja: String,
}

/// A message in English and Japanese: `words("unknown field", "不明なフィールドです")`.
pub fn words(en: impl Into<String>, ja: impl Into<String>) -> Words {
    Words {
        en: en.into(),
        ja: ja.into(),
    }
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            span: None,
            field: None,
            message: message.into(),
            hint: None,
            ja: None,
        }
    }

    /// A problem worded in both languages.
    pub fn error_in(file: impl Into<String>, message: Words, hint: Option<Words>) -> Self {
        let mut d = Diagnostic::error(file, message.en);
        d.hint = hint.as_ref().map(|h| h.en.clone());
        d.ja = Some(Japanese {
            message: message.ja,
            hint: hint.map(|h| h.ja),
        });
        d
    }

    /// The Japanese message; a hint in Japanese follows with [`Diagnostic::ja_hint`].
    pub fn ja(mut self, message: impl Into<String>) -> Self {
        let hint = self.ja.take().and_then(|j| j.hint);
        self.ja = Some(Japanese {
            message: message.into(),
            hint,
        });
        self
    }

    pub fn ja_hint(mut self, hint: impl Into<String>) -> Self {
        match &mut self.ja {
            Some(ja) => ja.hint = Some(hint.into()),
            None => {
                self.ja = Some(Japanese {
                    message: self.message.clone(),
                    hint: Some(hint.into()),
                })
            }
        }
        self
    }

    /// The message and hint in `language`; English where no Japanese was written.
    pub fn words(&self, language: Language) -> (&str, Option<&str>) {
        match (language, &self.ja) {
            (Language::Japanese, Some(ja)) => {
                (&ja.message, ja.hint.as_deref().or(self.hint.as_deref()))
            }
            _ => (&self.message, self.hint.as_deref()),
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity, &str) {
        let (line, col) = self.span.map_or((0, 0), |s| (s.line, s.col));
        (&self.file, line, col, self.severity, &self.message)
    }
}

/// All problems found in one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Errors as printed: the same problem reported by many pages counts once.
    pub fn error_count(&self) -> usize {
        self.sorted()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics sorted by file, line and column, duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items.dedup();
        items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Text form: `file:line:col: error: message`, the source line with a caret,
    /// then the hint. `root` is where the source lines are read from.
    pub fn render_text(&self, root: &Path, language: Language) -> String {
        let mut out = String::new();
        // Sorted by file, so one file's text is read once, not once per problem:
        // 100,000 broken links in a 10 MB body would otherwise read a terabyte.
        let mut lines = SourceLines::default();
        for d in self.sorted() {
            render_one(&mut out, &d, root, &mut lines, language);
        }
        out
    }

    /// JSON form: one object per line, with the same fields as the text form.
    /// Every object has all seven keys, `null` where unknown, so other CI
    /// systems can read it without guessing.
    pub fn render_json(&self, language: Language) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            let (message, hint) = d.words(language);
            let object = serde_json::json!({
                "severity": d.severity,
                "file": d.file,
                "line": d.span.map(|s| s.line),
                "column": d.span.map(|s| s.col),
                "field": d.field,
                "message": message,
                "hint": hint,
            });
            out.push_str(&object.to_string());
            out.push('\n');
        }
        out
    }
}

fn render_one(
    out: &mut String,
    d: &Diagnostic,
    root: &Path,
    lines: &mut SourceLines,
    language: Language,
) {
    let (message, hint) = d.words(language);
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let location = match d.span {
        Some(s) => format!("{}:{}:{}: ", d.file, s.line, s.col),
        // A problem with the command itself, not with a file.
        None if d.file.is_empty() => String::new(),
        None => format!("{}: ", d.file),
    };
    let _ = writeln!(out, "{location}{severity}: {message}");
    if let Some(span) = d.span
        && let Some(line) = lines.line(&root.join(&d.file), span.line)
    {
        let gutter = span.line.to_string();
        let pad = " ".repeat(gutter.len());
        let caret_pad: String = line
            .chars()
            .take(span.col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { display_space(c) })
            .collect();
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{gutter} | {line}");
        let _ = writeln!(out, "{pad} | {caret_pad}^");
    }
    if let Some(hint) = hint {
        let label = language.pick("ヒント", "hint");
        let _ = writeln!(out, "  {label}: {hint}");
    }
}

/// Wide (East Asian) characters take two terminal columns, so the caret needs two
/// spaces to stay under them.
fn display_space(c: char) -> char {
    if is_wide(c) { '\u{3000}' } else { ' ' }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// The lines of the last file read, split as the content stage splits them.
#[derive(Default)]
struct SourceLines {
    path: PathBuf,
    lines: Vec<String>,
}

impl SourceLines {
    fn line(&mut self, path: &Path, line: usize) -> Option<String> {
        if self.path != path {
            self.path = path.to_path_buf();
            let text = std::fs::read(path).map_or_else(
                |_| String::new(),
                |bytes| {
                    crate::content::front_matter::normalize_source(&String::from_utf8_lossy(&bytes))
                },
            );
            self.lines = text.split('\n').map(str::to_string).collect();
        }
        let raw = self.lines.get(line.checked_sub(1)?)?;
        if raw.chars().count() > 200 {
            return None;
        }
        Some(raw.clone())
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_len = word.chars().count();
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| {
            let len = word_len.max(c.chars().count());
            *d > 0 && (*d <= 2 && *d * 3 <= len + 1 || *d * 3 <= len)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters, with adjacent transpositions counting one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev_prev: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev_prev[j - 2] + 1);
            }
        }
        prev_prev = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_counts_characters_not_bytes() {
        let text = "title: 空き家\n多世代: x";
        for (offset, line, col) in [
            (0, 1, 1),
            (7, 1, 8),  // 空
            (10, 1, 9), // き
            (text.find('多').unwrap(), 2, 1),
            (text.find(':').unwrap() + 1, 1, 7),
            (text.rfind(':').unwrap(), 2, 4),
        ] {
            assert_eq!(
                Span::at_offset(text, offset),
                Span::new(line, col),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn suggests_close_names_only() {
        let fields = [
            "title",
            "summary",
            "district",
            "published",
            "status",
            "themes",
        ];
        for (typo, expected) in [
            ("distirct", Some("district")),
            ("titel", Some("title")),
            ("summery", Some("summary")),
            ("theme", Some("themes")),
            ("publsihed", Some("published")),
            ("colour", None),
            ("x", None),
        ] {
            assert_eq!(suggest(typo, fields), expected, "{typo}");
        }
    }

    #[test]
    fn sorted_by_file_line_column() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error("b.md", "late").at(Span::new(1, 1)));
        d.push(Diagnostic::error("a.md", "second").at(Span::new(3, 1)));
        d.push(Diagnostic::error("a.md", "first").at(Span::new(2, 5)));
        let order: Vec<_> = d.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(order, ["first", "second", "late"]);
    }
}
