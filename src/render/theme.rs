//! Themes: the chain of theme folders a site renders with, and the files it
//! resolves to.
//!
//! Order of precedence: the site's `themes/<theme>/`, then each theme it
//! `extends:` (in `theme.yaml`), then the default theme built into the binary.
//! A file found in a higher layer replaces the same file below it, so a city's
//! theme overrides only the templates it names.

use crate::content::front_matter::{normalize_source, parse_yaml};
use crate::diagnostics::{Diagnostic, Diagnostics};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file came from, for error messages.
pub const EMBEDDED: &str = "(built-in default theme)";

#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    /// `themes/city/templates/case.html`, or the embedded marker + path.
    pub origin: String,
}

/// The resolved files of a theme chain, by path inside the theme
/// (`templates/case.html`, `static/css/casebook.css`, `i18n/ja.yaml`).
#[derive(Debug, Default)]
pub struct ThemeFiles {
    pub files: BTreeMap<String, ThemeFile>,
    /// UI strings per language, merged key by key down the chain.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
}

impl ThemeFiles {
    pub fn templates(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files
            .iter()
            .filter_map(|(path, file)| path.strip_prefix("templates/").map(|name| (name, file)))
    }

    pub fn statics(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files
            .iter()
            .filter_map(|(path, file)| path.strip_prefix("static/").map(|name| (name, file)))
    }
}

pub fn load(root: &Path, theme: &str, diagnostics: &mut Diagnostics) -> ThemeFiles {
    // Highest precedence first.
    let mut chain: Vec<(String, std::path::PathBuf)> = Vec::new();
    let mut name = theme.to_string();
    loop {
        let dir = root.join("themes").join(&name);
        if !dir.is_dir() {
            if name != "default" {
                diagnostics.push(
                    Diagnostic::error("casebook.yaml", format!("theme `{name}` not found"))
                        .ja(format!("テーマ `{name}` がありません"))
                        .field("theme")
                        .hint(format!("create themes/{name}/ or use `theme: default`"))
                        .ja_hint(format!(
                            "themes/{name}/ を作るか、`theme: default` にしてください"
                        )),
                );
            }
            break;
        }
        chain.push((name.clone(), dir.clone()));
        match extends(&dir, &name, diagnostics) {
            Some(parent) if chain.iter().any(|(n, _)| *n == parent) => {
                diagnostics.push(Diagnostic::error(
                    format!("themes/{name}/theme.yaml"),
                    format!("theme `{name}` extends `{parent}`, which is already in the chain"),
                ).ja(format!("テーマ `{name}` が `{parent}` を extends していますが、`{parent}` はすでにたどったテーマです（循環しています）")));
                break;
            }
            Some(parent) => name = parent,
            None if name == "default" => break,
            // A theme without `extends:` still falls back to the built-in default
            // for what it does not provide.
            None => break,
        }
    }

    let mut files = ThemeFiles::default();
    let mut add = |path: String, bytes: Vec<u8>, origin: String| {
        files.files.insert(path, ThemeFile { bytes, origin });
    };
    for (path, bytes) in DEFAULT_THEME {
        add(
            path.to_string(),
            bytes.to_vec(),
            format!("{EMBEDDED} {path}"),
        );
    }
    for (name, dir) in chain.iter().rev() {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = crate::content::walk::rel_path(dir, entry.path());
            if rel == "theme.yaml" || rel.split('/').any(|s| s.starts_with('.')) {
                continue;
            }
            match std::fs::read(entry.path()) {
                Ok(bytes) => add(rel.clone(), bytes, format!("themes/{name}/{rel}")),
                Err(e) => diagnostics.push(
                    Diagnostic::error(format!("themes/{name}/{rel}"), format!("cannot read: {e}"))
                        .ja(format!("読めません: {e}")),
                ),
            }
        }
    }
    files.strings = load_strings(&files.files, diagnostics);
    files
}

/// The `extends:` of a theme's `theme.yaml`, if any.
fn extends(dir: &Path, name: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    let file = format!("themes/{name}/theme.yaml");
    let text = normalize_source(&std::fs::read_to_string(dir.join("theme.yaml")).ok()?);
    match parse_yaml(&text, 1) {
        Ok(doc) => match doc.value.get("extends") {
            Some(Value::String(parent)) if crate::content::schema::is_valid_slug(parent) => {
                Some(parent.clone())
            }
            Some(other) => {
                diagnostics.push(
                    Diagnostic::error(
                        &file,
                        format!("`extends` must name a theme folder, found {other}"),
                    ).ja(format!("`extends` にはテーマのフォルダー名を書いてください（{other} になっています）"))
                    .field("extends"),
                );
                None
            }
            None => None,
        },
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(&file, format!("invalid YAML: {}", error.message))
                    .ja(format!("YAML として読めません: {}", error.message))
                    .at(error.span)
                    .quoting(&text),
            );
            None
        }
    }
}

/// `i18n/<lang>.yaml` from every layer, lower layers first so that a child
/// theme can override single strings.
fn load_strings(
    files: &BTreeMap<String, ThemeFile>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut strings: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    // The embedded layer first, then the site's own file of the same name.
    let embedded: Vec<(&str, &[u8], String)> = DEFAULT_THEME
        .iter()
        .filter(|(p, _)| p.starts_with("i18n/"))
        .map(|(p, b)| (*p, *b, format!("{EMBEDDED} {p}")))
        .collect();
    let overrides: Vec<(&str, &[u8], String)> = files
        .iter()
        .filter(|(p, f)| p.starts_with("i18n/") && !f.origin.starts_with(EMBEDDED))
        .map(|(p, f)| (p.as_str(), f.bytes.as_slice(), f.origin.clone()))
        .collect();
    for (path, bytes, origin) in embedded.into_iter().chain(overrides) {
        let Some(lang) = path
            .strip_prefix("i18n/")
            .and_then(|p| p.strip_suffix(".yaml"))
        else {
            continue;
        };
        let text = normalize_source(&String::from_utf8_lossy(bytes));
        match parse_yaml(&text, 1) {
            Ok(doc) => {
                let table = strings.entry(lang.to_string()).or_default();
                if let Value::Object(map) = doc.value {
                    for (key, value) in map {
                        if let Value::String(s) = value {
                            table.insert(key, s);
                        }
                    }
                }
            }
            Err(error) => diagnostics.push(
                Diagnostic::error(origin, format!("invalid YAML: {}", error.message))
                    .ja(format!("YAML として読めません: {}", error.message))
                    .at(error.span)
                    .quoting(&text),
            ),
        }
    }
    strings
}

#[cfg(test)]
mod tests {
    /// An English page shows no Japanese UI string only if every key of the
    /// Japanese table has an English string. `support_type_*` labels exist
    /// only for translations (Japanese takes casebook.yaml's).
    #[test]
    fn the_default_theme_has_every_ui_string_in_both_languages() {
        let mut diagnostics = crate::diagnostics::Diagnostics::new();
        let strings = super::load_strings(&Default::default(), &mut diagnostics);
        assert!(!diagnostics.has_errors());
        let keys = |lang: &str| -> Vec<&String> {
            strings[lang]
                .keys()
                .filter(|k| !k.starts_with("support_type_"))
                .collect()
        };
        assert_eq!(keys("ja"), keys("en"));
        assert!(keys("ja").len() > 100);
    }
}
