//! Fingerprints: a hash of everything a page's view is made from, so that a
//! rebuild renders only the pages whose inputs changed.
//!
//! A case's file is covered by its entry's fingerprint (its path and text);
//! what the model adds to it (its page path, the names and paths of its
//! terms, its related cases) is hashed here. Each function mirrors a view in
//! `views.rs` or `mod.rs`: when a view starts to read something new, hash it
//! here too, or the live preview will keep showing the old page. The tests in
//! `tests/it/serve.rs` compare a rebuilt site with a clean build to catch that.
//!
//! A body's print covers its HTML and table of contents, and the renditions of
//! the images it shows (`body_images.rs`), which the images stage may change
//! while the body stays the same (a photo saved over under the same name).

use super::theme::ThemeFiles;
use super::views::ViewBuilder;
use crate::images::Images;
use crate::markdown::Rendered;
use crate::model::Site;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

/// A deterministic hash (fixed keys), so fingerprints compare across runs.
pub fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Body fingerprints from the last run, by the body they were taken from.
/// Holding each body keeps its address from being reused by another.
#[derive(Default)]
pub struct Memo {
    bodies: HashMap<usize, (Arc<Rendered>, u64)>,
}

/// The fingerprints of one run's views.
pub struct Fingerprints<'a> {
    site: &'a Site,
    /// Per case: what `ViewBuilder::case_summary` reads.
    summaries: Vec<u64>,
    /// Per case: its rendered body.
    case_bodies: Vec<u64>,
    memo: &'a Memo,
    views: &'a ViewBuilder<'a>,
}

impl<'a> Fingerprints<'a> {
    pub fn new(views: &'a ViewBuilder<'a>, memo: &'a mut Memo) -> Self {
        let site = views.site;
        let summaries = (0..site.cases.len())
            .into_par_iter()
            .map(|i| summary(site, i))
            .collect();
        // Reuse the fingerprint of every body that is the very same one as last
        // time; hash the others.
        let previous = std::mem::take(&mut memo.bodies);
        let all: Vec<&Arc<Rendered>> = bodies(views).collect();
        let fresh: Vec<(usize, (Arc<Rendered>, u64))> = all
            .par_iter()
            .map(|body| {
                let key = Arc::as_ptr(body) as usize;
                let print = match previous.get(&key) {
                    Some((held, print)) if Arc::ptr_eq(held, body) => *print,
                    _ => hash_of(&(
                        &body.html,
                        serde_json::to_string(&body.toc).ok(),
                        &body.images,
                    )),
                };
                (key, (Arc::clone(body), print))
            })
            .collect();
        memo.bodies = fresh.into_iter().collect();
        let memo: &'a Memo = memo;
        let case_bodies = views
            .bodies
            .cases
            .iter()
            .map(|b| body_print(&memo.bodies, b, views.images))
            .collect();
        Fingerprints {
            site,
            summaries,
            case_bodies,
            memo,
            views,
        }
    }

    fn body(&self, body: &Arc<Rendered>) -> u64 {
        body_print(&self.memo.bodies, body, self.views.images)
    }

    pub fn summaries(&self, cases: &[usize]) -> Vec<u64> {
        cases.iter().map(|&i| self.summaries[i]).collect()
    }

    /// `ViewBuilder::case_view` and the case page's title and breadcrumbs.
    pub fn case_page(&self, i: usize) -> u64 {
        let case = &self.site.cases[i];
        hash_of(&(
            self.summaries[i],
            self.case_bodies[i],
            self.summaries(&case.related),
        ))
    }

    /// A page of a ward's cases: `items` of them.
    pub fn ward(&self, w: usize, items: Range<usize>) -> u64 {
        let ward = &self.site.wards[w];
        let areas: Vec<_> = ward
            .areas
            .iter()
            .map(|a| (&a.name, &a.path, a.cases.len()))
            .collect();
        hash_of(&(
            (&ward.name, &ward.path, ward.cases.len()),
            ward.entry.as_ref().map(|e| e.fingerprint),
            self.body(&self.views.bodies.wards[w]),
            areas,
            self.summaries(&ward.cases[items]),
        ))
    }

    pub fn area(&self, w: usize, a: usize, items: Range<usize>) -> u64 {
        let ward = &self.site.wards[w];
        let area = &ward.areas[a];
        hash_of(&(
            (
                &ward.name,
                &ward.path,
                &area.name,
                &area.path,
                area.cases.len(),
            ),
            area.entry.as_ref().map(|e| e.fingerprint),
            self.body(&self.views.bodies.areas[w][a]),
            self.summaries(&area.cases[items]),
        ))
    }

    /// A page of a scheme's cases; their grants come from their files, which
    /// their summaries' fingerprints cover.
    pub fn scheme(&self, s: usize, items: Range<usize>) -> u64 {
        let scheme = &self.site.schemes[s];
        hash_of(&(
            (&scheme.name, &scheme.path, scheme.cases.len()),
            scheme.entry.as_ref().map(|e| e.fingerprint),
            self.body(&self.views.bodies.schemes[s]),
            (
                scheme.total_granted,
                scheme.grant_count,
                scheme.grants_with_amount,
            ),
            self.summaries(&scheme.cases[items]),
        ))
    }

    pub fn theme(&self, t: usize, items: Range<usize>) -> u64 {
        let theme = &self.site.themes[t];
        hash_of(&(
            (&theme.name, &theme.path, theme.cases.len()),
            theme.entry.as_ref().map(|e| e.fingerprint),
            self.body(&self.views.bodies.themes[t]),
            self.summaries(&theme.cases[items]),
        ))
    }

    pub fn page(&self, p: usize) -> u64 {
        let page = &self.site.pages[p];
        hash_of(&(
            &page.path,
            page.entry.fingerprint,
            self.body(&self.views.bodies.pages[p]),
        ))
    }

    /// `opendata::page_data` shows the number of rows of each table: one per
    /// case, grant, outcome, theme and partner.
    pub fn open_data(&self) -> u64 {
        let cases = &self.site.cases;
        let count = |rows: fn(&crate::model::Case) -> usize| cases.iter().map(rows).sum::<usize>();
        hash_of(&(
            cases.len(),
            count(|c| c.entry.meta.funding.len()),
            count(|c| c.entry.meta.outcomes.len()),
            count(|c| c.entry.meta.themes.len()),
            count(|c| c.entry.meta.partners.len()),
        ))
    }
}

/// A body's print from the memo, with the renditions of its images.
fn body_print(
    memo: &HashMap<usize, (Arc<Rendered>, u64)>,
    body: &Arc<Rendered>,
    images: &Images,
) -> u64 {
    let print = memo
        .get(&(Arc::as_ptr(body) as usize))
        .map_or_else(|| hash_of(&body.html), |(_, print)| *print);
    if body.images.is_empty() {
        return print;
    }
    let published: Vec<_> = body.images.iter().map(|i| images.get(&i.path)).collect();
    hash_of(&(print, published))
}

fn bodies<'b>(views: &'b ViewBuilder<'_>) -> impl Iterator<Item = &'b Arc<Rendered>> {
    let b = views.bodies;
    std::iter::once(&b.home)
        .chain(&b.cases)
        .chain(&b.schemes)
        .chain(&b.wards)
        .chain(b.areas.iter().flatten())
        .chain(&b.themes)
        .chain(&b.pages)
}

/// What `ViewBuilder::case_summary` reads: the case's file, and the names and
/// paths of its district and terms.
fn summary(site: &Site, i: usize) -> u64 {
    let case = &site.cases[i];
    let ward = &site.wards[case.ward];
    let area = case
        .area
        .map(|a| (&ward.areas[a].name, &ward.areas[a].path));
    let schemes: Vec<_> = case
        .schemes
        .iter()
        .map(|&s| (&site.schemes[s].name, &site.schemes[s].path))
        .collect();
    let themes: Vec<_> = case
        .themes
        .iter()
        .map(|&t| (&site.themes[t].name, &site.themes[t].path))
        .collect();
    hash_of(&(
        case.entry.fingerprint,
        &case.path,
        case.fiscal_year,
        (&ward.name, &ward.path),
        area,
        schemes,
        themes,
    ))
}

/// Per template, a hash of its source and of the templates it extends,
/// includes or imports, followed to the end.
pub fn templates(files: &ThemeFiles) -> HashMap<String, u64> {
    let sources: HashMap<&str, &[u8]> = files
        .templates()
        .map(|(name, file)| (name, file.bytes.as_slice()))
        .collect();
    let direct: HashMap<&str, Option<Vec<String>>> = sources
        .iter()
        .map(|(name, bytes)| (*name, references(&String::from_utf8_lossy(bytes))))
        .collect();
    let mut all: Vec<&str> = sources.keys().copied().collect();
    all.sort_unstable();
    sources
        .keys()
        .map(|&name| {
            // Follow references; a reference that is not a plain string (a
            // variable) could be any template, so it depends on all of them.
            let mut seen = BTreeSet::from([name]);
            let mut stack = vec![name];
            while let Some(current) = stack.pop() {
                match direct.get(current) {
                    Some(Some(names)) => {
                        for next in names {
                            if let Some((&key, _)) = sources.get_key_value(next.as_str())
                                && seen.insert(key)
                            {
                                stack.push(key);
                            }
                        }
                    }
                    Some(None) => seen.extend(all.iter().copied()),
                    None => {}
                }
            }
            let closure: Vec<(&str, &[u8])> = seen.iter().map(|n| (*n, sources[n])).collect();
            (name.to_string(), hash_of(&closure))
        })
        .collect()
}

/// The templates a template names in `extends`, `include` and `import` tags;
/// `None` when one of those tags names something other than a plain string.
fn references(source: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = &after[end..];
        let keyword = tag.split_whitespace().next().unwrap_or_default();
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let quoted: Vec<String> = tag
            .split(['"', '\''])
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        if quoted.is_empty() {
            return None;
        }
        names.extend(quoted);
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn template_references() {
        for (source, expected) in [
            ("<p>plain</p>", Some(vec![])),
            (r#"{% extends "base.html" %}"#, Some(vec!["base.html"])),
            (
                r#"{%- include "partials/a.html" -%} {% include 'b.html' %}"#,
                Some(vec!["partials/a.html", "b.html"]),
            ),
            (
                r#"{% import "macros.html" as m %}"#,
                Some(vec!["macros.html"]),
            ),
            (r#"{% include name %}"#, None),
            (r#"{% if a %}{{ "x" }}{% endif %}"#, Some(vec![])),
        ] {
            let expected = expected.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
            assert_eq!(references(source), expected, "{source}");
        }
    }
}
