//! Diagnostics: the one error type users see.
//!
//! Every stage reports problems as [`Diagnostic`]s into a shared [`Diagnostics`]
//! collection and keeps going, so one run reports every problem of every file.
//! Printing (text with a caret under the span, or JSON) happens here; deciding the
//! exit code happens in `main.rs`.

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

/// A problem in a spreadsheet's cell rather than on a text file's line:
/// `span.line` is the row and `span.col` the column, no source line is shown,
/// and the column is written as the sheet writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellColumn {
    /// A CSV field's number: `cases.csv:12:3`.
    Numbered,
    /// A workbook column's letters: `book.xlsx[事例一覧]:12:C`.
    Lettered,
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
    /// Set when the span is a spreadsheet cell's row and column.
    #[serde(skip)]
    pub cell: Option<CellColumn>,
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
            cell: None,
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

    /// Located at a spreadsheet cell: 1-based `row` and `column`.
    pub fn in_cell(mut self, row: usize, column: usize, style: CellColumn) -> Self {
        self.span = Some(Span::new(row, column));
        self.cell = Some(style);
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
    pub fn render_text(&self, root: &Path) -> String {
        let mut out = String::new();
        // Sorted by file, so one file's text is read once, not once per problem:
        // 100,000 broken links in a 10 MB body would otherwise read a terabyte.
        let mut lines = SourceLines::default();
        for d in self.sorted() {
            render_one(&mut out, &d, root, &mut lines);
        }
        out
    }

    /// JSON form: one object per line, with the same fields as the text form.
    /// Every object has all seven keys, `null` where unknown, so other CI
    /// systems can read it without guessing.
    pub fn render_json(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            let object = serde_json::json!({
                "severity": d.severity,
                "file": d.file,
                "line": d.span.map(|s| s.line),
                "column": d.span.map(|s| s.col),
                "field": d.field,
                "message": d.message,
                "hint": d.hint,
            });
            out.push_str(&object.to_string());
            out.push('\n');
        }
        out
    }
}

fn render_one(out: &mut String, d: &Diagnostic, root: &Path, lines: &mut SourceLines) {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let location = match (d.span, d.cell) {
        (Some(s), Some(CellColumn::Lettered)) => {
            format!("{}:{}:{}", d.file, s.line, column_letters(s.col))
        }
        (Some(s), _) => format!("{}:{}:{}", d.file, s.line, s.col),
        (None, _) => d.file.clone(),
    };
    let _ = writeln!(out, "{location}: {severity}: {}", d.message);
    if let Some(span) = d.span
        && d.cell.is_none()
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
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "  hint: {hint}");
    }
}

/// A workbook's name for its 1-based column `n`: 1 → `A`, 26 → `Z`, 27 → `AA`.
pub fn column_letters(mut n: usize) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
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
    fn column_letters_as_a_workbook_writes_them() {
        for (n, letters) in [
            (1, "A"),
            (3, "C"),
            (26, "Z"),
            (27, "AA"),
            (52, "AZ"),
            (703, "AAA"),
        ] {
            assert_eq!(column_letters(n), letters, "{n}");
        }
    }

    #[test]
    fn a_cell_is_located_by_row_and_column_without_a_source_line() {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error("book.xlsx[事例一覧]", "bad")
                .in_cell(12, 3, CellColumn::Lettered)
                .hint("fix"),
        );
        d.push(Diagnostic::error("cases.csv", "bad").in_cell(4, 2, CellColumn::Numbered));
        assert_eq!(
            d.render_text(Path::new(".")),
            "book.xlsx[事例一覧]:12:C: error: bad\n  hint: fix\ncases.csv:4:2: error: bad\n"
        );
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
