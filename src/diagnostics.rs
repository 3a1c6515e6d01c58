//! Diagnostics: the one error type users see.
//!
//! Every stage reports problems as [`Diagnostic`]s into a shared [`Diagnostics`]
//! collection and keeps going, so one run reports every problem of every file.
//! Printing (text with a caret under the span, or JSON) happens here; deciding the
//! exit code happens in `main.rs`. A problem has one JSON shape, [`Record`]:
//! `check --format json` prints it and the live preview's overlay reads it.

use crate::language::Language;
use serde::Serialize;
use std::fmt::Write as _;

/// Where a problem is, 1-based. `col` counts characters, not bytes, so a caret lines
/// up under Japanese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub span: Option<Span>,
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    /// Set when the span is a spreadsheet cell's row and column.
    pub cell: Option<CellColumn>,
    /// The source line `span` points at, as it was when the problem was
    /// found (see [`Diagnostic::quoting`]); printed above the caret. The
    /// printer reads no file, so the live preview never shows a line of a
    /// newer save under an old problem.
    pub source_line: Option<String>,
    /// The message and hint in Japanese, printed for a Japanese site.
    pub ja: Option<Japanese>,
}

/// A diagnostic as tools and the live preview's overlay read it, its words
/// in one language: the only JSON shape of a problem. Every key is always
/// there, `null` where unknown, so a reader need not guess; the keys are in
/// the order `check --format json` has always printed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record<'a> {
    /// 1-based, in characters.
    pub column: Option<usize>,
    pub field: Option<&'a str>,
    pub file: &'a str,
    pub hint: Option<&'a str>,
    pub line: Option<usize>,
    pub message: &'a str,
    pub severity: Severity,
    /// The line `line` and `column` point at, as it was when the problem was found.
    pub source_line: Option<&'a str>,
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
            cell: None,
            source_line: None,
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

    /// Quotes the line the span points at from `text`, the whole normalised
    /// file the problem is in (see [`crate::source::normalize_source`]).
    pub fn quoting(self, text: &str) -> Self {
        self.quoting_from(text, 1)
    }

    /// Located at a spreadsheet cell: 1-based `row` and `column`.
    pub fn in_cell(mut self, row: usize, column: usize, style: CellColumn) -> Self {
        self.span = Some(Span::new(row, column));
        self.cell = Some(style);
        self
    }

    /// [`Diagnostic::quoting`] for a part of the file whose first line is
    /// line `first` (a body after its front matter).
    pub fn quoting_from(mut self, text: &str, first: usize) -> Self {
        if let Some(span) = self.span {
            self.source_line = crate::source::line_of(text, first, span.line).map(str::to_string);
        }
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

    /// This problem as a [`Record`], worded in `language`.
    pub fn record(&self, language: Language) -> Record<'_> {
        let (message, hint) = self.words(language);
        Record {
            column: self.span.map(|s| s.col),
            field: self.field.as_deref(),
            file: &self.file,
            hint,
            line: self.span.map(|s| s.line),
            message,
            severity: self.severity,
            source_line: self.source_line.as_deref(),
        }
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

    /// Quotes the line of every located problem that has none yet, from the
    /// text `source` gives for its file: `(text, number of its first line)`.
    /// Stages call it with the text they read, while they still hold it.
    pub fn quote_from<'t>(&mut self, source: impl Fn(&str) -> Option<(&'t str, usize)>) {
        for d in &mut self.items {
            if d.source_line.is_none()
                && let Some(span) = d.span
                && let Some((text, first)) = source(&d.file)
            {
                d.source_line = crate::source::line_of(text, first, span.line).map(str::to_string);
            }
        }
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

    /// Text form: `file:line:col: error: message`, the source line with a
    /// caret (when the problem quoted it), then the hint.
    pub fn render_text(&self, language: Language) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            render_one(&mut out, &d, language);
        }
        out
    }

    /// JSON form: one [`Record`] per line, in the order of the text form.
    pub fn render_json(&self, language: Language) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            // A record of strings and numbers always serializes.
            out.push_str(&serde_json::to_string(&d.record(language)).unwrap_or_default());
            out.push('\n');
        }
        out
    }
}

fn render_one(out: &mut String, d: &Diagnostic, language: Language) {
    let (message, hint) = d.words(language);
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let location = match (d.span, d.cell) {
        (Some(s), Some(CellColumn::Lettered)) => {
            format!("{}:{}:{}: ", d.file, s.line, column_letters(s.col))
        }
        (Some(s), _) => format!("{}:{}:{}: ", d.file, s.line, s.col),
        // A problem with the command itself, not with a file.
        (None, _) if d.file.is_empty() => String::new(),
        (None, _) => format!("{}: ", d.file),
    };
    let _ = writeln!(out, "{location}{severity}: {message}");
    if let Some(span) = d.span
        && d.cell.is_none()
        && let Some(line) = &d.source_line
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

/// Whether `c` takes two columns in a terminal: CJK ideographs (including
/// those from U+20000 on), kana, hangul, full-width forms, wide emoji.
pub fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_len = word.chars().count();
    candidates
        .into_iter()
        // Levenshtein over characters, an adjacent transposition counting one.
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(d, c)| {
            let len = word_len.max(c.chars().count());
            *d > 0 && (*d <= 2 && *d * 3 <= len + 1 || *d * 3 <= len)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
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

    /// The caret pads with an ideographic space under every character a
    /// terminal draws two columns wide, including those from U+20000 on.
    #[test]
    fn wide_characters_take_two_columns() {
        for c in ['空', 'き', 'ア', 'Ａ', '、', '한', '𠮷', '𪚲'] {
            assert!(is_wide(c), "{c}");
            assert_eq!(display_space(c), '\u{3000}', "{c}");
        }
        for c in ['a', 'é', 'ｱ', '-', '\t'] {
            assert!(!is_wide(c), "{c:?}");
        }
    }

    /// The printer quotes what the problem captured, and reads no file.
    #[test]
    fn the_quoted_line_is_the_one_captured() {
        let text = "---\ntitle: 空き家\nstatus: done\n---\n";
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error("content/cases/a.md", "bad status")
                .at(Span::new(3, 9))
                .quoting(text),
        );
        d.push(Diagnostic::error("content/cases/b.md", "unquoted").at(Span::new(2, 8)));
        d.push(Diagnostic::error("content/cases/c.md", "later").at(Span::new(2, 8)));
        d.quote_from(|file| (file == "content/cases/c.md").then_some((text, 1)));
        assert_eq!(
            d.render_text(Language::English),
            "content/cases/a.md:3:9: error: bad status\n  |\n3 | status: done\n  |         ^\n\
             content/cases/b.md:2:8: error: unquoted\n\
             content/cases/c.md:2:8: error: later\n  |\n2 | title: 空き家\n  |        ^\n"
        );
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
            d.render_text(Language::English),
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
