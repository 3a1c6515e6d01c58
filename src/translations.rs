//! Translations: the default language's content and its translated files
//! (`<slug>.<lang>.md`, SPEC §5.4) → the content of each other language,
//! which the model builds into a `Site` of its own, rendered under `/<lang>/`.
//!
//! 1. Match each translation to its original: the same file name without the
//!    language (`slope-benches.en.md` → `slope-benches.md`). A translation
//!    without an original is an error.
//! 2. Lay the translated words over a copy of the original entry. The facts
//!    (district, dates, status, funding, numbers, place) stay the original's,
//!    so the versions cannot disagree; a translated list must have as many
//!    items as the original's.
//! 3. Rename translated terms (wards, areas, themes, schemes) in every case
//!    that names them, so that its references still resolve in the model.
//! 4. Keep what the language has: its translated cases and pages, its home
//!    page, and the terms those cases name (untranslated terms by name only,
//!    without the original's prose).

use crate::config::Config;
use crate::content::schema::{CaseMeta, CaseText, FundingMeta, PageMeta, TermMeta};
use crate::content::{Content, Entry, Translations};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::hash::hash_of;
use std::collections::{BTreeMap, BTreeSet};

/// One other language: its configuration (its base path under the default
/// one's) and its content, ready for `model::build`.
pub struct Language {
    pub config: Config,
    pub content: Content,
}

/// Every language with translated files, other than the site's own.
pub fn languages(
    config: &Config,
    content: &Content,
    diagnostics: &mut Diagnostics,
) -> Vec<Language> {
    content
        .translations
        .iter()
        .filter(|(lang, _)| **lang != config.language)
        .map(|(lang, translations)| language(config, content, lang, translations, diagnostics))
        .collect()
}

fn language(
    config: &Config,
    original: &Content,
    lang: &str,
    translations: &Translations,
    diagnostics: &mut Diagnostics,
) -> Language {
    let mut config = config.clone();
    config.default_base_path = Some(config.base_path.clone());
    config.base_url = format!("{}{lang}/", config.base_url);
    config.base_path = format!("{}{lang}/", config.base_path);
    config.language = lang.to_string();
    // The site's name in a language is its home page's title there.
    if let Some(home) = &translations.home {
        config.title = home.meta.title.clone();
        if let Some(summary) = &home.meta.summary {
            config.description = summary.clone();
        }
    }

    let mut names = Renames::default();
    let districts = pair(
        &original.districts,
        &translations.districts,
        lang,
        diagnostics,
    );
    let themes = pair(&original.themes, &translations.themes, lang, diagnostics);
    let funding = pair(&original.funding, &translations.funding, lang, diagnostics);
    for (entry, text) in &districts {
        if let Some(text) = text {
            match entry.meta.name.split_once('/') {
                Some((ward, area)) => {
                    let own = text.meta.name.rsplit('/').next().unwrap_or_default();
                    names
                        .areas
                        .insert((ward.trim().into(), area.trim().into()), own.trim().into());
                }
                None => {
                    names
                        .wards
                        .insert(entry.meta.name.clone(), text.meta.name.clone());
                }
            }
        }
    }
    for (entry, text) in &themes {
        if let Some(text) = text {
            names
                .themes
                .insert(entry.meta.name.clone(), text.meta.name.clone());
        }
    }
    for (entry, text) in &funding {
        if let Some(text) = text {
            names
                .schemes
                .insert(entry.meta.name.clone(), text.meta.name.clone());
        }
    }

    let cases: Vec<Entry<CaseMeta>> = pair(&original.cases, &translations.cases, lang, diagnostics)
        .into_iter()
        .filter_map(|(entry, text)| Some(translate_case(entry, text?, diagnostics)))
        .collect();
    // What the translated cases name, in the original's words.
    let mut used = Used::default();
    for case in &cases {
        let district = &case.meta.district;
        used.wards.insert(district.ward.clone());
        if let Some(area) = &district.area {
            used.areas.insert((district.ward.clone(), area.clone()));
        }
        used.themes.extend(case.meta.themes.iter().cloned());
        used.schemes
            .extend(case.meta.funding.iter().map(|g| g.scheme.clone()));
    }

    let content = Content {
        home: translations.home.as_ref().and_then(|text| {
            let home = original.home.as_ref()?;
            Some(translate_page(home, text))
        }),
        cases: cases
            .into_iter()
            .map(|mut case| {
                names.apply(&mut case.meta);
                case
            })
            .collect(),
        funding: funding
            .into_iter()
            .filter(|(entry, _)| used.schemes.contains(&entry.meta.name))
            .map(|(entry, text)| match text {
                Some(text) => translate_scheme(entry, text),
                None => untranslated(entry, |meta| meta.summary = None),
            })
            .collect(),
        districts: districts
            .into_iter()
            .filter(|(entry, _)| match entry.meta.name.split_once('/') {
                Some((ward, area)) => used
                    .areas
                    .contains(&(ward.trim().into(), area.trim().into())),
                None => used.wards.contains(&entry.meta.name),
            })
            .map(|(entry, text)| {
                // `ward` or `ward/area`, each part in the language.
                let name = names.district(&entry.meta.name);
                let mut entry = match text {
                    Some(text) => translate_term(entry, text),
                    None => untranslated(entry, |meta| meta.summary = None),
                };
                entry.meta.name = name;
                entry
            })
            .collect(),
        themes: themes
            .into_iter()
            .filter(|(entry, _)| used.themes.contains(&entry.meta.name))
            .map(|(entry, text)| match text {
                Some(text) => translate_term(entry, text),
                None => untranslated(entry, |meta| meta.summary = None),
            })
            .collect(),
        pages: pair(&original.pages, &translations.pages, lang, diagnostics)
            .into_iter()
            .filter_map(|(entry, text)| Some(translate_page(entry, text?)))
            .collect(),
        assets: original.assets.clone(),
        sections: original.sections.clone(),
        translations: BTreeMap::new(),
    };
    Language { config, content }
}

/// Each original with its translation, if any; a translation whose original
/// does not exist is reported.
fn pair<'a, M, T>(
    originals: &'a [Entry<M>],
    translations: &'a [Entry<T>],
    lang: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<(&'a Entry<M>, Option<&'a Entry<T>>)> {
    let suffix = format!(".{lang}.md");
    let mut by_original: BTreeMap<String, &Entry<T>> = BTreeMap::new();
    for text in translations {
        let rel = &text.source.rel;
        let original = rel
            .strip_suffix(&suffix)
            .map(|stem| format!("{stem}.md"))
            .unwrap_or_default();
        if originals.iter().any(|o| o.source.rel == original) {
            by_original.insert(original, text);
        } else {
            diagnostics.push(
                Diagnostic::error(rel, format!("translation without an original: no {original}")).ja(format!("原文のない翻訳です: {original} がありません"))
                    .at(Span::new(1, 1))
                    .hint("a translation sits beside the file it translates and has its name with the language added: `a.md` → `a.en.md`").ja_hint("翻訳は訳す元のファイルの隣に、その名前に言語を足した名前で置きます: `a.md` → `a.en.md`"),
            );
        }
    }
    originals
        .iter()
        .map(|entry| (entry, by_original.get(&entry.source.rel).copied()))
        .collect()
}

/// A translated entry: the original's slug and meta (changed by `words`),
/// the translation's file, body and place in it.
fn translated<M: Clone, T>(
    original: &Entry<M>,
    text: &Entry<T>,
    words: impl FnOnce(&mut M),
) -> Entry<M> {
    let mut meta = original.meta.clone();
    words(&mut meta);
    Entry {
        source: text.source.clone(),
        slug: original.slug.clone(),
        meta,
        body: text.body.clone(),
        body_line: text.body_line,
        field_spans: text.field_spans.clone(),
        head: std::sync::Arc::clone(&text.head),
        fingerprint: hash_of(&(original.fingerprint, text.fingerprint)),
    }
}

/// An original kept in a language that has no translation of it: its name,
/// without its body and with `strip` taking its other prose away.
fn untranslated<M: Clone>(original: &Entry<M>, strip: impl FnOnce(&mut M)) -> Entry<M> {
    let mut entry = original.clone();
    strip(&mut entry.meta);
    entry.body = String::new();
    entry
}

fn translate_case(
    original: &Entry<CaseMeta>,
    text: &Entry<CaseText>,
    diagnostics: &mut Diagnostics,
) -> Entry<CaseMeta> {
    let words = &text.meta;
    let mut mismatch = |field: &str, theirs: usize, ours: usize| {
        diagnostics.push(
            Diagnostic::error(
                &text.source.rel,
                format!(
                    "`{field}` has {ours} items here but {theirs} in {}",
                    original.source.rel
                ),
            ).ja(format!("`{field}` がここでは{ours}項目、{}では{theirs}項目です", original.source.rel))
            .at(text.field_spans.get(field).copied().unwrap_or(Span::new(1, 1)))
            .field(field)
            .hint(format!(
                "translate every item of `{field}` in the original's order, or leave `{field}` out to keep the original's"
            )).ja_hint(format!("`{field}` の項目を原文と同じ順にすべて訳すか、`{field}` を書かずに原文のものを使ってください")),
        );
    };
    let meta = &original.meta;
    if let Some(partners) = &words.partners
        && partners.len() != meta.partners.len()
    {
        mismatch("partners", meta.partners.len(), partners.len());
    }
    if let Some(outcomes) = &words.outcomes
        && outcomes.len() != meta.outcomes.len()
    {
        mismatch("outcomes", meta.outcomes.len(), outcomes.len());
    }
    if let Some(images) = &words.images
        && images.len() != meta.images.len()
    {
        mismatch("images", meta.images.len(), images.len());
    }
    translated(original, text, |meta| {
        meta.title = words.title.clone();
        meta.summary = words.summary.clone();
        if let Some(partners) = words
            .partners
            .as_ref()
            .filter(|p| p.len() == meta.partners.len())
        {
            meta.partners = partners.clone();
        }
        if let Some(outcomes) = words
            .outcomes
            .as_ref()
            .filter(|o| o.len() == meta.outcomes.len())
        {
            for (outcome, words) in meta.outcomes.iter_mut().zip(outcomes) {
                outcome.label = words.label.clone();
                outcome.unit = words.unit.clone();
                outcome.note = words.note.clone();
            }
        }
        if let Some(images) = words
            .images
            .as_ref()
            .filter(|i| i.len() == meta.images.len())
        {
            for (image, words) in meta.images.iter_mut().zip(images) {
                image.alt = words.alt.clone();
                image.caption = words.caption.clone();
            }
        }
        // A translation is published with its original: a draft original is
        // never here, and a draft translation was left out when loading.
        meta.draft = false;
    })
}

fn translate_page(original: &Entry<PageMeta>, text: &Entry<PageMeta>) -> Entry<PageMeta> {
    translated(original, text, |meta| {
        meta.title = text.meta.title.clone();
        meta.summary = text.meta.summary.clone();
    })
}

fn translate_term(original: &Entry<TermMeta>, text: &Entry<TermMeta>) -> Entry<TermMeta> {
    translated(original, text, |meta| {
        meta.name = text.meta.name.clone();
        meta.summary = text.meta.summary.clone();
    })
}

/// A scheme's words; its numbers stay the original's, and a name, department
/// or address left untranslated keeps the original's.
fn translate_scheme(
    original: &Entry<FundingMeta>,
    text: &Entry<FundingMeta>,
) -> Entry<FundingMeta> {
    let words = &text.meta;
    translated(original, text, |meta| {
        meta.name = words.name.clone();
        meta.summary = words.summary.clone();
        if words.department.is_some() {
            meta.department = words.department.clone();
        }
        if words.url.is_some() {
            meta.url = words.url.clone();
        }
    })
}

/// Terms a language's cases name, in the original's words.
#[derive(Default)]
struct Used {
    wards: BTreeSet<String>,
    areas: BTreeSet<(String, String)>,
    themes: BTreeSet<String>,
    schemes: BTreeSet<String>,
}

/// Original name → translated name, for each kind of term.
#[derive(Default)]
struct Renames {
    wards: BTreeMap<String, String>,
    /// (ward, area) in the original's words → the area's own translated name.
    areas: BTreeMap<(String, String), String>,
    themes: BTreeMap<String, String>,
    schemes: BTreeMap<String, String>,
}

impl Renames {
    fn rename(map: &BTreeMap<String, String>, name: &str) -> String {
        map.get(name).cloned().unwrap_or_else(|| name.to_string())
    }

    /// The names a translated case uses, in its language.
    fn apply(&self, meta: &mut CaseMeta) {
        let district = &mut meta.district;
        if let Some(area) = &district.area {
            let key = (district.ward.clone(), area.clone());
            district.area = Some(
                self.areas
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| area.clone()),
            );
        }
        district.ward = Self::rename(&self.wards, &district.ward);
        for theme in &mut meta.themes {
            *theme = Self::rename(&self.themes, theme);
        }
        for grant in &mut meta.funding {
            grant.scheme = Self::rename(&self.schemes, &grant.scheme);
        }
    }

    /// A district file's name (`ward` or `ward/area`) in the language.
    fn district(&self, name: &str) -> String {
        match name.split_once('/') {
            Some((ward, area)) => {
                let (ward, area) = (ward.trim(), area.trim());
                let own = self
                    .areas
                    .get(&(ward.to_string(), area.to_string()))
                    .map_or(area, String::as_str);
                format!("{}/{own}", Self::rename(&self.wards, ward))
            }
            None => Self::rename(&self.wards, name),
        }
    }
}
