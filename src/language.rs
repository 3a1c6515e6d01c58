//! The language casebook speaks to the people who run it (SPEC §3): Japanese
//! for a `language: ja` site, English with `--lang en` or `CASEBOOK_LANG=en`.
//! Field names, values and the `path:line:col: error:` prefix stay as they
//! are in both.

/// A language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Japanese,
    English,
}

impl Language {
    /// `ja` or `en` (`ja-JP`, `en-GB` too); `None` for any other.
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Language::Japanese),
            "en" => Some(Language::English),
            _ => None,
        }
    }

    /// The language chosen on the command line, else in `CASEBOOK_LANG`,
    /// else the site's own `language` (read by the caller), else Japanese:
    /// the staff who read the messages are Japanese.
    pub fn choose(flag: Option<&str>, site: Option<&str>) -> Language {
        let env = std::env::var("CASEBOOK_LANG").ok();
        [flag, env.as_deref(), site]
            .into_iter()
            .flatten()
            .find_map(Language::from_code)
            .unwrap_or_default()
    }

    /// The text for this language: `pick("ja", "en")`.
    pub fn pick<'a>(self, japanese: &'a str, english: &'a str) -> &'a str {
        match self {
            Language::Japanese => japanese,
            Language::English => english,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for (code, expected) in [
            ("ja", Some(Language::Japanese)),
            ("ja-JP", Some(Language::Japanese)),
            ("EN", Some(Language::English)),
            ("en_GB", Some(Language::English)),
            ("fr", None),
            ("", None),
        ] {
            assert_eq!(Language::from_code(code), expected, "{code}");
        }
    }
}
