//! The memo: everything the live preview keeps from one run of the pipeline
//! to the next. Parsed files, rendered bodies, rendered pages and the files
//! made from whole sites, each checked against its inputs before reuse. A
//! build has none, so it holds nothing it has written.

use crate::output::OutputFile;
use crate::{bodies, config::Config, content, render};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Default)]
pub struct Memo {
    /// The configuration and options the memo was filled with; any change
    /// empties it.
    settings: u64,
    content: content::Cache,
    /// Bodies and pages, per language.
    languages: BTreeMap<String, LanguageMemo>,
    /// The files made from whole sites (search index, feed, sitemap, open
    /// data), by stage, with the fingerprint of the sites they came from.
    whole_site: BTreeMap<&'static str, (u64, Vec<OutputFile>)>,
}

#[derive(Default)]
struct LanguageMemo {
    bodies: bodies::Cache,
    pages: render::Cache,
}

impl Memo {
    /// Readies the memo for a run with `config` and `drafts`: emptied when
    /// they differ from the last run's.
    pub fn for_settings(&mut self, config: &Config, drafts: bool) {
        let settings = crate::hash::hash_of(&(config, drafts));
        if self.settings != settings {
            *self = Memo {
                settings,
                ..Memo::default()
            };
        }
    }

    /// Makes the next run read `rel` (`content/cases/a.md`) again.
    pub fn forget(&mut self, rel: &str) {
        self.content.forget(rel);
    }

    /// Whether the content file `rel` holds the very bytes it held when last
    /// read (see [`content::Cache::holds_same_bytes`]).
    pub fn holds_same_bytes(&mut self, root: &Path, rel: &str) -> bool {
        self.content.holds_same_bytes(root, rel)
    }

    /// How many pages the last run rendered; the others were reused.
    pub fn pages_rendered(&self) -> usize {
        self.languages.values().map(|m| m.pages.rendered).sum()
    }

    pub fn content(&mut self) -> &mut content::Cache {
        &mut self.content
    }

    pub fn bodies(&mut self, lang: &str) -> &mut bodies::Cache {
        &mut self.languages.entry(lang.to_string()).or_default().bodies
    }

    pub fn pages(&mut self, lang: &str) -> &mut render::Cache {
        &mut self.languages.entry(lang.to_string()).or_default().pages
    }

    /// The files of `stage`, made by `make` unless the last run made them
    /// from sites with the same `fingerprint`.
    pub fn whole_site(
        &mut self,
        stage: &'static str,
        fingerprint: u64,
        make: impl FnOnce() -> Vec<OutputFile>,
    ) -> Vec<OutputFile> {
        if let Some((kept, files)) = self.whole_site.get(stage)
            && *kept == fingerprint
        {
            return files.clone();
        }
        let files = make();
        self.whole_site.insert(stage, (fingerprint, files.clone()));
        files
    }
}
