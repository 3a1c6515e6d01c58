//! Preview: the site held in memory and rebuilt after each change.
//!
//! 1. Run the whole pipeline with the [`Memo`] of the runs before: only
//!    changed files are read, only changed bodies and pages rendered.
//! 2. Compare the new output with the held one, file by file, and keep the
//!    new one: what differs is what changed, what is gone was removed.
//! 3. On errors, keep the last good output and hold the errors instead, so
//!    the pages stay up while the overlay says what to fix.
//!
//! The pages are handed out as soon as they are made, before the feed,
//! sitemap and open data (which read the whole site) are made again: the open
//! tab reloads meanwhile.

use super::Memo;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::output::{Contents, OutputFile};
use crate::{BuildOptions, config};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// One output file as the preview holds it.
#[derive(Debug, Clone)]
pub struct Served {
    pub contents: Contents,
    /// For a file copied from content/: its size and modification time when
    /// it was published, to notice an image saved over under the same name.
    stamp: Option<(u64, Option<SystemTime>)>,
}

impl Served {
    fn new(file: OutputFile) -> Served {
        let stamp = match &file.contents {
            Contents::Copy(source) => std::fs::metadata(source)
                .ok()
                .map(|m| (m.len(), m.modified().ok())),
            Contents::Bytes(_) => None,
        };
        Served {
            contents: file.contents,
            stamp,
        }
    }

    fn same_as(&self, other: &Served) -> bool {
        match (&self.contents, &other.contents) {
            (Contents::Bytes(a), Contents::Bytes(b)) => Arc::ptr_eq(a, b) || a == b,
            (Contents::Copy(a), Contents::Copy(b)) => a == b && self.stamp == other.stamp,
            _ => false,
        }
    }
}

/// The output with the new pages in it, before the rest is made again.
pub struct Pages<'a> {
    pub files: &'a Arc<BTreeMap<String, Served>>,
    /// Output paths that are new or now differ.
    pub changed: &'a [String],
    pub generation: u64,
    pub base_path: &'a str,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Update {
    /// Output paths (`cases/a/index.html`) that are new or now differ.
    pub changed: Vec<String>,
    /// Output paths that are gone.
    pub removed: Vec<String>,
    /// Pages rendered; the others were reused from the run before.
    pub rendered: usize,
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
    /// Each stage's time, as `build --timings` prints it.
    pub timings: String,
}

impl Update {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

pub struct Preview {
    options: BuildOptions,
    /// The language of the terminal lines and the error overlay.
    pub language: crate::language::Language,
    /// `http://127.0.0.1:1111`: pages are built for this origin and the
    /// sub-path of the configured base_url, so absolute links stay local.
    origin: Option<String>,
    memo: Memo,
    /// Shared with the server threads, which keep serving the old map while
    /// a rebuild makes the next one.
    files: Arc<BTreeMap<String, Served>>,
    /// The base path the held files were built for.
    base_path: String,
    /// Errors of the last rebuild, or empty when it succeeded.
    errors: Vec<Diagnostic>,
    /// Counts the rebuilds that changed the output.
    generation: u64,
}

impl Preview {
    pub fn new(options: BuildOptions, origin: Option<String>) -> Preview {
        Preview {
            options,
            language: crate::language::Language::default(),
            origin,
            memo: Memo::default(),
            files: Arc::default(),
            base_path: "/".into(),
            errors: Vec::new(),
            generation: 0,
        }
    }

    /// Rebuilds after `changed` files (root-relative, `/`-separated) were
    /// saved, created or removed; the first call builds everything.
    pub fn rebuild(&mut self, changed: &[String]) -> Update {
        self.rebuild_staged(changed, &mut |_| {})
    }

    /// [`Preview::rebuild`], handing `pages_made` the output with the new
    /// pages in it as soon as they are made (only when nothing failed).
    pub fn rebuild_staged(
        &mut self,
        changed: &[String],
        pages_made: &mut dyn FnMut(Pages<'_>),
    ) -> Update {
        let started = Instant::now();
        // A save that changed no byte of a content file (an editor saving an
        // unchanged buffer) changes nothing: no rebuild at all.
        let root = &self.options.root;
        if !changed.is_empty()
            && self.errors.is_empty()
            && changed
                .iter()
                .all(|rel| self.memo.holds_same_bytes(root, rel))
        {
            return Update {
                elapsed: started.elapsed(),
                ..Update::default()
            };
        }
        for rel in changed {
            self.memo.forget(rel);
        }
        let mut options = self.options.clone();
        let mut diagnostics = Diagnostics::new();
        // The configuration may have changed its base_url: read its path again.
        let base_path = config::load(&self.options.root, &mut Diagnostics::new())
            .map_or_else(|| "/".to_string(), |c| c.base_path);
        if let Some(origin) = &self.origin {
            options.base_url = Some(format!("{origin}{base_path}"));
        }
        let mut timings = crate::timings::Timings::default();
        let collected = std::sync::Mutex::new(Vec::new());
        let sink = |file: OutputFile| {
            collected
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file)
        };
        let old = Arc::clone(&self.files);
        let generation = self.generation;
        let root = self.options.root.clone();
        let mut early = None;
        let ok = crate::generate(
            &options,
            Some(&mut self.memo),
            &mut diagnostics,
            &mut timings,
            &sink,
            &mut |diagnostics| {
                if diagnostics.has_errors() {
                    return;
                }
                let pages = collected.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let (files, changed_pages) = overlay(&old, pages, &root, changed);
                if changed_pages.is_empty() {
                    return;
                }
                let files = Arc::new(files);
                pages_made(Pages {
                    files: &files,
                    changed: &changed_pages,
                    generation: generation + 1,
                    base_path: &base_path,
                });
                early = Some(files);
            },
        );
        let generated = ok.then(|| {
            let mut files = collected.into_inner().unwrap_or_else(|e| e.into_inner());
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files
        });
        if early.is_some() {
            self.generation += 1;
        }
        timings.finish();
        let report = timings.report();
        let mut update = Update {
            rendered: self.memo.pages_rendered(),
            ..Update::default()
        };
        match generated {
            Some(files) => {
                self.base_path = base_path;
                self.publish(files, changed, &mut update);
                self.errors.clear();
            }
            None => {
                self.errors = diagnostics
                    .sorted()
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
            }
        }
        update.diagnostics = diagnostics;
        update.timings = report;
        update.elapsed = started.elapsed();
        update
    }

    /// Replaces the held files with `files`, noting what differs.
    fn publish(&mut self, files: Vec<OutputFile>, changed_sources: &[String], update: &mut Update) {
        let (next, changed) = compare(&self.files, files, &self.options.root, changed_sources);
        update.changed = changed;
        update.removed = self
            .files
            .keys()
            .filter(|path| !next.contains_key(*path))
            .cloned()
            .collect();
        self.files = Arc::new(next);
        if !update.changed.is_empty() || !update.removed.is_empty() {
            self.generation += 1;
        }
    }

    /// The held output, by output path.
    pub fn files(&self) -> &Arc<BTreeMap<String, Served>> {
        &self.files
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The errors that keep the last change from showing, if any.
    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// The held files' bytes, for comparing with a clean build.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .map(|(path, served)| {
                let bytes = match &served.contents {
                    Contents::Bytes(bytes) => bytes.to_vec(),
                    Contents::Copy(source) => std::fs::read(source).unwrap_or_default(),
                };
                (path.clone(), bytes)
            })
            .collect()
    }
}

/// `files` as the new output, with what differs from `old`. Unchanged files
/// keep the held copy, so later comparisons stay cheap.
fn compare(
    old: &BTreeMap<String, Served>,
    files: Vec<OutputFile>,
    root: &Path,
    changed_sources: &[String],
) -> (BTreeMap<String, Served>, Vec<String>) {
    let touched: BTreeSet<std::path::PathBuf> =
        changed_sources.iter().map(|rel| root.join(rel)).collect();
    let mut next = BTreeMap::new();
    let mut changed = Vec::new();
    for file in files {
        let path = file.path.clone();
        let served = Served::new(file);
        let same = match (old.get(&path), &served.contents) {
            (Some(held), Contents::Copy(source)) => {
                held.same_as(&served) && !touched.contains(source)
            }
            (Some(held), _) => held.same_as(&served),
            (None, _) => false,
        };
        match old.get(&path) {
            Some(held) if same => next.insert(path, held.clone()),
            _ => {
                changed.push(path.clone());
                next.insert(path, served)
            }
        };
    }
    changed.sort();
    (next, changed)
}

/// The old output with the new pages laid over it: nothing is removed yet.
fn overlay(
    old: &BTreeMap<String, Served>,
    pages: Vec<OutputFile>,
    root: &Path,
    changed_sources: &[String],
) -> (BTreeMap<String, Served>, Vec<String>) {
    let (made, changed) = compare(old, pages, root, changed_sources);
    let mut files = old.clone();
    files.extend(made);
    (files, changed)
}
