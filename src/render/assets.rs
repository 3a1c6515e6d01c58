//! Assets: the theme's static files (and the generated highlighting
//! stylesheet) → output files, each CSS and JS file also under a name that
//! carries a hash of its contents (`static/css/casebook.3f2a1c9e.css`), so a
//! web server can let browsers cache it for a year.
//!
//! 1. Name each CSS and JS file by the hash of its bytes. A JavaScript module
//!    is named after the modules it imports (`import … from './core.js'`),
//!    whose specifiers are rewritten to their hashed names first, so a change
//!    in an imported module renames its importers too.
//! 2. Write every file under its plain name as well, for links written by
//!    hand; templates link the hashed name through the `asset` filter.
//! 3. Keep the map from plain to linked name for that filter.
//!
//! The hash is `crate::hash`'s FNV-1a, spelled out there so names stay the
//! same across Rust releases and machines.

use crate::hash::hash_bytes;
use crate::model::href;
use crate::output::OutputFile;
use std::collections::{BTreeMap, BTreeSet};

/// Hex digits of the hash in a file name.
const HASH_DIGITS: usize = 8;

/// The static files of a site, and the name templates link each one by.
#[derive(Debug, Default)]
pub struct Assets {
    /// Path inside `static/` → the path to link: hashed for CSS and JS, the
    /// same path for anything else.
    linked: BTreeMap<String, String>,
    /// Every file to write, by its path inside `static/`.
    files: BTreeMap<String, Vec<u8>>,
}

impl Assets {
    /// `sources`: every static file by its path inside `static/`
    /// (`css/casebook.css`).
    pub fn new(sources: BTreeMap<String, Vec<u8>>) -> Assets {
        let mut namer = Namer {
            sources: &sources,
            named: BTreeMap::new(),
            visiting: BTreeSet::new(),
        };
        for path in sources.keys() {
            if is_fingerprinted(path) {
                namer.name(path);
            }
        }
        let named = namer.named;
        let mut assets = Assets::default();
        for (path, bytes) in &sources {
            match named.get(path) {
                Some((hashed, rewritten)) => {
                    assets.files.insert(hashed.clone(), rewritten.clone());
                    assets.linked.insert(path.clone(), hashed.clone());
                }
                None => {
                    assets.linked.insert(path.clone(), path.clone());
                }
            }
            assets.files.insert(path.clone(), bytes.clone());
        }
        assets
    }

    /// The href of the static file at `path` (`css/casebook.css`, with or
    /// without a leading `static/` or `/`) under `base_path`; its hashed name
    /// for CSS and JS. `None` when the theme has no such file.
    pub fn href(&self, base_path: &str, path: &str) -> Option<String> {
        let path = path.trim_start_matches('/');
        let path = path.strip_prefix("static/").unwrap_or(path);
        let linked = self.linked.get(path)?;
        Some(href(base_path, &format!("static/{linked}")))
    }

    /// Plain path → linked path, for fingerprinting the pages that link them.
    pub fn names(&self) -> &BTreeMap<String, String> {
        &self.linked
    }

    /// Every file to write under `static/`.
    pub fn files(&self) -> impl Iterator<Item = OutputFile> + '_ {
        self.files
            .iter()
            .map(|(path, bytes)| OutputFile::new(format!("static/{path}"), bytes.clone()))
    }
}

fn is_fingerprinted(path: &str) -> bool {
    path.ends_with(".css") || path.ends_with(".js") || path.ends_with(".mjs")
}

fn is_module(path: &str) -> bool {
    path.ends_with(".js") || path.ends_with(".mjs")
}

/// Names files depth first along their imports.
struct Namer<'a> {
    sources: &'a BTreeMap<String, Vec<u8>>,
    /// Path → (hashed path, bytes with imports rewritten).
    named: BTreeMap<String, (String, Vec<u8>)>,
    /// On the current import chain, to stop at a cycle.
    visiting: BTreeSet<String>,
}

impl Namer<'_> {
    /// The hashed path of `path`, naming its imports first. A module on an
    /// import cycle keeps the plain names of the modules on the cycle, which
    /// are written too, so the page still loads.
    fn name(&mut self, path: &str) -> Option<String> {
        if let Some((hashed, _)) = self.named.get(path) {
            return Some(hashed.clone());
        }
        if self.visiting.contains(path) {
            return None;
        }
        let bytes = self.sources.get(path)?;
        self.visiting.insert(path.to_string());
        let rewritten = match std::str::from_utf8(bytes) {
            Ok(text) if is_module(path) => self.rewrite_imports(path, text).into_bytes(),
            Ok(text) if path.ends_with(".css") => compact_css(text).into_bytes(),
            _ => bytes.clone(),
        };
        self.visiting.remove(path);
        let hashed = hashed_path(path, &rewritten);
        self.named
            .insert(path.to_string(), (hashed.clone(), rewritten));
        Some(hashed)
    }

    /// `text` with each relative import of a fingerprinted file pointing at
    /// that file's hashed name.
    fn rewrite_imports(&mut self, path: &str, text: &str) -> String {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut out = String::with_capacity(text.len());
        let mut rest = 0;
        for (start, end) in import_specifiers(text) {
            let specifier = &text[start..end];
            let Some(target) = resolve(dir, specifier) else {
                continue;
            };
            if !is_fingerprinted(&target) || !self.sources.contains_key(&target) {
                continue;
            }
            let Some(hashed) = self.name(&target) else {
                continue;
            };
            let file = hashed.rsplit('/').next().unwrap_or(&hashed);
            let prefix = specifier.rsplit_once('/').map_or("", |(prefix, _)| prefix);
            out.push_str(&text[rest..start]);
            out.push_str(prefix);
            out.push('/');
            out.push_str(file);
            rest = end;
        }
        out.push_str(&text[rest..]);
        out
    }
}

/// The byte ranges of relative module specifiers (`./a.js`, `../b.js`) in
/// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`.
fn import_specifiers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (i, &quote) in bytes.iter().enumerate() {
        if quote != b'\'' && quote != b'"' {
            continue;
        }
        let start = i + 1;
        let tail = &text[start..];
        if !(tail.starts_with("./") || tail.starts_with("../")) {
            continue;
        }
        let Some(len) = tail.find([quote as char, '\n']) else {
            continue;
        };
        if tail.as_bytes()[len] != quote {
            continue;
        }
        let before = text[..i].trim_end();
        let before = before.strip_suffix('(').map_or(before, str::trim_end);
        let keyword = before
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .next()
            .unwrap_or("");
        if keyword == "from" || keyword == "import" {
            found.push((start, start + len));
        }
    }
    found
}

/// `specifier` resolved against `dir` inside `static/`; `None` when it
/// climbs out of it.
fn resolve(dir: &str, specifier: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in specifier.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

/// The stylesheet pages link: without its comments (but `/*! … */`, kept
/// for licences), indentation and blank lines, which a theme's source keeps
/// for its authors but every first visit would download (a fifth of the
/// default theme's CSS). Strings are left whole; each line break stays, so
/// whitespace between tokens stays too.
fn compact_css(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\'' => {
                out.push(c);
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    match d {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '\n' => break,
                        _ if d == c => break,
                        _ => {}
                    }
                }
            }
            '/' if text[i..].starts_with("/*") && !text[i..].starts_with("/*!") => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(text.len(), |e| i + 2 + e + 2);
                while chars.next_if(|&(j, _)| j < end).is_some() {}
            }
            _ => out.push(c),
        }
    }
    let lines = out.lines().map(str::trim).filter(|line| !line.is_empty());
    let mut compact: String = lines.collect::<Vec<_>>().join("\n");
    if text.ends_with('\n') {
        compact.push('\n');
    }
    compact
}

/// `css/casebook.css` → `css/casebook.3f2a1c9e.css`.
fn hashed_path(path: &str, bytes: &[u8]) -> String {
    let digest = format!("{:016x}", hash_bytes(bytes));
    let digest = &digest[..HASH_DIGITS];
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    let named = match file.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{digest}.{extension}"),
        None => format!("{file}.{digest}"),
    };
    if dir.is_empty() {
        named
    } else {
        format!("{dir}/{named}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets(files: &[(&str, &str)]) -> Assets {
        Assets::new(
            files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn written(assets: &Assets, path: &str) -> String {
        String::from_utf8(assets.files[path].clone()).unwrap()
    }

    #[test]
    fn linked_css_leaves_out_comments_indentation_and_blank_lines() {
        let source = "/*! licence */\n/* about cards */\n.card {\n  color: red; /* brand */\n\n  content: \"/* not a comment */\";\n}\n.a\n.b { margin: 0 }\n";
        assert_eq!(
            super::compact_css(source),
            "/*! licence */\n.card {\ncolor: red;\ncontent: \"/* not a comment */\";\n}\n.a\n.b { margin: 0 }\n"
        );
        let a = assets(&[("css/casebook.css", source)]);
        let hashed = a.href("/", "css/casebook.css").unwrap();
        assert!(!written(&a, hashed.trim_start_matches("/static/")).contains("about cards"));
        // The file under its own name stays as the theme wrote it.
        assert_eq!(written(&a, "css/casebook.css"), source);
    }

    #[test]
    fn css_and_js_are_linked_by_hashed_names_other_files_by_their_own() {
        let a = assets(&[("css/casebook.css", "body{}"), ("favicon.svg", "<svg/>")]);
        let css = a.href("/jirei/", "css/casebook.css").unwrap();
        assert!(css.starts_with("/jirei/static/css/casebook."));
        assert!(css.ends_with(".css"));
        assert_eq!(css.len(), "/jirei/static/css/casebook..css".len() + 8);
        assert_eq!(a.href("/jirei/", "/static/css/casebook.css").unwrap(), css);
        assert_eq!(
            a.href("/jirei/", "favicon.svg").unwrap(),
            "/jirei/static/favicon.svg"
        );
        assert_eq!(a.href("/", "css/missing.css"), None);
        // Both names are written, with the same bytes.
        let hashed = css.trim_start_matches("/jirei/static/");
        assert_eq!(written(&a, hashed), "body{}");
        assert_eq!(written(&a, "css/casebook.css"), "body{}");
    }

    #[test]
    fn the_name_changes_with_the_contents_and_only_then() {
        let one = assets(&[("css/a.css", "a{}")]).href("/", "css/a.css");
        let same = assets(&[("css/a.css", "a{}"), ("css/b.css", "b{}")]).href("/", "css/a.css");
        let other = assets(&[("css/a.css", "a{color:red}")]).href("/", "css/a.css");
        assert_eq!(one, same);
        assert_ne!(one, other);
    }

    #[test]
    fn module_imports_point_at_hashed_names_and_rename_their_importers() {
        let main = "import { a } from './core.js';\nexport * from \"./util/x.js\";\nimport('./lazy.js');\nconst s = './core.js';\n";
        let files = [
            ("js/main.js", main),
            ("js/core.js", "export const a = 1;"),
            ("js/util/x.js", "export const x = 1;"),
            ("js/lazy.js", "1"),
        ];
        let a = assets(&files);
        let core = a.names()["js/core.js"]
            .trim_start_matches("js/")
            .to_string();
        let x = a.names()["js/util/x.js"]
            .trim_start_matches("js/util/")
            .to_string();
        let lazy = a.names()["js/lazy.js"]
            .trim_start_matches("js/")
            .to_string();
        let hashed_main = a.names()["js/main.js"].clone();
        assert_eq!(
            written(&a, &hashed_main),
            format!(
                "import {{ a }} from './{core}';\nexport * from \"./util/{x}\";\nimport('./{lazy}');\nconst s = './core.js';\n"
            )
        );
        // The plain copy keeps plain imports.
        assert_eq!(written(&a, "js/main.js"), main);
        // A change in an imported module renames the importer.
        let mut changed = files;
        changed[1].1 = "export const a = 2;";
        assert_ne!(assets(&changed).names()["js/main.js"], hashed_main);
    }

    #[test]
    fn an_import_cycle_keeps_plain_names_and_still_names_each_file() {
        let a = assets(&[
            ("js/a.js", "import './b.js';"),
            ("js/b.js", "import './a.js';"),
        ]);
        assert_ne!(a.names()["js/a.js"], "js/a.js");
        assert_ne!(a.names()["js/b.js"], "js/b.js");
        assert!(a.files.contains_key("js/a.js") && a.files.contains_key("js/b.js"));
    }

    #[test]
    fn specifiers_that_climb_out_of_static_are_left_alone() {
        assert_eq!(resolve("js", "../../x.js"), None);
        assert_eq!(resolve("js", "../css/a.css").as_deref(), Some("css/a.css"));
        assert_eq!(resolve("js/sub", "./../a.js").as_deref(), Some("js/a.js"));
    }
}
