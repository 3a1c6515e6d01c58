//! Escaping text for HTML and XML, shared by every stage that writes markup.

/// Escapes `&`, `<`, `>`, `"` and `'`, which makes text safe in element content
/// and in quoted attribute values of both HTML and XML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_characters() {
        assert_eq!(
            super::escape_html(r#"<a href="x">'&'</a> 空き家"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; 空き家"
        );
    }
}
