//! Front matter: source text → YAML data tree + body, with positions.
//!
//! 1. Strip a UTF-8 BOM and normalise CRLF (and lone CR) line ends.
//! 2. Split the `---` fenced YAML block from the Markdown body.
//! 3. Parse the YAML into a neutral data tree ([`serde_json::Value`]).
//! 4. Keep a [`Locator`] that maps a field path (`funding[1].amount`) back to the
//!    line and column in the `.md` file, because the YAML parser gives positions
//!    only for syntax errors.
//!
//! This is the only module that touches the YAML crate, so swapping the parser is
//! a one-file change.

use crate::diagnostics::{Diagnostic, Span};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// A source file split into its front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML text between the fences.
    pub yaml: &'a str,
    /// The 1-based line of the opening `---`.
    pub open_line: usize,
    pub body: &'a str,
    /// The 1-based line where the body starts.
    pub body_line: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// The opening `---` is never closed.
    Unterminated,
}

pub use crate::source::normalize_source;

/// Splits normalised source text (see [`normalize_source`]) at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let rest = match text.strip_prefix("---") {
        Some(rest) if rest.starts_with('\n') || rest.trim_end_matches([' ', '\t']).is_empty() => {
            rest
        }
        _ => return Err(SplitError::Missing),
    };
    let yaml_start = text.len() - rest.len() + usize::from(rest.starts_with('\n'));
    let mut offset = yaml_start;
    // The YAML starts on line 2, after the opening fence.
    for (index, raw) in text[yaml_start..].split_inclusive('\n').enumerate() {
        if raw.trim_end_matches(['\n', ' ', '\t']) == "---" {
            let body_start = offset + raw.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                open_line: 1,
                body: &text[body_start.min(text.len())..],
                body_line: index + 3,
            });
        }
        offset += raw.len();
    }
    Err(SplitError::Unterminated)
}

/// A parsed YAML document: its data and where each field came from.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    pub value: Value,
    locator: Locator,
}

/// A YAML syntax error, positioned in the enclosing file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

impl YamlError {
    /// The error for a YAML file (`file`, read as `text`) that does not
    /// parse, quoting the line where parsing stopped.
    pub fn diagnostic(&self, file: &str, text: &str) -> Diagnostic {
        Diagnostic::error(file, format!("invalid YAML: {}", self.message))
            .ja(format!("YAML として読めません: {}", self.message))
            .at(self.span)
            .quoting(text)
    }
}

/// One step of a path into the data tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSeg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Front matter and configuration hold facts, not prose, and finding a field's
/// line costs a scan of the YAML, so larger YAML is refused before parsing.
pub const MAX_YAML_BYTES: usize = 64 * 1024;

/// Parses `yaml`, whose first line is line `first_line` of its file.
pub fn parse_yaml(yaml: &str, first_line: usize) -> Result<YamlDoc, YamlError> {
    let locator = Locator::new(yaml, first_line);
    if yaml.trim().is_empty() {
        return Ok(YamlDoc {
            value: Value::Object(Map::new()),
            locator,
        });
    }
    if let Some(span) = too_deep_flow(yaml, first_line) {
        return Err(YamlError {
            message: clean_yaml_message("recursion limit exceeded"),
            span,
        });
    }
    match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
        Ok(value) => Ok(YamlDoc {
            value: to_data(value),
            locator,
        }),
        Err(error) => {
            let span = error.location().map_or(Span::new(first_line, 1), |l| {
                Span::new(first_line + l.line().saturating_sub(1), l.column())
            });
            Err(YamlError {
                message: clean_yaml_message(&error.to_string()),
                span,
            })
        }
    }
}

/// The nesting the YAML parser allows; deeper input is an error either way.
const MAX_YAML_DEPTH: usize = 128;

/// Where flow collections (`[`, `{`) first nest deeper than the parser allows.
/// The parser would say so too, but only after work that grows with the
/// square of the depth: 30,000 `[` take it ten seconds.
fn too_deep_flow(yaml: &str, first_line: usize) -> Option<Span> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let (mut line, mut col) = (first_line, 0);
    let mut previous = '\n';
    for c in yaml.chars() {
        col += 1;
        match (quote, c) {
            (_, '\n') => {
                (line, col) = (line + 1, 0);
                // A single-line view is enough: quotes in front matter rarely span lines.
                quote = None;
            }
            (Some('"'), '\\') if previous == '\\' => {
                previous = ' ';
                continue;
            }
            (Some(q), _) if c == q && !(q == '"' && previous == '\\') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Some(Span::new(line, col));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

/// The field `key: value` as YAML text ending in a newline, written by the
/// YAML emitter, so that any value (a title with `: ` or ` #`) reads back as
/// itself.
pub fn emit_field(key: &str, value: &Value) -> Result<String, String> {
    let mut field = Map::new();
    field.insert(key.to_string(), value.clone());
    serde_yaml::to_string(&field).map_err(|e| e.to_string())
}

impl YamlDoc {
    /// The line and column of the value at `path`, or of its nearest ancestor that
    /// can be found, or the first line of the document.
    pub fn locate(&self, path: &[PathSeg<'_>]) -> Span {
        self.locator.locate(path)
    }
}

/// The parser's message without its trailing " at line X column Y", which the
/// diagnostic states in its own form.
fn clean_yaml_message(message: &str) -> String {
    let message = match message.find(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let message = message.trim_end_matches(':');
    // The parser's limits against hostile YAML, said in the writer's terms.
    match message {
        "repetition limit exceeded" => {
            "anchors and aliases (`&a`, `*a`) expand to too much data (repetition limit exceeded)"
                .to_string()
        }
        "recursion limit exceeded" => {
            "values nest more than 128 levels deep (recursion limit exceeded)".to_string()
        }
        other => other.to_string(),
    }
}

fn to_data(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_data).collect())
        }
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_text(k), to_data(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_data(tagged.value),
    }
}

fn key_text(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Finds fields in block- and flow-style YAML by reading its lines.
///
/// Front matter is small and written by hand in the common block style, so a
/// line scan with indentation finds keys and list items reliably; where it cannot
/// (exotic YAML), it falls back to the nearest located ancestor.
#[derive(Debug, Clone)]
struct Locator {
    yaml: String,
    lines: Vec<LineInfo>,
    first_line: usize,
    /// The line of each unindented `key:`, so that a top-level field is found
    /// without a scan: 6,000 unknown fields would otherwise scan 6,000 lines each.
    top_keys: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
struct LineInfo {
    /// Where the line is in `Locator::yaml`, without its `\n`.
    bytes: std::ops::Range<usize>,
    /// Indentation in characters; `None` for blank and comment lines.
    indent: Option<usize>,
}

/// A located node: the line index and the character column where its text starts.
#[derive(Debug, Clone, Copy)]
struct Found {
    line: usize,
    /// Where the node's value starts (a flow collection's children are
    /// searched from here).
    col: usize,
    /// Where a problem with the node is shown: its key, when it has one.
    key_col: usize,
    /// The indentation of the node's block, used to bound its children.
    indent: usize,
    /// The node's value is on this same line (flow style or a scalar).
    inline: bool,
}

impl Locator {
    fn new(yaml: &str, first_line: usize) -> Self {
        let mut start = 0;
        let lines = yaml
            .split('\n')
            .map(|text| {
                let trimmed = text.trim_start_matches(' ');
                // Spaces are one byte each.
                let indent = (!trimmed.is_empty() && !trimmed.starts_with('#'))
                    .then(|| text.len() - trimmed.len());
                let line = LineInfo {
                    bytes: start..start + text.len(),
                    indent,
                };
                start += text.len() + 1;
                line
            })
            .collect::<Vec<LineInfo>>();
        let mut top_keys = HashMap::new();
        for (index, line) in lines.iter().enumerate() {
            if line.indent == Some(0)
                && let Some(key) = leading_key(&yaml[line.bytes.clone()])
            {
                top_keys.entry(key.to_string()).or_insert(index);
            }
        }
        Locator {
            yaml: yaml.to_string(),
            lines,
            first_line,
            top_keys,
        }
    }

    /// Line `index` of the YAML, without its `\n`.
    fn line(&self, index: usize) -> Option<&str> {
        Some(&self.yaml[self.lines.get(index)?.bytes.clone()])
    }

    fn span(&self, found: Found) -> Span {
        Span::new(self.first_line + found.line, found.key_col + 1)
    }

    fn locate(&self, path: &[PathSeg<'_>]) -> Span {
        let mut current: Option<Found> = None;
        for seg in path {
            let next = match current {
                Some(found) if found.inline => self.find_inline(found, *seg),
                _ => self.find_block(current, *seg),
            };
            match next {
                Some(found) => current = Some(found),
                None => break,
            }
        }
        // Nothing found: the opening `---` line, which is the line before the
        // YAML (or the first line of a file that is all YAML).
        current.map_or(
            Span::new(self.first_line.saturating_sub(1).max(1), 1),
            |f| self.span(f),
        )
    }

    /// The lines that belong to `parent`'s block: after it, more indented.
    fn child_lines(&self, parent: Option<Found>) -> impl Iterator<Item = (usize, &LineInfo)> {
        let (start, parent_indent) = match parent {
            Some(p) => (p.line + 1, Some(p.indent)),
            None => (0, None),
        };
        self.lines
            .iter()
            .enumerate()
            .skip(start)
            .take_while(move |(_, l)| match (parent_indent, l.indent) {
                (Some(pi), Some(i)) => i > pi,
                _ => true,
            })
    }

    fn find_block(&self, parent: Option<Found>, seg: PathSeg<'_>) -> Option<Found> {
        if let (None, PathSeg::Key(key)) = (parent, seg)
            && let Some(&index) = self.top_keys.get(key)
            && let Some(found) = self.key_in_line(index, 0, key, 0)
        {
            return Some(found);
        }
        // A list item's own key sits on the item's line after "- ".
        if let (Some(p), PathSeg::Key(key)) = (parent, seg)
            && let Some(found) = self.key_in_line(p.line, p.col, key, p.indent)
        {
            return Some(found);
        }
        let child_indent = self
            .child_lines(parent)
            .find_map(|(_, l)| l.indent)
            .filter(|i| parent.is_none_or(|p| *i > p.indent))?;
        let mut items = 0;
        for (index, line) in self.child_lines(parent) {
            if line.indent != Some(child_indent) {
                continue;
            }
            let content = &self.yaml[line.bytes.clone()][child_indent..];
            match seg {
                PathSeg::Key(key) => {
                    // A cheap test first: the scan runs once per located field,
                    // over every line of the block.
                    if !content.contains(key) {
                        continue;
                    }
                    if let Some(found) = self.key_in_line(index, child_indent, key, child_indent) {
                        return Some(found);
                    }
                }
                PathSeg::Index(wanted) => {
                    if content == "-" || content.starts_with("- ") {
                        if items == wanted {
                            let after = content[1..].chars().take_while(|c| *c == ' ').count();
                            let col = child_indent + 1 + after;
                            let inline = content.len() > 1 + after;
                            return Some(Found {
                                line: index,
                                col,
                                key_col: col,
                                indent: child_indent,
                                inline: inline && content[1 + after..].starts_with(['{', '[']),
                            });
                        }
                        items += 1;
                    }
                }
            }
        }
        None
    }

    /// `key:` starting at character column `col` of line `index`.
    fn key_in_line(&self, index: usize, col: usize, key: &str, indent: usize) -> Option<Found> {
        let text = self.line(index)?;
        let start = text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
        let rest = &text[start..];
        let rest_trimmed = rest.trim_start_matches("- ");
        // `- ` is ASCII: bytes are characters.
        let skipped = rest.len() - rest_trimmed.len();
        let key_bytes = starts_with_key(rest_trimmed, key)?;
        let key_len = rest_trimmed[..key_bytes].chars().count();
        let after = &rest_trimmed[key_bytes..];
        let value = after.trim_start();
        let value_col =
            col + skipped + key_len + after[..after.len() - value.len()].chars().count();
        let inline = value.starts_with(['{', '[']);
        Some(Found {
            line: index,
            col: if inline { value_col } else { col + skipped },
            key_col: col + skipped,
            indent: if skipped > 0 { col + skipped } else { indent },
            inline,
        })
    }

    /// A key or index inside a flow collection on one line: `{ start: 2016-06-01 }`.
    fn find_inline(&self, parent: Found, seg: PathSeg<'_>) -> Option<Found> {
        let text = self.line(parent.line)?;
        let chars: Vec<char> = text.chars().collect();
        let mut depth = 0usize;
        let mut item = 0usize;
        let mut at_item_start = true;
        for (i, &c) in chars.iter().enumerate().skip(parent.col) {
            match c {
                '{' | '[' => {
                    depth += 1;
                    if depth == 1 {
                        at_item_start = true;
                        continue;
                    }
                }
                '}' | ']' => {
                    if depth == 1 {
                        return None;
                    }
                    depth = depth.saturating_sub(1);
                }
                ',' if depth == 1 => {
                    item += 1;
                    at_item_start = true;
                    continue;
                }
                ' ' => continue,
                _ => {}
            }
            if depth == 1 && at_item_start {
                at_item_start = false;
                let rest: String = chars[i..].iter().collect();
                let matched = match seg {
                    PathSeg::Key(key) => starts_with_key(&rest, key).is_some(),
                    PathSeg::Index(wanted) => wanted == item,
                };
                if matched {
                    let inline = match seg {
                        PathSeg::Key(key) => {
                            let len = starts_with_key(&rest, key).unwrap_or(0);
                            rest[len..].trim_start().starts_with(['{', '['])
                        }
                        PathSeg::Index(_) => matches!(c, '{' | '['),
                    };
                    let col = if inline && matches!(seg, PathSeg::Key(_)) {
                        i + rest
                            .find(['{', '['])
                            .map_or(0, |b| rest[..b].chars().count())
                    } else {
                        i
                    };
                    return Some(Found {
                        line: parent.line,
                        col,
                        key_col: i,
                        indent: parent.indent,
                        inline,
                    });
                }
            }
        }
        None
    }
}

/// The key of a `key: value` line, bare or quoted.
fn leading_key(text: &str) -> Option<&str> {
    if let Some(quote) = text.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let end = 1 + text[1..].find(quote)?;
        return text[end + 1..].starts_with(':').then(|| &text[1..end]);
    }
    text.match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| text[i + 1..].is_empty() || text[i + 1..].starts_with([' ', '\t']))
        .map(|i| &text[..i])
}

/// If `text` starts with `key:` (bare or quoted), the length in bytes of the
/// key and its colon.
fn starts_with_key(text: &str, key: &str) -> Option<usize> {
    for quote in ["", "\"", "'"] {
        let Some(rest) = text
            .strip_prefix(quote)
            .and_then(|t| t.strip_prefix(key))
            .and_then(|t| t.strip_prefix(quote))
            .and_then(|t| t.strip_prefix(':'))
        else {
            continue;
        };
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            return Some(text.len() - rest.len());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use PathSeg::{Index, Key};

    const CASE: &str = "\
title: 空き家を活用した拠点
district: 南区/中村地区
funding:
  - scheme: ヨコハマ市民まち普請事業
    amount: 5000000
  - scheme: 地域まちづくり事業費助成
    fiscal_year: 2018
period: { start: 2016-06-01, end: 2019-09-30 }
outcomes:
  - { label: 整備した拠点, value: 1, unit: か所 }
  - { label: 月間利用者, value: x }
themes: [a, b]
";

    #[test]
    fn locates_fields_in_block_and_flow_style() {
        let doc = parse_yaml(CASE, 2).unwrap();
        let cases: &[(&[PathSeg], (usize, usize))] = &[
            (&[Key("title")], (2, 1)),
            (&[Key("district")], (3, 1)),
            (&[Key("funding")], (4, 1)),
            (&[Key("funding"), Index(0)], (5, 5)),
            (&[Key("funding"), Index(0), Key("scheme")], (5, 5)),
            (&[Key("funding"), Index(0), Key("amount")], (6, 5)),
            (&[Key("funding"), Index(1), Key("fiscal_year")], (8, 5)),
            // A key whose value is a flow mapping is shown at the key (issue 18).
            (&[Key("period")], (9, 1)),
            (&[Key("period"), Key("end")], (9, 30)),
            (&[Key("outcomes"), Index(1)], (12, 5)),
            (&[Key("outcomes"), Index(1), Key("value")], (12, 21)),
            (&[Key("themes"), Index(1)], (13, 13)),
            (&[Key("missing")], (1, 1)),
            (&[Key("period"), Key("missing")], (9, 1)),
        ];
        for (path, (line, col)) in cases {
            assert_eq!(doc.locate(path), Span::new(*line, *col), "{path:?}");
        }
    }

    /// Regression (issue 7): each unknown field scanned every line, so a file
    /// of 6,000 of them took most of a minute to report.
    #[test]
    fn issue_7_top_level_keys_are_found_without_a_scan() {
        for (line, key) in [
            ("title: a", Some("title")),
            ("\"a b\": c", Some("a b")),
            ("'k': v", Some("k")),
            ("url: https://x.jp/", Some("url")),
            ("key:", Some("key")),
            ("a:b: c", Some("a:b")),
            ("- item", None),
            ("no colon", None),
        ] {
            assert_eq!(leading_key(line), key, "{line}");
        }
        let yaml: String = (0..6_000).map(|i| format!("f{i}: x\n")).collect();
        let doc = parse_yaml(&yaml, 2).unwrap();
        assert_eq!(doc.locate(&[Key("f5999")]), Span::new(6_001, 1));
        assert_eq!(doc.locate(&[Key("f1")]), Span::new(3, 1));
    }

    /// Regression (issue 7): 30,000 nested `[` kept the YAML parser busy for
    /// ten seconds before it reported its depth limit.
    #[test]
    fn issue_7_deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!(
            "a: b\nthemes: {}{}\n",
            "[".repeat(30_000),
            "]".repeat(30_000)
        );
        let started = std::time::Instant::now();
        let error = parse_yaml(&deep, 2).unwrap_err();
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        assert_eq!(error.span, Span::new(3, 137));
        assert!(error.message.contains("128 levels"), "{error:?}");
        for shallow in [
            format!("a: {}{}", "[".repeat(128), "]".repeat(128)),
            "a: \"[[[[\"\nb: '{{'\nc: \"\\\"[\"".to_string(),
            format!("a: \"{}\"", "[".repeat(500)),
        ] {
            assert!(too_deep_flow(&shallow, 2).is_none(), "{shallow}");
        }
    }

    #[test]
    fn splits_front_matter_and_reports_body_line() {
        let text = normalize_source("\u{feff}---\r\ntitle: a\r\n---\r\nbody\r\n");
        let split = split(&text).unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.body, "body\n");
        assert_eq!(split.body_line, 4);
    }

    /// Regression (issue 7, found by fuzzing): a lone CR is a line break to the
    /// YAML parser, so its error lines ran past the lines we counted.
    #[test]
    fn issue_7_lone_cr_is_a_line_break() {
        let text = normalize_source("---\rtitle: a\r---\rbody\r");
        let split = split(&text).unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.body_line, 4);
        let text = normalize_source("a: b\r\rc: [\r");
        let error = parse_yaml(&text, 1).unwrap_err();
        assert!(error.span.line <= text.split('\n').count(), "{error:?}");
    }

    #[test]
    fn split_errors() {
        for (text, expected) in [
            ("title: a\n", SplitError::Missing),
            ("----\ntitle: a\n---\n", SplitError::Missing),
            ("---\ntitle: a\n", SplitError::Unterminated),
            ("", SplitError::Missing),
        ] {
            assert_eq!(split(text).unwrap_err(), expected, "{text:?}");
        }
        assert_eq!(split("---\n---\n").unwrap().yaml, "");
    }

    #[test]
    fn syntax_errors_are_positioned_in_the_file() {
        let error = parse_yaml("title: a\nthemes: [a, b\n", 2).unwrap_err();
        assert!(error.span.line >= 3, "{error:?}");
        let error = parse_yaml("title: a\ntitle: b\n", 2).unwrap_err();
        assert!(error.message.contains("duplicate"), "{error:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            yaml.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse_yaml(&yaml, 2).is_err());
    }
}
