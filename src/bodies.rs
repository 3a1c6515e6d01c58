//! Bodies: every document's Markdown → [`Rendered`], with its links and images
//! resolved against the site.
//!
//! A link may name a page by its site path (`/cases/nakamura-hub/`) or by its
//! source file (`../cases/nakamura-hub.md`); both become an href under the base
//! path, and a target that does not exist is an error at the link's line. An
//! image or file beside the Markdown is copied next to the page that uses it.

use crate::content::{Entry, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics, words};
use crate::hash::hash_of;
use crate::markdown::{self, LinkTarget, Rendered};
use crate::model::{Site, encode_segment, href};
use crate::output::OutputFile;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// The rendered body of every document, in the model's order. Bodies are
/// shared, so a rebuild reuses the unchanged ones without copying them.
#[derive(Default)]
pub struct Bodies {
    pub home: Arc<Rendered>,
    pub cases: Vec<Arc<Rendered>>,
    pub schemes: Vec<Arc<Rendered>>,
    pub wards: Vec<Arc<Rendered>>,
    /// Per ward, per area.
    pub areas: Vec<Vec<Arc<Rendered>>>,
    pub themes: Vec<Arc<Rendered>>,
    pub pages: Vec<Arc<Rendered>>,
    /// Files beside the Markdown that pages use, to copy into the output.
    pub assets: Vec<OutputFile>,
}

impl Bodies {
    /// Keeps of each case body only the text that search reads, once the
    /// pages are made; a body shared with a cache is left whole.
    pub fn release_html(&mut self) {
        for body in &mut self.cases {
            if let Some(body) = Arc::get_mut(body) {
                body.html = String::new();
                body.toc = Vec::new();
                body.images = Vec::new();
            }
        }
    }
}

/// Bodies rendered by an earlier run, by source file. One is reused when its
/// entry and page path are unchanged and every link it holds still resolves to
/// the same target (a page it links to may have been added or deleted since).
/// One cache serves one configuration. Only the live preview has one.
#[derive(Default)]
pub struct Cache {
    bodies: HashMap<String, CachedBody>,
}

struct CachedBody {
    key: u64,
    rendered: Arc<Rendered>,
    /// Every destination the body resolved, with what it resolved to.
    links: Vec<(String, LinkTarget)>,
}

/// Every page's site path, and the source file of each.
struct LinkIndex {
    /// Where the pages are: the site's base path.
    base_path: String,
    paths: BTreeSet<String>,
    by_source: BTreeMap<String, String>,
    /// The original language's pages, for links to pages not translated.
    fallback: Option<Box<LinkIndex>>,
}

impl LinkIndex {
    fn new(site: &Site) -> Self {
        let mut index = LinkIndex {
            base_path: site.config.base_path.clone(),
            paths: BTreeSet::new(),
            by_source: BTreeMap::new(),
            fallback: None,
        };
        let mut add = |path: &str, source: Option<&SourceFile>| {
            index.paths.insert(path.to_string());
            if let Some(source) = source {
                index.by_source.insert(source.rel.clone(), path.to_string());
                // A translation answers for its original too, so that a
                // translated body can link pages by their original files.
                if let Some(lang) = &source.lang
                    && let Some(stem) = source.rel.strip_suffix(&format!(".{lang}.md"))
                {
                    index
                        .by_source
                        .insert(format!("{stem}.md"), path.to_string());
                }
            }
        };
        add("", site.home.as_ref().map(|h| &h.source));
        for fixed in site.fixed_pages() {
            add(fixed, None);
        }
        for case in &site.cases {
            add(&case.path, Some(&case.entry.source));
        }
        for scheme in &site.schemes {
            add(&scheme.path, scheme.source());
        }
        for ward in &site.wards {
            add(&ward.path, ward.source());
            for area in &ward.areas {
                add(&area.path, area.source());
            }
        }
        for theme in &site.themes {
            add(&theme.path, theme.source());
        }
        for page in &site.pages {
            add(&page.path, Some(&page.entry.source));
        }
        index.paths.insert("feed.xml".to_string());
        // Open data is published by the default language's site only.
        if !site.config.is_translation() {
            for file in crate::opendata::file_names() {
                index.paths.insert(file.to_string());
            }
        }
        index
    }
}

/// Renders the Markdown of every page of `site`. With a `cache`, a body
/// whose inputs are unchanged since the run that filled it is reused, and
/// the cache is refilled. A translation's site passes the default
/// language's as `original`: a link to a page it has not translated goes to
/// the original page.
pub fn render_bodies(
    site: &Site,
    original: Option<&Site>,
    cache: Option<&mut Cache>,
    diagnostics: &mut Diagnostics,
) -> Bodies {
    let keep = cache.is_some();
    let mut none = Cache::default();
    let cache = cache.unwrap_or(&mut none);
    let mut index = LinkIndex::new(site);
    let fallback = original.map(LinkIndex::new);
    index.fallback = fallback.map(Box::new);
    let assets = Mutex::new(BTreeMap::<String, OutputFile>::new());
    let problems = Mutex::new(Diagnostics::new());
    let fresh = Mutex::new(HashMap::new());
    let context = RenderContext {
        site,
        index: &index,
        assets: &assets,
        problems: &problems,
        cache,
        keep,
        fresh: &fresh,
    };
    let render = |entry: &EntryRef<'_>, page_path: &str| -> Arc<Rendered> {
        context.render(entry, page_path)
    };

    let cases = site
        .cases
        .par_iter()
        .map(|case| render(&entry_ref(&case.entry), &case.path))
        .collect();
    let optional = |entry: Option<&EntryRef<'_>>, path: &str| {
        entry.map_or_else(Arc::default, |e| render(e, path))
    };
    let bodies = Bodies {
        home: optional(site.home.as_ref().map(entry_ref).as_ref(), ""),
        cases,
        schemes: site
            .schemes
            .iter()
            .map(|s| optional(s.entry.as_ref().map(entry_ref).as_ref(), &s.path))
            .collect(),
        wards: site
            .wards
            .iter()
            .map(|w| optional(w.entry.as_ref().map(entry_ref).as_ref(), &w.path))
            .collect(),
        areas: site
            .wards
            .iter()
            .map(|w| {
                w.areas
                    .iter()
                    .map(|a| optional(a.entry.as_ref().map(entry_ref).as_ref(), &a.path))
                    .collect()
            })
            .collect(),
        themes: site
            .themes
            .iter()
            .map(|t| optional(t.entry.as_ref().map(entry_ref).as_ref(), &t.path))
            .collect(),
        pages: site
            .pages
            .iter()
            .map(|p| render(&entry_ref(&p.entry), &p.path))
            .collect(),
        assets: Vec::new(),
    };
    diagnostics.extend(problems.into_inner().unwrap_or_default());
    cache.bodies = fresh.into_inner().unwrap_or_default();
    let mut bodies = bodies;
    bodies.assets = assets
        .into_inner()
        .unwrap_or_default()
        .into_values()
        .collect();
    bundle_assets(site, &mut bodies.assets);
    bodies
}

/// The parts of an entry that rendering needs, whatever its front matter type.
struct EntryRef<'a> {
    source: &'a SourceFile,
    body: &'a str,
    body_line: usize,
    fingerprint: u64,
}

fn entry_ref<M>(entry: &Entry<M>) -> EntryRef<'_> {
    EntryRef {
        source: &entry.source,
        body: &entry.body,
        body_line: entry.body_line,
        fingerprint: entry.fingerprint,
    }
}

/// What rendering one body reads and writes, shared by the parallel renders.
struct RenderContext<'a> {
    site: &'a Site,
    index: &'a LinkIndex,
    assets: &'a Mutex<BTreeMap<String, OutputFile>>,
    problems: &'a Mutex<Diagnostics>,
    cache: &'a Cache,
    /// Whether to keep what is rendered for the next run.
    keep: bool,
    fresh: &'a Mutex<HashMap<String, CachedBody>>,
}

impl RenderContext<'_> {
    fn render(&self, entry: &EntryRef<'_>, page_path: &str) -> Arc<Rendered> {
        let resolve = |dest: &str| {
            resolve_link(
                self.site,
                self.index,
                entry.source,
                page_path,
                dest,
                self.assets,
            )
        };
        let key = hash_of(&(entry.fingerprint, page_path));
        // Resolving a cached body's links again also registers the files it
        // uses, as rendering it afresh would.
        let cached = self.cache.bodies.get(&entry.source.rel).filter(|cached| {
            cached.key == key
                && cached
                    .links
                    .iter()
                    .all(|(dest, target)| resolve(dest) == *target)
        });
        let (rendered, links) = match cached {
            Some(cached) => (Arc::clone(&cached.rendered), cached.links.clone()),
            None => {
                let links = Mutex::new(Vec::new());
                let recording = |dest: &str| {
                    let target = resolve(dest);
                    links
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((dest.to_string(), target.clone()));
                    target
                };
                let rendered = markdown::render(
                    entry.body,
                    entry.body_line,
                    &self.site.config.markdown,
                    &recording,
                );
                (
                    Arc::new(rendered),
                    links.into_inner().unwrap_or_else(|e| e.into_inner()),
                )
            }
        };
        report_problems(
            entry.source,
            (entry.body, entry.body_line),
            &rendered,
            self.problems,
        );
        if !self.keep {
            return rendered;
        }
        self.fresh.lock().unwrap_or_else(|e| e.into_inner()).insert(
            entry.source.rel.clone(),
            CachedBody {
                key,
                rendered: Arc::clone(&rendered),
                links,
            },
        );
        rendered
    }
}

/// Reports the problems found in a body, quoting their lines from `body`
/// (the text after the front matter, and the file's line it starts on).
fn report_problems(
    source: &SourceFile,
    body: (&str, usize),
    rendered: &Rendered,
    problems: &Mutex<Diagnostics>,
) {
    if !rendered.problems.is_empty() {
        let mut problems = problems.lock().unwrap_or_else(|e| e.into_inner());
        for problem in &rendered.problems {
            let d =
                Diagnostic::error_in(&source.rel, problem.message.clone(), problem.hint.clone())
                    .at(problem.span)
                    .quoting_from(body.0, body.1);
            problems.push(d);
        }
    }
}

fn resolve_link(
    site: &Site,
    index: &LinkIndex,
    source: &SourceFile,
    page_path: &str,
    dest: &str,
    assets: &Mutex<BTreeMap<String, OutputFile>>,
) -> LinkTarget {
    let base_path = &site.config.base_path;
    if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) || dest.starts_with("//") {
        return LinkTarget::External;
    }
    let (target, suffix) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let target = percent_encoding::percent_decode_str(target)
        .decode_utf8_lossy()
        .to_string();

    // A site path: `/cases/nakamura-hub/` (with or without the base path).
    if let Some(path) = target.strip_prefix('/') {
        let path = path
            .strip_prefix(base_path.trim_start_matches('/'))
            .unwrap_or(path);
        let normalized = if path.is_empty() || path.ends_with('/') || path.contains('.') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        if index.paths.contains(&normalized) {
            return LinkTarget::Page(format!("{}{suffix}", href(base_path, &normalized)));
        }
        if let Some(original) = index.fallback.as_deref()
            && original.paths.contains(&normalized)
        {
            return LinkTarget::Page(format!(
                "{}{suffix}",
                href(&original.base_path, &normalized)
            ));
        }
        let candidates = index.paths.iter().map(String::as_str);
        let hint = crate::diagnostics::suggest(&normalized, candidates).map_or_else(
            || {
                words(
                    "link a page by its site path, e.g. `/cases/<slug>/`",
                    "ページへはサイト内のパスでリンクします。例: `/cases/<slug>/`",
                )
            },
            |c| {
                words(
                    format!("did you mean `/{c}`?"),
                    format!("`/{c}` の誤りではありませんか？"),
                )
            },
        );
        return LinkTarget::Broken {
            message: words(
                format!("broken link `{dest}`: no page at /{normalized}"),
                format!("リンク切れです: `{dest}`（/{normalized} というページはありません）"),
            ),
            hint: Some(hint),
        };
    }

    // A path relative to the Markdown file: another page's source, or a file.
    let Some(rel) = join_relative(&source.dir_rel, &target) else {
        return LinkTarget::Broken {
            message: words(
                format!("link `{dest}` points outside the content folder"),
                format!("リンク `{dest}` が content フォルダーの外を指しています"),
            ),
            hint: Some(words(
                "link pages by site path (`/cases/<slug>/`) and keep files beside the page",
                "ページへはサイト内のパス（`/cases/<slug>/`）でリンクし、ファイルはページと同じフォルダーに置いてください",
            )),
        };
    };
    if rel.ends_with(".md") {
        let original = index.fallback.as_deref();
        let in_original = || {
            let original = original?;
            let path = original.by_source.get(&rel)?;
            Some(href(&original.base_path, path))
        };
        let found = index
            .by_source
            .get(&rel)
            .map(|path| href(base_path, path))
            .or_else(in_original);
        return match found {
            Some(link) => LinkTarget::Page(format!("{link}{suffix}")),
            None => LinkTarget::Broken {
                message: words(
                    format!("broken link `{dest}`: {rel} is not a page of this site"),
                    format!("リンク切れです: `{dest}`（{rel} はこのサイトのページではありません）"),
                ),
                hint: Some(words(
                    "check the file name; drafts are not built without --drafts",
                    "ファイル名を確かめてください。下書き（draft）は --drafts を付けないと作られません",
                )),
            },
        };
    }
    match site.assets.get(&rel) {
        Some(file) => {
            // Copied next to the page, under the same name relative to the source folder.
            let name = rel
                .strip_prefix(&format!("{}/", source.dir_rel))
                .unwrap_or(&rel);
            let output_path = format!("{page_path}{name}");
            let encoded: Vec<String> = name.split('/').map(encode_segment).collect();
            // A translation's page has its original's path, so the file is
            // published once, beside the original, and both link it there.
            let link = format!(
                "{}{}{suffix}",
                href(site.config.shared_base_path(), page_path),
                encoded.join("/")
            );
            let mut assets = assets.lock().unwrap_or_else(|e| e.into_inner());
            assets
                .entry(output_path.clone())
                .or_insert_with(|| OutputFile::copy(output_path.clone(), file.clone()));
            LinkTarget::Asset {
                href: link,
                path: output_path,
            }
        }
        None => LinkTarget::Broken {
            message: words(
                format!("file `{target}` not found beside {}", source.rel),
                format!(
                    "{} と同じフォルダーにファイル `{target}` がありません",
                    source.rel
                ),
            ),
            hint: Some(words(
                format!("put the file in {}/", source.dir_rel),
                format!("ファイルを {}/ に置いてください", source.dir_rel),
            )),
        },
    }
}

/// `mailto:`, `https:`, `tel:`…: a URL scheme before any `/`.
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// `content/cases` + `../funding/a.md` → `content/funding/a.md`; `None` when the
/// path climbs out of `content/`.
fn join_relative(dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (parts.first() == Some(&"content") && parts.len() > 1).then(|| parts.join("/"))
}

/// A bundle case publishes every file in its folder, beside its page.
fn bundle_assets(site: &Site, assets: &mut Vec<OutputFile>) {
    let mut taken: BTreeSet<String> = assets.iter().map(|a| a.path.clone()).collect();
    for case in &site.cases {
        let source = &case.entry.source;
        let prefix = format!("{}/", source.dir_rel);
        let files: Vec<(&String, &std::path::PathBuf)> = if source.bundle {
            site.assets
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .collect()
        } else {
            case.entry
                .meta
                .images
                .iter()
                .filter_map(|image| site.assets.get_key_value(&format!("{prefix}{}", image.src)))
                .collect()
        };
        for (rel, file) in files {
            let name = &rel[prefix.len()..];
            let output_path = format!("{}{name}", case.path);
            if taken.insert(output_path.clone()) {
                assets.push(OutputFile::copy(output_path, file.clone()));
            }
        }
    }
    assets.sort_by(|a, b| a.path.cmp(&b.path));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_in_content() {
        for (dir, target, expected) in [
            (
                "content/cases",
                "../funding/a.md",
                Some("content/funding/a.md"),
            ),
            ("content/cases", "b.md", Some("content/cases/b.md")),
            (
                "content/cases/x",
                "./img/a.jpg",
                Some("content/cases/x/img/a.jpg"),
            ),
            ("content/cases", "../../casebook.yaml", None),
            ("content", "../../../etc/passwd", None),
        ] {
            assert_eq!(
                join_relative(dir, target).as_deref(),
                expected,
                "{dir} {target}"
            );
        }
    }

    #[test]
    fn schemes_are_external() {
        for (dest, external) in [
            ("https://x.jp/", true),
            ("mailto:a@b.jp", true),
            ("tel:045", true),
            ("/cases/a/", false),
            ("a.md", false),
            ("a/b:c", false),
        ] {
            assert_eq!(has_scheme(dest), external, "{dest}");
        }
    }
}
