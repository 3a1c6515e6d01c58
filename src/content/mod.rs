//! Content: `content/` → typed entries + diagnostics.
//!
//! 1. Walk the folder (`walk`).
//! 2. Read each Markdown file, in parallel: UTF-8 check, BOM/CRLF, size limit.
//! 3. Split and parse its front matter (`front_matter`).
//! 4. Read the fields of its section's schema (`schema`), pick its slug, and
//!    check that the images it names exist beside it, and that a case holds
//!    no placeholder text of the case template (`placeholders`). A translation
//!    (`<slug>.<lang>.md`) is read with the schema of its words only, and kept
//!    apart for the `translations` stage.
//!
//! Every file is checked even when others are broken; a broken file is left out
//! of the result and its problems are in the diagnostics. The live preview
//! passes a [`Cache`], so that a rebuild reads only the files that changed.

pub mod fields;
pub mod front_matter;
pub mod placeholders;
pub mod schema;
pub mod walk;

use crate::diagnostics::{Diagnostic, Diagnostics, Span, words};
use crate::hash::{hash_bytes, hash_of};
use front_matter::{SplitError, YamlDoc};
use rayon::prelude::*;
use schema::{CaseMeta, CaseText, FundingMeta, PageMeta, TermMeta};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
pub use walk::{Section, SourceFile};

/// Larger Markdown files are refused rather than risk the build's memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One Markdown document with its typed front matter.
#[derive(Debug, Clone)]
pub struct Entry<M> {
    pub source: SourceFile,
    pub slug: String,
    pub meta: M,
    /// The Markdown after the front matter.
    pub body: String,
    /// The line of the file where `body` starts.
    pub body_line: usize,
    /// Where each top-level front matter field is, for later diagnostics.
    pub field_spans: BTreeMap<String, Span>,
    /// The file's lines before `body` (the front matter and its fences), as
    /// read: later stages quote a field's line from it.
    pub head: std::sync::Arc<str>,
    /// A hash of the file's path and text: equal fingerprints, equal entries.
    pub fingerprint: u64,
}

#[derive(Debug, Default)]
pub struct Content {
    pub home: Option<Entry<PageMeta>>,
    pub cases: Vec<Entry<CaseMeta>>,
    pub funding: Vec<Entry<FundingMeta>>,
    pub districts: Vec<Entry<TermMeta>>,
    pub themes: Vec<Entry<TermMeta>>,
    pub pages: Vec<Entry<PageMeta>>,
    /// Non-Markdown files under content/, by root-relative path.
    pub assets: BTreeMap<String, PathBuf>,
    /// Sections whose folder exists.
    pub sections: Vec<Section>,
    /// The translations (`<slug>.<lang>.md`), by language.
    pub translations: BTreeMap<String, Translations>,
}

/// The translated files of one language, each with its words only; its
/// `source.lang` names the language and its slug is its file name's.
#[derive(Debug, Default, Clone)]
pub struct Translations {
    pub home: Option<Entry<PageMeta>>,
    pub cases: Vec<Entry<CaseText>>,
    pub funding: Vec<Entry<FundingMeta>>,
    pub districts: Vec<Entry<TermMeta>>,
    pub themes: Vec<Entry<TermMeta>>,
    pub pages: Vec<Entry<PageMeta>>,
}

impl Content {
    /// The head of every file read (see [`Entry::head`]), by root-relative
    /// path, so that the problems later stages find in a file can quote it.
    pub fn heads(&self) -> std::collections::HashMap<String, std::sync::Arc<str>> {
        let mut heads = std::collections::HashMap::new();
        let mut add = |source: &SourceFile, head: &std::sync::Arc<str>| {
            heads.insert(source.rel.clone(), std::sync::Arc::clone(head));
        };
        self.home.iter().for_each(|e| add(&e.source, &e.head));
        self.cases.iter().for_each(|e| add(&e.source, &e.head));
        self.funding.iter().for_each(|e| add(&e.source, &e.head));
        self.districts.iter().for_each(|e| add(&e.source, &e.head));
        self.themes.iter().for_each(|e| add(&e.source, &e.head));
        self.pages.iter().for_each(|e| add(&e.source, &e.head));
        for table in self.translations.values() {
            table.home.iter().for_each(|e| add(&e.source, &e.head));
            table.cases.iter().for_each(|e| add(&e.source, &e.head));
            table.funding.iter().for_each(|e| add(&e.source, &e.head));
            table.districts.iter().for_each(|e| add(&e.source, &e.head));
            table.themes.iter().for_each(|e| add(&e.source, &e.head));
            table.pages.iter().for_each(|e| add(&e.source, &e.head));
        }
        heads
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// The case rules that depend on casebook.yaml.
    pub case_rules: schema::CaseRules,
}

#[derive(Clone)]
enum Loaded {
    Home(Entry<PageMeta>),
    Case(Entry<CaseMeta>),
    Funding(Entry<FundingMeta>),
    District(Entry<TermMeta>),
    Theme(Entry<TermMeta>),
    Page(Entry<PageMeta>),
    Translation(Translated),
    /// Drafts and broken files.
    Skipped,
}

/// A translation, by the section of its original.
#[derive(Clone)]
enum Translated {
    Home(Entry<PageMeta>),
    Case(Entry<CaseText>),
    Funding(Entry<FundingMeta>),
    District(Entry<TermMeta>),
    Theme(Entry<TermMeta>),
    Page(Entry<PageMeta>),
}

/// Files read by an earlier run, reused while their size and modification
/// time (and the set of other files, which image checks read) stay the same.
/// One cache serves one root, language and [`LoadOptions`]. Only the live
/// preview has one: a build reads every file once.
#[derive(Default)]
pub struct Cache {
    files: HashMap<String, CachedFile>,
}

#[derive(Clone)]
struct CachedFile {
    stamp: Stamp,
    /// A hash of the file's bytes when it was read.
    bytes: Option<u64>,
    assets: u64,
    loaded: Loaded,
    diagnostics: Diagnostics,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

impl Cache {
    /// Makes the next run read `rel` (`content/cases/a.md`) again, whatever
    /// its stamp says: two saves within one clock tick can leave it unchanged.
    pub fn forget(&mut self, rel: &str) {
        self.files.remove(rel);
    }

    /// Whether `rel` (under `root`) holds the very bytes it held when last
    /// read: an editor saving an unchanged file. Then its stamp is renewed,
    /// so the next run does not read it again.
    pub fn holds_same_bytes(&mut self, root: &Path, rel: &str) -> bool {
        let Some(cached) = self.files.get_mut(rel) else {
            return false;
        };
        let path = root.join(rel);
        let same = cached.bytes.is_some() && cached.bytes == bytes_hash(&path);
        if same && let Some(stamp) = Stamp::of(&path) {
            cached.stamp = stamp;
        }
        same
    }
}

fn bytes_hash(path: &Path) -> Option<u64> {
    let bytes = std::fs::read(path).ok()?;
    Some(hash_bytes(&bytes))
}

/// Reads every content file under `root`. With a `cache`, files unchanged
/// since the run that filled it are not read again, and the cache is refilled.
pub fn load(
    root: &Path,
    default_language: &str,
    options: LoadOptions,
    cache: Option<&mut Cache>,
    diagnostics: &mut Diagnostics,
) -> Content {
    let keep = cache.is_some();
    let mut none = Cache::default();
    let cache = cache.unwrap_or(&mut none);
    let walked = walk::walk(root, diagnostics);
    let assets = hash_of(&walked.assets.keys().collect::<Vec<_>>());
    // A file read again comes back with its new cache entry; a reused one
    // is cloned out of the cache, which keeps it.
    let results: Vec<(Loaded, Diagnostics, Option<CachedFile>)> = walked
        .sources
        .par_iter()
        .map(|source| {
            let stamp = keep.then(|| Stamp::of(&source.path)).flatten();
            if let (Some(stamp), Some(cached)) = (stamp, cache.files.get(&source.rel))
                && cached.stamp == stamp
                && cached.assets == assets
            {
                return (cached.loaded.clone(), cached.diagnostics.clone(), None);
            }
            // Hashed before the file is read for loading: a save in between
            // makes the hash older than the entry, which only costs a rebuild.
            let bytes = keep.then(|| bytes_hash(&source.path)).flatten();
            let mut file_diagnostics = Diagnostics::new();
            let loaded = load_one(
                source,
                default_language,
                options,
                &walked.assets,
                &mut file_diagnostics,
            );
            let cached = keep.then(|| CachedFile {
                bytes,
                // An unreadable stamp is never equal, so the file is read again.
                stamp: stamp.unwrap_or(Stamp {
                    len: u64::MAX,
                    modified: None,
                }),
                assets,
                loaded: loaded.clone(),
                diagnostics: file_diagnostics.clone(),
            });
            (loaded, file_diagnostics, cached)
        })
        .collect();
    let present: std::collections::HashSet<&str> =
        walked.sources.iter().map(|s| s.rel.as_str()).collect();
    cache.files.retain(|rel, _| present.contains(rel.as_str()));
    let results: Vec<(Loaded, Diagnostics)> = walked
        .sources
        .iter()
        .zip(results)
        .map(|(source, (loaded, file_diagnostics, fresh))| {
            if let Some(fresh) = fresh {
                cache.files.insert(source.rel.clone(), fresh);
            }
            (loaded, file_diagnostics)
        })
        .collect();

    let mut content = Content {
        assets: walked.assets,
        sections: walked.sections,
        ..Content::default()
    };
    for (loaded, file_diagnostics) in results {
        diagnostics.extend(file_diagnostics);
        match loaded {
            Loaded::Home(entry) => content.home = Some(entry),
            Loaded::Case(entry) => content.cases.push(entry),
            Loaded::Funding(entry) => content.funding.push(entry),
            Loaded::District(entry) => content.districts.push(entry),
            Loaded::Theme(entry) => content.themes.push(entry),
            Loaded::Page(entry) => content.pages.push(entry),
            Loaded::Translation(translated) => {
                let lang = match &translated {
                    Translated::Home(e) | Translated::Page(e) => &e.source.lang,
                    Translated::Case(e) => &e.source.lang,
                    Translated::Funding(e) => &e.source.lang,
                    Translated::District(e) | Translated::Theme(e) => &e.source.lang,
                };
                let table = content
                    .translations
                    .entry(lang.clone().unwrap_or_default())
                    .or_default();
                match translated {
                    Translated::Home(entry) => table.home = Some(entry),
                    Translated::Case(entry) => table.cases.push(entry),
                    Translated::Funding(entry) => table.funding.push(entry),
                    Translated::District(entry) => table.districts.push(entry),
                    Translated::Theme(entry) => table.themes.push(entry),
                    Translated::Page(entry) => table.pages.push(entry),
                }
            }
            Loaded::Skipped => {}
        }
    }
    content
}

fn load_one(
    source: &SourceFile,
    default_language: &str,
    options: LoadOptions,
    assets: &BTreeMap<String, PathBuf>,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let Some(text) = read_text(source, diagnostics) else {
        return Loaded::Skipped;
    };
    // Whatever this file's problems, they quote their lines from the text
    // read here: the printer reads no file.
    let loaded = load_text(
        source,
        &text,
        default_language,
        options,
        assets,
        diagnostics,
    );
    diagnostics.quote_from(|file| (file == source.rel).then_some((text.as_str(), 1)));
    loaded
}

/// [`load_one`] once the file's text is read.
fn load_text(
    source: &SourceFile,
    text: &str,
    default_language: &str,
    options: LoadOptions,
    assets: &BTreeMap<String, PathBuf>,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let is_translation = source
        .lang
        .as_deref()
        .is_some_and(|lang| lang != default_language);
    let Some((doc, body, body_line)) = parse_document(source, text, diagnostics) else {
        return Loaded::Skipped;
    };
    let file = source.rel.as_str();
    if source.section == Section::Cases {
        placeholders::check(file, text, &doc, body, body_line, diagnostics);
    }
    let parsed = Parsed {
        source,
        doc: &doc,
        body,
        body_line,
        head: {
            let before_body = text
                .split_inclusive('\n')
                .take(body_line.saturating_sub(1))
                .map(str::len)
                .sum();
            std::sync::Arc::from(&text[..before_body])
        },
        fingerprint: hash_of(&(&source.rel, &text)),
    };
    if is_translation {
        return load_translation(&parsed, options, diagnostics).unwrap_or(Loaded::Skipped);
    }
    let loaded = match source.section {
        Section::Home => schema::read_page(&doc, file, diagnostics)
            .map(|meta| Loaded::Home(parsed.entry(meta, String::new()))),
        Section::Cases => {
            schema::read_case(&doc, file, options.case_rules, diagnostics).and_then(|meta| {
                check_images(source, &meta, assets, diagnostics);
                if meta.draft && !options.drafts {
                    return Some(Loaded::Skipped);
                }
                let slug = pick_slug(source, meta.slug.as_ref(), &doc, diagnostics)?;
                Some(Loaded::Case(parsed.entry(meta, slug)))
            })
        }
        Section::Funding => schema::read_funding(&doc, file, diagnostics).and_then(|meta| {
            let slug = pick_slug(source, meta.slug.as_ref(), &doc, diagnostics)?;
            Some(Loaded::Funding(parsed.entry(meta, slug)))
        }),
        Section::Districts | Section::Themes => schema::read_term(&doc, file, diagnostics)
            .and_then(|meta| {
                let slug = pick_slug(source, meta.slug.as_ref(), &doc, diagnostics)?;
                let entry = parsed.entry(meta, slug);
                Some(if source.section == Section::Districts {
                    Loaded::District(entry)
                } else {
                    Loaded::Theme(entry)
                })
            }),
        Section::Pages => schema::read_page(&doc, file, diagnostics).and_then(|meta| {
            if meta.draft && !options.drafts {
                return Some(Loaded::Skipped);
            }
            let slug = pick_slug(source, meta.slug.as_ref(), &doc, diagnostics)?;
            Some(Loaded::Page(parsed.entry(meta, slug)))
        }),
    };
    loaded.unwrap_or(Loaded::Skipped)
}

/// A translation's words, for the `translations` stage to lay over its
/// original. Its slug is its file name's: that is how it finds the original.
fn load_translation(
    parsed: &Parsed<'_>,
    options: LoadOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Loaded> {
    let (doc, file, source) = (parsed.doc, parsed.source.rel.as_str(), parsed.source);
    let slug = source.path_slug.clone();
    let translated = match source.section {
        Section::Home => {
            Translated::Home(parsed.entry(schema::read_page_text(doc, file, diagnostics)?, slug))
        }
        Section::Cases => {
            let text = schema::read_case_text(doc, file, diagnostics)?;
            if text.draft && !options.drafts {
                return Some(Loaded::Skipped);
            }
            Translated::Case(parsed.entry(text, slug))
        }
        Section::Funding => Translated::Funding(
            parsed.entry(schema::read_funding_text(doc, file, diagnostics)?, slug),
        ),
        Section::Districts => Translated::District(
            parsed.entry(schema::read_term_text(doc, file, diagnostics)?, slug),
        ),
        Section::Themes => {
            Translated::Theme(parsed.entry(schema::read_term_text(doc, file, diagnostics)?, slug))
        }
        Section::Pages => {
            let meta = schema::read_page_text(doc, file, diagnostics)?;
            if meta.draft && !options.drafts {
                return Some(Loaded::Skipped);
            }
            Translated::Page(parsed.entry(meta, slug))
        }
    };
    Some(Loaded::Translation(translated))
}

/// A document whose front matter parsed, ready to become an entry of any section.
struct Parsed<'a> {
    source: &'a SourceFile,
    doc: &'a YamlDoc,
    body: &'a str,
    body_line: usize,
    head: std::sync::Arc<str>,
    /// Of the whole file (see [`Entry::fingerprint`]).
    fingerprint: u64,
}

impl Parsed<'_> {
    fn entry<M>(&self, meta: M, slug: String) -> Entry<M> {
        Entry {
            source: self.source.clone(),
            slug,
            meta,
            body: self.body.to_string(),
            body_line: self.body_line,
            field_spans: field_spans(self.doc),
            head: std::sync::Arc::clone(&self.head),
            fingerprint: self.fingerprint,
        }
    }
}

/// The file as normalised text, or a diagnostic saying why it cannot be read.
fn read_text(source: &SourceFile, diagnostics: &mut Diagnostics) -> Option<String> {
    let file = source.rel.as_str();
    match std::fs::metadata(&source.path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    format!(
                        "file is {} MiB; the limit is {} MiB",
                        meta.len() >> 20,
                        MAX_FILE_BYTES >> 20
                    ),
                ).ja(format!("ファイルが {} MiB あります。上限は {} MiB です", meta.len() >> 20, MAX_FILE_BYTES >> 20))
                .hint("split the case into smaller pages, or move large data into a linked file").ja_hint("事例を小さなページに分けるか、大きなデータは別のファイルにしてリンクしてください"),
            );
            return None;
        }
        Ok(_) => {}
        Err(error) => {
            diagnostics.push(Diagnostic::error(file, format!("cannot read: {error}")));
            return None;
        }
    }
    let bytes = match std::fs::read(&source.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(Diagnostic::error(file, format!("cannot read: {error}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(front_matter::normalize_source(&text)),
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let span = Span::at_offset(&String::from_utf8_lossy(valid), valid.len());
            diagnostics.push(
                Diagnostic::error(file, "file is not valid UTF-8").ja("ファイルの文字コードが UTF-8 ではありません")
                    .at(span)
                    .hint("save the file as UTF-8 (Shift_JIS is common from older editors)").ja_hint("UTF-8 で保存し直してください（古いエディターでは Shift_JIS になっていることがあります）"),
            );
            None
        }
    }
}

fn parse_document<'t>(
    source: &SourceFile,
    text: &'t str,
    diagnostics: &mut Diagnostics,
) -> Option<(YamlDoc, &'t str, usize)> {
    let file = source.rel.as_str();
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(SplitError::Missing) => {
            diagnostics.push(
                Diagnostic::error(file, "missing front matter")
                    .ja("フロントマターがありません")
                    .at(Span::new(1, 1))
                    .hint("start the file with a line `---`, the fields, and another line `---`")
                    .ja_hint(
                        "ファイルの先頭に `---` の行、項目、もう一つの `---` の行を書いてください",
                    ),
            );
            return None;
        }
        Err(SplitError::Unterminated) => {
            diagnostics.push(
                Diagnostic::error(file, "front matter is not closed")
                    .ja("フロントマターが閉じていません")
                    .at(Span::new(1, 1))
                    .hint("add a line `---` after the last field")
                    .ja_hint("最後の項目の後に `---` の行を書き足してください"),
            );
            return None;
        }
    };
    if split.yaml.len() > front_matter::MAX_YAML_BYTES {
        diagnostics.push(
            Diagnostic::error(
                file,
                format!(
                    "front matter is {} KiB; the limit is {} KiB",
                    split.yaml.len() >> 10,
                    front_matter::MAX_YAML_BYTES >> 10
                ),
            )
            .ja(format!(
                "フロントマターが {} KiB あります。上限は {} KiB です",
                split.yaml.len() >> 10,
                front_matter::MAX_YAML_BYTES >> 10
            ))
            .at(Span::new(split.open_line, 1))
            .hint("keep long text in the body, below the closing `---`")
            .ja_hint("長い文章は、閉じの `---` の下の本文に書いてください"),
        );
        return None;
    }
    match front_matter::parse_yaml(split.yaml, split.open_line + 1) {
        Ok(doc) => Some((doc, split.body, split.body_line)),
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    format!("invalid YAML in front matter: {}", error.message),
                )
                .ja(format!(
                    "フロントマターを YAML として読めません: {}",
                    error.message
                ))
                .at(error.span)
                .hint(
                    "check indentation, and quote values that contain `: ` or start with a symbol",
                )
                .ja_hint(
                    "字下げを確かめてください。`: ` を含む値や記号で始まる値は引用符で囲みます",
                ),
            );
            None
        }
    }
}

fn field_spans(doc: &YamlDoc) -> BTreeMap<String, Span> {
    let Some(map) = doc.value.as_object() else {
        return BTreeMap::new();
    };
    map.keys()
        .map(|key| (key.clone(), doc.locate(&[front_matter::PathSeg::Key(key)])))
        .collect()
}

fn pick_slug(
    source: &SourceFile,
    slug_field: Option<&String>,
    doc: &YamlDoc,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let file = source.rel.as_str();
    match slug_field {
        Some(slug) if schema::is_valid_slug(slug) => Some(slug.clone()),
        Some(slug) => {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    format!("slug `{slug}` may only contain lowercase letters, digits and `-`"),
                )
                .ja(format!(
                    "スラッグ `{slug}` に使えるのは半角の英小文字・数字・`-` だけです"
                ))
                .at(doc.locate(&[front_matter::PathSeg::Key("slug")]))
                .field("slug")
                .hint("slugs become URLs: write romaji, e.g. `slug: nakamura-hub`")
                .ja_hint(
                    "スラッグは URL になります。ローマ字で書いてください。例: `slug: nakamura-hub`",
                ),
            );
            None
        }
        None if schema::is_valid_slug(&source.path_slug) => Some(source.path_slug.clone()),
        None => {
            diagnostics.push(
                Diagnostic::error(file, format!("the file name `{}` is not a valid slug", source.path_slug)).ja(format!("ファイル名 `{}` はスラッグに使えません", source.path_slug))
                    .at(Span::new(1, 1))
                    .hint("rename the file to lowercase romaji (e.g. `nakamura-hub.md`), or add `slug: nakamura-hub` to its front matter").ja_hint("ファイル名を半角小文字のローマ字にする（例: `nakamura-hub.md`）か、フロントマターに `slug: nakamura-hub` を書いてください"),
            );
            None
        }
    }
}

fn check_images(
    source: &SourceFile,
    meta: &CaseMeta,
    assets: &BTreeMap<String, PathBuf>,
    diagnostics: &mut Diagnostics,
) {
    for (i, image) in meta.images.iter().enumerate() {
        let wanted = format!("{}/{}", source.dir_rel, image.src);
        if assets.contains_key(&wanted) {
            continue;
        }
        let prefix = format!("{}/", source.dir_rel);
        let beside: Vec<&str> = assets
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter(|name| !name.contains('/'))
            .collect();
        let (src, folder) = (&image.src, &source.dir_rel);
        let hint = match crate::diagnostics::suggest(src, beside.iter().copied()) {
            Some(close) => schema::did_you_mean(close),
            None => words(
                format!("put `{src}` in {folder}/"),
                format!("`{src}` を {folder}/ に置いてください"),
            ),
        };
        diagnostics.push(
            Diagnostic::error_in(
                &source.rel,
                words(
                    format!("image `{src}` not found"),
                    format!("画像 `{src}` が見つかりません"),
                ),
                Some(hint),
            )
            .at(image.span)
            .field(format!("images[{i}].src")),
        );
    }
}
