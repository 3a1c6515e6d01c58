//! Walk: `content/` → the Markdown sources and the other files (assets) in it.
//!
//! Order is stable (sorted by name), hidden files and editor leftovers are
//! skipped, and symbolic links are never followed: a link could point outside
//! the site, so it gets a warning instead.

use crate::diagnostics::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONTENT_DIR: &str = "content";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Home,
    Cases,
    Funding,
    Districts,
    Themes,
    Pages,
}

impl Section {
    fn from_dir(name: &str) -> Option<Section> {
        Some(match name {
            "cases" => Section::Cases,
            "funding" => Section::Funding,
            "districts" => Section::Districts,
            "themes" => Section::Themes,
            "pages" => Section::Pages,
            _ => return None,
        })
    }
}

/// A Markdown file and what its path says about it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root with `/` separators: `content/cases/a.md`.
    pub rel: String,
    pub path: PathBuf,
    pub section: Section,
    /// The slug its file or folder name gives (validated later).
    pub path_slug: String,
    /// `Some("en")` for `a.en.md`.
    pub lang: Option<String>,
    /// The folder its relative links and images are resolved in: `content/cases`.
    pub dir_rel: String,
    /// A case kept as `<slug>/index.md`, with its images beside it.
    pub bundle: bool,
}

#[derive(Debug, Default)]
pub struct Walked {
    pub sources: Vec<SourceFile>,
    /// Every other file, by its root-relative path.
    pub assets: BTreeMap<String, PathBuf>,
    /// Sections whose folder exists (an empty `funding/` still turns on checks).
    pub sections: Vec<Section>,
}

pub fn walk(root: &Path, diagnostics: &mut Diagnostics) -> Walked {
    let content = root.join(CONTENT_DIR);
    let mut walked = Walked::default();
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::warning(CONTENT_DIR, "no content folder: the site has no cases")
                .ja("content フォルダーがありません。事例が一つもありません")
                .hint("create content/cases/<slug>.md, or run `casebook new <slug>`")
                .ja_hint(
                    "content/cases/<slug>.md を作るか、`casebook new <slug>` を実行してください",
                ),
        );
        return walked;
    }
    let entries = walkdir::WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let rel = error
                    .path()
                    .map_or(CONTENT_DIR.to_string(), |p| rel_path(root, p));
                diagnostics.push(
                    Diagnostic::error(rel, format!("cannot read: {error}"))
                        .ja(format!("読めません: {error}")),
                );
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = rel_path(root, entry.path());
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            diagnostics.push(
                Diagnostic::warning(&rel, "symbolic link not followed").ja("シンボリックリンクはたどりません").hint(
                    "links could point outside the site; copy the file into content/ instead",
                ).ja_hint("リンク先がサイトの外かもしれません。ファイルを content/ にコピーしてください"),
            );
            continue;
        }
        if file_type.is_dir() {
            if entry.depth() == 1
                && let Some(section) = Section::from_dir(&entry.file_name().to_string_lossy())
            {
                walked.sections.push(section);
            }
            continue;
        }
        match classify(&rel) {
            Classified::Source { section, path_slug, lang, dir_rel, bundle } => walked.sources.push(SourceFile {
                rel,
                path: entry.path().to_path_buf(),
                section,
                path_slug,
                lang,
                dir_rel,
                bundle,
            }),
            Classified::Asset => {
                walked.assets.insert(rel, entry.path().to_path_buf());
            }
            Classified::Unplaced => diagnostics.push(
                Diagnostic::warning(&rel, "Markdown file outside the known sections is ignored").ja("決まった場所の外にある Markdown ファイルは使いません")
                    .hint("cases go in content/cases/, schemes in content/funding/, other pages in content/pages/").ja_hint("事例は content/cases/、制度は content/funding/、そのほかのページは content/pages/ に置きます"),
            ),
        }
    }
    walked
}

/// Hidden files and editor leftovers (`.#x`, `x~`, `x.swp`) are never content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}

/// The root-relative path with `/` separators, in Unicode NFC: macOS writes
/// file names decomposed (が as か + ゙), while front matter and links are typed
/// composed, and both must name the same file.
pub fn rel_path(root: &Path, path: &Path) -> String {
    use unicode_normalization::UnicodeNormalization;
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .nfc()
        .collect()
}

enum Classified {
    Source {
        section: Section,
        path_slug: String,
        lang: Option<String>,
        dir_rel: String,
        bundle: bool,
    },
    Asset,
    Unplaced,
}

/// What a root-relative path (`content/cases/a/index.md`) is.
fn classify(rel: &str) -> Classified {
    let Some(stem) = rel.strip_suffix(".md") else {
        return Classified::Asset;
    };
    let parts: Vec<&str> = stem.split('/').collect();
    // `a.en` → (`a`, Some("en")): a two-letter suffix marks a translation.
    let split_lang = |name: &str| -> (String, Option<String>) {
        match name.rsplit_once('.') {
            Some((base, lang))
                if lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase()) =>
            {
                (base.to_string(), Some(lang.to_string()))
            }
            _ => (name.to_string(), None),
        }
    };
    match parts.as_slice() {
        [_, name] => {
            let (base, lang) = split_lang(name);
            if base == "_index" {
                Classified::Source {
                    section: Section::Home,
                    path_slug: String::new(),
                    lang,
                    dir_rel: CONTENT_DIR.into(),
                    bundle: false,
                }
            } else {
                Classified::Unplaced
            }
        }
        [_, dir, name] => match Section::from_dir(dir) {
            Some(section) => {
                let (base, lang) = split_lang(name);
                if base == "_index" {
                    return Classified::Unplaced;
                }
                Classified::Source {
                    section,
                    path_slug: base,
                    lang,
                    dir_rel: format!("{CONTENT_DIR}/{dir}"),
                    bundle: false,
                }
            }
            None => Classified::Unplaced,
        },
        ["content", "cases", folder, name] => {
            let (base, lang) = split_lang(name);
            if base != "index" {
                // Markdown notes inside a case folder are not pages.
                return Classified::Asset;
            }
            Classified::Source {
                section: Section::Cases,
                path_slug: folder.to_string(),
                lang,
                dir_rel: format!("{CONTENT_DIR}/cases/{folder}"),
                bundle: true,
            }
        }
        _ => Classified::Unplaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        for (rel, expected) in [
            ("content/_index.md", Some((Section::Home, "", None, false))),
            (
                "content/cases/a.md",
                Some((Section::Cases, "a", None, false)),
            ),
            (
                "content/cases/a.en.md",
                Some((Section::Cases, "a", Some("en"), false)),
            ),
            (
                "content/cases/nakamura-hub/index.md",
                Some((Section::Cases, "nakamura-hub", None, true)),
            ),
            (
                "content/cases/nakamura-hub/index.en.md",
                Some((Section::Cases, "nakamura-hub", Some("en"), true)),
            ),
            (
                "content/funding/machi-fushin.md",
                Some((Section::Funding, "machi-fushin", None, false)),
            ),
            (
                "content/pages/about.md",
                Some((Section::Pages, "about", None, false)),
            ),
            (
                "content/cases/v1.2.md",
                Some((Section::Cases, "v1.2", None, false)),
            ),
        ] {
            let got = match classify(rel) {
                Classified::Source {
                    section,
                    path_slug,
                    lang,
                    bundle,
                    ..
                } => Some((section, path_slug, lang, bundle)),
                _ => None,
            };
            let expected = expected
                .map(|(s, slug, lang, b)| (s, slug.to_string(), lang.map(str::to_string), b));
            assert_eq!(got, expected, "{rel}");
        }
        assert!(matches!(
            classify("content/cases/a/exterior.jpg"),
            Classified::Asset
        ));
        assert!(matches!(classify("content/notes.md"), Classified::Unplaced));
        assert!(matches!(
            classify("content/blog/a.md"),
            Classified::Unplaced
        ));
    }
}
