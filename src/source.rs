//! Source text as every stage reads it, and as diagnostics quote it: one
//! convention for lines (no BOM; LF only), so that the line and column a
//! problem is reported at, and the line shown above its caret, are those an
//! editor shows. A leaf: it uses no other module of the crate.

/// Removes a leading BOM and turns CRLF into LF, so that offsets, lines and
/// columns computed on the result are those an editor shows.
pub fn normalize_source(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        // A lone CR (old Mac line ends) is a line break to YAML and CommonMark
        // too, so it must be one for our line numbers as well.
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// Lines longer than this are not quoted under a problem: a caret under the
/// 100,000th character of a line helps nobody.
pub const MAX_QUOTED_CHARS: usize = 200;

/// Line `line` (1-based, of the file) of normalised `text`, whose first line
/// is line `first` of its file; `None` outside the text or when too long to quote.
pub fn line_of(text: &str, first: usize, line: usize) -> Option<&str> {
    let raw = text.split('\n').nth(line.checked_sub(first)?)?;
    (raw.chars().count() <= MAX_QUOTED_CHARS).then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_the_first_line_given() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 1, 1), Some("a"));
        assert_eq!(line_of(text, 1, 3), Some("c"));
        assert_eq!(line_of(text, 1, 4), None);
        assert_eq!(line_of(text, 5, 6), Some("b"));
        assert_eq!(line_of(text, 5, 4), None);
        assert_eq!(line_of(&"x".repeat(201), 1, 1), None);
    }
}
