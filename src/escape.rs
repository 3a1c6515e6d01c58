//! Escaping text for HTML and XML, shared by every stage that writes markup,
//! and JSON for a `<script>` data block.

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

/// `value` as JSON that is safe inside `<script type="application/ld+json">`:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e` and `\u0026`, so text
/// holding `</script>` or `<!--` cannot end the block or change how the HTML
/// parser reads it; U+2028 and U+2029 are escaped too. The JSON means the same.
pub fn json_for_script(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    // 0xE2 leads U+2028 and U+2029 (and other punctuation); most JSON holds
    // none of these bytes and is returned as it is.
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return json;
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
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

    #[test]
    fn json_for_a_script_block_cannot_close_it() {
        let value = serde_json::json!({
            "headline": "</script><script>alert(1)</script> <!-- & \u{2028}",
        });
        let json = super::json_for_script(&value);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        assert_eq!(
            json,
            r#"{"headline":"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e \u003c!-- \u0026 \u2028"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value);
        let plain = serde_json::json!({ "headline": "空き家…の活用" });
        assert_eq!(
            super::json_for_script(&plain),
            r#"{"headline":"空き家…の活用"}"#
        );
        let separator = serde_json::json!({ "headline": "a\u{2029}b" });
        assert_eq!(
            super::json_for_script(&separator),
            r#"{"headline":"a\u2029b"}"#
        );
    }
}
