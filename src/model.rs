//! Model: typed content → [`Site`], the one picture of the site every later
//! stage reads.
//!
//! 1. Order cases newest first; reject duplicate slugs (naming both files):
//!    `newest_first`, `drop_duplicate_slugs`.
//! 2. Build the taxonomies the files declare: the ward → area tree, schemes,
//!    themes (`Terms::declared`).
//! 3. Resolve each case's references (ward, funding schemes, support type,
//!    themes) and list it under its terms (`resolve_references`); then sort
//!    the terms (`Terms::sort`) and group the cases by fiscal year.
//! 4. Find related cases through shared terms (no all-pairs comparison).
//! 5. Keep the plain pages whose slugs the site does not use itself.
//!
//! Every collection is sorted, so output is deterministic.

use crate::config::Config;
use crate::content::schema::{
    CaseMeta, District, FundingMeta, PageMeta, TermMeta, did_you_mean, is_safe_term,
};
use crate::content::{Content, Entry, Section, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics, Span, Words, suggest, words};
use crate::hash::Fnv1a;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// Site paths are relative to the base path and end in `/`: `cases/a/`.
pub type SitePath = String;

pub struct Site {
    pub config: Config,
    pub home: Option<Entry<PageMeta>>,
    /// Newest first.
    pub cases: Vec<Case>,
    pub schemes: Vec<Scheme>,
    pub wards: Vec<Ward>,
    pub themes: Vec<Theme>,
    pub pages: Vec<Page>,
    /// Fiscal years with their cases, newest first.
    pub fiscal_years: Vec<(i32, Vec<usize>)>,
    pub assets: BTreeMap<String, PathBuf>,
}

impl Site {
    /// The pages every site has besides the home page and its content files:
    /// the list and browse pages, search, statistics and, in the default
    /// language only, open data.
    pub fn fixed_pages(&self) -> Vec<&'static str> {
        let mut pages = vec![
            "cases/",
            "districts/",
            "funding/",
            "themes/",
            "search/",
            "stats/",
        ];
        if !self.config.is_translation() {
            pages.push("opendata/");
        }
        pages
    }

    /// A hash of what the site is made from: the configuration, the path and
    /// text of each Markdown file, and the paths of the other files. Equal
    /// fingerprints, equal sites: what is made from a whole site (its search
    /// index, feed, sitemap, open data) can be kept between live-preview runs.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = Fnv1a::default();
        self.config.hash(&mut hasher);
        self.home.as_ref().map(|e| e.fingerprint).hash(&mut hasher);
        for case in &self.cases {
            case.entry.fingerprint.hash(&mut hasher);
        }
        for scheme in &self.schemes {
            scheme.fingerprint().hash(&mut hasher);
        }
        for ward in &self.wards {
            ward.fingerprint().hash(&mut hasher);
            for area in &ward.areas {
                area.fingerprint().hash(&mut hasher);
            }
        }
        for theme in &self.themes {
            theme.fingerprint().hash(&mut hasher);
        }
        for page in &self.pages {
            page.entry.fingerprint.hash(&mut hasher);
        }
        self.assets.keys().for_each(|path| path.hash(&mut hasher));
        hasher.finish()
    }
}

pub struct Case {
    pub entry: Entry<CaseMeta>,
    pub path: SitePath,
    /// 年度 of `period.start`, else of `published`.
    pub fiscal_year: i32,
    pub ward: usize,
    /// Index into `wards[ward].areas`.
    pub area: Option<usize>,
    /// The scheme of each grant, in the order of `funding`.
    pub schemes: Vec<usize>,
    pub themes: Vec<usize>,
    pub related: Vec<usize>,
}

/// A ward, area, funding scheme or theme: a name that cases share, with a page
/// listing them. `Meta` is what the term's own file says, when it has one;
/// `Extra` is what only its kind has, reachable through `Deref`
/// (`ward.areas`, `scheme.total_granted`).
pub struct Term<Meta, Extra = ()> {
    pub name: String,
    pub sort_key: SortKey,
    pub path: SitePath,
    /// Its file in content/; a term that only cases name has none.
    pub entry: Option<Entry<Meta>>,
    pub cases: Vec<usize>,
    pub extra: Extra,
}

/// A ward; its `cases` are all cases in the ward, its areas included.
pub type Ward = Term<TermMeta, Areas>;
pub type Area = Term<TermMeta>;
pub type Theme = Term<TermMeta>;
pub type Scheme = Term<FundingMeta, GrantTotals>;

#[derive(Default)]
pub struct Areas {
    pub areas: Vec<Area>,
}

#[derive(Default)]
pub struct GrantTotals {
    pub total_granted: u64,
    pub grant_count: usize,
    /// Grants that state their amount; with none, the total is unknown, not zero.
    pub grants_with_amount: usize,
}

impl<Meta, Extra> std::ops::Deref for Term<Meta, Extra> {
    type Target = Extra;
    fn deref(&self) -> &Extra {
        &self.extra
    }
}

impl<Meta, Extra> std::ops::DerefMut for Term<Meta, Extra> {
    fn deref_mut(&mut self) -> &mut Extra {
        &mut self.extra
    }
}

/// What a term's own file says that every kind of term uses.
pub trait TermFile {
    fn order(&self) -> Option<i64>;
    fn reading(&self) -> Option<&str>;
    fn summary(&self) -> Option<&str>;
}

/// Both kinds of term file have these three fields.
macro_rules! term_file {
    ($($meta:ty),*) => {$(
        impl TermFile for $meta {
            fn order(&self) -> Option<i64> {
                self.order
            }
            fn reading(&self) -> Option<&str> {
                self.reading.as_deref()
            }
            fn summary(&self) -> Option<&str> {
                self.summary.as_deref()
            }
        }
    )*};
}
term_file!(TermMeta, FundingMeta);

impl<Meta: TermFile, Extra: Default> Term<Meta, Extra> {
    /// The term its file `entry` declares as `name`. Its page is the file's
    /// slug in `folder` (`districts/`, or for an area its ward's path).
    fn declared(folder: &str, name: String, entry: Entry<Meta>) -> Self {
        Term {
            sort_key: SortKey::new(entry.meta.order(), entry.meta.reading(), &name),
            name,
            path: format!("{folder}{}/", entry.slug),
            entry: Some(entry),
            cases: Vec::new(),
            extra: Extra::default(),
        }
    }

    /// A term that only cases name: its page is its name in `folder`, and it
    /// sorts by its name alone.
    fn named(folder: &str, name: &str) -> Self {
        Term {
            sort_key: SortKey::of_name(name),
            name: name.to_string(),
            path: format!("{folder}{name}/"),
            entry: None,
            cases: Vec::new(),
            extra: Extra::default(),
        }
    }
}

impl<Meta: TermFile, Extra> Term<Meta, Extra> {
    pub fn summary(&self) -> Option<&str> {
        self.entry.as_ref().and_then(|e| e.meta.summary())
    }
}

impl<Meta, Extra> Term<Meta, Extra> {
    pub fn source(&self) -> Option<&SourceFile> {
        self.entry.as_ref().map(|e| &e.source)
    }

    /// What [`Site::fingerprint`] takes of the term.
    fn fingerprint(&self) -> (&str, Option<u64>) {
        (&self.name, self.entry.as_ref().map(|e| e.fingerprint))
    }
}

/// Where a ward, area, scheme or theme stands in every list of its kind
/// (SPEC §5.3): by the city's `order` (its ward code), then its `reading`,
/// then its name. A term without an `order` follows those with one, and one
/// without a `reading` follows those with one, so a city that numbers only
/// some terms still sees them first. Readings compare as hiragana, so
/// ナカムラ and なかむら sort alike. Computed once here; every page, facet,
/// chart and hint lists terms in the model's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    order: (bool, i64),
    reading: (bool, String),
    name: String,
}

impl SortKey {
    pub fn new(order: Option<i64>, reading: Option<&str>, name: &str) -> Self {
        let reading: String = reading
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(hiragana)
            .collect();
        SortKey {
            order: (order.is_none(), order.unwrap_or(0)),
            reading: (reading.is_empty(), reading),
            name: name.to_string(),
        }
    }

    /// The key of a term with no file: it goes by its name alone.
    pub fn of_name(name: &str) -> Self {
        SortKey::new(None, None, name)
    }
}

/// Katakana ァ..ヶ as the hiragana of the same sound; anything else as is.
fn hiragana(c: char) -> char {
    match c {
        'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

pub struct Page {
    pub entry: Entry<PageMeta>,
    pub path: SitePath,
}

/// Top-level paths the generator writes itself; a page cannot take them.
pub const RESERVED_PATHS: &[&str] = &[
    "cases",
    "districts",
    "funding",
    "themes",
    "search",
    "opendata",
    "static",
    "en",
    "stats",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "cases.json",
    "cases.csv",
    "funding.csv",
    "outcomes.csv",
];

/// Encodes one path segment for an href: 南区 → %E5%8D%97%E5%8C%BA.
pub fn encode_segment(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

/// What a path segment keeps unencoded: letters, digits and `-_.~`.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The href of a site path under `base_path`, each segment percent-encoded.
pub fn href(base_path: &str, path: &str) -> String {
    let mut out = String::with_capacity(base_path.len() + path.len() * 3);
    out.push_str(base_path);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(percent_encoding::utf8_percent_encode(segment, SEGMENT));
    }
    out
}

pub fn build(config: Config, content: Content, diagnostics: &mut Diagnostics) -> Site {
    let Content {
        home,
        cases,
        funding,
        districts,
        themes,
        pages,
        assets,
        sections,
        // Built into sites of their own by the `translations` stage.
        translations: _,
    } = content;

    let cases = newest_first(cases, diagnostics);
    let funding = drop_duplicate_slugs(funding, "funding scheme", diagnostics);
    let pages = drop_duplicate_slugs(pages, "page", diagnostics);

    let mut terms = Terms::declared(funding, districts, themes, diagnostics);
    let declared = Declared::new(&terms, &config, &sections);
    let mut cases: Vec<Case> = cases
        .into_iter()
        .enumerate()
        .map(|(index, entry)| resolve_references(index, entry, &mut terms, &declared, diagnostics))
        .collect();
    terms.sort(&mut cases);
    find_related(&mut cases);
    let pages = site_pages(pages, diagnostics);

    Site {
        config,
        home,
        fiscal_years: fiscal_years(&cases),
        cases,
        schemes: terms.schemes,
        wards: terms.wards,
        themes: terms.themes,
        pages,
        assets,
    }
}

/// Cases newest first, then by slug; of two with one slug, the first stays.
fn newest_first(
    mut cases: Vec<Entry<CaseMeta>>,
    diagnostics: &mut Diagnostics,
) -> Vec<Entry<CaseMeta>> {
    cases.sort_by(|a, b| {
        b.meta
            .published
            .cmp(&a.meta.published)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    drop_duplicate_slugs(cases, "case", diagnostics)
}

fn drop_duplicate_slugs<M>(
    entries: Vec<Entry<M>>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<Entry<M>> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Some(first) = seen.get(&entry.slug) {
            let (a, b) = if *first < entry.source.rel {
                (first.clone(), entry.source.rel.clone())
            } else {
                (entry.source.rel.clone(), first.clone())
            };
            diagnostics.push(
                Diagnostic::error(
                    &b,
                    format!("duplicate {what} slug `{}`: also used by {a}", entry.slug),
                )
                .ja(format!(
                    "スラッグ `{}` が重なっています。{a} でも使われています",
                    entry.slug
                ))
                .at(Span::new(1, 1))
                .hint("give one of them another file name or `slug:`")
                .ja_hint("どちらかのファイル名か `slug:` を変えてください"),
            );
            continue;
        }
        seen.insert(entry.slug.clone(), entry.source.rel.clone());
        kept.push(entry);
    }
    kept
}

/// The site's wards (with their areas), schemes and themes while cases are
/// listed under them.
struct Terms {
    schemes: Vec<Scheme>,
    wards: Vec<Ward>,
    themes: Vec<Theme>,
}

impl Terms {
    /// The terms that files in content/ declare.
    fn declared(
        funding: Vec<Entry<FundingMeta>>,
        districts: Vec<Entry<TermMeta>>,
        themes: Vec<Entry<TermMeta>>,
        diagnostics: &mut Diagnostics,
    ) -> Self {
        let schemes = scheme_list(funding, diagnostics);
        let mut wards = ward_tree(districts, diagnostics);
        let themes = theme_list(themes, diagnostics);
        // No case refers to a term yet, so sorting here needs no renumbering;
        // it puts the wards a hint lists in the city's order.
        wards.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        Terms {
            schemes,
            wards,
            themes,
        }
    }

    /// Lists case `index` under its ward and area; returns their indices.
    fn place(&mut self, index: usize, district: &District) -> (usize, Option<usize>) {
        let w = term_index(&mut self.wards, "districts/", &district.ward);
        let ward = &mut self.wards[w];
        ward.cases.push(index);
        let area = district.area.as_ref().map(|name| {
            let a = term_index(&mut ward.extra.areas, &ward.path, name);
            ward.extra.areas[a].cases.push(index);
            a
        });
        (w, area)
    }

    /// Lists case `entry` (at `index`) under the scheme of each of its grants
    /// and counts the grants into the schemes' totals; returns its schemes.
    fn fund(
        &mut self,
        index: usize,
        entry: &Entry<CaseMeta>,
        declared: &Declared,
        diagnostics: &mut Diagnostics,
    ) -> Vec<usize> {
        let mut case_schemes = Vec::new();
        for (g, grant) in entry.meta.funding.iter().enumerate() {
            let at = (format!("funding[{g}].scheme"), grant.span);
            declared.check(Named::Scheme, &grant.scheme, entry, at, diagnostics);
            if !is_safe_term(&grant.scheme) {
                diagnostics.push(
                    Diagnostic::error(
                        &entry.source.rel,
                        format!("scheme name `{}` cannot contain `/` or `\\`", grant.scheme),
                    )
                    .ja(format!(
                        "制度名 `{}` に `/` や `\\` は使えません",
                        grant.scheme
                    ))
                    .at(grant.span),
                );
                continue;
            }
            let s = term_index(&mut self.schemes, "funding/", &grant.scheme);
            let scheme = &mut self.schemes[s];
            // A made-up example's grants are never added into the totals a
            // city publishes (SPEC §5.5); its page still lists them.
            if !entry.meta.illustrative {
                scheme.total_granted += grant.amount.unwrap_or(0);
                scheme.grant_count += 1;
                scheme.grants_with_amount += usize::from(grant.amount.is_some());
            }
            if scheme.cases.last() != Some(&index) {
                scheme.cases.push(index);
            }
            if !case_schemes.contains(&s) {
                case_schemes.push(s);
            }
        }
        case_schemes
    }

    /// Lists case `entry` (at `index`) under each of its themes; returns them.
    fn tag(
        &mut self,
        index: usize,
        entry: &Entry<CaseMeta>,
        diagnostics: &mut Diagnostics,
    ) -> Vec<usize> {
        let mut case_themes = Vec::new();
        for theme in &entry.meta.themes {
            if !is_safe_term(theme) {
                diagnostics.push(
                    Diagnostic::error(
                        &entry.source.rel,
                        format!("theme `{theme}` cannot contain `/` or `\\` or start with `.`"),
                    ).ja(format!("テーマ `{theme}` に `/` や `\\` は使えません（`.` で始めることもできません）"))
                    .at(locate_field(entry, "themes"))
                    .field("themes"),
                );
                continue;
            }
            let t = term_index(&mut self.themes, "themes/", theme);
            self.themes[t].cases.push(index);
            case_themes.push(t);
        }
        case_themes
    }

    /// Puts every list of terms in [`SortKey`] order and renumbers the cases'
    /// references to match.
    fn sort(&mut self, cases: &mut [Case]) {
        let schemes = sort_terms(&mut self.schemes);
        let themes = sort_terms(&mut self.themes);
        for case in cases.iter_mut() {
            renumber(&mut case.schemes, &schemes);
            renumber(&mut case.themes, &themes);
        }
        for (w, ward) in self.wards.iter_mut().enumerate() {
            let areas = sort_terms(&mut ward.areas);
            for case in cases.iter_mut().filter(|c| c.ward == w) {
                case.area = case.area.map(|a| areas[a]);
            }
        }
        let wards = sort_terms(&mut self.wards);
        for case in cases.iter_mut() {
            case.ward = wards[case.ward];
        }
    }
}

fn scheme_list(funding: Vec<Entry<FundingMeta>>, diagnostics: &mut Diagnostics) -> Vec<Scheme> {
    let mut schemes: Vec<Scheme> = Vec::new();
    for entry in funding {
        if let Some(other) = schemes.iter().find(|s| s.name == entry.meta.name) {
            let other_file = other.source().map_or(String::new(), |s| s.rel.clone());
            diagnostics.push(
                Diagnostic::error(
                    &entry.source.rel,
                    format!(
                        "scheme name `{}` is also used by {other_file}",
                        entry.meta.name
                    ),
                )
                .ja(format!(
                    "制度名 `{}` は {other_file} でも使われています",
                    entry.meta.name
                ))
                .at(Span::new(1, 1)),
            );
            continue;
        }
        schemes.push(Scheme::declared("funding/", entry.meta.name.clone(), entry));
    }
    schemes
}

fn ward_tree(districts: Vec<Entry<TermMeta>>, diagnostics: &mut Diagnostics) -> Vec<Ward> {
    let mut wards: Vec<Ward> = Vec::new();
    let mut area_entries = Vec::new();
    for entry in districts {
        let parts: Vec<&str> = entry.meta.name.split('/').map(str::trim).collect();
        if parts.len() > 2 || !parts.iter().all(|p| is_safe_term(p)) {
            diagnostics.push(
                Diagnostic::error(
                    &entry.source.rel,
                    format!(
                        "district name `{}` must be `ward` or `ward/area`",
                        entry.meta.name
                    ),
                )
                .ja(format!(
                    "地区名 `{}` は「区」か「区/地区」の形にしてください",
                    entry.meta.name
                ))
                .at(Span::new(2, 1))
                .field("name"),
            );
            continue;
        }
        if parts.len() == 2 {
            area_entries.push((parts[0].to_string(), parts[1].to_string(), entry));
            continue;
        }
        wards.push(Ward::declared("districts/", parts[0].to_string(), entry));
    }
    for (ward_name, area_name, entry) in area_entries {
        let w = term_index(&mut wards, "districts/", &ward_name);
        let ward = &mut wards[w];
        let area = Area::declared(&ward.path, area_name, entry);
        ward.areas.push(area);
    }
    wards
}

fn theme_list(themes: Vec<Entry<TermMeta>>, diagnostics: &mut Diagnostics) -> Vec<Theme> {
    let mut list: Vec<Theme> = Vec::new();
    for entry in themes {
        if !is_safe_term(&entry.meta.name) {
            diagnostics.push(
                Diagnostic::error(
                    &entry.source.rel,
                    format!("theme name `{}` cannot contain `/`", entry.meta.name),
                )
                .ja(format!(
                    "テーマ名 `{}` に `/` は使えません",
                    entry.meta.name
                ))
                .at(Span::new(2, 1))
                .field("name"),
            );
            continue;
        }
        list.push(Theme::declared("themes/", entry.meta.name.clone(), entry));
    }
    list
}

/// The index of the term named `name`, added in `folder` when it is new.
/// Terms are few (dozens), so a linear scan beats hashing here.
fn term_index<M: TermFile, E: Default>(
    terms: &mut Vec<Term<M, E>>,
    folder: &str,
    name: &str,
) -> usize {
    match terms.iter().position(|t| t.name == name) {
        Some(i) => i,
        None => {
            terms.push(Term::named(folder, name));
            terms.len() - 1
        }
    }
}

/// What a case's references are checked against. A section of content/ that
/// does not exist declares nothing, and then any name goes.
struct Declared {
    wards: Option<Vec<String>>,
    schemes: Option<Vec<String>>,
    support_types: Vec<String>,
}

/// What a case names that must be declared elsewhere.
#[derive(Clone, Copy)]
enum Named {
    Ward,
    Scheme,
    SupportType,
}

impl Declared {
    fn new(terms: &Terms, config: &Config, sections: &[Section]) -> Self {
        let names = |section, names: Vec<String>| sections.contains(&section).then_some(names);
        Declared {
            wards: names(
                Section::Districts,
                terms.wards.iter().map(|w| w.name.clone()).collect(),
            ),
            schemes: names(
                Section::Funding,
                terms.schemes.iter().map(|s| s.name.clone()).collect(),
            ),
            support_types: config
                .support_types
                .iter()
                .map(|(k, _)| k.clone())
                .collect(),
        }
    }

    /// An error unless `name`, which case `entry` gives in `field` (at
    /// `span`), is declared. Its hint is the closest declared name, or else
    /// where names are declared.
    fn check(
        &self,
        named: Named,
        name: &str,
        entry: &Entry<CaseMeta>,
        (field, span): (String, Span),
        diagnostics: &mut Diagnostics,
    ) {
        let (declared, en, ja) = match named {
            Named::Ward => (self.wards.as_deref(), "ward", "区"),
            Named::Scheme => (self.schemes.as_deref(), "funding scheme", "助成制度"),
            Named::SupportType => (Some(&self.support_types[..]), "support type", "支援の型"),
        };
        let Some(declared) = declared else {
            return;
        };
        if declared.iter().any(|d| d == name) {
            return;
        }
        let hint = suggest(name, declared.iter().map(String::as_str))
            .map_or_else(|| self.where_declared(named, declared), did_you_mean);
        let message = words(
            format!("unknown {en} `{name}`"),
            format!("不明な{ja} `{name}` です"),
        );
        diagnostics.push(
            Diagnostic::error_in(&entry.source.rel, message, Some(hint))
                .at(span)
                .field(field),
        );
    }

    /// The hint for a name that is not declared and close to none that is.
    fn where_declared(&self, named: Named, declared: &[String]) -> Words {
        match named {
            Named::Ward => words(
                format!(
                    "wards declared in content/districts/: {}",
                    declared.join(", ")
                ),
                format!("content/districts/ にある区: {}", declared.join("、")),
            ),
            Named::Scheme => words(
                "the scheme needs a file in content/funding/ whose `name` is exactly this",
                "content/funding/ に、`name` がこれと同じ制度のファイルが必要です",
            ),
            Named::SupportType => words(
                format!("support types in casebook.yaml: {}", declared.join(", ")),
                format!("casebook.yaml にある支援の型: {}", declared.join(", ")),
            ),
        }
    }
}

/// Case `entry` (at `index`) with its references resolved: each name checked
/// against what is declared, and the case listed under its terms (a term no
/// file declares is added).
fn resolve_references(
    index: usize,
    entry: Entry<CaseMeta>,
    terms: &mut Terms,
    declared: &Declared,
    diagnostics: &mut Diagnostics,
) -> Case {
    let meta = &entry.meta;
    if !meta.district.ward.is_empty() {
        let at = ("district".to_string(), locate_field(&entry, "district"));
        declared.check(Named::Ward, &meta.district.ward, &entry, at, diagnostics);
    }
    let (ward, area) = terms.place(index, &meta.district);
    let schemes = terms.fund(index, &entry, declared, diagnostics);
    if let Some(key) = &meta.support_type {
        let at = (
            "support_type".to_string(),
            locate_field(&entry, "support_type"),
        );
        declared.check(Named::SupportType, key, &entry, at, diagnostics);
    }
    let themes = terms.tag(index, &entry, diagnostics);
    let fiscal_year = meta
        .period
        .map_or(meta.published, |p| p.start)
        .fiscal_year();
    Case {
        path: format!("cases/{}/", entry.slug),
        entry,
        fiscal_year,
        ward,
        area,
        schemes,
        themes,
        related: Vec::new(),
    }
}

fn locate_field(entry: &Entry<CaseMeta>, field: &str) -> Span {
    entry
        .field_spans
        .get(field)
        .copied()
        .unwrap_or(Span::new(1, 1))
}

/// Sorts terms by their [`SortKey`]; returns the new index of each old one.
fn sort_terms<M, E>(terms: &mut Vec<Term<M, E>>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by(|&a, &b| terms[a].sort_key.cmp(&terms[b].sort_key));
    let mut new_index = vec![0; terms.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut taken: Vec<Option<Term<M, E>>> = std::mem::take(terms).into_iter().map(Some).collect();
    *terms = order.iter().filter_map(|&old| taken[old].take()).collect();
    new_index
}

fn renumber(references: &mut [usize], new_index: &[usize]) {
    for r in references {
        *r = new_index[*r];
    }
}

/// Fiscal years with their cases, newest first.
fn fiscal_years(cases: &[Case]) -> Vec<(i32, Vec<usize>)> {
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        years.entry(case.fiscal_year).or_default().push(i);
    }
    years.into_iter().rev().collect()
}

/// The plain pages, but for those whose slug the site itself uses.
fn site_pages(pages: Vec<Entry<PageMeta>>, diagnostics: &mut Diagnostics) -> Vec<Page> {
    pages
        .into_iter()
        .filter_map(|entry| {
            if RESERVED_PATHS.contains(&entry.slug.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        &entry.source.rel,
                        format!("the page slug `{}` is used by the site itself", entry.slug),
                    )
                    .ja(format!(
                        "ページのスラッグ `{}` はサイト自身が使っています",
                        entry.slug
                    ))
                    .at(Span::new(1, 1))
                    .hint("rename the file or set another `slug:`")
                    .ja_hint("ファイル名を変えるか、別の `slug:` を書いてください"),
                );
                return None;
            }
            Some(Page {
                path: format!("{}/", entry.slug),
                entry,
            })
        })
        .collect()
}

/// Up to three related cases per case: shared themes count double, then the
/// same area, ward and scheme; ties go to the newer case. Candidates come from
/// the cases' own terms, so the work grows with term sizes, not with n².
fn find_related(cases: &mut [Case]) {
    const RELATED: usize = 3;
    // Huge terms (a theme on every case) would make this quadratic; their
    // members are capped to the newest ones, which is what readers want anyway.
    const CAP: usize = 200;
    let mut by_theme: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_ward: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_scheme: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, case) in cases.iter().enumerate() {
        for &t in &case.themes {
            by_theme.entry(t).or_default().push(i);
        }
        by_ward.entry(case.ward).or_default().push(i);
        for &s in &case.schemes {
            by_scheme.entry(s).or_default().push(i);
        }
    }
    let related: Vec<Vec<usize>> = (0..cases.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; cases.len()], Vec::new()),
            |(scores, touched), i| {
                let case = &cases[i];
                let mut add = |members: Option<&Vec<usize>>, weight: u32| {
                    for &j in members.into_iter().flatten().take(CAP) {
                        if j != i {
                            if scores[j] == 0 {
                                touched.push(j);
                            }
                            scores[j] += weight;
                        }
                    }
                };
                for t in &case.themes {
                    add(by_theme.get(t), 2);
                }
                add(by_ward.get(&case.ward), 1);
                for s in &case.schemes {
                    add(by_scheme.get(s), 1);
                }
                let same_area = |j: usize| {
                    case.area.is_some() && cases[j].ward == case.ward && cases[j].area == case.area
                };
                // Highest score first, then the newer case (the lower index).
                let mut best: Vec<(u32, usize)> = Vec::with_capacity(RELATED + 1);
                for &j in touched.iter() {
                    let score = scores[j] + u32::from(same_area(j));
                    scores[j] = 0;
                    let position =
                        best.partition_point(|&(s, k)| s > score || (s == score && k < j));
                    if position < RELATED {
                        best.insert(position, (score, j));
                        best.truncate(RELATED);
                    }
                }
                touched.clear();
                best.into_iter().map(|(_, j)| j).collect()
            },
        )
        .collect();
    for (case, related) in cases.iter_mut().zip(related) {
        case.related = related;
    }
}
